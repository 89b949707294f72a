"""A Python simulator as the C callbacks the library calls (hylo_simulator_fn or
hylo_batch_simulator_fn); exceptions raised inside are kept and re-raised after the C call."""

from __future__ import annotations

import inspect

import numpy as np

from . import _lib
from .errors import HyloError


class SimulatorCallbacks:
    """`simulator(theta)` or `simulator(theta, rng)` returning x (dim_x values; None marks the
    simulation invalid), or with `vectorized` a batch θ (m, d) returning x (m, dim_x), NaN rows
    marking invalid simulations. Exactly one of `single` and `batch` is a C callback, the other None."""

    def __init__(self, simulator, dim_x: int, vectorized: bool = False):
        self.simulator = simulator
        self.dim_x = dim_x
        self.takes_rng = len(inspect.signature(simulator).parameters) >= 2
        self.errors: list[BaseException] = []
        self.single = None if vectorized else _lib.SIMULATOR_FN(self._one)
        self.batch = _lib.BATCH_SIMULATOR_FN(self._many) if vectorized else None

    def _call(self, theta, seed):
        return self.simulator(theta, np.random.default_rng(seed)) if self.takes_rng else self.simulator(theta)

    def _one(self, theta_ptr, dim_theta, x_ptr, n_x, seed, _user):
        try:
            result = self._call(np.ctypeslib.as_array(theta_ptr, shape=(dim_theta,)).copy(), seed)
            if result is None:
                return 1
            values = np.asarray(result, float).ravel()
            if values.size != n_x:
                raise ValueError(f"the simulator returned {values.size} values; expected {n_x}")
            np.ctypeslib.as_array(x_ptr, shape=(n_x,))[:] = values
            return 0
        except BaseException as error:  # noqa: BLE001 - re-raised after the C call
            self.errors.append(error)
            return -1

    def _many(self, theta_ptr, n, dim_theta, x_ptr, n_x, seeds_ptr, status_ptr, _user):
        try:
            theta = np.ctypeslib.as_array(theta_ptr, shape=(n, dim_theta)).copy()
            seeds = np.ctypeslib.as_array(seeds_ptr, shape=(n,)).copy()
            values = np.asarray(self._call(theta, seeds), float).reshape(n, -1)
            if values.shape[1] != n_x:
                raise ValueError(f"the simulator returned {values.shape[1]} columns; expected {n_x}")
            np.ctypeslib.as_array(x_ptr, shape=(n, n_x))[:] = values
            np.ctypeslib.as_array(status_ptr, shape=(n,))[:] = 0
            return 0
        except BaseException as error:  # noqa: BLE001 - re-raised after the C call
            self.errors.append(error)
            return -1

    def reraise(self, error: HyloError):
        """Raises the simulator's own exception if it caused `error`, else `error`."""
        if self.errors:
            raise self.errors[0] from None
        raise error
