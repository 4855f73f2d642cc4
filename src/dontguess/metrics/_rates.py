"""Outcome rates of a verdict array (§4: always report right / wrong / abstained).

Every rate takes int verdict codes (0 correct, 1 incorrect, 2 abstained, −1 ungraded).
Ungraded records are excluded from every denominator except :func:`ungraded_rate`'s.
"""

from __future__ import annotations

import numpy.typing as npt

from dontguess._util.undefined import ZeroDivision, check_zero_division, safe_divide, scalar
from dontguess.scoring import verdict_counts

__all__ = [
    "abstention_rate",
    "accuracy_score",
    "attempted_accuracy_score",
    "error_rate",
    "simpleqa_f_score",
    "ungraded_rate",
]


def _ratio(num: float, den: float, zero_division: ZeroDivision, what: str) -> float:
    check_zero_division(zero_division)
    return scalar(safe_divide(num, den, zero_division=zero_division, what=what, stacklevel=4))


def accuracy_score(verdict: npt.ArrayLike, *, zero_division: ZeroDivision = "warn") -> float:
    """Share of graded records answered correctly: ``C / (C + I + A)``. Range [0, 1].

    >>> accuracy_score([0, 1, 2, 2, -1])
    0.25
    """
    c, i, a, _ = verdict_counts(verdict)
    return _ratio(c, c + i + a, zero_division, "accuracy")


def error_rate(verdict: npt.ArrayLike, *, zero_division: ZeroDivision = "warn") -> float:
    """Hallucination rate: share of graded records answered wrongly, ``I / (C + I + A)``.

    >>> error_rate([0, 1, 2, 2, -1])
    0.25
    """
    c, i, a, _ = verdict_counts(verdict)
    return _ratio(i, c + i + a, zero_division, "error rate")


def abstention_rate(verdict: npt.ArrayLike, *, zero_division: ZeroDivision = "warn") -> float:
    """Share of graded records where the model abstained ("I don't know"), ``A / (C + I + A)``.

    >>> abstention_rate([0, 1, 2, 2, -1])
    0.5
    """
    c, i, a, _ = verdict_counts(verdict)
    return _ratio(a, c + i + a, zero_division, "abstention rate")


def ungraded_rate(verdict: npt.ArrayLike, *, zero_division: ZeroDivision = "warn") -> float:
    """Share of ALL records that could not be graded, ``U / (C + I + A + U)``.

    >>> ungraded_rate([0, 1, 2, 2, -1])
    0.2
    """
    c, i, a, u = verdict_counts(verdict)
    return _ratio(u, c + i + a + u, zero_division, "ungraded rate")


def attempted_accuracy_score(
    verdict: npt.ArrayLike, *, zero_division: ZeroDivision = "warn"
) -> float:
    """Accuracy given attempted (precision of the answers given): ``C / (C + I)``.

    Undefined when nothing was attempted.

    >>> attempted_accuracy_score([0, 1, 2, 2, -1])
    0.5
    """
    c, i, _, _ = verdict_counts(verdict)
    return _ratio(c, c + i, zero_division, "attempted accuracy")


def simpleqa_f_score(verdict: npt.ArrayLike, *, zero_division: ZeroDivision = "warn") -> float:
    """SimpleQA's F-score: harmonic mean of accuracy and attempted accuracy.

    ``F = 2·acc·att / (acc + att)`` with acc = C/(C+I+A), att = C/(C+I); 0 when C = 0 and
    something was attempted (both terms are 0); undefined when nothing was attempted.

    >>> round(simpleqa_f_score([0, 1, 2, 2, -1]), 4)
    0.3333
    """
    c, i, a, _ = verdict_counts(verdict)
    check_zero_division(zero_division)
    if c + i == 0:
        return _ratio(0.0, 0.0, zero_division, "F-score (nothing attempted)")
    acc, att = c / (c + i + a), c / (c + i)
    return 2 * acc * att / (acc + att) if acc + att else 0.0
