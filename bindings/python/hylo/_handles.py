"""Owning wrappers of C handles and conversions shared by the API classes."""

from __future__ import annotations

import ctypes
import sys
import weakref
from typing import Callable, Mapping, Optional, Union

import numpy as np

from . import _lib
from .errors import Cancelled, HyloError
from ._lib import lib

OptionValue = Union[int, float, str, bool]


class Handle:
    """Owns one C handle; released by ``close()``, by ``with`` blocks, or when collected."""

    _free: Callable[[ctypes.c_void_p], None]

    def __init__(self, pointer: ctypes.c_void_p):
        self._ptr = pointer
        self._finalizer = weakref.finalize(self, type(self)._free, pointer)

    def _p(self) -> ctypes.c_void_p:
        """The C handle; ValueError once closed."""
        if not self._ptr:
            raise ValueError(f"this {type(self).__name__} is closed")
        return self._ptr

    def close(self) -> None:
        self._finalizer()
        self._ptr = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Options(Handle):
    """A ``hylo_options`` set built from a mapping; bools become 0/1."""

    _free = lib.hylo_options_free

    def __init__(self, values: Optional[Mapping[str, OptionValue]] = None):
        ptr = ctypes.c_void_p()
        lib.hylo_options_create(ctypes.byref(ptr))
        super().__init__(ptr)
        for key, value in (values or {}).items():
            self[key] = value

    def __setitem__(self, key: str, value: OptionValue) -> None:
        k = key.encode()
        if isinstance(value, (bool, np.bool_)):
            lib.hylo_options_set_int(self._p(), k, int(value))
        elif isinstance(value, (int, np.integer)):
            lib.hylo_options_set_int(self._p(), k, int(value))
        elif isinstance(value, (float, np.floating)):
            lib.hylo_options_set_double(self._p(), k, float(value))
        elif isinstance(value, str):
            lib.hylo_options_set_string(self._p(), k, value.encode())
        else:
            raise TypeError(f"option '{key}' must be int, float, bool or str, not {type(value).__name__}")

    def __len__(self) -> int:
        n = ctypes.c_size_t()
        lib.hylo_options_count(self._p(), ctypes.byref(n))
        return n.value


def options_or_null(values: Optional[Mapping[str, OptionValue]]):
    """An ``Options`` for a non-empty mapping, else None (C NULL: all defaults)."""
    return Options(values) if values else None


def as_matrix(a, columns: int, name: str) -> np.ndarray:
    """A C-contiguous float64 array of shape (n, columns); a 1-D array is n rows when columns = 1,
    else one row."""
    x = np.ascontiguousarray(a, dtype=np.float64)
    if x.ndim == 1:
        x = x.reshape(-1, 1) if columns == 1 else x.reshape(1, -1)
    if x.ndim != 2 or x.shape[1] != columns:
        raise ValueError(f"{name} has shape {np.shape(a)}; expected (n, {columns})")
    return x


def pointer(a: np.ndarray):
    return a.ctypes.data_as(_lib.c_double_p)


class ProgressThunk:
    """Wraps a Python progress callable as a C callback. The callable gets
    (stage, done, total, loss) and returns True/None to go on, False to cancel. An exception in it
    cancels the C call and is re-raised after the call returns (``reraise``)."""

    def __init__(self, progress):
        self.error: Optional[BaseException] = None
        if progress is True:
            progress = text_progress
        self.python = progress
        self.c = _lib.PROGRESS_FN(self._call) if progress else _lib.PROGRESS_FN()

    def _call(self, stage, done, total, loss, _user):
        try:
            go_on = self.python(stage.decode(), int(done), int(total), float(loss))
            return 0 if go_on is None or go_on else 1
        except BaseException as error:  # noqa: BLE001 - re-raised after the C call
            self.error = error
            return 1

    def reraise(self, error: HyloError):
        if self.error is not None and isinstance(error, Cancelled):
            raise self.error from None
        raise error


def text_progress(stage: str, done: int, total: int, loss: float) -> None:
    """A one-line progress display on stderr."""
    width = 30
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\r{stage} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} loss {loss:.4g}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()
