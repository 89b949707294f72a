"""A multilayer-perceptron regressor: a neural surrogate of an expensive function."""

from __future__ import annotations

import ctypes
import os
from typing import Mapping, Optional

import numpy as np

from ._handles import Handle, ProgressThunk, as_matrix, options_or_null, pointer
from ._lib import lib
from .errors import HyloError


class MLPRegressor(Handle):
    """An MLP from ``n_inputs`` to ``n_outputs``, trained on (x, y) pairs.

    Architecture keywords are the C options of ``hylo_mlp_create`` (``hidden_features``,
    ``hidden_layers``, ``activation``, ``residual``, ``layer_norm``, ``initializer``, ``seed``).

    >>> model = MLPRegressor(2, 1, hidden_features=32)
    >>> model.fit(x, y, optimizer="lbfgs", max_epochs=500)
    >>> model.predict(x_new)
    """

    _free = lib.hylo_mlp_free

    def __init__(self, n_inputs: int, n_outputs: int = 1, **architecture):
        ptr = ctypes.c_void_p()
        if n_inputs < 0 or n_outputs < 0:
            raise ValueError("n_inputs and n_outputs must be positive")
        opts = options_or_null(architecture)
        lib.hylo_mlp_create(n_inputs, n_outputs, opts and opts._p(), ctypes.byref(ptr))
        super().__init__(ptr)

    @classmethod
    def load(cls, path: "str | os.PathLike[str]") -> "MLPRegressor":
        """Loads a model saved by ``save`` (in any process); it predicts bit-identically."""
        self = cls.__new__(cls)
        ptr = ctypes.c_void_p()
        lib.hylo_mlp_load(os.fsencode(path), ctypes.byref(ptr))
        Handle.__init__(self, ptr)
        return self

    def save(self, path: "str | os.PathLike[str]") -> None:
        lib.hylo_mlp_save(self._p(), os.fsencode(path))

    @property
    def sizes(self) -> tuple[int, int, int]:
        """(inputs, outputs, trainable parameters)."""
        a, b, c = ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_size_t()
        lib.hylo_mlp_sizes(self._p(), ctypes.byref(a), ctypes.byref(b), ctypes.byref(c))
        return a.value, b.value, c.value

    def fit(self, x, y, progress=None, **training) -> "MLPRegressor":
        """Trains on x (n, inputs) and y (n, outputs). ``training`` keywords are the options of
        ``hylo_mlp_train`` (``optimizer``, ``learning_rate``, ``max_epochs`` …). ``progress`` is
        True for a text bar, or a callable (stage, done, total, loss) returning False to cancel."""
        n_in, n_out, _ = self.sizes
        xs, ys = as_matrix(x, n_in, "x"), as_matrix(y, n_out, "y")
        if xs.shape[0] != ys.shape[0]:
            raise ValueError(f"x has {xs.shape[0]} rows but y has {ys.shape[0]}")
        thunk = ProgressThunk(progress)
        opts = options_or_null(training)
        try:
            lib.hylo_mlp_train(self._p(), pointer(xs), pointer(ys), xs.shape[0], opts and opts._p(), thunk.c, None)
        except HyloError as error:
            thunk.reraise(error)
        return self

    @property
    def training_result(self) -> dict:
        """``{"epochs", "best_loss", "stop_reason"}`` of the last training."""
        epochs, best, reason = ctypes.c_int64(), ctypes.c_double(), ctypes.c_char_p()
        lib.hylo_mlp_training_result(self._p(), ctypes.byref(epochs), ctypes.byref(best), ctypes.byref(reason))
        return {"epochs": epochs.value, "best_loss": best.value, "stop_reason": reason.value.decode()}

    def predict(self, x) -> np.ndarray:
        """Predictions (n, outputs) at x (n, inputs). Safe to call from several threads."""
        n_in, n_out, _ = self.sizes
        xs = as_matrix(x, n_in, "x")
        out = np.empty((xs.shape[0], n_out))
        lib.hylo_mlp_predict(self._p(), pointer(xs), xs.shape[0], pointer(out))
        return out

    def jacobian(self, x) -> np.ndarray:
        """d y_i / d x_j at each point, shape (n, outputs, inputs)."""
        n_in, n_out, _ = self.sizes
        xs = as_matrix(x, n_in, "x")
        out = np.empty((xs.shape[0], n_out, n_in))
        lib.hylo_mlp_jacobian(self._p(), pointer(xs), xs.shape[0], pointer(out))
        return out
