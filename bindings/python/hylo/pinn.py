"""Physics-informed neural networks: PDEs written as expressions, trained from Python.

    pde = PDE("x,t", "u", lower=[-1, 0], upper=[1, 1], time="t")
    pde.constant("nu", 0.01 / np.pi)
    pde.equation("u_t + u*u_x - nu*u_xx")
    pde.initial("-sin(pi*x)")            # u(0, x) = -sin(pi x)
    pde.dirichlet("boundary", "0")       # u = 0 at x = ±1
    net = PINN(pde, hidden_layers=8, hidden_features=20)
    net.train(adam_iterations=2000, lbfgs_iterations=5000, progress=True)
    u = net(points)                      # (n, fields)

Expression syntax and every option are documented in include/hylo.h (section PINNs).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Optional, Sequence, Union

import numpy as np

from ._handles import Handle, ProgressThunk, as_matrix, options_or_null, pointer
from ._lib import lib
from .errors import HyloError

Names = Union[str, Sequence[str]]


def _joined(names: Names) -> bytes:
    return (names if isinstance(names, str) else ",".join(names)).encode()


class PDE(Handle):
    """A problem: coordinates (single letters), fields, a box (optionally with a disk), equations,
    conditions, periodicity, hard constraints and observations. Each call checks its expression at
    once and raises `InvalidArgumentError` pointing at the offending character."""

    _free = lib.hylo_pde_free

    def __init__(self, coordinates: Names, fields: Names, lower, upper, time: Optional[str] = None):
        lower = np.ascontiguousarray(lower, float).ravel()
        upper = np.ascontiguousarray(upper, float).ravel()
        if lower.shape != upper.shape:
            raise ValueError(f"lower has {lower.size} entries, upper {upper.size}")
        ptr = ctypes.c_void_p()
        lib.hylo_pde_create(_joined(coordinates), _joined(fields), pointer(lower), pointer(upper), lower.size,
                            time.encode() if time else None, ctypes.byref(ptr))
        super().__init__(ptr)
        self.coordinates = _joined(coordinates).decode().replace(" ", "").split(",")
        self.fields = _joined(fields).decode().replace(" ", "").split(",")
        self.lower, self.upper, self.time = lower, upper, time

    def disk(self, x: str, y: str, center, radius: float) -> "PDE":
        lib.hylo_pde_set_disk(self._p(), x.encode(), y.encode(), float(center[0]), float(center[1]), float(radius))
        return self

    def constant(self, name: str, value: float) -> "PDE":
        lib.hylo_pde_set_constant(self._p(), name.encode(), float(value))
        return self

    def coefficient(self, name: str, initial: float) -> "PDE":
        """An unknown coefficient, estimated during training (inverse problems)."""
        lib.hylo_pde_add_coefficient(self._p(), name.encode(), float(initial))
        return self

    def equation(self, residual: str) -> "PDE":
        lib.hylo_pde_add_equation(self._p(), residual.encode())
        return self

    def condition(self, region: str, residual: str, weight: float = 1.0) -> "PDE":
        """A residual that vanishes on `region` ("boundary", "interior", "x=-1", "t=0" …)."""
        lib.hylo_pde_add_condition(self._p(), region.encode(), residual.encode(), float(weight))
        return self

    def _field(self, field: Optional[str]) -> str:
        if field is None:
            if len(self.fields) != 1:
                raise ValueError(f"name the field: the problem has {', '.join(self.fields)}")
            return self.fields[0]
        return field

    def dirichlet(self, region: str, value: str = "0", field: Optional[str] = None, weight: float = 1.0) -> "PDE":
        """u = value on region."""
        return self.condition(region, f"{self._field(field)} - ({value})", weight)

    def neumann(self, region: str, value: str = "0", field: Optional[str] = None, weight: float = 1.0) -> "PDE":
        """∂u/∂n = value on region (outward normal)."""
        return self.condition(region, f"{self._field(field)}_n - ({value})", weight)

    def robin(self, region: str, a: str, b: str, value: str = "0", field: Optional[str] = None,
              weight: float = 1.0) -> "PDE":
        """a u + b ∂u/∂n = value on region."""
        u = self._field(field)
        return self.condition(region, f"({a})*{u} + ({b})*{u}_n - ({value})", weight)

    def initial(self, value: str, field: Optional[str] = None, weight: float = 1.0) -> "PDE":
        """u = value at the start of the time interval."""
        if self.time is None:
            raise ValueError("the problem has no time coordinate")
        t0 = float(self.lower[self.coordinates.index(self.time)])
        return self.dirichlet(f"{self.time}={t0!r}", value, field, weight)

    def periodic(self, coordinate: str, hard: bool = True) -> "PDE":
        lib.hylo_pde_set_periodic(self._p(), coordinate.encode(), int(hard))
        return self

    def output_transform(self, field: str, expression: str) -> "PDE":
        """A hard constraint: field = expression of the coordinates, constants and N (the raw output)."""
        lib.hylo_pde_set_output_transform(self._p(), field.encode(), expression.encode())
        return self

    def observe(self, field: str, points, values, weight: float = 1.0) -> "PDE":
        x = as_matrix(points, len(self.coordinates), "points")
        v = np.ascontiguousarray(values, float).ravel()
        if v.size != x.shape[0]:
            raise ValueError(f"{x.shape[0]} points but {v.size} values")
        lib.hylo_pde_add_observations(self._p(), field.encode(), pointer(x), pointer(v), v.size, float(weight))
        return self


class PINN(Handle):
    """A network for the fields of a `PDE` (a copy of it). Options are those of hylo_pinn_create:
    hidden_layers, hidden_features, activation, architecture, fourier_features, fourier_scale,
    weight_factorization, rwf_mean, rwf_std, seed."""

    _free = lib.hylo_pinn_free

    def __init__(self, pde: PDE, **options):
        ptr = ctypes.c_void_p()
        opts = options_or_null(options)
        lib.hylo_pinn_create(pde._p(), opts and opts._p(), ctypes.byref(ptr))
        self._init(ptr)

    def _init(self, ptr):
        super().__init__(ptr)
        sizes = [ctypes.c_size_t() for _ in range(3)]
        lib.hylo_pinn_sizes(self._p(), *(ctypes.byref(s) for s in sizes))
        self.num_coordinates, self.num_fields, self.num_coefficients = (s.value for s in sizes)
        n = ctypes.c_size_t()
        lib.hylo_pinn_num_loss_terms(self._p(), ctypes.byref(n))
        buffer = ctypes.create_string_buffer(256)
        self.loss_term_names = []
        for i in range(n.value):
            lib.hylo_pinn_loss_term_name(self._p(), i, buffer, len(buffer))
            self.loss_term_names.append(buffer.value.decode())

    @classmethod
    def load(cls, path) -> "PINN":
        ptr = ctypes.c_void_p()
        lib.hylo_pinn_load(str(path).encode(), ctypes.byref(ptr))
        model = cls.__new__(cls)
        model._init(ptr)
        return model

    def save(self, path) -> None:
        lib.hylo_pinn_save(self._p(), str(path).encode())

    @property
    def loss_terms(self) -> dict:
        """The latest unweighted value of each loss term (NaN before training)."""
        out = np.empty(len(self.loss_term_names))
        lib.hylo_pinn_loss_terms(self._p(), pointer(out), out.size)
        return dict(zip(self.loss_term_names, out.tolist()))

    @property
    def coefficients(self) -> np.ndarray:
        """The unknown coefficients, in declaration order."""
        out = np.empty(self.num_coefficients)
        if out.size:
            lib.hylo_pinn_coefficients(self._p(), pointer(out), out.size)
        return out

    def train(self, progress=None, **options) -> dict:
        """Adam, then L-BFGS (options of hylo_pinn_train). `progress` is True (a text display with
        every loss term), or a callable (stage, done, total, loss, terms: dict) returning False to
        cancel. Returns {"loss", "lbfgs_iterations", "lbfgs_reason", "terms"}."""
        if progress is True:
            progress = _text_progress
        call = None
        if progress:
            def call(stage, done, total, loss):
                return progress(stage, done, total, loss, self.loss_terms)
        thunk = ProgressThunk(call)
        opts = options_or_null(options)
        try:
            lib.hylo_pinn_train(self._p(), opts and opts._p(), thunk.c, None)
        except HyloError as error:
            thunk.reraise(error)
        loss, iterations = ctypes.c_double(), ctypes.c_int64()
        reason = ctypes.create_string_buffer(64)
        lib.hylo_pinn_training_result(self._p(), ctypes.byref(loss), ctypes.byref(iterations), reason, len(reason))
        return {"loss": loss.value, "lbfgs_iterations": iterations.value, "lbfgs_reason": reason.value.decode(),
                "terms": self.loss_terms}

    def __call__(self, points) -> np.ndarray:
        """The fields at points (n × coordinates): (n, fields)."""
        x = as_matrix(points, self.num_coordinates, "points")
        out = np.empty((x.shape[0], self.num_fields))
        lib.hylo_pinn_evaluate(self._p(), pointer(x), x.shape[0], pointer(out))
        return out


def _text_progress(stage: str, done: int, total: int, loss: float, terms: dict) -> None:
    if done % max(total // 50, 1) and done != total:
        return
    parts = " ".join(f"{name.split(' (')[0]}={value:.2e}" for name, value in terms.items())
    sys.stderr.write(f"\r{stage} {done}/{total} loss {loss:.3e} [{parts}]")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()
