#!/usr/bin/env bash
# NPE on sbibm tasks at 10,000 simulations: Hylo against sbi (PyPI) on the same simulations, the same
# estimator (ESTIMATOR = maf | nsf | mdn, default nsf as in sbibm; 50 hidden units, 5 transforms),
# the same batch size and learning rate (sbi's defaults) and the same fixed number of epochs; both
# scored by sbibm's C2ST (7,000 vs 7,000).
# Usage: [EPOCHS=100] [ESTIMATOR=nsf] benchmarks/run sbi [TASK …]
#        (default tasks: two_moons gaussian_linear slcp bernoulli_glm sir)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(dirname "$(dirname "$here")")"
sbibm="${SBIBM_DIR:-$root/../shared/sbibm}"
epochs="${EPOCHS:-100}"
estimator="${ESTIMATOR:-nsf}"
tasks=("$@"); [ ${#tasks[@]} -gt 0 ] || tasks=(two_moons gaussian_linear slcp bernoulli_glm sir)
results=()
for task in "${tasks[@]}"; do
  work="$(mktemp -d)"
  "$HYLO_CLI" bench sbi "$task" "$sbibm" --budget 10000 --epochs "$epochs" --estimator "$estimator" --out "$work" > "$work/hylo.log"
  cat "$work/hylo.log"
  line=$(grep "train_s=" "$work/hylo.log")
  train_s=$(echo "$line" | sed -E 's/.*train_s=([0-9.e-]+).*/\1/')
  sample_s=$(echo "$line" | sed -E 's/.*sample_s=([0-9.e-]+).*/\1/')
  "$PYTHON" "$here/bench_sbi.py" "$task" "$work" "$sbibm" "$train_s" "$sample_s" "$epochs" 50 5 "$estimator" \
    > "$work/sbi.log" 2> "$work/sbi.err" || { cat "$work/sbi.err"; exit 1; }
  cat "$work/sbi.log"
  results+=("$(grep '^RESULT' "$work/sbi.log")")
  rm -rf "$work"
done
printf '%s\n' "${results[@]}"
