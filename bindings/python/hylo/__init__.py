"""Hylo: a scientific machine-learning engine in one C library (libhylo), for C, Fortran and Python.

The Python package is a thin ctypes layer: numpy arrays in and out, errors as exceptions that carry
the library's message.
"""

from ._lib import HEADER_VERSION, lib as _cdll, library_version
from ._handles import Options
from .errors import (BudgetExhausted, BufferTooSmall, CallbackError, Cancelled, FileFormatError, HyloError,
                     HyloIOError, InternalError, InvalidArgumentError, NotFiniteError, NullArgumentError,
                     NumericalError, OptionError, ShapeError, StateError)
from .mlp import MLPRegressor
from . import diagnostics, ode, operators, pinn, sbi

__version__ = _cdll.hylo_version_string().decode()


def status_string(code: int) -> str:
    """The library's short description of a status code."""
    return _cdll.hylo_status_string(code).decode()


__all__ = [
    "HEADER_VERSION", "library_version", "status_string", "Options", "MLPRegressor", "sbi", "ode", "operators", "pinn",
    "HyloError", "NullArgumentError", "InvalidArgumentError", "ShapeError", "NotFiniteError", "OptionError",
    "StateError", "HyloIOError", "FileFormatError", "CallbackError", "Cancelled", "NumericalError",
    "BudgetExhausted", "BufferTooSmall", "InternalError",
]
