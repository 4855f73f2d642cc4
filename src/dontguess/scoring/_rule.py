"""The confidence-target scoring rule of §4 (explicit confidence targets) and its reward form."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess._util.selective import above_threshold_counts, check_correct_confidence
from dontguess._util.undefined import ZeroDivision, check_zero_division, safe_divide, scalar

__all__ = [
    "BOUND_KEYS",
    "check_target",
    "confidence_target_score",
    "expected_score",
    "mean_points",
    "mean_reward",
    "observation1",
    "penalty",
    "reward_score",
    "ungraded_bounds",
    "verdict_counts",
]

_VALID_CODES = (-1, 0, 1, 2)


#: Keys of :func:`ungraded_bounds`, each pair in rising order (lower bound first).
BOUND_KEYS = (
    "score_if_ungraded_wrong",
    "score_if_ungraded_right",
    "error_rate_if_ungraded_right",
    "error_rate_if_ungraded_wrong",
    "reward_score_if_ungraded_wrong",
    "reward_score_if_ungraded_right",
)


def check_target(target: float, name: str = "target") -> float:
    """Return ``target`` as a float, or raise ValueError unless it is in [0, 1)."""
    if isinstance(target, bool) or not isinstance(target, int | float | np.floating):
        raise ValueError(f"{name} must be a number in [0, 1), got {target!r}")
    t = float(target)
    if not (0.0 <= t < 1.0):  # also rejects nan
        raise ValueError(f"{name} must be in [0, 1), got {target!r}")
    return t


def penalty(target: float) -> float:
    """Points lost for a wrong answer under confidence target ``t`` (§4): ``t / (1 − t)``.

    t = 0 → 0 (binary grading), 0.5 → 1, 0.75 → 3, 0.9 → 9.

    Raises:
        ValueError: ``target`` is outside [0, 1).

    >>> [penalty(t) for t in (0.0, 0.5, 0.75)]
    [0.0, 1.0, 3.0]
    """
    t = check_target(target)
    return t / (1.0 - t)


def verdict_counts(verdict: npt.ArrayLike) -> tuple[int, int, int, int]:
    """``(n_correct, n_incorrect, n_abstained, n_ungraded)`` of an int verdict-code array."""
    v = np.asarray(verdict)
    if v.ndim != 1:
        raise ValueError(f"verdict must be 1-D, got shape {v.shape}")
    if v.size and (v.dtype.kind not in "iu" or v.min() < -1 or v.max() > 2):
        bad = v[~np.isin(v, _VALID_CODES)]
        shown = bad[0] if bad.size else v.dtype
        raise ValueError(f"verdict codes must be -1 (ungraded), 0, 1 or 2, got {shown!r}")
    counts = np.bincount(v.astype(np.int64) + 1, minlength=4)
    return int(counts[1]), int(counts[2]), int(counts[3]), int(counts[0])


def confidence_target_score(
    verdict: npt.ArrayLike, *, target: float, zero_division: ZeroDivision = "warn"
) -> float:
    """Mean points under the explicit confidence target ``t`` of §4.

    ``score = (n_correct − t/(1−t) · n_incorrect) / (n_correct + n_incorrect + n_abstained)``:
    +1 per correct answer, −t/(1−t) per wrong one, 0 per abstention ("I don't know").
    Ungraded records (code −1) are excluded from numerator and denominator. Range
    [−t/(1−t), 1]; at t = 0 it is accuracy (binary grading).

    Args:
        verdict: int verdict codes (0 correct, 1 incorrect, 2 abstained, −1 ungraded).
        target: the confidence target t in [0, 1).
        zero_division: value when no record is graded; ``"warn"`` gives nan and a warning.

    >>> import numpy as np
    >>> confidence_target_score(np.array([0, 0, 1, 2], dtype=np.int8), target=0.5)
    0.25
    """
    pen = penalty(target)
    check_zero_division(zero_division)
    c, i, a, _ = verdict_counts(verdict)
    return scalar(
        safe_divide(c - pen * i, c + i + a, zero_division=zero_division, what="the score")
    )


def reward_score(
    verdict: npt.ArrayLike, *, target: float, zero_division: ZeroDivision = "warn"
) -> float:
    """Mean points in the abstention-reward form (§4, Nature experiments): 1 / 0 / t.

    Correct earns 1, wrong 0, "I don't know" earns t. It is an affine map of the penalty form,
    ``Score_reward = t + (1 − t) · Score_penalty``, so both rank models alike. Range [0, 1].
    Ungraded records are excluded.

    >>> import numpy as np
    >>> reward_score(np.array([0, 0, 1, 2], dtype=np.int8), target=0.5)
    0.625
    """
    t = check_target(target)
    check_zero_division(zero_division)
    c, i, a, _ = verdict_counts(verdict)
    return scalar(
        safe_divide(c + t * a, c + i + a, zero_division=zero_division, what="the reward score")
    )


def ungraded_bounds(
    n_correct: int, n_incorrect: int, n_abstained: int, n_ungraded: int, *, target: float
) -> dict[str, float]:
    """Score, reward score and error rate if every ungraded record were wrong, or every one right.

    The scores above leave ungraded records out; they are not a random sample (mostly
    paraphrases and hedged wrong answers a judge would have to settle), so these bounds count
    them in, over all ``N = C + I + A + U`` records, with the same rule (+1 right, −t/(1−t)
    wrong, 0 "I don't know"; reward form 1 / 0 / t):

    * ``score_if_ungraded_wrong = (C − p·(I + U)) / N``, ``score_if_ungraded_right =
      (C + U − p·I) / N`` with p = t/(1−t);
    * ``reward_score_if_ungraded_wrong = (C + t·A) / N``, ``..._right = (C + U + t·A) / N``;
    * ``error_rate_if_ungraded_right = I / N``, ``error_rate_if_ungraded_wrong = (I + U) / N``.

    Each graded-only value lies between its two bounds (it is their mix with weight n/N);
    with U = 0 both bounds equal it. Defined whenever N > 0, even when nothing was graded.

    Raises:
        ValueError: ``target`` is outside [0, 1) or a count is negative.

    >>> b = ungraded_bounds(3, 1, 1, 1, target=0.5)  # C=3 I=1 A=1 U=1, N=6
    >>> b["score_if_ungraded_wrong"], b["score_if_ungraded_right"]
    (0.16666666666666666, 0.5)
    >>> b["error_rate_if_ungraded_right"], b["error_rate_if_ungraded_wrong"]
    (0.16666666666666666, 0.3333333333333333)
    """
    t = check_target(target)
    counts = (n_correct, n_incorrect, n_abstained, n_ungraded)
    if min(counts) < 0:
        raise ValueError(f"counts must be >= 0, got {counts}")
    c, i, a, u = counts
    total = c + i + a + u
    if total == 0:
        return dict.fromkeys(BOUND_KEYS, math.nan)
    return {
        "score_if_ungraded_wrong": mean_points(c, i + u, a, penalty(t)),
        "score_if_ungraded_right": mean_points(c + u, i, a, penalty(t)),
        "error_rate_if_ungraded_right": i / total,
        "error_rate_if_ungraded_wrong": (i + u) / total,
        "reward_score_if_ungraded_wrong": mean_reward(c, i + u, a, t),
        "reward_score_if_ungraded_right": mean_reward(c + u, i, a, t),
    }


def mean_points(n_correct: float, n_incorrect: float, n_abstained: float, pen: float) -> float:
    """§4's mean points ``(C − pen·I) / (C + I + A)`` from counts; nan when there are none.

    >>> mean_points(3, 1, 1, 3.0)
    0.0
    """
    n = n_correct + n_incorrect + n_abstained
    return (n_correct - pen * n_incorrect) / n if n else math.nan


def mean_reward(n_correct: float, n_incorrect: float, n_abstained: float, t: float) -> float:
    """The reward form's mean ``(C + t·A) / (C + I + A)`` from counts; nan when there are none.

    >>> mean_reward(3, 1, 1, 0.5)
    0.7
    """
    n = n_correct + n_incorrect + n_abstained
    return (n_correct + t * n_abstained) / n if n else math.nan


def expected_score(probability: npt.ArrayLike, *, target: float) -> npt.NDArray[np.float64]:
    """Expected points of answering when the answer is right with probability q (§4).

    ``E[score] = q · 1 − (1 − q) · t/(1 − t) = (q − t) / (1 − t)``; abstaining earns 0, so
    answering pays exactly when q > t.

    >>> float(expected_score(0.75, target=0.5))
    0.5
    """
    t = check_target(target)
    q = np.asarray(probability, dtype=np.float64)
    if np.any((q < 0) | (q > 1)) or np.any(np.isnan(q)):
        raise ValueError("probability must be in [0, 1]")
    return np.asarray((q - t) / (1.0 - t), dtype=np.float64)


def observation1(
    correct: npt.ArrayLike,
    confidence: npt.ArrayLike,
    targets: Sequence[float] = (0.0, 0.5, 0.75, 0.9),
) -> list[dict[str, Any]]:
    """Observation 1 (§4) made concrete: "always answer" vs "abstain when confidence ≤ t".

    For the same answers (``correct``) and the model's ``confidence`` in each, returns per t
    the mean score of answering everything, ``(C − t/(1−t)·I)/n``, and of answering only when
    confidence > t (abstaining scores 0). Under binary grading (t = 0) abstaining never raises
    the score (``gain`` ≤ 0); for t > 0 it can.

    Returns:
        One dict per target: target, penalty, n, always_answer_score, threshold_score, gain,
        n_answered (by the threshold policy).

    >>> rows = observation1([True, False], [0.9, 0.2], targets=(0.0, 0.5))
    >>> [(r["always_answer_score"], r["threshold_score"]) for r in rows]
    [(0.5, 0.5), (0.0, 0.5)]
    """
    c, p = check_correct_confidence(correct, confidence)
    ts = np.array([check_target(t, "targets") for t in targets], dtype=np.float64)
    if c.size == 0:
        raise ValueError("observation1 needs at least one answer")
    pens = ts / (1.0 - ts)
    n_c = int(c.sum())
    n_i = c.size - n_c
    above_c, above_i = above_threshold_counts(c, p, ts)
    rows = []
    for j, t in enumerate(ts):
        always = (n_c - pens[j] * n_i) / c.size
        thresh = (above_c[j] - pens[j] * above_i[j]) / c.size
        rows.append(
            {
                "target": float(t),
                "penalty": float(pens[j]),
                "n": int(c.size),
                "always_answer_score": float(always),
                "threshold_score": float(thresh),
                "gain": float(thresh - always),
                "n_answered": int(above_c[j] + above_i[j]),
            }
        )
    return rows
