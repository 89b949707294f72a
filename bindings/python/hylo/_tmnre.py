"""Truncated marginal neural ratio estimation (TMNRE, the method of swyft); see hylo.sbi.TMNRE."""

from __future__ import annotations

import ctypes
import os
from typing import Optional, Sequence

import numpy as np

from ._handles import Handle, ProgressThunk, as_matrix, options_or_null, pointer
from ._lib import lib
from .errors import HyloError


class TMNRE(Handle):
    """One ratio estimator per parameter (and per pair in `pairs`), trained together, with rounds that
    truncate the prior to a box around one observation:

    >>> tmnre = sbi.TMNRE(prior, pairs=[(0, 1)])
    >>> theta = prior.sample((2000,))
    >>> for _ in range(3):
    ...     tmnre.append_simulations(theta, simulate(theta)).train()
    ...     tmnre.truncate(x_o)
    ...     theta = tmnre.sample_truncated_prior((2000,))
    >>> samples, weights = tmnre.marginal_samples(0, x_o, 10000)

    Marginal k is parameter k, then the pairs in order. Keywords are the options of hylo_nre_create
    (loss "nre_a" by default, classifier, hidden_features, num_blocks, seed).
    """

    _free = lib.hylo_tmnre_free

    def __init__(self, prior, pairs: Sequence[tuple[int, int]] = (), **options):
        flat = np.ascontiguousarray(np.asarray(pairs, dtype=np.uintp).reshape(-1))
        ptr = ctypes.c_void_p()
        opts = options_or_null(options)
        lib.hylo_tmnre_create(prior._p(), flat.ctypes.data_as(ctypes.POINTER(ctypes.c_size_t)) if flat.size else None,
                              flat.size // 2, opts and opts._p(), ctypes.byref(ptr))
        super().__init__(ptr)
        self.prior, self.num_excluded = prior, 0

    @property
    def marginals(self) -> list[tuple[int, ...]]:
        """The parameter indices of each marginal."""
        count, size, indices = ctypes.c_size_t(), ctypes.c_size_t(), (ctypes.c_size_t * 2)()
        lib.hylo_tmnre_marginal(self._p(), 0, None, None, ctypes.byref(count))
        out = []
        for k in range(count.value):
            lib.hylo_tmnre_marginal(self._p(), k, ctypes.byref(size), indices, None)
            out.append(tuple(indices[:size.value]))
        return out

    @classmethod
    def load(cls, path, prior) -> "TMNRE":
        """A TMNRE saved by `save` (its `prior` is the prior object to attach)."""
        ptr = ctypes.c_void_p()
        lib.hylo_tmnre_load(os.fsencode(path), ctypes.byref(ptr))
        self = cls.__new__(cls)
        Handle.__init__(self, ptr)
        self.prior, self.num_excluded = prior, 0
        return self

    def append_simulations(self, theta, x) -> "TMNRE":
        t = as_matrix(theta, self.prior.dim, "theta")
        xs = np.ascontiguousarray(x, float)
        xs = xs.reshape(len(xs), -1)
        excluded = ctypes.c_size_t()
        lib.hylo_tmnre_append_simulations(self._p(), pointer(t), pointer(xs), t.shape[0], xs.shape[1], ctypes.byref(excluded))
        self.num_excluded += excluded.value
        return self

    def train(self, progress=None, **options) -> "TMNRE":
        thunk = ProgressThunk(progress)
        opts = options_or_null(options)
        try:
            lib.hylo_tmnre_train(self._p(), opts and opts._p(), thunk.c, None)
        except HyloError as error:
            thunk.reraise(error)
        return self

    def truncate(self, x_o, threshold: float = 1e-6, num_samples: int = 100_000, seed: int = 0):
        """Shrinks the prior's box around x_o; returns (low, high)."""
        xo = np.ascontiguousarray(x_o, float).ravel()
        low, high = np.empty(self.prior.dim), np.empty(self.prior.dim)
        opts = options_or_null({"threshold": threshold, "num_samples": num_samples, "seed": seed})
        lib.hylo_tmnre_truncate(self._p(), pointer(xo), xo.size, opts and opts._p(), pointer(low), pointer(high))
        return low, high

    def sample_truncated_prior(self, sample_shape=(1,), seed: int = 0) -> np.ndarray:
        n = int(np.prod(sample_shape))
        out = np.empty((n, self.prior.dim))
        lib.hylo_tmnre_sample_truncated_prior(self._p(), n, seed, pointer(out), None)
        return out

    def marginal_samples(self, marginal: int, x_o, n: int, seed: int = 0, weighted: bool = True):
        """(samples, weights) of marginal k at x_o; with weighted=False, unweighted samples only."""
        xo = np.ascontiguousarray(x_o, float).ravel()
        size = ctypes.c_size_t()
        lib.hylo_tmnre_marginal(self._p(), marginal, ctypes.byref(size), None, None)
        out = np.empty((n, size.value))
        weights = np.empty(n) if weighted else None
        lib.hylo_tmnre_marginal_samples(self._p(), pointer(xo), xo.size, marginal, n, seed, pointer(out),
                                        pointer(weights) if weighted else None)
        return (out, weights) if weighted else out

    def save(self, path) -> None:
        lib.hylo_tmnre_save(self._p(), os.fsencode(path))
