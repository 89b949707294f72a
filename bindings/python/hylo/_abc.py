"""Approximate Bayesian computation in the shape of sbi's MCABC and SMCABC (see hylo.sbi)."""

from __future__ import annotations

import ctypes
from typing import Optional

import numpy as np

from . import _lib
from ._handles import Handle, ProgressThunk, options_or_null, pointer
from ._lib import lib
from ._simulators import SimulatorCallbacks
from .errors import HyloError


class ABCResult(Handle):
    """What an ABC run accepted: `samples` (n, dim θ), their normalized `weights` and
    `distances`, the final `epsilon`, the tolerance of each population (`epsilons`), the
    simulations used and how many were invalid, and `status` ("complete", "tolerance_reached",
    "time_budget" or "cancelled")."""

    _free = lib.hylo_abc_result_free

    def __init__(self, ptr):
        super().__init__(ptr)
        n, d, simulations, invalid, populations = (ctypes.c_size_t() for _ in range(5))
        epsilon, status = ctypes.c_double(), ctypes.c_char_p()
        lib.hylo_abc_result_info(self._p(), ctypes.byref(n), ctypes.byref(d), ctypes.byref(epsilon), ctypes.byref(simulations),
                                 ctypes.byref(invalid), ctypes.byref(populations), ctypes.byref(status))
        self.samples = np.empty((n.value, d.value))
        self.weights, self.distances = np.empty(n.value), np.empty(n.value)
        lib.hylo_abc_result_samples(self._p(), pointer(self.samples), pointer(self.weights), pointer(self.distances),
                                    max(n.value, 1))
        self.epsilons = np.empty(populations.value)
        lib.hylo_abc_result_epsilons(self._p(), pointer(self.epsilons), populations.value)
        self.epsilon = epsilon.value
        self.num_simulations, self.num_invalid = simulations.value, invalid.value
        self.status = status.value.decode()

    def sample(self, sample_shape=(1,), seed: int = 0) -> np.ndarray:
        """Draws with replacement by weight (sbi's Empirical posterior of SMC-ABC)."""
        n = int(np.prod(sample_shape))
        out = np.empty((n, self.samples.shape[1]))
        lib.hylo_abc_result_resample(self._p(), n, seed, pointer(out))
        return out


class _ABC:
    _entry = ""

    def __init__(self, prior, simulator, distance: str = "l2", num_workers: int = 1, vectorized: bool = False,
                 batch_size: int = 1000, scale: str = "none"):
        """`simulator(theta)` or `simulator(theta, rng)` returns x (None marks a failed
        simulation); with `vectorized=True` it takes a batch θ (m, d) and returns (m, dim x).
        `scale="mad"` divides each statistic by its median absolute deviation."""
        self.prior, self.simulator, self.vectorized = prior, simulator, vectorized
        self.options = {"distance": distance, "num_workers": num_workers, "batch_size": batch_size, "scale": scale}

    def _run(self, x_o, progress, options) -> ABCResult:
        xo = np.ascontiguousarray(x_o, float).ravel()
        callbacks = SimulatorCallbacks(self.simulator, xo.size, self.vectorized)
        thunk = ProgressThunk(progress)
        opts = options_or_null({**self.options, **{k: v for k, v in options.items() if v is not None}})
        ptr = ctypes.c_void_p()
        try:
            getattr(lib, self._entry)(self.prior._p(), callbacks.single or _lib.SIMULATOR_FN(),
                                      callbacks.batch or _lib.BATCH_SIMULATOR_FN(), None, pointer(xo), xo.size,
                                      opts and opts._p(), thunk.c, None, ctypes.byref(ptr))
        except HyloError as error:
            callbacks.reraise(error)
        if thunk.error is not None:
            raise thunk.error
        return ABCResult(ptr)


class ABC(_ABC):
    """Rejection ABC (sbi's MCABC): `ABC(prior, simulator)(x_o, num_simulations, quantile=0.01)`.

    Give exactly one of eps, quantile and num_top_samples. `sass` learns the summary statistics
    E[θ | x] by regression on the first `sass_fraction` of the simulations; `lra` adjusts the
    accepted θ by linear regression. Returns the accepted samples, or (samples, ABCResult) with
    `return_summary=True`. Stops early (status "cancelled" or "time_budget") when `progress`
    returns False or `max_seconds` pass.
    """

    _entry = "hylo_abc_rejection"

    def __call__(self, x_o, num_simulations: int, eps: Optional[float] = None, quantile: Optional[float] = None,
                 num_top_samples: Optional[int] = None, lra: bool = False, sass: bool = False, sass_fraction: float = 0.25,
                 sass_expansion_degree: int = 1, seed: int = 0, max_seconds: Optional[float] = None, progress=None,
                 return_summary: bool = False):
        result = self._run(x_o, progress, {
            "num_simulations": num_simulations, "eps": eps, "quantile": quantile, "num_top_samples": num_top_samples,
            "lra": lra, "sass": sass, "sass_fraction": sass_fraction, "sass_expansion_degree": sass_expansion_degree,
            "seed": seed, "max_seconds": max_seconds})
        return (result.samples, result) if return_summary else result.samples


class SMCABC(_ABC):
    """SMC-ABC (Beaumont et al. 2009; sbi's SMCABC): populations of weighted particles through
    decreasing tolerances within a simulation budget.

    `SMCABC(prior, simulator, kernel="gaussian")(x_o, num_particles=1000, num_initial_pop=5000,
    num_simulations=50000)` returns an ABCResult: `.sample((n,))` draws by weight; `.samples` and
    `.weights` are the final population.
    """

    _entry = "hylo_abc_smc"

    def __init__(self, prior, simulator, distance: str = "l2", num_workers: int = 1, vectorized: bool = False,
                 batch_size: int = 1000, scale: str = "none", kernel: str = "gaussian"):
        super().__init__(prior, simulator, distance, num_workers, vectorized, batch_size, scale)
        self.options["kernel"] = kernel

    def __call__(self, x_o, num_particles: int, num_initial_pop: int, num_simulations: int, epsilon_decay: float = 0.5,
                 distance_based_decay: bool = False, ess_min: Optional[float] = None, kernel_variance_scale: float = 2.0,
                 use_last_pop_samples: bool = True, target_epsilon: Optional[float] = None, lra: bool = False,
                 sass: bool = False, sass_fraction: float = 0.25, sass_expansion_degree: int = 1, seed: int = 0,
                 max_seconds: Optional[float] = None, progress=None) -> ABCResult:
        return self._run(x_o, progress, {
            "num_particles": num_particles, "num_initial_pop": num_initial_pop, "num_simulations": num_simulations,
            "epsilon_decay": epsilon_decay, "distance_based_decay": distance_based_decay, "ess_min": ess_min,
            "kernel_variance_scale": kernel_variance_scale, "use_last_pop_samples": use_last_pop_samples,
            "target_epsilon": target_epsilon, "lra": lra, "sass": sass, "sass_fraction": sass_fraction,
            "sass_expansion_degree": sass_expansion_degree, "seed": seed, "max_seconds": max_seconds})
