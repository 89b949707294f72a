"""Simulation-based inference in the shape of the `sbi` package.

>>> from hylo import sbi
>>> prior = sbi.BoxUniform(low=[-1, -1], high=[1, 1])
>>> theta, x = sbi.simulate(simulator, prior, num_simulations=5000, num_workers=2, seed=0)
>>> posterior = sbi.NPE(prior).append_simulations(theta, x).train()
>>> samples = posterior.sample((1000,), x=x_o)
>>> posterior.save("posterior.safetensors"); sbi.load("posterior.safetensors")

NLE and NRE give posteriors known up to a constant, sampled by MCMC (sbi's defaults: slice
sampling, 20 chains, 200 warm-up steps) or by importance resampling:

>>> posterior = sbi.NLE(prior).append_simulations(theta, x).train()
>>> samples = posterior.sample((10000,), x=x_o, mcmc_method="nuts", progress=True)
>>> posterior.mcmc_diagnostics  # {"rhat": ..., "ess": ..., "acceptance_rate": ...}

ABC needs only the simulator:

>>> samples = sbi.ABC(prior, simulator)(x_o, num_simulations=100_000, quantile=0.01)
>>> result = sbi.SMCABC(prior, simulator)(x_o, num_particles=1000, num_initial_pop=5000, num_simulations=50_000)
>>> result.sample((1000,))
"""

from __future__ import annotations

import ctypes
import inspect
import os
from typing import Callable, Optional, Sequence

import numpy as np

from . import _lib
from ._abc import ABC, SMCABC, ABCResult  # noqa: F401 - sbi-style access
from ._tmnre import TMNRE  # noqa: F401 - sbi-style access
from ._handles import Handle, ProgressThunk, as_matrix, options_or_null, pointer
from ._lib import lib
from ._simulators import SimulatorCallbacks
from .diagnostics import c2st, expected_coverage, misspecification_mmd, run_sbc, tarp  # noqa: F401 - sbi-style access
from .errors import BudgetExhausted, HyloError

__all__ = ["Prior", "BoxUniform", "Gaussian", "Independent", "simulate", "NPE", "NLE", "NRE", "FMPE", "Posterior", "load",
           "EnsemblePosterior", "infer", "TMNRE", "ABC", "SMCABC", "ABCResult", "c2st", "run_sbc", "expected_coverage", "tarp",
           "misspecification_mmd"]

_MARGINALS = {"uniform": 1, "normal": 2, "lognormal": 3, "gamma": 4, "beta": 5}


class Prior(Handle):
    """A prior over parameter vectors; build one with BoxUniform, Gaussian or Independent."""

    _free = lib.hylo_prior_free

    @property
    def dim(self) -> int:
        n = ctypes.c_size_t()
        lib.hylo_prior_dimension(self._p(), ctypes.byref(n))
        return n.value

    def sample(self, sample_shape=(1,), seed: int = 0) -> np.ndarray:
        """Draws of shape (n, dim), reproducible for a seed."""
        n = int(np.prod(sample_shape))
        out = np.empty((n, self.dim))
        lib.hylo_prior_sample(self._p(), n, seed, pointer(out))
        return out

    def log_prob(self, theta) -> np.ndarray:
        t = as_matrix(theta, self.dim, "theta")
        out = np.empty(t.shape[0])
        lib.hylo_prior_log_prob(self._p(), pointer(t), t.shape[0], pointer(out))
        return out


def _made(create, *args) -> Prior:
    ptr = ctypes.c_void_p()
    create(*args, ctypes.byref(ptr))
    prior = Prior.__new__(Prior)
    Handle.__init__(prior, ptr)
    return prior


def BoxUniform(low: Sequence[float], high: Sequence[float]) -> Prior:
    """θᵢ ~ U[lowᵢ, highᵢ] independently (sbi.utils.BoxUniform)."""
    lo, hi = np.ascontiguousarray(low, float).ravel(), np.ascontiguousarray(high, float).ravel()
    if lo.shape != hi.shape:
        raise ValueError(f"low has {lo.size} entries but high has {hi.size}")
    return _made(lib.hylo_prior_create_box_uniform, pointer(lo), pointer(hi), lo.size)


def Gaussian(mean: Sequence[float], covariance) -> Prior:
    """A multivariate normal N(mean, covariance)."""
    m = np.ascontiguousarray(mean, float).ravel()
    c = np.ascontiguousarray(covariance, float)
    if c.shape != (m.size, m.size):
        raise ValueError(f"covariance has shape {c.shape}; expected ({m.size}, {m.size})")
    return _made(lib.hylo_prior_create_gaussian, pointer(m), pointer(c), m.size)


def Independent(marginals: Sequence[tuple]) -> Prior:
    """A product of 1-D marginals, each ("uniform", low, high), ("normal", mean, std),
    ("lognormal", mu, sigma), ("gamma", shape, rate) or ("beta", a, b)."""
    try:
        kinds = np.array([_MARGINALS[m[0]] for m in marginals], dtype=np.int32)
    except KeyError as error:
        raise ValueError(f"unknown marginal {error}; use one of {', '.join(_MARGINALS)}") from None
    params = np.ascontiguousarray([[m[1], m[2]] for m in marginals], float)
    return _made(lib.hylo_prior_create_independent, kinds.ctypes.data_as(_lib.c_int32_p), pointer(params), len(kinds))


def simulate(simulator: Callable, prior: Prior, num_simulations: int, num_workers: int = 1, seed: int = 0,
             theta=None, progress=None, vectorized: bool = False, batch_size: int = 1000):
    """Draws θ from the prior (or uses `theta`) and runs `simulator` on each row.

    `simulator(theta)` or `simulator(theta, rng)` (rng: a numpy Generator seeded for that
    simulation) returns x as an array; returning None marks the simulation invalid (its x is NaN,
    so NPE leaves it out); raising aborts the run and re-raises. Returns (theta, x) as arrays.

    With `vectorized=True` the simulator takes a batch θ (m, d) and returns x (m, dim x), rows of
    NaN marking invalid simulations; its rng (if it takes one) is seeded from the batch's
    simulation seeds, so results depend on `batch_size` but not on `num_workers`.
    """
    th = prior.sample((num_simulations,), seed=seed) if theta is None else as_matrix(theta, prior.dim, "theta")
    probe = th[:1] if vectorized else th[0]
    takes_rng = len(inspect.signature(simulator).parameters) >= 2
    first = np.asarray(simulator(probe, np.random.default_rng(seed)) if takes_rng else simulator(probe), float)
    dim_x = first.reshape(1, -1).shape[1] if vectorized else first.size
    callbacks = SimulatorCallbacks(simulator, dim_x, vectorized)
    thunk = ProgressThunk(progress)
    x = np.empty((th.shape[0], dim_x))
    options = {"num_workers": num_workers, "seed": seed, **({"batch_size": batch_size} if vectorized else {})}
    opts = options_or_null(options)
    try:
        if vectorized:
            lib.hylo_simulate_batched(callbacks.batch, None, pointer(th), th.shape[0], th.shape[1], dim_x, opts and opts._p(),
                                      thunk.c, None, pointer(x), None, None)
        else:
            lib.hylo_simulate(callbacks.single, None, pointer(th), th.shape[0], th.shape[1], dim_x, opts and opts._p(),
                              thunk.c, None, pointer(x), None, None)
    except HyloError as error:
        if callbacks.errors:
            callbacks.reraise(error)
        thunk.reraise(error)
    return th, x


class Posterior(Handle):
    """p(θ | x) from a trained estimator, for any observation x (amortized)."""

    _free = lib.hylo_posterior_free

    def __init__(self, ptr, kind: str = "npe", **sampling_options):
        super().__init__(ptr)
        self.default_x = None
        self.kind = kind
        self.sampling_options = sampling_options
        self.mcmc_diagnostics = None

    @property
    def dims(self) -> tuple[int, int]:
        a, b = ctypes.c_size_t(), ctypes.c_size_t()
        lib.hylo_posterior_dimensions(self._p(), ctypes.byref(a), ctypes.byref(b))
        return a.value, b.value

    def set_default_x(self, x) -> "Posterior":
        self.default_x = np.ascontiguousarray(x, float).ravel()
        return self

    def _x(self, x):
        if x is None:
            if self.default_x is None:
                raise ValueError("pass x= or call set_default_x first")
            return self.default_x
        return np.ascontiguousarray(x, float).ravel()

    def sample(self, sample_shape=(1,), x=None, seed: int = 0, progress=None, **options) -> np.ndarray:
        """Samples of shape (n, dim θ) at x.

        Options are those of hylo_posterior_sample, merged over the ones given to
        build_posterior: sample_with ("direct" for NPE; "mcmc" — the default for NLE and NRE — or
        "importance"), max_proposals (direct), mcmc_method ("slice", "mh", "hmc", "nuts"),
        num_chains, warmup_steps, thin, init_strategy, num_candidate_samples, max_seconds, …
        (mcmc), oversampling_factor (importance). MCMC runs leave R̂, ESS and the acceptance rate
        in `mcmc_diagnostics`; `progress` (a callable or True) sees its steps.
        Raises BudgetExhausted (with `.samples` and `.acceptance_rate`) when a budget runs out first.
        """
        xo = self._x(x)
        n = int(np.prod(sample_shape))
        d, _ = self.dims
        out = np.empty((n, d))
        n_out, rate = ctypes.c_size_t(), ctypes.c_double()
        options = {k: v for k, v in {**self.sampling_options, **options}.items() if v is not None}
        default_method = {"npe": "direct", "fmpe": "direct", "ensemble": None}.get(self.kind, "mcmc")
        mcmc = options.get("sample_with", default_method) == "mcmc" or "mcmc_method" in options
        thunk = ProgressThunk(progress)
        try:
            if mcmc:
                options.pop("sample_with", None)
                opts = options_or_null(options)
                rhat, ess = np.full(d, np.nan), np.full(d, np.nan)
                try:
                    lib.hylo_posterior_sample_mcmc(self._p(), pointer(xo), xo.size, n, seed, opts and opts._p(), thunk.c, None,
                                                   pointer(out), ctypes.byref(n_out), pointer(rhat), pointer(ess),
                                                   ctypes.byref(rate))
                finally:
                    self.mcmc_diagnostics = {"rhat": rhat, "ess": ess, "acceptance_rate": rate.value}
            else:
                opts = options_or_null(options)
                lib.hylo_posterior_sample(self._p(), pointer(xo), xo.size, n, seed, opts and opts._p(), pointer(out),
                                          ctypes.byref(n_out), ctypes.byref(rate))
        except BudgetExhausted as error:
            error.samples = out[:n_out.value].copy()
            error.acceptance_rate = rate.value
            raise
        except HyloError as error:
            thunk.reraise(error)
        self.acceptance_rate = rate.value
        return out

    def sample_truncated_prior(self, sample_shape=(1,), x=None, quantile: float = 1e-4, seed: int = 0,
                               **options) -> np.ndarray:
        """Prior draws restricted to the region of highest posterior density at x that holds
        1 − quantile of the posterior's mass: the proposal of truncated sequential NPE (TSNPE;
        sbi's RestrictedPrior). Options: num_samples_to_estimate_support (10000), max_proposals.
        The region's prior mass is left in `truncated_prior_mass`."""
        xo = self._x(x)
        n = int(np.prod(sample_shape))
        out = np.empty((n, self.dims[0]))
        n_out, rate = ctypes.c_size_t(), ctypes.c_double()
        opts = options_or_null({"quantile": quantile, **options})
        lib.hylo_posterior_sample_truncated_prior(self._p(), pointer(xo), xo.size, n, seed, opts and opts._p(), pointer(out),
                                                  ctypes.byref(n_out), ctypes.byref(rate))
        self.truncated_prior_mass = rate.value
        return out

    def log_prob(self, theta, x=None, seed: int = 0) -> np.ndarray:
        xo = self._x(x)
        d, _ = self.dims
        t = as_matrix(theta, d, "theta")
        out = np.empty(t.shape[0])
        lib.hylo_posterior_log_prob(self._p(), pointer(t), t.shape[0], pointer(xo), xo.size, seed, pointer(out))
        return out

    def map(self, x=None, seed: int = 0, **options) -> np.ndarray:
        """The maximum a posteriori estimate at x (options: num_init_samples, num_starts,
        num_iter, learning_rate, as sbi's map())."""
        xo = self._x(x)
        d, _ = self.dims
        out = np.empty(d)
        value = ctypes.c_double()
        opts = options_or_null(options)
        lib.hylo_posterior_map(self._p(), pointer(xo), xo.size, seed, opts and opts._p(), pointer(out), ctypes.byref(value))
        self.map_log_prob = value.value
        return out

    def save(self, path) -> None:
        lib.hylo_posterior_save(self._p(), os.fsencode(path))


def EnsemblePosterior(posteriors: Sequence[Posterior], weights: Optional[Sequence[float]] = None) -> Posterior:
    """The mixture Σₖ wₖ pₖ(θ | x) of posteriors of any kind (sbi's EnsemblePosterior); equal
    weights by default. Each member samples its multinomial share with its own default method."""
    handles = (ctypes.c_void_p * len(posteriors))(*[p._p() for p in posteriors])
    w = None if weights is None else np.ascontiguousarray(weights, float)
    if w is not None and w.shape != (len(posteriors),):
        raise ValueError(f"{len(posteriors)} posteriors need {len(posteriors)} weights; got shape {w.shape}")
    ptr = ctypes.c_void_p()
    lib.hylo_posterior_ensemble_create(handles, len(posteriors), None if w is None else pointer(w), ctypes.byref(ptr))
    return Posterior(ptr, "ensemble")


def load(path) -> Posterior:
    """Loads a posterior saved by Posterior.save (in any process); it samples bit-identically."""
    ptr = ctypes.c_void_p()
    lib.hylo_posterior_load(os.fsencode(path), ctypes.byref(ptr))
    posterior = Posterior(ptr)
    method = ctypes.c_char_p()
    lib.hylo_posterior_method(posterior._p(), ctypes.byref(method))
    posterior.kind = method.value.decode()
    return posterior


class _Inference(Handle):
    """What NPE, NLE, NRE and FMPE share: `Method(prior, **options).append_simulations(theta, x).train()`."""

    _kind = ""

    def __init__(self, prior: Prior, **options):
        self._entries = {name: getattr(lib, f"hylo_{self._kind}_{name}")
                         for name in ("append_simulations", "append_npy", "train", "training_result", "build_posterior")}
        ptr = ctypes.c_void_p()
        opts = options_or_null(options)
        getattr(lib, f"hylo_{self._kind}_create")(prior._p(), opts and opts._p(), ctypes.byref(ptr))
        super().__init__(ptr)
        self.prior = prior
        self.num_excluded = 0

    def append_simulations(self, theta, x, proposal=None):
        """Adds simulations. `proposal`: what θ were drawn from when not the prior (sbi's
        sequential rounds: the posterior of an earlier round). NPE then trains with the atomic loss
        (SNPE-C); NLE and NRE need no correction. θ from a truncated prior (TSNPE) are prior draws:
        append them without a proposal."""
        t = as_matrix(theta, self.prior.dim, "theta")
        xs = np.ascontiguousarray(x, float)
        xs = xs.reshape(len(xs), -1) if xs.ndim != 2 else xs
        if xs.shape[0] != t.shape[0]:
            raise ValueError(f"theta has {t.shape[0]} rows but x has {xs.shape[0]}")
        excluded = ctypes.c_size_t()
        from_proposal = self._kind == "npe" and proposal is not None and proposal is not self.prior
        append = lib.hylo_npe_append_proposal_simulations if from_proposal else self._entries["append_simulations"]
        append(self._p(), pointer(t), pointer(xs), t.shape[0], xs.shape[1], ctypes.byref(excluded))
        self.num_excluded += excluded.value
        return self

    def append_simulations_from_npy(self, theta_path, x_path):
        """Appends simulations stored as .npy files (e.g. written by a cluster job array)."""
        excluded = ctypes.c_size_t()
        self._entries["append_npy"](self._p(), os.fsencode(theta_path), os.fsencode(x_path), ctypes.byref(excluded))
        self.num_excluded += excluded.value
        return self

    def train(self, progress=None, **options) -> Posterior:
        """Trains with sbi's defaults (training_batch_size 200, learning_rate 5e-4,
        validation_fraction 0.1, stop_after_epochs 20, clip_max_norm 5); returns the posterior."""
        thunk = ProgressThunk(progress)
        opts = options_or_null(options)
        try:
            self._entries["train"](self._p(), opts and opts._p(), thunk.c, None)
        except HyloError as error:
            thunk.reraise(error)
        return self.build_posterior()

    @property
    def training_result(self) -> dict:
        epochs, best, reason = ctypes.c_int64(), ctypes.c_double(), ctypes.c_char_p()
        self._entries["training_result"](self._p(), ctypes.byref(epochs), ctypes.byref(best), ctypes.byref(reason))
        return {"epochs": epochs.value, "best_validation_loss": best.value, "stop_reason": reason.value.decode()}

    def build_posterior(self, sample_with: Optional[str] = None, **sampling_options) -> Posterior:
        """The posterior (an independent copy). Sampling options given here (e.g. sample_with="importance",
        mcmc_method="nuts", num_chains=10) become its defaults."""
        ptr = ctypes.c_void_p()
        self._entries["build_posterior"](self._p(), ctypes.byref(ptr))
        return Posterior(ptr, self._kind, sample_with=sample_with, **sampling_options)


class NPE(_Inference):
    """Neural posterior estimation, as sbi's NPE: `NPE(prior).append_simulations(theta, x).train()`.

    Keywords are the options of hylo_npe_create: density_estimator ("maf", "nsf" or "mdn"),
    hidden_features (50), num_transforms (5), num_blocks (2), num_bins (10, nsf), tail_bound (3, nsf),
    num_components (10, mdn), unbounded_theta (False: learn θ in the prior's unbounded space),
    embedding_features (0), seed (0).
    """

    _kind = "npe"
    _free = lib.hylo_npe_free

    def __init__(self, prior: Prior, density_estimator: str = "maf", **options):
        super().__init__(prior, density_estimator=density_estimator, **options)


class NLE(_Inference):
    """Neural likelihood estimation, as sbi's NLE: a flow q(x | θ) (options as NPE's, maf by default;
    unbounded_theta=True conditions it on θ in the prior's unbounded coordinates, as sbibm's automatic
    transforms); its posterior q(x | θ) p(θ) is sampled by MCMC."""

    _kind = "nle"
    _free = lib.hylo_nle_free

    def __init__(self, prior: Prior, density_estimator: str = "maf", **options):
        super().__init__(prior, density_estimator=density_estimator, **options)


class FMPE(_Inference):
    """Flow-matching posterior estimation, as sbi's FMPE: a velocity field trained by flow matching,
    whose ODE carries N(0, I) to the posterior. Keywords: hidden_features (64), num_blocks (5),
    num_frequencies (3), num_steps (50, Runge–Kutta steps when sampling), sigma_min (1e-4), seed."""

    _kind = "fmpe"
    _free = lib.hylo_fmpe_free


class NRE(_Inference):
    """Neural ratio estimation: `NRE(prior, loss="nre_b")` with loss "nre_a", "nre_b" (sbi's NRE
    default; num_atoms 10), "nre_c" (num_classes 5, gamma 1) or "bnre" (regularization_strength 100);
    classifier "resnet" (default) or "mlp", hidden_features (50), num_blocks (2), seed (0),
    unbounded_theta (False: as NLE's, the classifier sees θ in the prior's unbounded coordinates)."""

    _kind = "nre"
    _free = lib.hylo_nre_free

    def __init__(self, prior: Prior, loss: str = "nre_b", **options):
        super().__init__(prior, loss=loss, **options)


_METHODS = {"npe": "npe", "snpe": "npe", "snpe_c": "npe", "tsnpe": "npe", "nle": "nle", "snle": "nle", "nre": "nre",
            "snre": "nre", "fmpe": "fmpe"}


def infer(simulator: Callable, prior: Prior, method: str = "npe", num_simulations: int = 1000, num_rounds: int = 1,
          x_o=None, num_workers: int = 1, seed: int = 0, vectorized: bool = False, training: Optional[dict] = None,
          progress=None, **estimator_options) -> Posterior:
    """Simulates, trains and returns a posterior in one call (sbi's `infer`), over `num_rounds` rounds
    of `num_simulations` each.

    method: "npe", "nle", "nre" or "fmpe" (one round, amortized), or a sequential variant focused on the
    observation `x_o`: "snpe" (SNPE-C: rounds after the first propose from the current posterior,
    trained with the atomic loss), "tsnpe" (rounds propose from the prior truncated to the
    posterior's highest-density region), "snle", "snre" (rounds propose from the current posterior,
    sampled by MCMC). `training` holds train() options; other keywords are the estimator's.
    """
    try:
        kind = _METHODS[method.lower()]
    except KeyError:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(_METHODS)}") from None
    sequential = num_rounds > 1
    if sequential and x_o is None:
        raise ValueError(f"{num_rounds} rounds focus on one observation: pass x_o")
    inference = {"npe": NPE, "nle": NLE, "nre": NRE, "fmpe": FMPE}[kind](prior, **estimator_options)
    posterior, proposal = None, prior
    for r in range(num_rounds):
        round_seed = seed + 1000003 * r
        if posterior is None:
            theta = prior.sample((num_simulations,), seed=round_seed)
        elif method.lower() == "tsnpe":
            theta = posterior.sample_truncated_prior((num_simulations,), x=x_o, seed=round_seed)
        else:
            theta = posterior.sample((num_simulations,), x=x_o, seed=round_seed)
            proposal = posterior
        theta, x = simulate(simulator, prior, num_simulations, num_workers=num_workers, seed=round_seed, theta=theta,
                            vectorized=vectorized, progress=progress)
        inference.append_simulations(theta, x, proposal=proposal)
        posterior = inference.train(progress=progress, **(training or {}))
    if sequential:
        posterior.set_default_x(x_o)
    return posterior
