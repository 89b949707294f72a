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
from ._handles import Handle, options_or_null, pointer
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


class ODE(Handle):
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

    def _run(self, call):
        """Calls the library; re-raises a callback's exception in place of the abort status."""
        self._errors.clear()
        try:
            call()
        except HyloError:
            if self._errors:
                raise self._errors[0] from None
            raise

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
