"""Compares Hylo's C2ST per observation (the `hylo task=… obs=k c2st=…` lines of `hylo bench sbi`) with
sbibm's published C2ST for the same task, method and observations (sbibm_c2st_10k.csv). Prints
`RESULT <method> task=… c2st_hylo=… c2st_sbibm=… observations=… train_s=…`."""

import csv
import re
import sys


def main(log_path, table_path):
    scores, summary = {}, {}
    for line in open(log_path):
        if m := re.match(r"hylo task=(\S+) obs=(\d+) c2st=(\S+)", line):
            scores[int(m[2])] = float(m[3])
        elif line.startswith("hylo task=") and "method=" in line:
            summary = dict(kv.split("=", 1) for kv in line.split()[1:])
    task, method = summary["task"], summary["method"]
    rows = [r for r in csv.reader(l for l in open(table_path) if not l.startswith("#"))][1:]
    published = next((r[2:] for r in rows if r[0] == task and r[1] == method), None)
    observed = sorted(scores)
    hylo = sum(scores[k] for k in observed) / len(observed)
    reference = f"{sum(float(published[k - 1]) for k in observed) / len(observed):.3f}" if published else "none"
    print(f"RESULT {method} task={task} c2st_hylo={hylo:.3f} c2st_sbibm={reference} observations={len(observed)} "
          f"train_s={float(summary['train_s']):.1f} estimator={summary['estimator']}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
