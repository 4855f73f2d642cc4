"""Normal quantiles and Wilson score bounds, in plain numpy (scipy is not a dependency)."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import numpy.typing as npt

__all__ = ["check_confidence_level", "norm_ppf", "wilson_bounds"]


def norm_ppf(p: float) -> float:
    """Quantile of the standard normal distribution at ``p`` in (0, 1) (stdlib ``statistics``).

    >>> round(norm_ppf(0.975), 6)
    1.959964
    """
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be in (0, 1), got {p}")
    return NormalDist().inv_cdf(p)


def check_confidence_level(confidence_level: float) -> None:
    """Raise ValueError unless ``confidence_level`` is in (0, 1)."""
    if not 0.0 < confidence_level < 1.0:
        raise ValueError(f"confidence_level must be in (0, 1), got {confidence_level}")


def wilson_bounds(
    successes: npt.ArrayLike, trials: npt.ArrayLike, *, confidence_level: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """One-sided Wilson score bounds (lower, upper) of a binomial proportion.

    Each bound alone holds with probability about ``confidence_level`` (z = Φ⁻¹(level)):
    ``(p̂ + z²/2n ∓ z·sqrt(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)``. nan where ``trials == 0``.

    >>> lo, hi = wilson_bounds(5, 5, confidence_level=0.95)
    >>> round(float(lo), 4), float(hi)
    (0.6489, 1.0)
    """
    check_confidence_level(confidence_level)
    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    z = norm_ppf(confidence_level)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        center = p + z * z / (2 * n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        den = 1 + z * z / n
        lower = np.where(n > 0, (center - half) / den, np.nan)
        upper = np.where(n > 0, (center + half) / den, np.nan)
    return np.clip(lower, 0.0, 1.0), np.clip(upper, 0.0, 1.0)
