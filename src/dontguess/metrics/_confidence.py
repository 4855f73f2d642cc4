"""Calibration of stated confidences: Brier score, ECE, reliability table.

Inputs follow sklearn: ``correct`` (bool: was the answer right) and ``confidence`` (the
model's probability that it is right, in [0, 1]). A missing (nan) confidence is refused with a
ValueError, never imputed. Calibration error alone is not a hallucination metric (PAPER §5):
report it next to right / wrong / abstained.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from dontguess._util.selective import check_correct_confidence
from dontguess._util.undefined import ZeroDivision, check_zero_division, safe_divide, scalar

__all__ = ["bin_index", "brier_score_loss", "expected_calibration_error", "reliability_table"]

Strategy = Literal["uniform", "quantile"]


def _empty(n: int, zero_division: ZeroDivision, what: str) -> float | None:
    check_zero_division(zero_division)
    if n:
        return None
    return scalar(safe_divide(0.0, 0.0, zero_division=zero_division, what=what, stacklevel=4))


def brier_score_loss(
    correct: npt.ArrayLike, confidence: npt.ArrayLike, *, zero_division: ZeroDivision = "warn"
) -> float:
    """Brier score: mean squared gap ``(1/n) Σ (p_i − y_i)²``, y_i = 1 if correct. Range [0, 1].

    >>> brier_score_loss([True, False], [0.9, 0.2])
    0.025
    """
    c, p = check_correct_confidence(correct, confidence)
    empty = _empty(c.size, zero_division, "Brier score (no answers)")
    if empty is not None:
        return empty
    return round(float(np.mean((p - c) ** 2)), 15)


def bin_index(
    confidence: npt.NDArray[np.float64], n_bins: int, strategy: Strategy
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Bin of each confidence and the bin edges.

    ``uniform``: equal-width bins [0, 1/B], (1/B, 2/B], …, ((B−1)/B, 1]. ``quantile``:
    equal-mass bins with edges at the quantiles of ``confidence``; equal confidences always share
    a bin, so with ties some bins hold more (or nothing).
    """
    if isinstance(n_bins, bool) or not isinstance(n_bins, int) or n_bins < 1:
        raise ValueError(f"n_bins must be an integer >= 1, got {n_bins!r}")
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    elif strategy == "quantile":
        edges = (
            np.quantile(confidence, np.linspace(0.0, 1.0, n_bins + 1))
            if confidence.size
            else (np.linspace(0.0, 1.0, n_bins + 1))
        )
    else:
        raise ValueError(f"strategy must be 'uniform' or 'quantile', got {strategy!r}")
    index = np.searchsorted(edges[1:-1], confidence, side="left").astype(np.int64)
    return index, np.asarray(edges, dtype=np.float64)


def _bin_stats(
    c: npt.NDArray[np.bool_], p: npt.NDArray[np.float64], n_bins: int, strategy: Strategy
) -> tuple[npt.NDArray[np.float64], ...]:
    index, edges = bin_index(p, n_bins, strategy)
    count = np.bincount(index, minlength=n_bins).astype(np.float64)  # (B,)
    conf_sum = np.bincount(index, weights=p, minlength=n_bins)
    correct_sum = np.bincount(index, weights=c.astype(np.float64), minlength=n_bins)
    return count, conf_sum.astype(np.float64), correct_sum.astype(np.float64), edges


def expected_calibration_error(
    correct: npt.ArrayLike,
    confidence: npt.ArrayLike,
    *,
    n_bins: int = 10,
    strategy: Strategy = "uniform",
    zero_division: ZeroDivision = "warn",
) -> float:
    """Expected calibration error: ``Σ_b (n_b / n) · |acc_b − conf_b|`` over non-empty bins.

    acc_b and conf_b are the accuracy and mean confidence of bin b (see :func:`bin_index` for
    ``strategy``). Range [0, 1]; depends on ``n_bins``, so always state it.

    >>> expected_calibration_error([True, False, True, True], [0.9, 0.9, 0.3, 0.3], n_bins=2)
    0.55
    """
    c, p = check_correct_confidence(correct, confidence)
    empty = _empty(c.size, zero_division, "ECE (no answers)")
    if empty is not None:
        bin_index(p, n_bins, strategy)  # still validate the arguments
        return empty
    _, conf_sum, correct_sum, _ = _bin_stats(c, p, n_bins, strategy)
    return round(float(np.abs(correct_sum - conf_sum).sum() / c.size), 15)


def reliability_table(
    correct: npt.ArrayLike,
    confidence: npt.ArrayLike,
    *,
    n_bins: int = 10,
    strategy: Strategy = "uniform",
) -> list[dict[str, Any]]:
    """Reliability diagram as rows: per bin its edges, n, mean confidence, accuracy and gap.

    ``gap = accuracy − mean_confidence`` (negative: over-confident). Empty bins have n = 0 and
    nan statistics. Every row also states ``n_bins`` and ``strategy``.

    >>> [r["n"] for r in reliability_table([True, False], [0.9, 0.2], n_bins=2)]
    [1, 1]
    """
    c, p = check_correct_confidence(correct, confidence)
    count, conf_sum, correct_sum, edges = _bin_stats(c, p, n_bins, strategy)
    rows = []
    for b in range(n_bins):
        n = int(count[b])
        mean_conf = conf_sum[b] / n if n else math.nan
        acc = correct_sum[b] / n if n else math.nan
        rows.append(
            {
                "bin": b,
                "low": float(edges[b]),
                "high": float(edges[b + 1]),
                "n": n,
                "mean_confidence": float(mean_conf),
                "accuracy": float(acc),
                "gap": float(acc - mean_conf),
                "n_bins": n_bins,
                "strategy": strategy,
            }
        )
    return rows
