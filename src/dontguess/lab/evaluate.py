"""Confidence-target evaluation of a lab model from its exact answer distribution (§4).

Three answer policies per model, each one :class:`~dontguess.records.Graded` record per
test prompt:

- ``always``: answer the model's most likely (non-IDK) candidate, closed rubric. This is
  what binary grading rewards (Observation 1: guessing beats abstaining).
- ``sample``: one answer sampled from p̂ (IDK included), closed rubric: the model as is.
- ``threshold``: a post-hoc rule applied *for* the model: nothing is stated to it (it is
  asked the plain question); at each target t we answer its most likely candidate iff the
  model's own probability of that answer being right, p̂(r)/Σ_{r'≠IDK} p̂(r'), exceeds t,
  else IDK. Answering exactly when the chance of being right exceeds t is the policy the
  paper shows is optimal for every t, but p̂ is that chance only for a calibrated model:
  for a miscalibrated one this rule is not optimal. Its records carry an open-rubric
  condition per t only so that each target keeps its own answers.

Scores come from :func:`dontguess.scoring.summarize` and the behavioural-calibration
audit from :func:`dontguess.metrics.calibration_audit`; nothing is re-implemented here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess.lab.measure import IDK_COL, answer_columns, mention_bucket
from dontguess.lab.world import FACT_ANSWERS, FACTS, World
from dontguess.metrics import calibration_audit
from dontguess.records import Condition, Graded, GradedTable, Verdict
from dontguess.scoring import summarize

__all__ = ["POLICIES", "TARGETS", "evaluate_policies", "graded_records"]

#: Stated confidence targets (penalties 0, 1, 3, 9).
TARGETS: tuple[float, ...] = (0.0, 0.5, 0.75, 0.9)
#: Policy names, as suffixes of the record's model name (``calibrated:threshold``).
POLICIES: tuple[str, ...] = ("always", "sample", "threshold")


def _best_answers(
    world: World, p_hat: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Most likely non-IDK candidate of each row and its probability of being right."""
    facts = world.fact_of(world.test_prompts)
    best = np.zeros(len(p_hat), dtype=np.int64)
    conf = np.zeros(len(p_hat))
    for f, fact in enumerate(FACTS):
        rows = facts == f
        block = p_hat[rows][:, : len(FACT_ANSWERS[fact])]
        best[rows] = block.argmax(axis=1)
        mass = block.sum(axis=1)
        conf[rows] = np.where(mass > 0, block.max(axis=1) / np.maximum(mass, 1e-300), 0.0)
    return best, np.clip(conf, 0.0, 1.0)


def _sample(p_hat: npt.NDArray[np.float64], rng: np.random.Generator) -> npt.NDArray[np.int64]:
    """One candidate column per row drawn from p̂; -1 for mass outside the candidates."""
    cum = np.cumsum(p_hat, axis=1)
    u = rng.random(len(p_hat))[:, None]
    idx = (u >= cum).sum(axis=1)
    return np.where(idx >= p_hat.shape[1], -1, idx).astype(np.int64)


def _text(world: World, prompt: int, col: int) -> str:
    if col == IDK_COL:
        return "IDK"
    if col < 0:
        return "<other token>"
    return FACT_ANSWERS[FACTS[prompt % len(FACTS)]][col]


def graded_records(
    name: str,
    world: World,
    p_hat: npt.NDArray[np.float64],
    *,
    seed: int = 0,
    targets: Sequence[float] = TARGETS,
) -> list[Graded]:
    """Graded records of the three policies of model ``name`` on the test prompts."""
    prompts = world.test_prompts
    truth = answer_columns(world, prompts)
    best, conf = _best_answers(world, p_hat)
    drawn = _sample(p_hat, np.random.default_rng(seed))
    records: list[Graded] = []
    for i, c in enumerate(prompts.tolist()):
        item = f"test-{i}"
        groups = {"mentions": mention_bucket(int(world.answer_counts[c]))}
        right = Verdict.CORRECT if best[i] == truth[i] else Verdict.INCORRECT
        ans, cf = _text(world, c, int(best[i])), float(conf[i])
        records.append(
            Graded(item, f"{name}:always", right, confidence=cf, answer=ans, groups=groups)
        )
        d = int(drawn[i])
        v = (
            Verdict.ABSTAINED
            if d == IDK_COL
            else Verdict.CORRECT
            if d == truth[i]
            else Verdict.INCORRECT
        )
        records.append(Graded(item, f"{name}:sample", v, answer=_text(world, c, d), groups=groups))
        for t in targets:
            cond = Condition("open", t, "penalty")
            if cf > t:
                records.append(
                    Graded(
                        item,
                        f"{name}:threshold",
                        right,
                        cond,
                        confidence=cf,
                        answer=ans,
                        groups=groups,
                    )
                )
            else:
                records.append(
                    Graded(
                        item,
                        f"{name}:threshold",
                        Verdict.ABSTAINED,
                        cond,
                        confidence=cf,
                        answer="IDK",
                        groups=groups,
                    )
                )
    return records


def _audit_entry(row: dict[str, Any]) -> dict[str, Any]:
    """The audit's summary row; ``passes`` stays ``None`` when the audit is undefined.

    The audit is undefined (``passes=None``, max_shortfall nan) when the threshold policy
    answered nothing at any target: that is neither a pass nor a failure.

    >>> _audit_entry({"max_shortfall": float("nan"), "passes": None})["passes"] is None
    True
    """
    passes = row["passes"]
    return {
        "max_shortfall": float(row["max_shortfall"]),
        "passes": None if passes is None else bool(passes),
    }


def evaluate_policies(
    name: str,
    world: World,
    p_hat: npt.NDArray[np.float64],
    *,
    seed: int = 0,
    targets: Sequence[float] = TARGETS,
) -> dict[str, Any]:
    """Scores of each policy at each target, plus the calibration audit of ``threshold``.

    Returns:
        ``{"scores_by_target": {policy: {t: score}}, "rates": {policy: {t: {accuracy,
        error_rate, abstention_rate}}}, "audit": {max_shortfall, passes}}``; t as ``"0.75"``;
        ``passes`` is ``None`` when the audit is undefined (nothing answered).
    """
    table = GradedTable.from_records(graded_records(name, world, p_hat, seed=seed, targets=targets))
    rows = summarize(table, targets=targets, zero_division=float("nan"))
    scores: dict[str, dict[str, float]] = {p: {} for p in POLICIES}
    rates: dict[str, dict[str, dict[str, float]]] = {p: {} for p in POLICIES}
    for row in rows:
        policy = str(row["model"]).rsplit(":", 1)[1]
        key = f"{row['score_target']:g}"
        scores[policy][key] = float(row["score"])
        rates[policy][key] = {
            k: float(row[k]) for k in ("accuracy", "error_rate", "abstention_rate")
        }
    summary = [r for r in calibration_audit(table) if r.get("summary")]
    audit = _audit_entry(summary[0]) if summary else {}
    return {"scores_by_target": scores, "rates": rates, "audit": audit}
