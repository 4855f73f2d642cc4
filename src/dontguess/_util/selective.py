"""Shared kernels for answer-only-when-confident policies (selective prediction).

Private: used by :func:`dontguess.scoring.observation1` and the risk–coverage metrics.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["above_threshold_counts", "check_correct_confidence"]


def check_correct_confidence(
    correct: npt.ArrayLike, confidence: npt.ArrayLike
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Validate and convert ``correct`` (bool or 0/1) and ``confidence`` (in [0, 1], no nan).

    A missing confidence is refused rather than guessed: the caller must drop or fill it.
    """
    c = np.asarray(correct)
    p = np.asarray(confidence, dtype=np.float64)
    if c.ndim != 1 or p.ndim != 1:
        raise ValueError(f"correct and confidence must be 1-D, got shapes {c.shape}, {p.shape}")
    if c.shape != p.shape:
        raise ValueError(f"correct has {c.size} entries but confidence has {p.size}")
    if c.dtype != np.bool_:
        if c.size and not np.isin(c, (0, 1)).all():
            bad = c[~np.isin(c, (0, 1))][0]
            raise ValueError(f"correct must be boolean (or 0/1), got {bad!r}")
        c = c.astype(bool)
    missing = np.isnan(p)
    if missing.any():
        first = int(np.argmax(missing))
        raise ValueError(
            f"confidence is missing (nan) for {int(missing.sum())} of {p.size} answers "
            f"(first at index {first}); confidence metrics need a confidence for every answer"
        )
    if p.size and (p.min() < 0.0 or p.max() > 1.0):
        bad_value = p[(p < 0.0) | (p > 1.0)][0]
        raise ValueError(f"confidence must be in [0, 1], got {bad_value}")
    return c, p


def above_threshold_counts(
    correct: npt.NDArray[np.bool_], confidence: npt.NDArray[np.float64], thresholds: Any
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Counts of correct and incorrect answers with ``confidence > threshold``, per threshold."""
    order = np.argsort(confidence, kind="stable")
    conf_sorted = confidence[order]
    # correct_above[k] = correct answers among the k most confident ones
    correct_above = np.concatenate(([0], np.cumsum(correct[order][::-1], dtype=np.int64)))
    k = confidence.size - np.searchsorted(conf_sorted, np.asarray(thresholds), side="right")
    n_correct = correct_above[k]
    return n_correct, k - n_correct
