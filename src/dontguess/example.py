"""A synthetic, seeded graded-records set to try ``dontguess score`` and ``report`` on.

Nothing here comes from a real model. The generator plays out the paper's §4 argument:

* ``n`` items, each in a topic, with a latent chance ``q`` that a typical model gets it right,
  drawn from a topic-specific Beta distribution (``birthdays`` are hard: the paper's example of
  arbitrary facts a model cannot learn; ``capitals`` are easy).
* Each simulated model has a skill shift: its chance on item ``i`` is
  ``p = sigmoid(logit(q_i) + skill)``. Whether its answer to item ``i`` is right is drawn
  once, with probability ``p``; it gives that same answer in every condition where it answers,
  so conditions differ only in which questions the model chooses to answer.
* It is asked once under the closed rubric (no target stated) and once under the open rubric
  at each stated target t (penalty style: wrong answers cost t/(1−t)).

Models (:data:`MODELS`):

``always-guess``
    answers every question whatever t says; states its true chance ``p`` as confidence.
``calibrated-abstainer``
    states ``p`` and answers iff ``p > t`` (the optimal policy of §4); under the closed rubric
    it answers everything, because binary grading rewards guessing (Observation 1).
``overconfident``
    believes ``sigmoid(logit(p) + 2)``, states that, and answers iff it exceeds t, so it
    answers too often at high t and fails the behavioural-calibration audit.

About 1% of records are ungraded (``ungraded_reason = "judge reply unparsable"``), as happens
with a real LLM judge. The records carry ``confidence``, ``answer`` and a ``topic`` column.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from dontguess.records import UNGRADED_CODE, VERDICT_CODES, GradedTable, Verdict
from dontguess.tables import concat_graded

__all__ = ["MODELS", "TARGETS", "TOPICS", "simulate_graded"]

#: Simulated models: name → (skill shift on the logit scale, confidence inflation).
MODELS: dict[str, tuple[float, float]] = {
    "always-guess": (0.0, 0.0),
    "calibrated-abstainer": (0.0, 0.0),
    "overconfident": (-0.3, 2.0),
}
#: Stated targets of the open-rubric conditions (penalties 0, 1, 3, 9).
TARGETS: tuple[float, ...] = (0.0, 0.5, 0.75, 0.9)
#: Topic → Beta(a, b) parameters of the latent chance of a right answer.
TOPICS: dict[str, tuple[float, float]] = {
    "capitals": (6.0, 1.5),
    "science": (3.0, 2.0),
    "history": (2.0, 2.0),
    "birthdays": (1.0, 4.0),
}
_UNGRADED_SHARE = 0.01


def _sigmoid(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    out: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-x))
    return out


def _logit(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    out: npt.NDArray[np.float64] = np.log(p / (1 - p))
    return out


def _obj(values: Sequence[str] | npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def simulate_graded(
    n: int = 200, *, seed: int = 0, targets: Sequence[float] = TARGETS
) -> GradedTable:
    """Simulate graded records of :data:`MODELS` on ``n`` items (see the module docstring).

    Args:
        n: number of items (>= 1).
        seed: seed of the numpy generator; equal seeds give equal tables.
        targets: stated targets of the open-rubric conditions, each in [0, 1).

    Returns:
        ``len(MODELS) * (1 + len(targets)) * n`` records.

    Example:
        >>> t = simulate_graded(10, seed=1)
        >>> len(t), sorted(set(t.model))[0]
        (150, 'always-guess')
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if any(not 0.0 <= t < 1.0 for t in targets):
        raise ValueError(f"targets must be in [0, 1), got {list(targets)}")
    rng = np.random.default_rng(seed)
    topic_names = list(TOPICS)
    topic = rng.integers(0, len(topic_names), n)
    ab = np.array([TOPICS[k] for k in topic_names])[topic]
    q = rng.beta(ab[:, 0], ab[:, 1])
    conditions = [float("nan"), *(float(t) for t in targets)]
    parts: list[GradedTable] = []
    for name, (skill, inflate) in MODELS.items():
        p = _sigmoid(_logit(q) + skill)
        stated = np.round(_sigmoid(_logit(p) + inflate), 3)
        right = rng.random(n) < p
        for target in conditions:
            parts.append(_one_condition(rng, name, target, right, stated, topic, topic_names))
    return concat_graded(parts)


def _one_condition(
    rng: np.random.Generator,
    model: str,
    target: float,
    right: npt.NDArray[np.bool_],
    stated: npt.NDArray[np.float64],
    topic: npt.NDArray[np.int64],
    topic_names: list[str],
) -> GradedTable:
    n = len(right)
    closed = np.isnan(target)
    if model == "always-guess" or closed:
        answers = np.ones(n, dtype=bool)
    else:
        answers = stated > target
    verdict = np.where(
        answers,
        np.where(right, VERDICT_CODES[Verdict.CORRECT], VERDICT_CODES[Verdict.INCORRECT]),
        VERDICT_CODES[Verdict.ABSTAINED],
    ).astype(np.int8)
    ungraded = rng.random(n) < _UNGRADED_SHARE
    verdict[ungraded] = UNGRADED_CODE
    ids = [f"q{i:04d}" for i in range(n)]
    answer = [
        "I don't know."
        if not a
        else (f"the right answer to {i}" if r else f"a confident wrong guess for {i}")
        for i, a, r in zip(ids, answers.tolist(), right.tolist(), strict=True)
    ]
    return GradedTable(
        item_id=_obj(ids),
        model=_obj([model] * n),
        stated_target=np.full(n, target),
        style=_obj(["" if closed else "penalty"] * n),
        sample=np.zeros(n, dtype=np.int64),
        verdict=verdict,
        confidence=stated.astype(np.float64),
        ungraded_reason=_obj(np.where(ungraded, "judge reply unparsable", "").tolist()),
        answer=_obj(answer),
        groups={"topic": _obj([topic_names[k] for k in topic.tolist()])},
    )
