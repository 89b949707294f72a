"""Neural operators and their data generators through the C ABI."""

import numpy as np
import pytest

import hylo
from hylo.operators import FNO, DeepONet, antiderivative, burgers, darcy, gaussian_field, relative_l2


def test_generators_are_reproducible_and_physical():
    a, u = burgers(3, resolution=64, seed=1, solver_points=256, step=5e-3)
    b, v = burgers(3, resolution=64, seed=1, solver_points=256, step=5e-3)
    assert a.shape == (3, 64) and np.array_equal(a, b) and np.array_equal(u, v)
    assert np.all(np.sum(u**2, axis=1) < np.sum(a**2, axis=1))  # viscosity dissipates energy
    coefficient, pressure = darcy(2, resolution=17, seed=2)
    assert set(np.unique(coefficient)) <= {3.0, 12.0}
    assert np.all(pressure[:, 0, :] == 0) and np.all(pressure[:, 1:-1, 1:-1] > 0)
    fields = gaussian_field(500, 32, seed=3)
    assert fields.shape == (500, 32) and abs(fields.mean()) < 0.1
    assert gaussian_field(2, (8, 6)).shape == (2, 8, 6)
    u, y, s = antiderivative(4, num_points=50, seed=4)
    assert u.shape == (4, 100) and y.shape == (50, 1) and s.shape == (4, 50) and s[0, 0] == 0
    u, y, s = antiderivative(6, num_points=0, seed=4)
    assert y.shape == (6, 1) and s.shape == (6,)


def test_fno_learns_the_heat_semigroup_and_reloads_bit_exactly(tmp_path):
    rng = np.random.default_rng(0)
    n, points = 64, 32
    x = np.arange(points) / points
    k = np.arange(1, 5)
    c = rng.normal(size=(n, 4, 2))
    def at(t):
        decay = np.exp(-4 * np.pi**2 * k**2 * t)
        return np.einsum("nk,kx->nx", c[:, :, 0] * decay, np.cos(2 * np.pi * np.outer(k, x))) + \
            np.einsum("nk,kx->nx", c[:, :, 1] * decay, np.sin(2 * np.pi * np.outer(k, x)))
    a, u = at(0.0), at(0.01)
    fno = FNO(modes=6, width=8, layers=2, projection_channels=16, seed=1)
    seen = []
    fno.train(a, u, epochs=150, batch_size=16, step_every=50, learning_rate=1e-2,
              progress=lambda stage, done, total, loss: seen.append((stage, done, total)))
    assert seen[-1] == ("epoch", 150, 150)
    assert relative_l2(fno(a), u) < 0.05
    # Resolution independence: the same operator on a grid twice as fine.
    fine = np.arange(2 * points) / (2 * points)
    a2 = np.einsum("nk,kx->nx", c[:, :, 0], np.cos(2 * np.pi * np.outer(k, fine))) + \
        np.einsum("nk,kx->nx", c[:, :, 1], np.sin(2 * np.pi * np.outer(k, fine)))
    assert fno(a2).shape == (n, 2 * points)
    path = tmp_path / "heat.fno"
    fno.save(path)
    again = FNO.load(path)
    assert np.array_equal(again(a), fno(a))


def test_fno_2d_trains_and_cancels():
    a, u = darcy(6, resolution=12, seed=5)
    fno = FNO(dimensions=2, modes=3, width=4, layers=1, projection_channels=8)
    with pytest.raises(hylo.errors.Cancelled):
        fno.train(a, u, epochs=5, batch_size=2, progress=lambda *args: False)
    fno.train(a, u, epochs=2, batch_size=3)
    assert fno(a).shape == a.shape


def test_deeponet_cartesian_and_pointwise(tmp_path):
    u, y, s = antiderivative(60, num_points=20, seed=6, sensors=20)
    net = DeepONet(sensors=20, hidden_features=30, latent=30, activation="tanh", seed=2)
    net.train(u, y, s, epochs=1500, learning_rate=3e-3)
    assert np.mean((net(u, y) - s) ** 2) < 5e-3
    uu, yy, ss = antiderivative(200, num_points=0, seed=7, sensors=20)
    net.train(uu, yy, ss, pointwise=True, epochs=10)
    assert net(uu, yy, pointwise=True).shape == (200,)
    net.save(tmp_path / "anti.onet")
    assert np.array_equal(DeepONet.load(tmp_path / "anti.onet")(u, y), net(u, y))


def test_bad_input_names_the_problem(tmp_path):
    with pytest.raises(hylo.errors.OptionError, match="modes"):
        FNO(modes=0)
    fno = FNO(modes=8, width=4, layers=1)
    with pytest.raises(hylo.errors.StateError):
        fno(np.zeros((1, 32)))
    with pytest.raises(hylo.errors.ShapeError, match="resolve"):
        fno.train(np.ones((2, 8)), np.ones((2, 8)))
    with pytest.raises(hylo.errors.NotFiniteError):
        fno.train(np.full((2, 32), np.nan), np.ones((2, 32)))
    with pytest.raises(hylo.errors.InvalidArgumentError, match="zero everywhere"):
        fno.train(np.ones((2, 32)), np.zeros((2, 32)))
    with pytest.raises(hylo.errors.InvalidArgumentError, match="divide"):
        burgers(1, resolution=1000)
    (tmp_path / "junk.fno").write_bytes(b"\x00" * 40)
    with pytest.raises(hylo.errors.FileFormatError):
        FNO.load(tmp_path / "junk.fno")
    with pytest.raises(hylo.errors.OptionError, match="mse"):
        DeepONet(sensors=4).train(np.ones((3, 4)), np.ones((3, 1)), np.ones(3), pointwise=True, loss="relative_l2")
