#!/usr/bin/env bash
# PINN: one Adam iteration of the Burgers PINN (2→[50]×4→1 tanh, 10,000 collocation points,
# float64, THREADS threads on both sides, default one): Hylo's Taylor-mode jets against PyTorch's
# nested autograd.grad, interleaved three times; the best time of each is kept.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
iterations="${1:-30}"
threads="${THREADS:-1}"
for round in 1 2 3; do
  HYLO_NUM_THREADS="$threads" "$HYLO_CLI" bench pinn "$iterations"
  "$PYTHON" "$here/bench_torch.py" "$iterations" "$threads"
done | tee /dev/stderr | "$PYTHON" "$here/summarize.py"
