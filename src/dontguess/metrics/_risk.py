"""Selective answering: risk–coverage curve, AURC, and the best score reachable at each t (§4)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess._util.selective import above_threshold_counts, check_correct_confidence
from dontguess._util.undefined import ZeroDivision, check_zero_division, safe_divide, scalar
from dontguess.scoring._rule import check_target

__all__ = ["aurc_loss", "best_threshold_scores", "risk_coverage_curve"]

Arr = npt.NDArray[np.float64]


def _blocks(
    c: npt.NDArray[np.bool_], p: Arr
) -> tuple[Arr, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Distinct confidences (descending), and answers / errors with confidence >= each."""
    values = np.unique(p)[::-1]
    n_correct, n_incorrect = above_threshold_counts(c, p, np.nextafter(values, -np.inf))
    return values, n_correct + n_incorrect, n_incorrect


def risk_coverage_curve(correct: npt.ArrayLike, confidence: npt.ArrayLike) -> tuple[Arr, Arr, Arr]:
    """Risk–coverage curve of answering only the most confident answers.

    For each distinct confidence τ (descending), answering every answer with confidence ≥ τ
    gives ``coverage = k/n`` (share answered) and ``risk = errors/k`` (error rate among them).

    Returns:
        ``(coverage, risk, thresholds)``, each one entry per distinct confidence.

    >>> cov, risk, thr = risk_coverage_curve([True, False, True], [0.9, 0.5, 0.5])
    >>> cov.tolist(), risk.tolist()
    ([0.3333333333333333, 1.0], [0.0, 0.3333333333333333])
    """
    c, p = check_correct_confidence(correct, confidence)
    values, answered, errors = _blocks(c, p)
    if c.size == 0:
        return np.empty(0), np.empty(0), np.empty(0)
    return answered / c.size, errors / answered, values


def aurc_loss(
    correct: npt.ArrayLike, confidence: npt.ArrayLike, *, zero_division: ZeroDivision = "warn"
) -> float:
    """Area under the risk–coverage curve: ``(1/n) Σ_{k=1..n} risk(k)``, lower is better.

    risk(k) is the error rate of the k most confident answers. Answers with equal confidence
    are taken in random order, in expectation: inside a tie block the error count grows
    linearly. So the value does not depend on record order. Range [0, 1].

    >>> aurc_loss([True, False], [0.9, 0.2])
    0.25
    """
    c, p = check_correct_confidence(correct, confidence)
    check_zero_division(zero_division)
    if c.size == 0:
        return scalar(safe_divide(0.0, 0.0, zero_division=zero_division, what="AURC", stacklevel=3))
    _, answered, errors = _blocks(c, p)
    start = np.concatenate(([0], answered[:-1]))
    err_start = np.concatenate(([0], errors[:-1])).astype(np.float64)
    rate = (errors - err_start) / (answered - start)  # error share inside each tie block
    k = np.arange(1, c.size + 1)
    block = np.searchsorted(answered, k, side="left")  # block holding rank k
    expected_errors = err_start[block] + (k - start[block]) * rate[block]
    return float(np.mean(expected_errors / k))


def best_threshold_scores(
    correct: npt.ArrayLike,
    confidence: npt.ArrayLike,
    *,
    targets: Sequence[float] = (0.0, 0.5, 0.75, 0.9),
) -> list[dict[str, Any]]:
    """Scores reachable at each t by answering only when confident (§4).

    Per target t (penalty t/(1−t)), with n answers of which C_τ correct and I_τ wrong have
    confidence > τ:

    * ``threshold_score``: answer iff confidence > t, ``(C_t − t/(1−t)·I_t)/n`` (optimal
      when the confidences are calibrated, since E[score | answer] = (q − t)/(1 − t));
    * ``best_score``: the best such score over every threshold (an oracle bound for this data),
      with ``best_min_confidence`` the lowest confidence it answers (nan: answer nothing);
    * ``always_answer_score``: answer everything.

    >>> r = best_threshold_scores([True, False], [0.9, 0.2], targets=(0.5,))[0]
    >>> r["threshold_score"], r["best_score"], r["always_answer_score"]
    (0.5, 0.5, 0.0)
    """
    c, p = check_correct_confidence(correct, confidence)
    ts = np.array([check_target(t, "targets") for t in targets], dtype=np.float64)
    if c.size == 0:
        raise ValueError("best_threshold_scores needs at least one answer")
    values, answered, errors = _blocks(c, p)
    right = answered - errors
    above_c, above_i = above_threshold_counts(c, p, ts)
    rows = []
    for j, t in enumerate(ts):
        pen = t / (1.0 - t)
        curve = (right - pen * errors) / c.size  # answer all with confidence >= values[k]
        k = int(np.argmax(curve))
        best_none = curve[k] <= 0.0
        rows.append(
            {
                "target": float(t),
                "penalty": pen,
                "n": int(c.size),
                "threshold_score": float((above_c[j] - pen * above_i[j]) / c.size),
                "best_score": 0.0 if best_none else float(curve[k]),
                "best_min_confidence": math.nan if best_none else float(values[k]),
                "always_answer_score": float(curve[-1]),
            }
        )
    return rows
