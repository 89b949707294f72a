import numpy as np
import pytest

import hylo
from hylo.ode import ODE, Corrector, Hybrid, IllegalState, sparse_regression

P = np.array([0.04, 1e4, 3e7])


def robertson(t, y, p):
    return [-p[0] * y[0] + p[1] * y[1] * y[2], p[0] * y[0] - p[1] * y[1] * y[2] - p[2] * y[1] ** 2, p[2] * y[1] ** 2]


def robertson_jacobian(t, y, p):
    return [[-p[0], p[1] * y[2], p[1] * y[1]],
            [p[0], -p[1] * y[2] - 2 * p[2] * y[1], -p[1] * y[1]],
            [0, 2 * p[2] * y[1], 0]]


def test_robertson_matches_the_reference_with_both_stiff_methods():
    system = ODE(robertson, n=3, num_params=3, jacobian=robertson_jacobian)
    reference = [0.6172348816081134, 6.153591196187991e-06, 0.382758964800691]
    for method in ("rodas4", "kvaerno5"):
        y = system.solve([1, 0, 0], [100.0], P, method=method, rtol=1e-8, atol=1e-14)
        np.testing.assert_allclose(y[0], reference, rtol=1e-6)
        assert system.statistics["accepted_steps"] > 10
    assert system.derivative_sources["jacobian"] == "callback"
    assert system.derivative_sources["vjp_y"] == "derived"
    assert system.derivative_sources["vjp_p"] == "finite differences"


def test_sensitivities_match_cvodes_and_every_gradient_method_agrees():
    system = ODE(robertson, n=3, num_params=3, jacobian=robertson_jacobian)
    times = [0.4, 40.0]
    y, s = system.sensitivities([1, 0, 0], times, P, method="kvaerno5", rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(y, [[9.8517e-1, 3.3864e-5, 1.4794e-2], [7.1583e-1, 9.1856e-6, 2.8416e-1]], rtol=1e-4)
    np.testing.assert_allclose(s[:, :, 0], [[-3.5595e-1, 3.9025e-4, 3.5556e-1], [-4.2475, 4.5913e-5, 4.2475]],
                               rtol=1e-4)
    weights = np.array([1.0, 1e4, 1.0])
    expected = np.einsum("ki,kij->j", 2 * weights * y, s)
    for gradient in ("discrete_adjoint", "continuous_adjoint", "forward"):
        loss, grads = system.gradient([1, 0, 0], times, P, loss=lambda u: (weights * u ** 2).sum(),
                                      loss_grad=lambda u: 2 * weights * u, gradient=gradient, method="kvaerno5",
                                      rtol=1e-9, atol=1e-14)
        assert loss == pytest.approx((weights * y ** 2).sum(), rel=1e-6)
        np.testing.assert_allclose(grads["p"], expected, rtol=1e-3, err_msg=gradient)


def test_exceptions_in_callbacks_are_reraised_and_illegal_states_retry():
    def broken(t, y, p):
        raise KeyError("no such species")

    with pytest.raises(KeyError, match="no such species"):
        ODE(broken, n=1).solve([1.0], [1.0])

    def bounded(t, y, p):  # logistic growth to 1; f is undefined above 1.01, where big steps overshoot
        if y[0] > 1.01:
            raise IllegalState
        return [10 * y[0] * (1 - y[0])]

    system = ODE(bounded, n=1)
    y = system.solve([0.01], [0.5, 3.0], rtol=1e-2, atol=1e-4, initial_step=0.5, stop_at_output_times=False)
    exact = 1 / (1 + 99 * np.exp(-10 * np.array([0.5, 3.0])))
    np.testing.assert_allclose(y[:, 0], exact, atol=0.03)
    assert system.statistics["illegal_states"] >= 1

    def always_illegal(t, y, p):
        return None if t > 0.5 else [1.0]

    with pytest.raises(hylo.NumericalError, match="step size"):
        ODE(always_illegal, n=1).solve([0.0], [1.0])


def test_bad_arguments_raise_with_the_library_message():
    system = ODE(lambda t, y, p: -p[0] * y, n=1, num_params=1)
    with pytest.raises(hylo.OptionError, match="method"):
        system.solve([1.0], [1.0], [0.5], method="rk45")
    with pytest.raises(hylo.InvalidArgumentError, match="fixed_step"):
        system.solve([1.0], [1.0], [0.5], method="rk4")
    with pytest.raises(hylo.InvalidArgumentError, match="monotone"):
        system.solve([1.0], [1.0, 0.5], [0.5])
    with pytest.raises(ValueError, match="parameters"):
        system.solve([1.0], [1.0])


def test_batch_and_exact_decay():
    system = ODE(lambda t, y, p: -p[0] * y, n=1, num_params=1)
    times = np.linspace(0.5, 2, 4)
    y = system.solve_batch([[1.0], [2.0], [3.0]], times, [[0.5], [1.0], [2.0]], rtol=1e-10, atol=1e-12)
    expected = np.array([[a * np.exp(-k * times)] for a, k in [(1, 0.5), (2, 1.0), (3, 2.0)]]).reshape(3, 4, 1)
    np.testing.assert_allclose(y, expected, rtol=1e-8)
    fixed = system.solve([1.0], [1.0], [1.0], method="rk4", fixed_step=0.01)
    assert fixed[0, 0] == pytest.approx(np.exp(-1), rel=1e-9)


def test_hybrid_model_learns_a_missing_term_and_sparse_regression_names_it(tmp_path):
    # truth: y' = -0.5 y - 0.3 y³; known physics: -k y with k estimated jointly; the network learns -0.3 y³
    truth = ODE(lambda t, y, p: -0.5 * y - 0.3 * y ** 3, n=1)
    times = np.linspace(0.2, 3, 15)
    starts = np.array([[2.0], [-1.5], [1.0]])
    data = np.stack([truth.solve(y, times, rtol=1e-10) for y in starts])
    physics = ODE(lambda t, y, p: -p[0] * y, n=1, num_params=1, vjp_y=lambda t, y, p, v: -p[0] * v,
                  vjp_p=lambda t, y, p, v: -v * y)
    model = Hybrid(physics, hidden_features=16, seed=3)
    model.physics_parameters = [0.3]
    stages = []
    result = model.fit(starts, times, data, adam_iterations=300, lbfgs_iterations=300, learning_rate=0.01,
                       progress=lambda stage, done, total, loss: stages.append(stage))
    assert result["data_loss"] < 1e-4 and set(stages) == {"adam", "lbfgs"}
    ys = np.linspace(-1.5, 2, 50).reshape(-1, 1)
    g = model.network_term(ys)
    full = g - model.physics_parameters[0] * ys
    xi, names = sparse_regression(ys, full, degree=3, threshold=0.05, names=["y"])
    assert names == ["1", "y", "y^2", "y^3"]
    np.testing.assert_allclose(xi[0, [1, 3]], [-0.5, -0.3], atol=0.05)
    # discovery refits each candidate structure (and here k) to observations with 1 % noise and
    # lets BIC choose: only y³ is added to the physics, and both rates come out right
    noisy = data + 0.01 * np.random.default_rng(0).standard_normal(data.shape)
    xi, names, k = model.discover(starts, times, noisy, degree=3, names=["y"], refit_physics=1)
    assert names == ["1", "y", "y^2", "y^3"] and np.count_nonzero(xi) == 1
    assert abs(xi[0, 3] + 0.3) < 0.01 and abs(k[0] - 0.5) < 0.01
    path = tmp_path / "hybrid.safetensors"
    model.save(path)
    again = Hybrid.load(path, physics)
    np.testing.assert_array_equal(again.parameters, model.parameters)
    np.testing.assert_array_equal(again.solve([1.2], times), model.solve([1.2], times))


def test_sparse_regression_with_a_trigonometric_library_recovers_a_pendulum():
    rng = np.random.default_rng(0)
    states = np.column_stack([rng.uniform(-3, 3, 300), rng.uniform(-2, 2, 300)])  # (θ, ω)
    accelerations = -4.0 * np.sin(states[:, 0]) - 0.2 * states[:, 1]
    xi, names = sparse_regression(states, accelerations, degree=1, trigonometric=True, threshold=0.05,
                                  names=["theta", "omega"])
    assert names == ["1", "theta", "omega", "sin(theta)", "cos(theta)", "sin(omega)", "cos(omega)"]
    expected = np.zeros(7)
    expected[[2, 3]] = [-0.2, -4.0]
    np.testing.assert_allclose(xi[0], expected, atol=1e-8)
    with pytest.raises(hylo.HyloError, match="degree"):
        sparse_regression(states, accelerations, degree=9)


def test_multiple_shooting_finds_an_oscillators_frequency_where_single_shooting_is_trapped():
    # y0' = y1, y1' = -w^2 y0 observed over 4 periods; the network is zero and not trained
    physics = ODE(lambda t, y, p: [y[1], -p[0] ** 2 * y[0]], n=2, num_params=1,
                  vjp_y=lambda t, y, p, v: [-p[0] ** 2 * v[1], v[0]], vjp_p=lambda t, y, p, v: [-2 * p[0] * y[0] * v[1]])
    times = 0.25 * np.arange(1, 49)
    data = np.column_stack([np.cos(2 * times), -2 * np.sin(2 * times)])
    settings = dict(train_network=False, adam_iterations=200, learning_rate=0.02, lbfgs_iterations=150)
    fits = {}
    for segments in (1, 12):
        model = Hybrid(physics, hidden_features=2, hidden_layers=1, output_scale=0.0, seed=1)
        model.physics_parameters = [1.3]
        fits[segments] = model.fit([1.0, 0.0], times, data, shooting_segments=segments, **settings), model.physics_parameters[0]
    (single, w_single), (multiple, w_multiple) = fits[1], fits[12]
    assert abs(w_multiple - 2) < 1e-5 and multiple["data_loss"] < 1e-8
    assert abs(w_single - 2) > 0.1 and single["data_loss"] > 100 * multiple["data_loss"]


def test_hamiltonian_network_learns_a_pendulum_and_conserves_its_energy(tmp_path):
    pendulum = ODE(lambda t, y, p: [y[1], -np.sin(y[0])], n=2)
    times = 0.3 * np.arange(1, 11)
    starts = np.array([[0.5, 0.0], [1.0, 0.3], [-1.4, 0.2], [0.0, 1.2], [0.3, -0.8], [2.0, 0.0]])
    data = np.stack([pendulum.solve(y, times, rtol=1e-10) for y in starts])
    model = Hybrid(None, n=2, coupling="hamiltonian", hidden_features=12, output_scale=1.0, seed=1)
    result = model.fit(starts, times, data, adam_iterations=200, learning_rate=5e-3, lbfgs_iterations=200)
    assert result["data_loss"] < 1e-4
    horizon = 0.3 * np.arange(1, 101)  # about five periods
    forecast = model.solve([1.2, -0.1], horizon)
    truth = pendulum.solve([1.2, -0.1], horizon, rtol=1e-10)
    assert np.abs(forecast - truth).max() < 0.25
    energy = forecast[:, 1] ** 2 / 2 + 1 - np.cos(forecast[:, 0])
    assert np.ptp(energy) < 0.02
    path = tmp_path / "hnn.safetensors"
    model.save(path)
    again = Hybrid.load(path, n=2)
    np.testing.assert_array_equal(again.solve([1.2, -0.1], horizon), forecast)


def test_parameter_coupling_learns_a_state_dependent_rate():
    # y' = -k(y) y with k(y) = 0.5 + y²/(1 + y²); the physics -k y with k = p + h(y)
    rate = lambda y: 0.5 + y ** 2 / (1 + y ** 2)
    truth = ODE(lambda t, y, p: -rate(y) * y, n=1)
    physics = ODE(lambda t, y, p: -p[0] * y, n=1, num_params=1, vjp_y=lambda t, y, p, v: -p[0] * v,
                  vjp_p=lambda t, y, p, v: -v * y)
    times = 0.25 * np.arange(1, 13)
    starts = np.array([[0.4], [1.0], [1.8], [2.5]])
    data = np.stack([truth.solve(y, times, rtol=1e-10) for y in starts])
    model = Hybrid(physics, coupling="parameters", hidden_features=12, hidden_layers=1, seed=3)
    model.physics_parameters = [0.8]
    model.fit(starts, times, data, adam_iterations=300, lbfgs_iterations=300)
    ys = np.array([[0.3], [0.7], [1.2], [2.0]])
    learned = model.physics_parameters[0] - model.network_term(ys)[:, 0] / ys[:, 0]
    np.testing.assert_allclose(learned, rate(ys[:, 0]), rtol=0.03)


def test_corrector_learns_the_error_of_a_coarse_python_stepper(tmp_path):
    # forward Euler at dt = 0.2 on a pendulum gains energy every step; the reference is RK4 at dt/20
    def tendency(u):
        return np.array([u[1], -np.sin(u[0])])

    def euler(t, dt, u):
        return u + dt * tendency(u)

    def reference(u, steps, dt=0.2, substeps=20):
        out, h = [np.asarray(u, float)], dt / substeps
        for _ in range(steps):
            y = out[-1]
            for _ in range(substeps):
                k1 = tendency(y); k2 = tendency(y + h / 2 * k1); k3 = tendency(y + h / 2 * k2); k4 = tendency(y + h * k3)
                y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            out.append(y)
        return np.array(out)

    rng = np.random.default_rng(1)
    data = np.stack([reference(rng.uniform(-1.5, 1.5, 2), 40) for _ in range(12)])
    corrector = Corrector(euler, n=2, hidden_features=32, seed=2)  # no VJP: central differences
    stages = []
    result = corrector.fit(data, dt=0.2, unroll=4, iterations=1500, learning_rate=3e-3,
                           progress=lambda stage, done, total, loss: stages.append(stage))
    assert result["loss"] < result["uncorrected_loss"] / 20 and set(stages) == {"train"}
    truth = reference([1.0, 0.4], 100)[1:]
    corrected = corrector.rollout([1.0, 0.4], dt=0.2, steps=100)
    alone = corrector.rollout([1.0, 0.4], dt=0.2, steps=100, corrected=False)
    assert np.abs(corrected - truth).max() * 5 < np.abs(alone - truth).max()
    path = tmp_path / "corrector.safetensors"
    corrector.save(path)
    again = Corrector.load(path, euler, n=2)
    np.testing.assert_array_equal(again.rollout([1.0, 0.4], dt=0.2, steps=100), corrected)

    def failing(t, dt, u):
        raise RuntimeError("the stepper broke")

    with pytest.raises(RuntimeError, match="the stepper broke"):
        Corrector(failing, n=2).rollout([0.0, 0.0], dt=0.1, steps=3)
    with pytest.raises(hylo.HyloError, match="unroll"):
        corrector.fit(data[:, :3], dt=0.2, unroll=4)
