"""PyTorch side of benchmarks/run pinn: one Adam iteration of the Burgers PINN (float64, CPU,
argv[2] threads, default one), residual by nested torch.autograd.grad, 2→[50]×4→1 tanh, 10,000 collocation points from
a Sobol sequence, 100 initial and 100 boundary points. Prints `torch iter_ms=…`."""
import math
import sys
import time

import torch

torch.set_default_dtype(torch.float64)
iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 30
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
torch.set_num_threads(threads)
nu = 0.01 / math.pi

layers = [torch.nn.Linear(2, 50)] + [torch.nn.Linear(50, 50) for _ in range(3)]
net = torch.nn.Sequential(*[m for layer in layers for m in (layer, torch.nn.Tanh())], torch.nn.Linear(50, 1))
optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)

sobol = torch.quasirandom.SobolEngine(2, scramble=True, seed=0)
interior = sobol.draw(10_000, dtype=torch.float64) * torch.tensor([2.0, 1.0]) - torch.tensor([1.0, 0.0])
x0 = torch.rand(100, 1) * 2 - 1
initial = torch.cat([x0, torch.zeros_like(x0)], 1)
tb = torch.rand(100, 1)
boundary = torch.cat([torch.where(torch.arange(100).unsqueeze(1) < 50, -1.0, 1.0), tb], 1)


def step():
    optimizer.zero_grad()
    xt = interior.clone().requires_grad_(True)
    u = net(xt)
    du = torch.autograd.grad(u.sum(), xt, create_graph=True)[0]
    u_x, u_t = du[:, :1], du[:, 1:]
    u_xx = torch.autograd.grad(u_x.sum(), xt, create_graph=True)[0][:, :1]
    residual = u_t + u * u_x - nu * u_xx
    loss = (residual ** 2).mean() + ((net(initial) + torch.sin(math.pi * initial[:, :1])) ** 2).mean() \
        + (net(boundary) ** 2).mean()
    loss.backward()
    optimizer.step()


for _ in range(5):
    step()
start = time.perf_counter()
for _ in range(iterations):
    step()
print(f"torch iter_ms={(time.perf_counter() - start) / iterations * 1000:.3f} threads={threads}")
