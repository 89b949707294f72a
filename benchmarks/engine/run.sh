#!/usr/bin/env bash
# Engine: forward + backward of an MLP 8→64→64→64→8 (tanh) on a batch of 1024, and a full Adam
# training step, float64, Hylo against PyTorch (2 threads), interleaved three times each.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
steps="${1:-300}"
for round in 1 2 3; do
  "$HYLO_CLI" bench engine "$steps"
  "$PYTHON" "$here/bench_torch.py" "$steps"
done | tee /dev/stderr | "$PYTHON" "$here/summarize.py"
