"""The torchdiffeq side of `benchmarks/run ode`: the same UDE gradient (see Sources/hylo/ODEBenchmark.swift),
float64, Dopri5 at rtol 1e-6, atol 1e-8, by backpropagation through odeint and by odeint_adjoint."""
import statistics
import sys
import time

import torch
from torchdiffeq import odeint, odeint_adjoint

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 50


class UDE(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(2, 32), torch.nn.Tanh(), torch.nn.Linear(32, 32), torch.nn.Tanh(),
                                       torch.nn.Linear(32, 2))

    def forward(self, t, u):
        physics = torch.stack([1.3 * u[0], -1.8 * u[1]])
        return physics + self.net(u)


def truth(t, u):
    return torch.stack([1.3 * u[0] - 0.9 * u[0] * u[1], 0.8 * u[0] * u[1] - 1.8 * u[1]])


y0 = torch.tensor([0.44249296, 4.6280594])
times = torch.linspace(0, 3, 31)
with torch.no_grad():
    data = odeint(truth, y0, times, rtol=1e-12, atol=1e-12, method="dopri8")
model = UDE()
with torch.no_grad():  # the same weights as Hylo: 0.3 sin(0.7 k + 1) over W (row-major) then b, layer by layer
    k = 0
    for layer in (m for m in model.net if isinstance(m, torch.nn.Linear)):
        for tensor in (layer.weight, layer.bias):
            n = tensor.numel()
            tensor.copy_((0.3 * torch.sin(0.7 * torch.arange(k, k + n, dtype=torch.float64) + 1)).reshape(tensor.shape))
            k += n

for name, integrate in (("discrete_adjoint", odeint), ("continuous_adjoint", odeint_adjoint)):
    samples, steps = [], 0
    for _ in range(repeats):
        model.zero_grad()
        start = time.perf_counter()
        prediction = integrate(model, y0, times, rtol=1e-6, atol=1e-8, method="dopri5")
        loss = ((prediction - data) ** 2).mean()
        loss.backward()
        samples.append(time.perf_counter() - start)
    norm = torch.sqrt(sum((p.grad ** 2).sum() for p in model.parameters())).item()
    print(f"torch method={name} grad_ms={1e3 * statistics.median(samples)} loss={loss.item()} grad_norm={norm}")
