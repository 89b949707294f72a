"""Reads the Hylo and neuraloperator lines of benchmarks/operators/run.sh and prints one
`RESULT operators …` line per case with the epoch-time ratio."""

import re
import sys

hylo, torch = {}, {}
for line in sys.stdin:
    fields = dict(re.findall(r"(\w+)=(\S+)", line))
    if line.startswith("RESULT operators fno_"):
        hylo[line.split()[2][4:]] = float(fields["epoch_seconds"])
    elif line.startswith("neuralop "):
        torch[line.split()[1]] = float(fields["epoch_seconds"])
for case in hylo:
    if case in torch:
        print(f"RESULT operators fno_{case}_epoch hylo_s={hylo[case]:.3f} neuralop_s={torch[case]:.3f} "
              f"speedup={torch[case] / hylo[case]:.2f}")
