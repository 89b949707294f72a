"""Is the posterior to be trusted? C2ST, simulation-based calibration, expected coverage, TARP,
a model-misspecification check — computed in libhylo — and plots with matplotlib when installed."""

from __future__ import annotations

import ctypes

import numpy as np

from ._handles import as_matrix, options_or_null, pointer
from ._lib import lib

__all__ = ["c2st", "run_sbc", "expected_coverage", "tarp", "misspecification_mmd", "plot_sbc_ranks", "plot_coverage"]

DEFAULT_LEVELS = np.linspace(0, 1, 21)


def c2st(x, y, seed: int = 1) -> float:
    """sbibm's classifier two-sample test: 0.5 = indistinguishable, 1 = separable."""
    a = np.ascontiguousarray(x, float)
    b = np.ascontiguousarray(y, float)
    a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"x has {a.shape[1]} columns but y has {b.shape[1]}")
    out = ctypes.c_double()
    lib.hylo_c2st(pointer(a), len(a), pointer(b), len(b), a.shape[1], seed, ctypes.byref(out))
    return out.value


def _pairs(posterior, theta, x):
    d, c = posterior.dims
    t, xs = as_matrix(theta, d, "theta"), as_matrix(x, c, "x")
    if len(t) != len(xs):
        raise ValueError(f"theta has {len(t)} rows but x has {len(xs)}")
    return t, xs


def run_sbc(theta, x, posterior, num_posterior_samples: int = 1000, seed: int = 0):
    """Simulation-based calibration on test pairs: (ranks (n, d), KS p-values (d,))."""
    t, xs = _pairs(posterior, theta, x)
    ranks = np.empty(t.shape)
    pvalues = np.empty(t.shape[1])
    lib.hylo_posterior_sbc(posterior._p(), pointer(t), pointer(xs), len(t), xs.shape[1], num_posterior_samples, seed,
                           pointer(ranks), pointer(pvalues))
    return ranks, pvalues


def expected_coverage(theta, x, posterior, num_posterior_samples: int = 1000, levels=DEFAULT_LEVELS, seed: int = 0):
    """(levels, coverage) of highest-posterior-density regions; calibrated: coverage = levels."""
    t, xs = _pairs(posterior, theta, x)
    lv = np.ascontiguousarray(levels, float)
    out = np.empty(len(lv))
    lib.hylo_posterior_expected_coverage(posterior._p(), pointer(t), pointer(xs), len(t), xs.shape[1],
                                         num_posterior_samples, pointer(lv), len(lv), seed, pointer(out))
    return lv, out


def tarp(theta, x, posterior, num_posterior_samples: int = 1000, levels=DEFAULT_LEVELS, seed: int = 0):
    """TARP: (levels, expected coverage probability, area to curve, KS p-value)."""
    t, xs = _pairs(posterior, theta, x)
    lv = np.ascontiguousarray(levels, float)
    ecp, atc, p = np.empty(len(lv)), ctypes.c_double(), ctypes.c_double()
    lib.hylo_posterior_tarp(posterior._p(), pointer(t), pointer(xs), len(t), xs.shape[1], num_posterior_samples,
                            pointer(lv), len(lv), seed, pointer(ecp), ctypes.byref(atc), ctypes.byref(p))
    return lv, ecp, atc.value, p.value


def misspecification_mmd(x_o, x, posterior=None, num_permutations: int = 1000, num_reference: int = 1000,
                         seed: int = 0) -> tuple[float, float]:
    """Whether observations x_o (m, dim x) lie outside what the simulator produces, judged against
    simulations x (n, dim x): (p-value, MMD²). A small p-value flags misspecification. With an NPE
    `posterior`, x is compared in its embedding (sbi's calc_misspecification_mmd)."""
    xs = np.ascontiguousarray(x, float)
    xs = xs.reshape(len(xs), -1)
    xo = as_matrix(x_o, xs.shape[1], "x_o")
    p_value, mmd = ctypes.c_double(), ctypes.c_double()
    opts = options_or_null({"num_permutations": num_permutations, "num_reference": num_reference, "seed": seed})
    lib.hylo_misspecification_mmd(pointer(xo), len(xo), pointer(xs), len(xs), xs.shape[1],
                                  posterior._p() if posterior is not None else None, opts and opts._p(),
                                  ctypes.byref(p_value), ctypes.byref(mmd))
    return p_value.value, mmd.value


def plot_sbc_ranks(ranks, num_posterior_samples: int, bins: int = 20):
    """Rank histograms, one panel per dimension, with the band expected under uniformity."""
    import matplotlib.pyplot as plt

    ranks = np.asarray(ranks)
    n, d = ranks.shape
    fig, axes = plt.subplots(1, d, figsize=(3 * d, 2.5), squeeze=False)
    expected = n / bins
    for j, ax in enumerate(axes[0]):
        ax.hist(ranks[:, j], bins=bins, range=(0, num_posterior_samples), color="C0")
        ax.axhspan(expected - 2 * np.sqrt(expected), expected + 2 * np.sqrt(expected), color="0.85", zorder=0)
        ax.set_title(f"θ{j + 1}")
        ax.set_xlabel("rank")
    fig.tight_layout()
    return fig


def plot_coverage(levels, coverage, label: str = "posterior"):
    """Coverage against credibility level, with the diagonal of a calibrated posterior."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3.5, 3.5))
    ax.plot([0, 1], [0, 1], "k--", lw=1, label="calibrated")
    ax.plot(levels, coverage, "C0", label=label)
    ax.set_xlabel("credibility level")
    ax.set_ylabel("empirical coverage")
    ax.legend()
    fig.tight_layout()
    return fig
