import os
import subprocess
import sys

import numpy as np
import pytest

import hylo
from hylo.pinn import PDE, PINN


def grid(lower, upper, n=51):
    axes = [np.linspace(lo, hi, n) for lo, hi in zip(lower, upper)]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def relative_l2(u, exact):
    return np.linalg.norm(u - exact) / np.linalg.norm(exact)


def test_poisson_with_soft_dirichlet_conditions_reaches_the_closed_form():
    pde = PDE("x,y", "u", lower=[0, 0], upper=[1, 1])
    pde.equation("u_xx + u_yy + sin(pi*x)*sin(pi*y)")
    pde.dirichlet("boundary", "0", weight=100)
    net = PINN(pde, hidden_layers=3, hidden_features=20)
    seen = []
    result = net.train(adam_iterations=500, learning_rate=5e-3, lbfgs_iterations=4000, collocation_points=2000,
                       boundary_points=400, progress=lambda stage, done, total, loss, terms: seen.append(terms) and None)
    assert set(seen[-1]) == {"equation 0", "condition 0 (boundary)"} and np.isfinite(list(seen[-1].values())).all()
    assert result["lbfgs_reason"] in ("max_iterations", "function_tolerance", "gradient_tolerance", "line_search_failed")
    points = grid([0, 0], [1, 1])
    exact = np.sin(np.pi * points[:, 0]) * np.sin(np.pi * points[:, 1]) / (2 * np.pi ** 2)
    assert relative_l2(net(points)[:, 0], exact) <= 1e-3


def test_heat_equation_reaches_the_closed_form():
    a = 0.4
    pde = PDE("x,t", "u", lower=[0, 0], upper=[1, 1], time="t")
    pde.constant("a", a)
    pde.equation("u_t - a*u_xx")
    pde.initial("sin(pi*x)")
    pde.dirichlet("boundary", "0")
    net = PINN(pde, hidden_layers=3, hidden_features=20)
    net.train(adam_iterations=500, learning_rate=5e-3, lbfgs_iterations=3000, collocation_points=2000,
              boundary_points=400)
    points = grid([0, 0], [1, 1])
    exact = np.exp(-a * np.pi ** 2 * points[:, 1]) * np.sin(np.pi * points[:, 0])
    assert relative_l2(net(points)[:, 0], exact) <= 1e-3


def test_inverse_problem_and_bit_exact_reload_in_a_new_process(tmp_path):
    rng = np.random.default_rng(0)
    points = rng.uniform([0, 0], [1, 0.5], size=(40, 2))
    values = np.exp(-0.4 * np.pi ** 2 * points[:, 1]) * np.sin(np.pi * points[:, 0])
    pde = PDE("x,t", "u", lower=[0, 0], upper=[1, 0.5], time="t")
    pde.coefficient("a", 0.1)
    pde.equation("u_t - a*u_xx")
    pde.output_transform("u", "sin(pi*x) + t*x*(1 - x)*N")
    pde.observe("u", points, values)
    net = PINN(pde, hidden_layers=2, hidden_features=20, activation="sin", architecture="modified_mlp",
               weight_factorization=True)
    net.train(adam_iterations=300, learning_rate=1e-2, lbfgs_iterations=400, collocation_points=400)
    assert abs(net.coefficients[0] - 0.4) < 0.01
    path = tmp_path / "heat.safetensors"
    net.save(path)
    query = grid([0, 0], [1, 0.5], 17)
    expected = net(query)
    np.save(tmp_path / "q.npy", query)
    code = ("import numpy as np; from hylo.pinn import PINN; "
            f"m = PINN.load({str(path)!r}); "
            f"np.save({str(tmp_path / 'u.npy')!r}, m(np.load({str(tmp_path / 'q.npy')!r}))); "
            f"np.save({str(tmp_path / 'c.npy')!r}, m.coefficients)")
    subprocess.run([sys.executable, "-c", code], check=True)
    assert np.load(tmp_path / "u.npy").tobytes() == expected.tobytes()
    assert np.load(tmp_path / "c.npy").tobytes() == net.coefficients.tobytes()
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(hylo.FileFormatError, match="truncated"):
        PINN.load(path)


def test_bad_problems_are_rejected_with_positions_and_names():
    pde = PDE("x,t", "u", lower=[-1, 0], upper=[1, 1], time="t")
    with pytest.raises(hylo.InvalidArgumentError, match="unknown name 'nu' at character 15"):
        pde.equation("u_t + u*u_x - nu*u_xx")
    with pytest.raises(hylo.InvalidArgumentError, match=r"expected '\)'"):
        pde.equation("u_t + (u*u_x")
    with pytest.raises(hylo.InvalidArgumentError, match="x = 0.5 is not a bound"):
        pde.condition("x=0.5", "u")
    with pytest.raises(hylo.InvalidArgumentError, match="'q' is not a coordinate"):
        pde.equation("u_q")
    with pytest.raises(hylo.InvalidArgumentError, match="lower"):
        PDE("x", "u", lower=[1], upper=[0])
    with pytest.raises(hylo.InvalidArgumentError, match="the problem has neither equations nor observations"):
        PINN(pde)
    pde.constant("nu", 0.01)
    pde.equation("u_t + u*u_x - nu*u_xx")
    with pytest.raises(hylo.OptionError, match="hidden_layers"):
        PINN(pde, hidden_layers=0)
    with pytest.raises(hylo.OptionError, match="unknown option 'epochs'"):
        PINN(pde).train(epochs=3)
    net = PINN(pde, hidden_layers=1, hidden_features=4)
    with pytest.raises(hylo.Cancelled):
        net.train(adam_iterations=10, collocation_points=16, boundary_points=4,
                  progress=lambda stage, done, total, loss, terms: done < 3)
    with pytest.raises(ValueError):
        net(np.zeros((3, 3)))
    pde.equation("log(-1 - u^2)")
    with pytest.raises(hylo.NumericalError, match="the loss is NaN at the initial network"):
        PINN(pde).train(adam_iterations=5, collocation_points=16, boundary_points=4)


def burgers_exact(t, x, nu=0.01 / np.pi):
    """Cole–Hopf by the trapezoid rule in z = η / sqrt(4νt) on [-8, 8], the largest exponent subtracted."""
    z = np.linspace(-8, 8, 1601)
    t, x = np.broadcast_arrays(np.asarray(t, float)[..., None], np.asarray(x, float)[..., None])
    y = x - np.sqrt(4 * nu * np.maximum(t, 0)) * z
    exponent = -np.cos(np.pi * y) / (2 * np.pi * nu) - z ** 2
    w = np.exp(exponent - exponent.max(axis=-1, keepdims=True))
    u = -(w * np.sin(np.pi * y)).sum(-1) / w.sum(-1)
    return np.where(t[..., 0] > 0, u, -np.sin(np.pi * x[..., 0]))


def test_burgers_with_the_conditions_built_in_approaches_cole_hopf():
    pde = PDE("x,t", "u", lower=[-1, 0], upper=[1, 1], time="t")
    pde.constant("nu", 0.01 / np.pi)
    pde.equation("u_t + u*u_x - nu*u_xx")
    pde.output_transform("u", "-sin(pi*x) + t*(1 - x^2)*N")
    net = PINN(pde, hidden_layers=8, hidden_features=20)
    net.train(adam_iterations=500, lbfgs_iterations=2500, collocation_points=3000)
    x, t = np.linspace(-1, 1, 256), np.arange(100) * 0.01
    T, X = np.meshgrid(t, x, indexing="ij")
    exact = burgers_exact(T, X)
    u = net(np.stack([X.ravel(), T.ravel()], 1))[:, 0]
    assert relative_l2(u, exact.ravel()) <= 1e-2


@pytest.mark.skipif(not os.environ.get("HYLO_FULL_PINN"), reason="about 10 minutes on two cores; set HYLO_FULL_PINN=1")
def test_burgers_in_raissis_setting_reaches_1e_3():
    """Raissi et al. 2019: 8×20 tanh, 10,000 collocation points, soft initial and boundary
    conditions, L-BFGS; they report 6.7e-4."""
    pde = PDE("x,t", "u", lower=[-1, 0], upper=[1, 1], time="t")
    pde.constant("nu", 0.01 / np.pi)
    pde.equation("u_t + u*u_x - nu*u_xx")
    pde.initial("-sin(pi*x)")
    pde.dirichlet("boundary", "0")
    net = PINN(pde, hidden_layers=8, hidden_features=20)
    net.train(adam_iterations=1000, lbfgs_iterations=6000, collocation_points=10_000, boundary_points=100)
    x, t = np.linspace(-1, 1, 256), np.arange(100) * 0.01
    T, X = np.meshgrid(t, x, indexing="ij")
    u = net(np.stack([X.ravel(), T.ravel()], 1))[:, 0]
    assert relative_l2(u, burgers_exact(T, X).ravel()) <= 1e-3
