#!/usr/bin/env bash
# Neural operators: seconds per training epoch of the FNO on 1-D Burgers (1000 pairs at 1024
# points, 16 modes, width 64) and 2-D Darcy (1000 pairs at 85 × 85, 12 modes, width 32), Hylo
# against the neuraloperator package (PyTorch, float64, CPU), on the same generated data and the
# same architecture. Accuracy runs (500 epochs) are `hylo bench fno-burgers|fno-darcy|deeponet`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
epochs="${1:-3}"
data="$here/.data"; mkdir -p "$data"
for case in burgers darcy; do
  lifting=$([ "$case" = burgers ] && echo 128 || echo 64)
  "$HYLO_CLI" bench "fno-$case" --epochs "$epochs" --lifting "$lifting" --data "$data" | grep -E "^(RESULT|generated)"
  "$PYTHON" "$here/bench_neuralop.py" "$case" "$data" "$epochs"
done | tee /dev/stderr | "$PYTHON" "$here/summarize.py"
