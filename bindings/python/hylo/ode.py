"""ODE solvers with gradients, for a right-hand side written in Python (or given as ctypes callbacks).

    system = ODE(f, n=3, num_params=3, jacobian=jac)     # f(t, y, p) -> dy/dt
    y = system.solve(y0, times, p, method="rodas4", rtol=1e-8)
    y, S = system.sensitivities(y0, times, p, method="kvaerno5")   # S[k, i, j] = ∂y_i(t_k)/∂p_j
    loss, grads = system.gradient(y0, times, p, loss=lambda y: ((y - data) ** 2).sum(),
                                  loss_grad=lambda y: 2 * (y - data), gradient="discrete_adjoint")

Options are those of ``hylo_ode_solve`` (method, rtol, atol, fixed_step, initial_step, min_step,
max_step, max_steps, max_newton_iterations, stop_at_output_times) as keywords. A callback may
return None or raise ``IllegalState`` to make the solver retry a smaller step; any other exception
aborts the solve and is re-raised.
"""

from __future__ import annotations

import ctypes
from typing import Callable, Optional

import numpy as np

from . import _lib
from ._handles import Handle, ProgressThunk, options_or_null, pointer
from ._lib import lib
from .errors import HyloError

#: The methods, by name: explicit (fixed step: euler, midpoint, rk4; adaptive: bs3, dopri5, tsit5,
#: vern8) and stiff (kvaerno5, an ESDIRK; rodas4, a Rosenbrock method).
METHODS = ("euler", "midpoint", "rk4", "bs3", "dopri5", "tsit5", "vern8", "kvaerno5", "rodas4")

_SOURCES = ("callback", "derived", "finite differences")
_DERIVATIVES = ("jacobian", "jvp", "vjp_y", "vjp_p", "parameter_jvp")
_STATISTICS = ("accepted_steps", "rejected_steps", "rhs_evaluations", "jacobian_evaluations", "factorizations",
               "newton_iterations", "newton_failures", "illegal_states")


class IllegalState(Exception):
    """Raised by a right-hand side for a state it cannot evaluate: the solver retries a smaller step."""


class _CallbackErrors:
    """A handle whose Python callbacks the library calls: an exception raised in a callback is kept
    and re-raised by `_run` in place of the library's abort status."""

    _errors: list

    def _keep(self, body) -> int:
        """Runs a callback's body: 0, or -1 (abort) with the exception kept."""
        try:
            body()
            return 0
        except BaseException as error:  # noqa: BLE001 - re-raised after the C call
            self._errors.append(error)
            return -1

    def _run(self, call):
        """Calls the library; re-raises a callback's exception in place of the abort status."""
        self._errors.clear()
        try:
            call()
        except HyloError:
            if self._errors:
                raise self._errors[0] from None
            raise


class ODE(_CallbackErrors, Handle):
    """A system y' = f(t, y; p) of `n` states and `num_params` parameters.

    `f(t, y, p)` returns dy/dt. Optional exact derivatives: `jacobian(t, y, p)` (n × n), `jvp(t, y, p, v)`
    (∂f/∂y · v), `vjp_y(t, y, p, v)` (vᵀ ∂f/∂y) and `vjp_p(t, y, p, v)` (vᵀ ∂f/∂p). What is not given is
    derived or computed by finite differences; `derivative_sources` tells which.
    """

    _free = lib.hylo_ode_free

    def __init__(self, f: Callable, n: int, num_params: int = 0, jacobian: Optional[Callable] = None,
                 jvp: Optional[Callable] = None, vjp_y: Optional[Callable] = None, vjp_p: Optional[Callable] = None):
        self.n, self.num_params = int(n), int(num_params)
        self._errors: list = []
        self._thunks = {"f": _lib.ODE_RHS_FN(self._wrap(f, self.n))}
        ptr = ctypes.c_void_p()
        lib.hylo_ode_create(self.n, self.num_params, self._thunks["f"], None, ctypes.byref(ptr))
        super().__init__(ptr)
        if jacobian is not None:
            self._thunks["jacobian"] = _lib.ODE_RHS_FN(self._wrap(jacobian, self.n * self.n))
            lib.hylo_ode_set_jacobian(self._p(), self._thunks["jacobian"])
        if jvp is not None:
            self._thunks["jvp"] = _lib.ODE_PRODUCT_FN(self._wrap_product(jvp, self.n, self.n))
            lib.hylo_ode_set_jvp(self._p(), self._thunks["jvp"])
        if vjp_y is not None or vjp_p is not None:
            null = _lib.ODE_PRODUCT_FN()
            self._thunks["vjp_y"] = _lib.ODE_PRODUCT_FN(self._wrap_product(vjp_y, self.n, self.n)) if vjp_y else null
            self._thunks["vjp_p"] = (_lib.ODE_PRODUCT_FN(self._wrap_product(vjp_p, self.n, self.num_params))
                                     if vjp_p else null)
            lib.hylo_ode_set_vjp(self._p(), self._thunks["vjp_y"], self._thunks["vjp_p"])

    # -- callbacks ---------------------------------------------------------------------------
    def _call(self, body) -> int:
        try:
            return 0 if body() is not False else 1
        except IllegalState:
            return 1
        except BaseException as error:  # noqa: BLE001 - re-raised after the C call
            self._errors.append(error)
            return -1

    def _views(self, y_ptr, p_ptr):
        y = np.ctypeslib.as_array(y_ptr, shape=(self.n,)).copy()
        p = np.ctypeslib.as_array(p_ptr, shape=(self.num_params,)).copy() if self.num_params else np.empty(0)
        return y, p

    def _wrap(self, function, size):
        def body(t, y_ptr, p_ptr, out_ptr, _user):
            def run():
                y, p = self._views(y_ptr, p_ptr)
                value = function(t, y, p)
                if value is None:
                    return False
                np.ctypeslib.as_array(out_ptr, shape=(size,))[:] = np.asarray(value, float).ravel()
            return self._call(run)
        return body

    def _wrap_product(self, function, n_in, n_out):
        def body(t, y_ptr, p_ptr, v_ptr, out_ptr, _user):
            def run():
                y, p = self._views(y_ptr, p_ptr)
                v = np.ctypeslib.as_array(v_ptr, shape=(n_in,)).copy()
                value = function(t, y, p, v)
                if value is None:
                    return False
                np.ctypeslib.as_array(out_ptr, shape=(n_out,))[:] = np.asarray(value, float).ravel()
            return self._call(run)
        return body

    # -- introspection -----------------------------------------------------------------------
    @property
    def derivative_sources(self) -> dict:
        """Where each derivative comes from: 'callback', 'derived' or 'finite differences'."""
        out = (ctypes.c_int32 * 5)()
        lib.hylo_ode_derivative_sources(self._p(), out, 5)
        return {name: _SOURCES[code] for name, code in zip(_DERIVATIVES, out)}

    @property
    def statistics(self) -> dict:
        """The cost of the last solve: steps, rejections, evaluations, Newton iterations …"""
        out = (ctypes.c_int64 * 8)()
        lib.hylo_ode_statistics(self._p(), out, 8)
        return dict(zip(_STATISTICS, out))

    # -- solving -----------------------------------------------------------------------------
    def _arguments(self, y0, times, p):
        y0 = np.ascontiguousarray(y0, float).ravel()
        times = np.ascontiguousarray(np.atleast_1d(times), float).ravel()
        p = np.ascontiguousarray(p if p is not None else np.empty(0), float).ravel()
        if y0.size != self.n:
            raise ValueError(f"y0 has {y0.size} entries; the system has {self.n} states")
        if p.size != self.num_params:
            raise ValueError(f"p has {p.size} entries; the system has {self.num_params} parameters")
        return y0, times, p

    def solve(self, y0, times, p=None, t0: float = 0.0, **options) -> np.ndarray:
        """The solution at `times` (monotone, on one side of t0), shape (len(times), n)."""
        y0, times, p = self._arguments(y0, times, p)
        out = np.empty((times.size, self.n))
        opts = options_or_null(options)
        self._run(lambda: lib.hylo_ode_solve(self._p(), opts and opts._p(), t0, pointer(y0), pointer(p),
                                             pointer(times), times.size, pointer(out)))
        return out

    def solve_batch(self, y0, times, p=None, t0: float = 0.0, num_workers: int = 1, **options) -> np.ndarray:
        """Many initial states (batch × n), each with its own step control; p is shared (num_params) or
        one row per trajectory. Returns (batch, len(times), n). Python callbacks hold the GIL, so
        num_workers > 1 only helps C callbacks."""
        y0 = np.ascontiguousarray(y0, float).reshape(-1, self.n)
        times = np.ascontiguousarray(np.atleast_1d(times), float).ravel()
        p = np.ascontiguousarray(p if p is not None else np.empty(0), float).reshape(-1, self.num_params) \
            if self.num_params else np.empty((1, 0))
        out = np.empty((y0.shape[0], times.size, self.n))
        opts = options_or_null({**options, "num_workers": num_workers})
        self._run(lambda: lib.hylo_ode_solve_batch(self._p(), opts._p(), t0, pointer(y0), y0.shape[0], pointer(p),
                                                   p.shape[0], pointer(times), times.size, pointer(out)))
        return out

    def sensitivities(self, y0, times, p, t0: float = 0.0, **options):
        """(states, S) with S[k, i, j] = ∂y_i(times[k])/∂p_j, by forward sensitivities."""
        y0, times, p = self._arguments(y0, times, p)
        states = np.empty((times.size, self.n))
        sens = np.empty((times.size, self.n, self.num_params))
        opts = options_or_null(options)
        self._run(lambda: lib.hylo_ode_sensitivities(self._p(), opts and opts._p(), t0, pointer(y0), pointer(p),
                                                     pointer(times), times.size, pointer(states), pointer(sens)))
        return states, sens

    def gradient(self, y0, times, p, loss: Callable, loss_grad: Callable, t0: float = 0.0,
                 gradient: str = "discrete_adjoint", **options):
        """The loss on the solution and its gradient: returns (loss, {"y0": …, "p": …, "states": …}).

        `loss(states)` is a number and `loss_grad(states)` its derivative (same shape as states,
        (len(times), n)). `gradient`: discrete_adjoint (default; backpropagation through the
        solver's steps), continuous_adjoint or forward (sensitivities).
        """
        y0, times, p = self._arguments(y0, times, p)
        states = np.empty((times.size, self.n))
        grad_y0, grad_p = np.empty(self.n), np.empty(max(self.num_params, 1))
        value = ctypes.c_double()

        def call_loss(_t, s_ptr, k, n, loss_ptr, c_ptr, _user):
            def run():
                s = np.ctypeslib.as_array(s_ptr, shape=(k, n)).copy()
                loss_ptr[0] = float(loss(s))
                np.ctypeslib.as_array(c_ptr, shape=(k, n))[:] = np.asarray(loss_grad(s), float).reshape(k, n)
            return self._call(run)

        thunk = _lib.ODE_LOSS_FN(call_loss)
        opts = options_or_null({**options, "gradient": gradient})
        self._run(lambda: lib.hylo_ode_gradient(self._p(), opts._p(), t0, pointer(y0), pointer(p), pointer(times),
                                                times.size, thunk, None, ctypes.byref(value), pointer(states),
                                                pointer(grad_y0), pointer(grad_p)))
        return value.value, {"y0": grad_y0, "p": grad_p[:self.num_params], "states": states}


class Hybrid(Handle):
    """A hybrid model: an `ODE`'s physics (or None for a pure neural ODE or Hamiltonian network of
    `n` states) plus a dense network, trained through the solver.

        model = Hybrid(physics, hidden_features=32, hidden_layers=2)
        model.physics_parameters = [1.3, 1.8]
        model.fit(y0, times, observations, train_physics=False, adam_iterations=500, lbfgs_iterations=1000)
        model.solve(y0, times); model.rhs(t, y); model.network_term(y); model.save(path)

    `coupling` (an option) says how the network enters, with f = f_physics(t, y; p): "additive"
    (default, y' = f + g(y) on `output_components`, default all), "physics_output" (y' = f + g(y, f)),
    "parameters" (y' = f_physics(t, y; p + h(y)) on the physical parameters listed in
    `output_components`, default all) or "hamiltonian" (y' = f + J ∇H(y) on the state (q, p)).
    """

    _free = lib.hylo_hybrid_free

    def __init__(self, physics: Optional[ODE], n: Optional[int] = None, output_components=None, **options):
        n = physics.n if physics is not None else n
        if n is None:
            raise ValueError("give n, the number of states, for a model without physics")
        ptr = ctypes.c_void_p()
        comps = None if output_components is None else np.ascontiguousarray(output_components, dtype=np.uintp)
        opts = options_or_null(options)
        lib.hylo_hybrid_create(physics._p() if physics is not None else None, n,
                               comps.ctypes.data_as(_lib.c_size_t_p) if comps is not None else None,
                               0 if comps is None else comps.size, opts and opts._p(), ctypes.byref(ptr))
        self._init(ptr, physics, n)

    def _init(self, ptr, physics, n):
        super().__init__(ptr)
        self.physics, self.n = physics, n  # keeps the physics' callbacks alive
        num_physics, total = ctypes.c_size_t(), ctypes.c_size_t()
        lib.hylo_hybrid_num_parameters(self._p(), ctypes.byref(num_physics), ctypes.byref(total))
        self.num_physics_parameters, self.num_parameters = num_physics.value, total.value

    @classmethod
    def load(cls, path, physics: Optional[ODE] = None, n: Optional[int] = None) -> "Hybrid":
        """A model saved by `save`, around the same physics (or, without physics, of n states)."""
        size = physics.n if physics is not None else n
        if size is None:
            raise ValueError("give n, the number of states, to load a model without physics")
        ptr = ctypes.c_void_p()
        lib.hylo_hybrid_load(str(path).encode(), physics._p() if physics is not None else None, ctypes.byref(ptr))
        model = cls.__new__(cls)
        model._init(ptr, physics, size)
        return model

    @property
    def parameters(self) -> np.ndarray:
        """The parameter vector [p, φ]."""
        out = np.empty(self.num_parameters)
        lib.hylo_hybrid_get_parameters(self._p(), pointer(out), out.size)
        return out

    @parameters.setter
    def parameters(self, values) -> None:
        values = np.ascontiguousarray(values, float).ravel()
        lib.hylo_hybrid_set_parameters(self._p(), pointer(values), values.size)

    @property
    def physics_parameters(self) -> np.ndarray:
        return self.parameters[:self.num_physics_parameters]

    @physics_parameters.setter
    def physics_parameters(self, values) -> None:
        p = self.parameters
        p[:self.num_physics_parameters] = np.asarray(values, float).ravel()
        self.parameters = p

    def _run(self, call):
        """Calls the library; an exception in a physics callback is re-raised in place of the abort status."""
        if self.physics is None:
            call()
        else:
            self.physics._run(call)

    def _trajectories(self, y0, times, observations, mask):
        """The arrays of hylo_hybrid_train: y0 (trajectories × n), times, observations, mask (int32 or None)."""
        y0 = np.ascontiguousarray(y0, float).reshape(-1, self.n)
        times = np.ascontiguousarray(np.atleast_1d(times), float).ravel()
        obs = np.ascontiguousarray(observations, float).reshape(y0.shape[0], times.size, self.n)
        m = None if mask is None else np.ascontiguousarray(np.asarray(mask, bool).reshape(obs.shape), dtype=np.int32)
        return y0, times, obs, m

    def fit(self, y0, times, observations, mask=None, t0: float = 0.0, progress=None, **options) -> dict:
        """Trains on trajectories observed at the same `times`: y0 (trajectories × n) and observations
        (trajectories × len(times) × n), or a single trajectory without the leading axis. `mask`
        (same shape, bool) marks observed values. Options are those of hylo_hybrid_train. Returns
        {"data_loss", "network_norm", "multiplier"}."""
        y0, times, obs, m = self._trajectories(y0, times, observations, mask)
        thunk = ProgressThunk(progress)
        opts = options_or_null(options)
        try:
            self._run(lambda: lib.hylo_hybrid_train(self._p(), opts and opts._p(), t0, pointer(y0), y0.shape[0], pointer(times),
                                                    times.size, pointer(obs),
                                                    m.ctypes.data_as(_lib.c_int32_p) if m is not None else None, thunk.c, None))
        except HyloError as error:
            thunk.reraise(error)
        values = [ctypes.c_double() for _ in range(3)]
        lib.hylo_hybrid_training_result(self._p(), *(ctypes.byref(v) for v in values))
        return dict(zip(("data_loss", "network_norm", "multiplier"), (v.value for v in values)))

    def discover(self, y0, times, observations, mask=None, t0: float = 0.0, degree: int = 2,
                 trigonometric: bool = False, names=None, **options):
        """Equation discovery (additive coupling): sparse regression on the network term proposes term
        sets, each is refitted to the observations (arguments as `fit`), and the one with the smallest
        information criterion wins. Options are those of hylo_hybrid_discover. Returns (coefficients
        (n × terms), term names, physical parameters)."""
        y0, times, obs, m = self._trajectories(y0, times, observations, mask)
        opts = options_or_null({**options, "degree": degree, "trigonometric": int(trigonometric)})
        labels = _term_names(self.n, degree, trigonometric, names)
        coefficients = np.zeros((self.n, len(labels)))
        physics = np.array(self.physics_parameters)
        self._run(lambda: lib.hylo_hybrid_discover(self._p(), opts._p(), t0, pointer(y0), y0.shape[0], pointer(times), times.size,
                                                   pointer(obs), m.ctypes.data_as(_lib.c_int32_p) if m is not None else None,
                                                   pointer(coefficients), coefficients.size,
                                                   pointer(physics) if physics.size else None))
        return coefficients, labels, physics

    def solve(self, y0, times, t0: float = 0.0, **options) -> np.ndarray:
        y0 = np.ascontiguousarray(y0, float).ravel()
        times = np.ascontiguousarray(np.atleast_1d(times), float).ravel()
        out = np.empty((times.size, self.n))
        opts = options_or_null(options)
        lib.hylo_hybrid_solve(self._p(), opts and opts._p(), t0, pointer(y0), pointer(times), times.size, pointer(out))
        return out

    def rhs(self, t: float, y) -> np.ndarray:
        """The model's right-hand side at (t, y)."""
        y = np.ascontiguousarray(y, float).ravel()
        out = np.empty(self.n)
        lib.hylo_hybrid_rhs(self._p(), t, pointer(y), pointer(out), None)
        return out

    def network_term(self, y, t: float = 0.0) -> np.ndarray:
        """The network term, what the model adds to the physics (y' − f_physics), as a state vector;
        y may be a batch (rows)."""
        ys = np.ascontiguousarray(y, float).reshape(-1, self.n)
        out, scratch = np.empty_like(ys), np.empty(self.n)
        for k, row in enumerate(ys):
            row = np.ascontiguousarray(row)
            lib.hylo_hybrid_rhs(self._p(), t, pointer(row), pointer(scratch), pointer(out[k]))
        return out.reshape(np.shape(y))

    def save(self, path) -> None:
        lib.hylo_hybrid_save(self._p(), str(path).encode())


class Corrector(_CallbackErrors, Handle):
    """Solver in the loop: your own time stepper `step(t, dt, u) -> u_next` followed by a learned
    correction, ũ_{k+1} = w + C(w) with w = step(t_k, dt, ũ_k), trained through `unroll` steps.

        corrector = Corrector(step, n=64, vjp=step_vjp, hidden_features=64)
        corrector.fit(reference, dt=0.05, unroll=4, iterations=2000)   # trajectories × (steps + 1) × n
        states = corrector.rollout(u0, dt=0.05, steps=200)

    `vjp(t, dt, u, v)` returns vᵀ ∂step/∂u (without it, central differences: 2n steps per VJP).
    Options are those of hylo_corrector_create; an exception in a callback aborts and is re-raised.
    """

    _free = lib.hylo_corrector_free

    def __init__(self, step: Callable, n: int, vjp: Optional[Callable] = None, **options):
        self.n = int(n)
        self._bind(step, vjp)
        ptr = ctypes.c_void_p()
        opts = options_or_null(options)
        lib.hylo_corrector_create(self.n, self._thunks[0], self._thunks[1], None, opts and opts._p(), ctypes.byref(ptr))
        self._init(ptr)

    def _bind(self, step, vjp):
        self._errors: list = []
        n, call = self.n, self._keep

        def step_thunk(t, dt, u_ptr, out_ptr, _user):
            return call(lambda: np.ctypeslib.as_array(out_ptr, shape=(n,)).__setitem__(
                slice(None), np.asarray(step(t, dt, np.ctypeslib.as_array(u_ptr, shape=(n,)).copy()), float).ravel()))

        def vjp_thunk(t, dt, u_ptr, v_ptr, out_ptr, _user):
            return call(lambda: np.ctypeslib.as_array(out_ptr, shape=(n,)).__setitem__(
                slice(None), np.asarray(vjp(t, dt, np.ctypeslib.as_array(u_ptr, shape=(n,)).copy(),
                                            np.ctypeslib.as_array(v_ptr, shape=(n,)).copy()), float).ravel()))

        self._thunks = (_lib.STEP_FN(step_thunk), _lib.STEP_VJP_FN(vjp_thunk) if vjp is not None else _lib.STEP_VJP_FN())

    def _init(self, ptr):
        super().__init__(ptr)
        count = ctypes.c_size_t()
        lib.hylo_corrector_num_parameters(self._p(), ctypes.byref(count))
        self.num_parameters = count.value

    @classmethod
    def load(cls, path, step: Callable, n: int, vjp: Optional[Callable] = None) -> "Corrector":
        """A correction saved by `save`, around the same stepper."""
        model = cls.__new__(cls)
        model.n = int(n)
        model._bind(step, vjp)
        ptr = ctypes.c_void_p()
        lib.hylo_corrector_load(str(path).encode(), model.n, model._thunks[0], model._thunks[1], None, ctypes.byref(ptr))
        model._init(ptr)
        return model

    @property
    def parameters(self) -> np.ndarray:
        out = np.empty(self.num_parameters)
        lib.hylo_corrector_get_parameters(self._p(), pointer(out), out.size)
        return out

    @parameters.setter
    def parameters(self, values) -> None:
        values = np.ascontiguousarray(values, float).ravel()
        lib.hylo_corrector_set_parameters(self._p(), pointer(values), values.size)

    def fit(self, trajectories, dt: float, t0: float = 0.0, progress=None, **options) -> dict:
        """Trains on reference trajectories (trajectories × (steps + 1) × n, or one without the leading
        axis) `dt` apart from `t0`. Options are those of hylo_corrector_train. Returns {"loss",
        "uncorrected_loss"}: the unrolled loss over every window, with and without the correction."""
        states = np.ascontiguousarray(trajectories, float)
        states = states.reshape((-1,) + states.shape[-2:])
        if states.shape[-1] != self.n:
            raise ValueError(f"trajectories have states of {states.shape[-1]} values; the stepper has {self.n}")
        thunk = ProgressThunk(progress)
        opts = options_or_null(options)
        try:
            self._run(lambda: lib.hylo_corrector_train(self._p(), opts and opts._p(), t0, dt, pointer(states), states.shape[0],
                                                       states.shape[1] - 1, thunk.c, None))
        except HyloError as error:
            thunk.reraise(error)
        values = [ctypes.c_double() for _ in range(2)]
        lib.hylo_corrector_training_result(self._p(), *(ctypes.byref(v) for v in values))
        return {"loss": values[0].value, "uncorrected_loss": values[1].value}

    def rollout(self, u0, dt: float, steps: int, t0: float = 0.0, corrected: bool = True) -> np.ndarray:
        """The states after each of `steps` steps from u0 (steps × n); `corrected=False`: the stepper alone."""
        u0 = np.ascontiguousarray(u0, float).ravel()
        out = np.empty((steps, self.n))
        self._run(lambda: lib.hylo_corrector_rollout(self._p(), t0, dt, pointer(u0), steps, int(corrected), pointer(out)))
        return out

    def save(self, path) -> None:
        lib.hylo_corrector_save(self._p(), str(path).encode())


def sparse_regression(samples, targets, degree: int = 2, threshold: float = 0.1, names=None,
                      trigonometric: bool = False, ridge: float = 1e-10, max_iterations: int = 20):
    """SINDy: fits each column of targets (n × outputs) as a sparse combination of the monomials of
    samples (n × dim) up to `degree` and, with `trigonometric`, sin and cos of each variable.
    Returns (coefficients (outputs × terms), term names)."""
    x = np.ascontiguousarray(samples, float)
    y = np.ascontiguousarray(targets, float)
    x = x.reshape(len(x), -1)
    y = y.reshape(len(y), -1)
    opts = options_or_null(dict(degree=degree, trigonometric=trigonometric, threshold=threshold, ridge=ridge,
                                max_iterations=max_iterations))
    labels = _term_names(x.shape[1], degree, trigonometric, names)
    out = np.empty((y.shape[1], len(labels)))
    lib.hylo_sindy(pointer(x), pointer(y), x.shape[0], x.shape[1], y.shape[1], opts._p(), pointer(out), out.size, None)
    return out, labels


def _term_names(dim: int, degree: int, trigonometric: bool, names=None) -> list:
    """The library's term names ("x0*x1", "sin(x0)", …), with x0, x1, … replaced by `names`."""
    opts = options_or_null(dict(degree=degree, trigonometric=int(trigonometric)))
    terms = ctypes.c_size_t()
    lib.hylo_sindy_terms(dim, opts._p(), 0, ctypes.byref(terms), None, 0)
    buffer = ctypes.create_string_buffer(256)
    labels = []
    for j in range(terms.value):
        lib.hylo_sindy_terms(dim, opts._p(), j, None, buffer, 256)
        label = buffer.value.decode()
        if names is not None:
            for i, name in sorted(enumerate(names), key=lambda item: -item[0]):
                label = label.replace(f"x{i}", name)
        labels.append(label)
    return labels
