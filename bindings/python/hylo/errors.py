"""Exceptions raised for the library's status codes, each carrying the library's message."""

from __future__ import annotations


class HyloError(Exception):
    """Base class of every error reported by libhylo. ``status`` is the C status code."""

    status = -99

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        if status is not None:
            self.status = status


def _error(name: str, status: int, base: type, doc: str) -> type:
    return type(name, (HyloError, base), {"status": status, "__doc__": doc, "__module__": __name__})


NullArgumentError = _error("NullArgumentError", -1, ValueError, "A required pointer argument was NULL.")
InvalidArgumentError = _error("InvalidArgumentError", -2, ValueError, "A value is out of its domain.")
ShapeError = _error("ShapeError", -3, ValueError, "Array sizes do not match each other or the object.")
NotFiniteError = _error("NotFiniteError", -4, ValueError, "An input holds NaN or ±Inf.")
OptionError = _error("OptionError", -5, ValueError, "Unknown option, wrong type or out-of-range value.")
StateError = _error("StateError", -6, RuntimeError, "The object is not in a state that allows the call.")
HyloIOError = _error("HyloIOError", -7, OSError, "A file could not be read or written.")
FileFormatError = _error("FileFormatError", -8, ValueError, "A file is truncated, corrupted, foreign or of another kind.")
CallbackError = _error("CallbackError", -9, RuntimeError, "A user callback asked to abort.")
Cancelled = _error("Cancelled", -10, Exception, "A progress callback asked to stop.")
NumericalError = _error("NumericalError", -11, ArithmeticError, "The computation failed numerically.")
BudgetExhausted = _error("BudgetExhausted", -12, RuntimeError, "A time or attempt budget ran out.")
BufferTooSmall = _error("BufferTooSmall", -13, ValueError, "An output buffer is too small.")
InternalError = _error("InternalError", -99, RuntimeError, "A bug in Hylo; please report it with the message.")

_BY_STATUS = {cls.status: cls for cls in (
    NullArgumentError, InvalidArgumentError, ShapeError, NotFiniteError, OptionError, StateError,
    HyloIOError, FileFormatError, CallbackError, Cancelled, NumericalError, BudgetExhausted,
    BufferTooSmall, InternalError)}


def error_for_status(status: int, message: str) -> HyloError:
    """The exception for a status code (``HyloError`` for codes this package does not know)."""
    cls = _BY_STATUS.get(status, HyloError)
    return cls(message, status)
