#!/usr/bin/env bash
# NPE, NLE or NRE (METHOD, default npe) on sbibm tasks at 10,000 simulations: Hylo against sbi (PyPI) on
# the same simulations, the same estimator (ESTIMATOR = maf | nsf | mdn; default nsf for NPE and maf
# for NLE, as in sbibm; 50 hidden units, 5 transforms; NRE-B with 10 atoms and a residual classifier),
# the same batch size and learning rate (sbi's defaults) and the same fixed number of epochs; NLE and
# NRE posteriors are sampled by each side's default MCMC (slice sampling, 20 chains, 200 warm-up steps,
# SIR initialisation); both scored by sbibm's C2ST against the reference samples of observations
# 1…OBSERVATIONS (default 5).
#
# ANCHOR=sbibm (the default for METHOD = snpe | snle | snre): Hylo alone, trained to convergence
# (sequential methods: sbibm's 10 rounds of 1,000 simulations per observation), scored by Hylo's C2ST
# (sbibm's protocol) and compared with sbibm's published C2ST for the same method, budget and
# observations (sbibm_c2st_10k.csv).
#
# METHOD=coverage: expected coverage of NPE, an ensemble of 5 NPEs and NPEs trained with the
# differentiable-coverage regularizer (conservative and calibrated) on 10,000 simulations of each
# TASK, measured on 1,000 fresh simulations (benchmarks/RESULTS.md explains the columns).
#
# HYLO_OPTIONS is appended to the `hylo bench sbi` or `hylo bench coverage` command line (e.g.
# sbibm's MCMC settings for NLE and NRE posteriors: "--chains 100 --thin 10 --warmup 100", a
# training batch size "--batch 1000", or for coverage "--only conservative_ensemble --estimator nsf
# --strength 200").
#
# C2ST=hylo scores both sides with `hylo c2st` (Hylo's implementation of sbibm's C2ST) instead of
# scikit-learn, which takes minutes per 10-D sample set.
#
# Usage: [METHOD=npe] [ANCHOR=sbi|sbibm] [EPOCHS=100] [ESTIMATOR=nsf] [OBSERVATIONS=5] [C2ST=sklearn|hylo] [HYLO_OPTIONS=…]
#        benchmarks/run sbi [TASK …]
#        (default tasks: two_moons gaussian_linear slcp bernoulli_glm sir; coverage: slcp)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(dirname "$(dirname "$here")")"
sbibm="${SBIBM_DIR:-$root/../shared/sbibm}"
epochs="${EPOCHS:-100}"
method="${METHOD:-npe}"
case "$method" in snpe|snle|snre) anchor="${ANCHOR:-sbibm}" ;; *) anchor="${ANCHOR:-sbi}" ;; esac
case "$method" in npe|snpe) estimator="${ESTIMATOR:-nsf}" ;; *) estimator="${ESTIMATOR:-maf}" ;; esac
observations="${OBSERVATIONS:-5}"
tasks=("$@")
if [ "$method" = coverage ]; then
  [ ${#tasks[@]} -gt 0 ] || tasks=(slcp)
  for task in "${tasks[@]}"; do
    "$HYLO_CLI" bench coverage "$task" ${HYLO_OPTIONS:-} | sed 's/^coverage /RESULT coverage /'
  done
  exit 0
fi
[ ${#tasks[@]} -gt 0 ] || tasks=(two_moons gaussian_linear slcp bernoulli_glm sir)
results=()
for task in "${tasks[@]}"; do
  work="$(mktemp -d)"
  if [ "$anchor" = sbibm ]; then
    "$HYLO_CLI" bench sbi "$task" "$sbibm" --method "$method" --observations "$observations" --budget 10000 --estimator "$estimator" ${HYLO_OPTIONS:-} > "$work/hylo.log"
    cat "$work/hylo.log"
    results+=("$("$PYTHON" "$here/published.py" "$work/hylo.log" "$here/sbibm_c2st_10k.csv")")
  else
    "$HYLO_CLI" bench sbi "$task" "$sbibm" --method "$method" --observations "$observations" --budget 10000 --epochs "$epochs" --estimator "$estimator" --out "$work" ${HYLO_OPTIONS:-} > "$work/hylo.log"
    cat "$work/hylo.log"
    line=$(grep "train_s=" "$work/hylo.log")
    train_s=$(echo "$line" | sed -E 's/.*train_s=([0-9.e-]+).*/\1/')
    sample_s=$(echo "$line" | sed -E 's/.*sample_s=([0-9.e-]+).*/\1/')
    "$PYTHON" "$here/bench_sbi.py" "$task" "$work" "$sbibm" "$train_s" "$sample_s" "$epochs" 50 5 "$estimator" "$method" "$observations" \
      > "$work/sbi.log" 2> "$work/sbi.err" || { cat "$work/sbi.err"; exit 1; }
    cat "$work/sbi.log"
    results+=("$(grep '^RESULT' "$work/sbi.log")")
  fi
  rm -rf "$work"
done
printf '%s\n' "${results[@]}"
