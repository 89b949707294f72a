"""The neuraloperator side of benchmarks/operators: seconds per training epoch of the same FNO on
the same data as `hylo bench fno-burgers|fno-darcy`, float64 on the CPU.

    python bench_neuralop.py burgers|darcy DATA_DIR EPOCHS

The architecture matches Hylo's run: grid coordinates appended, a two-layer lifting and projection
(2 × width hidden channels), linear skip (W v + b) in every Fourier layer, no channel MLP, GELU;
Adam (lr 1e-3, weight decay 1e-4), batches of 20, the relative L2 loss. Prints
`neuralop CASE epoch_seconds=… test_error=…`.
"""

import sys
import time

import numpy as np
import torch
from neuralop.models import FNO

case, directory, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
torch.set_default_dtype(torch.float64)
torch.manual_seed(0)
if case == "burgers":
    a, u = (np.load(f"{directory}/burgers_1024_{i}.npy") for i in range(2))
    # neuraloperator counts modes over the full spectrum of each axis and keeps n // 2 + 1 bins of
    # the last: (30,) keeps bins 0…15, Hylo's 16 modes.
    shape, modes, width = (1024,), (30,), 64
else:
    a, u = (np.load(f"{directory}/darcy_85_{i}.npy") for i in range(2))
    shape, modes, width = (85, 85), (24, 22), 32  # ±12 rows × bins 0…11, Hylo's 12 × 12
a = torch.from_numpy(a.reshape((-1, 1) + shape))
u = torch.from_numpy(u.reshape((-1, 1) + shape))
train, test = slice(0, 1000), slice(1000, None)

model = FNO(n_modes=modes, in_channels=1, out_channels=1, hidden_channels=width, n_layers=4,
            lifting_channel_ratio=2, projection_channel_ratio=2, positional_embedding="grid",
            use_channel_mlp=False, fno_skip="linear")
# float64 throughout: real parameters to double, the complex spectral weights to complex128
# (Module.to(float64) would drop their imaginary parts).
for p in model.parameters():
    p.data = p.data.to(torch.complex128 if p.is_complex() else torch.float64)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)


def relative_l2(p, t):
    return (torch.linalg.vector_norm((p - t).flatten(1), dim=1) / torch.linalg.vector_norm(t.flatten(1), dim=1)).mean()


# Channel normalization as in Hylo's run.
am, asd = a[train].mean(), a[train].std()
um, usd = u[train].mean(), u[train].std()
times = []
for epoch in range(epochs):
    start = time.perf_counter()
    order = torch.randperm(1000)
    for i in range(0, 1000, 20):
        batch = order[i:i + 20]
        optimizer.zero_grad()
        loss = relative_l2(model((a[batch] - am) / asd) * usd + um, u[batch])
        loss.backward()
        optimizer.step()
    times.append(time.perf_counter() - start)
with torch.no_grad():
    error = relative_l2(model((a[test] - am) / asd) * usd + um, u[test]).item()
print(f"neuralop {case} epoch_seconds={sorted(times)[len(times) // 2]:.3f} test_error={error:.4f} "
      f"threads={torch.get_num_threads()} version={__import__('neuralop').__version__}")
