"""Reads `hylo …` and `torch …` lines, keeps the best time of each, prints the RESULT line."""
import sys

best, threads = {}, "1"
for line in sys.stdin:
    words = line.split()
    if words and words[0] in ("hylo", "torch"):
        fields = dict(w.partition("=")[::2] for w in words[1:])
        best[words[0]] = min(best.get(words[0], float("inf")), float(fields["iter_ms"]))
        threads = fields.get("threads", threads)
print(f"RESULT pinn iter_ratio={best['torch'] / best['hylo']:.2f} hylo_iter_ms={best['hylo']:.2f} "
      f"torch_iter_ms={best['torch']:.2f} network=2-50x4-1 points=10000 threads={threads}")
