"""Reads `hylo …` and `torch …` lines, keeps the best time per method, prints the RESULT line."""
import sys

best = {}
for line in sys.stdin:
    words = line.split()
    if not words or words[0] not in ("hylo", "torch"):
        continue
    fields = dict(w.partition("=")[::2] for w in words[1:])
    key = (words[0], fields["method"])
    best[key] = min(best.get(key, float("inf")), float(fields["grad_ms"]))

parts = []
for method, label in (("discrete_adjoint", "backprop"), ("continuous_adjoint", "adjoint")):
    ratio = best[("torch", method)] / best[("hylo", method)]
    parts.append(f"grad_ratio_{label}={ratio:.1f} hylo_{label}_ms={best[('hylo', method)]:.3f} "
                 f"torchdiffeq_{label}_ms={best[('torch', method)]:.3f}")
print("RESULT ode " + " ".join(parts))
