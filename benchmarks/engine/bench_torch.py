"""The PyTorch side of `benchmarks/run engine`: the same MLP 8→64→64→64→8 (tanh), batch 1024,
float64, 2 threads. Prints `torch forward_backward_ms=… train_step_ms=…` (medians)."""

import sys
import time

import torch

torch.set_num_threads(int(__import__("os").environ.get("TORCH_THREADS", "2")))
torch.set_default_dtype(torch.float64)
torch.manual_seed(0)
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 200

net = torch.nn.Sequential(
    torch.nn.Linear(8, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64), torch.nn.Tanh(),
    torch.nn.Linear(64, 64), torch.nn.Tanh(), torch.nn.Linear(64, 8))
x, y = torch.randn(1024, 8), torch.randn(1024, 8)
adam = torch.optim.Adam(net.parameters(), lr=1e-3)


def forward_backward():
    net.zero_grad(set_to_none=True)
    loss = ((net(x) - y) ** 2).mean()
    loss.backward()


def train_step():
    forward_backward()
    adam.step()


def median_time(fn):
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


for _ in range(20):
    train_step()
fb = median_time(forward_backward)
step = median_time(train_step)
print(f"torch forward_backward_ms={fb * 1e3} train_step_ms={step * 1e3} version={torch.__version__}")
