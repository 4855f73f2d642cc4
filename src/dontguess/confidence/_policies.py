"""Abstention policies: turn a model's answers plus a confidence into answer-or-"I don't know".

Each policy is a pure function over per-question arrays: the verdict code of the answer the
policy would give (0 correct, 1 incorrect, 2 abstained, −1 ungraded) and a confidence; it
returns the verdict codes after the policy (an answer it withholds becomes 2, abstained).
Scoring them is :mod:`dontguess.scoring`'s job; :func:`dontguess.confidence.score_policies`
does both for a graded table.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

from dontguess.scoring._rule import check_target, verdict_counts

__all__ = [
    "NO_CONFIDENCE",
    "consistency_name",
    "consistency_policy",
    "parse_consistency",
    "threshold_name",
    "threshold_policy",
]

#: Ungraded reason of a question whose answer has no confidence (the policy cannot decide).
NO_CONFIDENCE = "no confidence"
_I8 = npt.NDArray[np.int8]
_CONSISTENCY = re.compile(r"^consistency@(\d+)(?::([0-9.]+))?$")


def _gate(verdict: npt.ArrayLike, confidence: npt.ArrayLike, keep: npt.NDArray[np.bool_]) -> _I8:
    v = np.asarray(verdict)
    verdict_counts(v)  # validates the codes
    c = np.asarray(confidence, dtype=np.float64)
    if c.shape != v.shape:
        raise ValueError(f"confidence has shape {c.shape}, verdict {v.shape}")
    answered = (v == 0) | (v == 1)
    out = v.astype(np.int8)
    out[answered & ~keep] = 2
    out[answered & np.isnan(c)] = -1
    return out


def threshold_policy(verdict: npt.ArrayLike, confidence: npt.ArrayLike, *, target: float) -> _I8:
    """Answer iff confidence > t, else "I don't know" (§4's optimal rule for a calibrated p).

    ``v' = v`` where v is an answer (0/1) with ``confidence > t``; ``v' = 2`` (abstained)
    where it is an answer with ``confidence ≤ t``; ``v' = −1`` (ungraded: no confidence,
    :data:`NO_CONFIDENCE`) where it is an answer with nan confidence; abstentions (2) and
    ungraded (−1) are kept. If the confidence is the answer's true chance of being right,
    this maximises the expected score (q − t)/(1 − t) per question.

    Args:
        verdict: verdict codes of the answers, one per question.
        confidence: each answer's confidence in [0, 1], nan where unknown.
        target: the confidence target t in [0, 1).

    >>> threshold_policy([0, 1, 0, 2], [0.9, 0.4, 0.6, 0.9], target=0.5).tolist()
    [0, 2, 0, 2]
    """
    t = check_target(target)
    c = np.asarray(confidence, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return _gate(verdict, c, c > t)


def consistency_policy(
    verdict: npt.ArrayLike, agreement: npt.ArrayLike, *, threshold: float = 1.0
) -> _I8:
    """The authors' consistency check: answer iff enough of K samples agree with the answer.

    With K = 2 samples and ``threshold`` = 1: if the two disagree, "I don't know".
    Generalised: answer iff ``agreement ≥ threshold``, where agreement is the share of the
    K samples agreeing with the answer (:func:`dontguess.confidence.agreement_confidence`).
    Answers with nan agreement become ungraded (−1); abstentions are kept. Unlike
    :func:`threshold_policy` it does not depend on the scored target t.

    >>> consistency_policy([0, 1, 0], [1.0, 0.5, 1.0]).tolist()
    [0, 2, 0]
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    a = np.asarray(agreement, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return _gate(verdict, a, a >= threshold - 1e-12)


def threshold_name(estimator: str) -> str:
    """Policy name of :func:`threshold_policy` on an estimator: ``threshold:<estimator>``."""
    return f"threshold:{estimator}"


def consistency_name(k: int, threshold: float = 1.0) -> str:
    """``consistency@K`` (all K agree) or ``consistency@K:τ`` (agreement ≥ τ).

    >>> consistency_name(2), consistency_name(5, 0.6)
    ('consistency@2', 'consistency@5:0.6')
    """
    return f"consistency@{k}" if threshold >= 1.0 else f"consistency@{k}:{threshold:g}"


def parse_consistency(spec: str) -> tuple[int, float]:
    """``consistency@K[:τ]`` → (K, τ); K in 2 … 20, τ in (0, 1] (default 1: all agree).

    >>> parse_consistency("consistency@2"), parse_consistency("consistency@5:0.8")
    ((2, 1.0), (5, 0.8))
    """
    m = _CONSISTENCY.match(spec.strip())
    if m is None:
        raise ValueError(f"a consistency policy is consistency@K or consistency@K:τ, got {spec!r}")
    k = int(m.group(1))
    try:
        tau = float(m.group(2)) if m.group(2) else 1.0
    except ValueError:
        raise ValueError(f"bad agreement threshold in {spec!r}") from None
    if not 2 <= k <= 20:
        raise ValueError(f"consistency@K needs K in 2 … 20, got {k} in {spec!r}")
    if not 0.0 < tau <= 1.0:
        raise ValueError(f"agreement threshold must be in (0, 1], got {tau:g} in {spec!r}")
    return k, tau
