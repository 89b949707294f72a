"""Neural operators (FNO, DeepONet) and the generators of their benchmark data.

    a, u = burgers(1000, resolution=1024, seed=0)         # (n, 1024) each
    fno = FNO(modes=16, width=64)                         # 1-D; dimensions=2 for fields (n, nx, ny)
    fno.train(a, u, epochs=500, progress=True)
    u_hat = fno(a_test)                                    # any resolution resolving the modes

    u, y, s = antiderivative(150, num_points=100)          # Cartesian data
    net = DeepONet(sensors=100)
    net.train(u, y, s, epochs=10000)
    s_hat = net(u_test, y)                                 # (n, points)

Fields are numpy arrays (n, nx) or (n, nx, ny) for one channel, (n, channels, nx[, ny]) for several.
Every option is documented in include/hylo.h (section Neural operators).
"""

from __future__ import annotations

import ctypes

import numpy as np

from ._handles import Handle, ProgressThunk, as_matrix, options_or_null, pointer
from ._lib import lib
from .errors import HyloError

__all__ = ["FNO", "DeepONet", "gaussian_field", "burgers", "darcy", "antiderivative", "relative_l2"]


def _with_progress(progress, call):
    """Runs call(c_callback) with `progress` wrapped as a C progress callback."""
    thunk = ProgressThunk(progress)
    try:
        call(thunk.c)
    except HyloError as error:
        thunk.reraise(error)


def _opts(options):
    opts = options_or_null(options)
    return opts, (opts and opts._p())


class FNO(Handle):
    """A Fourier neural operator on a 1-D or 2-D periodic grid. Options are those of
    hylo_fno_create: dimensions, modes, width, layers, in_channels, out_channels,
    lifting_channels, projection_channels, activation, padding, append_grid, normalize, seed."""

    _free = lib.hylo_fno_free

    def __init__(self, **options):
        ptr = ctypes.c_void_p()
        opts, p = _opts(options)
        lib.hylo_fno_create(p, ctypes.byref(ptr))
        self._init(ptr)

    def _init(self, ptr):
        super().__init__(ptr)
        sizes = [ctypes.c_size_t() for _ in range(3)]
        lib.hylo_fno_sizes(self._p(), *(ctypes.byref(s) for s in sizes))
        self.dimensions, self.in_channels, self.out_channels = (s.value for s in sizes)

    @classmethod
    def load(cls, path) -> "FNO":
        ptr = ctypes.c_void_p()
        lib.hylo_fno_load(str(path).encode(), ctypes.byref(ptr))
        model = cls.__new__(cls)
        model._init(ptr)
        return model

    def save(self, path) -> None:
        lib.hylo_fno_save(self._p(), str(path).encode())

    def _fields(self, a, channels: int, name: str):
        """(array of shape (n, channels, nx, ny), grid (nx, ny), the caller's layout)."""
        x = np.ascontiguousarray(a, dtype=np.float64)
        d = self.dimensions
        if x.ndim == d + 1:
            if channels != 1:
                raise ValueError(f"{name} has shape {x.shape}; with {channels} channels use (n, {channels}, ...)")
            x = x[:, None]
        if x.ndim != d + 2 or x.shape[1] != channels:
            raise ValueError(f"{name} has shape {np.shape(a)}; expected (n, {'nx' if d == 1 else 'nx, ny'}) "
                             f"or (n, {channels}, {'nx' if d == 1 else 'nx, ny'})")
        grid = (x.shape[2], x.shape[3] if d == 2 else 1)
        return np.ascontiguousarray(x), grid, np.ndim(a) == d + 1

    def train(self, inputs, outputs, progress=None, **options) -> None:
        """Trains on pairs of fields (options of hylo_fno_train: epochs, batch_size,
        learning_rate, weight_decay, step_every, step_gamma, loss, seed). `progress` is True (a
        text display) or a callable (stage, done, total, loss) returning False to cancel."""
        a, grid, _ = self._fields(inputs, self.in_channels, "inputs")
        u, grid_u, _ = self._fields(outputs, self.out_channels, "outputs")
        if a.shape[0] != u.shape[0] or grid != grid_u:
            raise ValueError(f"inputs {np.shape(inputs)} and outputs {np.shape(outputs)} do not pair up")
        opts, p = _opts(options)
        _with_progress(progress, lambda c: lib.hylo_fno_train(self._p(), pointer(a), pointer(u), a.shape[0], *grid, p, c, None))

    def __call__(self, inputs) -> np.ndarray:
        """The output fields, in the inputs' layout, at the inputs' resolution."""
        a, grid, squeezed = self._fields(inputs, self.in_channels, "inputs")
        out = np.empty((a.shape[0], self.out_channels) + a.shape[2:])
        lib.hylo_fno_predict(self._p(), pointer(a), a.shape[0], *grid, pointer(out))
        return out[:, 0] if squeezed and self.out_channels == 1 else out


class DeepONet(Handle):
    """A DeepONet. Options are those of hylo_deeponet_create: sensors, coordinates, hidden_layers,
    hidden_features, latent, activation, seed."""

    _free = lib.hylo_deeponet_free

    def __init__(self, **options):
        ptr = ctypes.c_void_p()
        opts, p = _opts(options)
        lib.hylo_deeponet_create(p, ctypes.byref(ptr))
        self._init(ptr)

    def _init(self, ptr):
        super().__init__(ptr)
        sizes = [ctypes.c_size_t() for _ in range(2)]
        lib.hylo_deeponet_sizes(self._p(), *(ctypes.byref(s) for s in sizes))
        self.sensors, self.coordinates = (s.value for s in sizes)

    @classmethod
    def load(cls, path) -> "DeepONet":
        ptr = ctypes.c_void_p()
        lib.hylo_deeponet_load(str(path).encode(), ctypes.byref(ptr))
        model = cls.__new__(cls)
        model._init(ptr)
        return model

    def save(self, path) -> None:
        lib.hylo_deeponet_save(self._p(), str(path).encode())

    def train(self, u, y, s, pointwise: bool = False, progress=None, **options) -> None:
        """Cartesian data: u (n, sensors), y (points, coordinates), s (n, points). With
        `pointwise`, triplets: u (n, sensors), y (n, coordinates), s (n,). Options of
        hylo_deeponet_train."""
        um = as_matrix(u, self.sensors, "u")
        ym = as_matrix(y, self.coordinates, "y")
        opts, p = _opts(options)
        if pointwise:
            sv = as_matrix(s, 1, "s")
            if not (um.shape[0] == ym.shape[0] == sv.shape[0]):
                raise ValueError(f"u, y and s have {um.shape[0]}, {ym.shape[0]} and {sv.shape[0]} rows")
            _with_progress(progress, lambda c: lib.hylo_deeponet_train_pointwise(
                self._p(), pointer(um), pointer(ym), pointer(sv), um.shape[0], p, c, None))
        else:
            sm = as_matrix(s, ym.shape[0], "s")
            _with_progress(progress, lambda c: lib.hylo_deeponet_train(
                self._p(), pointer(um), um.shape[0], pointer(ym), ym.shape[0], pointer(sm), p, c, None))

    def __call__(self, u, y, pointwise: bool = False) -> np.ndarray:
        """G(u_i)(y_j) as (n, points); with `pointwise`, G(u_i)(y_i) as (n,)."""
        um = as_matrix(u, self.sensors, "u")
        ym = as_matrix(y, self.coordinates, "y")
        if pointwise:
            out = np.empty(um.shape[0])
            lib.hylo_deeponet_predict_pointwise(self._p(), pointer(um), pointer(ym), um.shape[0], pointer(out))
        else:
            out = np.empty((um.shape[0], ym.shape[0]))
            lib.hylo_deeponet_predict(self._p(), pointer(um), um.shape[0], pointer(ym), ym.shape[0], pointer(out))
        return out


def relative_l2(prediction, target) -> float:
    """The mean over samples of ‖prediction − target‖₂ / ‖target‖₂."""
    p = np.asarray(prediction, float).reshape(len(prediction), -1)
    t = np.asarray(target, float).reshape(len(target), -1)
    return float(np.mean(np.linalg.norm(p - t, axis=1) / np.linalg.norm(t, axis=1)))


def gaussian_field(n: int, shape, sigma: float = 25.0, tau: float = 5.0, gamma: float = 2.0, seed: int = 0):
    """n periodic Gaussian random fields on a grid of `shape` (nx,) or (nx, ny)."""
    shape = (shape,) if np.isscalar(shape) else tuple(shape)
    out = np.empty((n,) + shape)
    lib.hylo_data_gaussian_field(sigma, tau, gamma, n, shape[0], shape[1] if len(shape) == 2 else 1, seed, pointer(out))
    return out


def burgers(n: int, resolution: int = 1024, seed: int = 0, progress=None, **options):
    """n pairs (u(0), u(1)) of viscous Burgers (ν = 0.1), each (n, resolution)."""
    initial, final = np.empty((n, resolution)), np.empty((n, resolution))
    opts, p = _opts(options)
    _with_progress(progress, lambda c: lib.hylo_data_burgers(n, resolution, seed, p, c, None, pointer(initial), pointer(final)))
    return initial, final


def darcy(n: int, resolution: int = 85, seed: int = 0, progress=None, **options):
    """n pairs (a, u) of 2-D Darcy flow, each (n, resolution, resolution)."""
    a, u = np.empty((n, resolution, resolution)), np.empty((n, resolution, resolution))
    opts, p = _opts(options)
    _with_progress(progress, lambda c: lib.hylo_data_darcy(n, resolution, seed, p, c, None, pointer(a), pointer(u)))
    return a, u


def antiderivative(n: int, num_points: int = 100, seed: int = 0, **options):
    """Antiderivative data: u (n, sensors) and, with num_points > 0, y (num_points, 1) and s
    (n, num_points); with num_points = 0, one random point per function: y (n, 1), s (n,)."""
    sensors = int(options.get("sensors", 100))
    u = np.empty((n, sensors))
    y = np.empty((num_points if num_points else n, 1))
    s = np.empty((n, num_points) if num_points else n)
    opts, p = _opts(options)
    lib.hylo_data_antiderivative(n, num_points, seed, p, pointer(u), pointer(y), pointer(s))
    return u, y, s
