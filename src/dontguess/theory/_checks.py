"""Input checks shared by :mod:`dontguess.theory` (private).

Every check raises :class:`dontguess.errors.InputError` (a ``ValueError``) naming the
argument, the bad value and the allowed range.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import numpy.typing as npt

from dontguess.errors import InputError

__all__ = [
    "as_matrix",
    "check_gamma",
    "check_int",
    "check_unit",
    "check_vector",
]


def check_unit(name: str, value: float, *, low: float = 0.0, high: float = 1.0) -> float:
    """Return ``value`` as a float, checking it is a finite number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{name} must be a number in [{low}, {high}], got {value!r}")
    out = float(value)
    if not math.isfinite(out) or not low <= out <= high:
        raise InputError(f"{name} must be in [{low}, {high}], got {value!r}")
    return out


def check_int(name: str, value: int, *, low: int = 1) -> int:
    """Return ``value`` as an int, checking it is an integer ≥ ``low``."""
    raw: object = value
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, numbers.Integral):
        raise InputError(f"{name} must be an integer >= {low}, got {value!r}")
    out = int(raw)
    if out < low:
        raise InputError(f"{name} must be an integer >= {low}, got {value!r}")
    return out


def check_gamma(gamma: float) -> float:
    """Return ``gamma`` checked to lie in the open interval (0, 1)."""
    if isinstance(gamma, bool) or not isinstance(gamma, numbers.Real):
        raise InputError(f"gamma must be a number in (0, 1), got {gamma!r}")
    out = float(gamma)
    if not 0.0 < out < 1.0:
        raise InputError(f"gamma must be in (0, 1), got {gamma!r}")
    return out


def as_matrix(
    name: str, value: npt.ArrayLike, *, dtype: type = np.float64
) -> npt.NDArray[np.generic]:
    """Return ``value`` as a finite 2-D array (prompts × candidates)."""
    arr: npt.NDArray[np.generic] = np.asarray(value, dtype=dtype)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise InputError(
            f"{name} must be a non-empty 2-D array (prompts x candidates), got shape {arr.shape}"
        )
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise InputError(f"{name} must be finite, got a NaN or infinity")
    return arr


def check_vector(name: str, value: npt.ArrayLike, *, size: int) -> npt.NDArray[np.float64]:
    """Return ``value`` as a finite non-negative 1-D float array of length ``size``."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim != 1 or arr.shape[0] != size:
        raise InputError(f"{name} must be a 1-D array of length {size}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise InputError(f"{name} must be finite and non-negative")
    return arr
