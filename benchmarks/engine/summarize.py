"""Reads `hylo …` and `torch …` timing lines, prints the best of each and the RESULT line."""
import sys

best = {}
for line in sys.stdin:
    words = line.split()
    if not words or words[0] not in ("hylo", "torch"):
        continue
    for item in words[1:]:
        key, _, value = item.partition("=")
        if key.endswith("_ms"):
            k = (words[0], key)
            best[k] = min(best.get(k, float("inf")), float(value))

fb = best[("torch", "forward_backward_ms")] / best[("hylo", "forward_backward_ms")]
step = best[("torch", "train_step_ms")] / best[("hylo", "train_step_ms")]
print(f"RESULT engine mlp_step_ratio={step:.2f} forward_backward_ratio={fb:.2f} "
      f"hylo_step_ms={best[('hylo', 'train_step_ms')]:.3f} torch_step_ms={best[('torch', 'train_step_ms')]:.3f} "
      f"hylo_fb_ms={best[('hylo', 'forward_backward_ms')]:.3f} torch_fb_ms={best[('torch', 'forward_backward_ms')]:.3f}")
