"""Undefined values (STYLE rule 4): ``nan`` with a warning, or a value chosen by ``zero_division``.

Private helpers shared by :mod:`dontguess.scoring` and :mod:`dontguess.metrics`.
"""

from __future__ import annotations

import math
import warnings
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "UndefinedMetricWarning",
    "ZeroDivision",
    "check_zero_division",
    "safe_divide",
    "scalar",
]

ZeroDivision = Literal["warn"] | float


class UndefinedMetricWarning(RuntimeWarning):
    """A metric is undefined for the data given (e.g. zero attempted answers); its value is nan.

    Pass ``zero_division=`` a number (``math.nan`` to stay silent) to choose the value instead.
    """


def check_zero_division(zero_division: ZeroDivision) -> None:
    """Raise ValueError unless ``zero_division`` is ``"warn"`` or a real number (nan allowed)."""
    if isinstance(zero_division, str):
        if zero_division != "warn":
            raise ValueError(f"zero_division must be 'warn' or a number, got {zero_division!r}")
        return
    if isinstance(zero_division, bool) or not isinstance(zero_division, int | float):
        raise ValueError(f"zero_division must be 'warn' or a number, got {zero_division!r}")


def safe_divide(
    num: npt.ArrayLike,
    den: npt.ArrayLike,
    *,
    zero_division: ZeroDivision,
    what: str,
    stacklevel: int = 3,
) -> npt.NDArray[np.float64]:
    """Elementwise ``num / den``; where ``den == 0`` the result is nan (warn) or ``zero_division``.

    One warning per call, naming ``what`` and how many entries were undefined.
    """
    n = np.asarray(num, dtype=np.float64)
    d = np.asarray(den, dtype=np.float64)
    zero = d == 0
    out: npt.NDArray[np.float64] = np.full(np.broadcast(n, d).shape, np.nan)
    np.divide(n, d, out=out, where=~zero)
    if zero.any():
        if zero_division == "warn":
            count = int(np.count_nonzero(zero))
            warnings.warn(
                f"{what} is undefined (zero denominator) in {count} case(s); set to nan. "
                "Pass zero_division=<number> (math.nan to silence) to choose the value.",
                UndefinedMetricWarning,
                stacklevel=stacklevel,
            )
        else:
            out[np.broadcast_to(zero, out.shape)] = float(zero_division)
    return out


def scalar(value: npt.NDArray[np.float64]) -> float:
    """The single value of a 0-d or 1-element array as a Python float."""
    return float(np.asarray(value).reshape(-1)[0]) if np.size(value) else math.nan
