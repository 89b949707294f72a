#!/usr/bin/env bash
# ODE: the gradient of the Lotka–Volterra UDE loss through Dopri5 (rtol 1e-6, atol 1e-8, float64),
# 2→32→32→2 tanh network, Hylo against torchdiffeq (1 thread), backprop-through-solver and adjoint,
# interleaved three times each.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repeats="${1:-50}"
for round in 1 2 3; do
  "$HYLO_CLI" bench ode "$repeats"
  "$PYTHON" "$here/bench_torch.py" "$repeats"
done | tee /dev/stderr | "$PYTHON" "$here/summarize.py"
