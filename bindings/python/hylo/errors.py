"""Exceptions raised for the library's status codes, each carrying the library's message."""

from __future__ import annotations


class HyloError(Exception):
    """Base class of every error reported by libhylo. ``status`` is the C status code."""

    status = -99

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        if status is not None:
            self.status = status


class NullArgumentError(HyloError, ValueError):
    status = -1


class InvalidArgumentError(HyloError, ValueError):
    status = -2


class ShapeError(HyloError, ValueError):
    status = -3


class NotFiniteError(HyloError, ValueError):
    status = -4


class OptionError(HyloError, ValueError):
    status = -5


class StateError(HyloError, RuntimeError):
    status = -6


class HyloIOError(HyloError, OSError):
    status = -7


class FileFormatError(HyloError, ValueError):
    status = -8


class CallbackError(HyloError, RuntimeError):
    status = -9


class Cancelled(HyloError):
    status = -10


class NumericalError(HyloError, ArithmeticError):
    status = -11


class BudgetExhausted(HyloError, RuntimeError):
    status = -12


class BufferTooSmall(HyloError, ValueError):
    status = -13


class InternalError(HyloError, RuntimeError):
    status = -99


_BY_STATUS = {cls.status: cls for cls in (
    NullArgumentError, InvalidArgumentError, ShapeError, NotFiniteError, OptionError, StateError,
    HyloIOError, FileFormatError, CallbackError, Cancelled, NumericalError, BudgetExhausted,
    BufferTooSmall, InternalError)}


def error_for_status(status: int, message: str) -> HyloError:
    """The exception for a status code (``HyloError`` for codes this package does not know)."""
    cls = _BY_STATUS.get(status, HyloError)
    return cls(message, status)
