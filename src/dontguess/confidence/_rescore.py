"""Re-score one closed-rubric run under abstention policies, at every t, with no new requests.

Each policy decides once per question, answering with the question's first graded sample (or
withholding it); the counts it reports are questions. Scores, intervals and paired tests come
from :mod:`dontguess.scoring` (one definition of the rule: +1, −t/(1−t), 0).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess.confidence._agreement import agreement_confidence
from dontguess.confidence._columns import estimator_columns, question_samples
from dontguess.confidence._policies import (
    consistency_name,
    consistency_policy,
    parse_consistency,
    threshold_name,
    threshold_policy,
)
from dontguess.errors import InputError
from dontguess.metrics import calibration_report
from dontguess.records import GradedTable, Verdict, verdict_code
from dontguess.scoring import DEFAULT_TARGETS, paired_bootstrap, summarize
from dontguess.scoring._rule import check_target
from dontguess.scoring._summary import check_table

__all__ = ["AS_IS", "PROMPTED", "estimator_pairs", "estimator_report", "score_policies"]

#: The closed-rubric answers as given (no policy): the baseline every policy withholds from.
AS_IS = "as-is"
#: The model's own open-rubric behaviour at the stated t (when the run asked it).
PROMPTED = "prompted"
_ABSTAINED = verdict_code(Verdict.ABSTAINED)
_I8 = npt.NDArray[np.int8]


def _closed(table: GradedTable) -> GradedTable:
    closed = table.take(np.isnan(table.stated_target))
    if len(closed) == 0:
        raise InputError(
            "policies re-score closed-rubric answers and this table has none; "
            "run with --targets closed (the default) to get them"
        )
    return closed


def _consistency_verdicts(closed: GradedTable, first_v: _I8, spec: str) -> _I8:
    """The consistency policy's verdict per question (questions in question_samples order)."""
    k, tau = parse_consistency(spec)
    rows = question_samples(closed, k)
    have = int((rows >= 0).sum(axis=1).max()) if rows.size else 0
    if have < k:
        raise InputError(
            f"{spec} needs {k} samples per question; this run has at most {have} "
            f"(ask with run --samples {k})"
        )
    if not any(closed.answer[closed.verdict >= 0]):
        raise InputError(f"{spec} compares answers, and this table keeps no answer text")
    agreement = np.full(rows.shape[0], np.nan)
    for q, row in enumerate(rows.tolist()):
        if min(row) < 0 or any(closed.verdict[r] < 0 for r in row):
            continue  # fewer than K graded samples: the policy cannot decide
        answers = [None if closed.verdict[r] == _ABSTAINED else str(closed.answer[r]) for r in row]
        agreement[q] = agreement_confidence(answers)[0]
    return consistency_policy(first_v, agreement, threshold=tau)


def _policy_table(
    model: npt.NDArray[np.object_], item: npt.NDArray[np.object_], verdicts: dict[str, _I8]
) -> GradedTable:
    """One closed-rubric record per (policy, question), the policy in a group column."""
    names = list(verdicts)
    n_q, n = len(item), len(item) * len(names)
    policy = np.empty(n, dtype=object)
    policy[:] = [name for name in names for _ in range(n_q)]
    verdict = np.concatenate([verdicts[name] for name in names]) if names else np.empty(0, np.int8)
    empty = np.empty(n, dtype=object)
    empty[:] = [""] * n
    reason = empty.copy()
    reason[verdict < 0] = "no decision"
    return GradedTable(
        item_id=np.tile(item, len(names)), model=np.tile(model, len(names)),
        stated_target=np.full(n, np.nan), style=empty, sample=np.zeros(n, dtype=np.int64),
        verdict=verdict.astype(np.int8), confidence=np.full(n, np.nan),
        ungraded_reason=reason, answer=empty, groups={"policy": policy},
    )  # fmt: skip


def _prompted(table: GradedTable, t: float) -> tuple[npt.NDArray[Any], npt.NDArray[Any], _I8]:
    """Per question, the first graded sample's verdict under the open rubric at stated t."""
    at = table.take(np.isclose(table.stated_target, t, rtol=0, atol=1e-12))
    if len(at) and (at.style == "penalty").any():
        at = at.take(at.style == "penalty")  # both styles asked: compare with the penalty form
    first = question_samples(at, 1)[:, 0]
    return at.model[first], at.item_id[first], at.verdict[first]


def _pick(columns: dict[str, npt.NDArray[np.float64]], wanted: Sequence[str] | None) -> list[str]:
    if wanted is None:
        return list(columns)
    missing = [e for e in wanted if e not in columns]
    if missing:
        have = ", ".join(columns) or "none"
        raise InputError(f"no confidence from estimator {missing[0]!r} in the table (have: {have})")
    return list(wanted)


def _consistency_specs(closed: GradedTable, consistency: Sequence[str] | None) -> list[str]:
    """The consistency policies to score: as asked, or consistency@2 when the run has K ≥ 2."""
    if consistency is not None:
        return list(consistency)
    rows = question_samples(closed, 2)
    repeated = rows.size and bool((rows[:, 1] >= 0).any()) and any(closed.answer)
    return ["consistency@2"] if repeated else []


def _paired(tab: GradedTable, prompted: GradedTable, t: float, boot: int, seed: int,
            level: float) -> dict[str, Any]:  # fmt: skip
    """Paired bootstrap of policy − prompted on the questions both decided."""
    none: dict[str, Any] = {"prompted_score": None, "difference": None,
                            "difference_ci_low": None, "difference_ci_high": None,
                            "p_value": None, "n_paired": 0}  # fmt: skip
    if boot < 1 or len(prompted) == 0:
        return none
    a, b = tab.take(tab.verdict >= 0), prompted.take(prompted.verdict >= 0)
    if len(a) == 0 or len(b) == 0 or not np.isin(a.item_id, b.item_id).any():
        return none
    out = paired_bootstrap(a, b, target=t, n_boot=boot, seed=seed, confidence_level=level)
    return {"prompted_score": out["score_b"], "difference": out["difference"],
            "difference_ci_low": out["ci_low"], "difference_ci_high": out["ci_high"],
            "p_value": out["p_value"], "n_paired": out["n_items"]}  # fmt: skip


def _row(r: dict[str, Any], t: float) -> dict[str, Any]:
    """A policy row from a :func:`summarize` row: counts are questions."""
    keys = ("n_correct", "n_incorrect", "n_abstained", "score", "score_ci_low", "score_ci_high")
    return {
        "model": r["model"],
        "policy": r["policy"],
        "scored_target": t,
        "n_questions": r["n"] + r["n_ungraded"],
        **{k: r[k] for k in keys},
        "n_undecided": r["n_ungraded"],
    }


def _rows_at(tab: GradedTable, prompted: GradedTable, t: float, boot: int, seed: int,
             level: float, order: list[str]) -> list[dict[str, Any]]:  # fmt: skip
    """Score every policy (and the prompted baseline) at t."""
    both = [x for x in (tab, prompted) if len(x)]
    rows = []
    for part in both:
        for r in summarize(part, targets=(t,), by=("policy",), bootstrap=boot, seed=seed,
                           confidence_level=level, zero_division=math.nan):  # fmt: skip
            row = _row(r, t)
            if r["policy"] != PROMPTED:
                mine = tab.take((tab.model == r["model"]) & (tab.groups["policy"] == r["policy"]))
                base = prompted.take(prompted.model == r["model"]) if len(prompted) else prompted
                row.update(_paired(mine, base, t, boot, seed, level))
            rows.append(row)
    rows.sort(key=lambda r: (r["model"], order.index(r["policy"])))
    return rows


def score_policies(
    table: GradedTable,
    *,
    targets: Sequence[float] = DEFAULT_TARGETS,
    estimators: Sequence[str] | None = None,
    consistency: Sequence[str] | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    confidence_level: float = 0.95,
) -> list[dict[str, Any]]:
    """Score abstention policies on a closed-rubric run at every target t (§4, no new requests).

    Policies, each deciding once per question with the question's first graded sample:

    * ``as-is``: the closed-rubric answers as given;
    * ``threshold:<estimator>``: answer iff that estimator's confidence > t
      (:func:`threshold_policy`), for every estimator the table carries
      (:func:`estimator_columns`) or those named in ``estimators``;
    * ``consistency@K[:τ]``: answer iff the first K samples agree with the answer (share
      ≥ τ, default all; :func:`consistency_policy`); default ``consistency@2`` when the run
      has two samples per question;
    * ``prompted``: the model's own open-rubric answers at stated t, where the run asked.

    Each row is scored with :func:`dontguess.scoring.summarize` at t:
    ``score = (C − t/(1−t)·I) / (C + I + A)`` over decided questions, with a percentile
    bootstrap interval over questions (``bootstrap`` replicates; 0 for none). Rows other than
    ``prompted`` carry a paired bootstrap (:func:`dontguess.scoring.paired_bootstrap`, same
    questions, same seed) of ``difference = score − prompted_score``: positive means the
    post-hoc policy beats the prompted model. Questions whose first sample was ungraded, or
    whose answer has no confidence, are ``n_undecided`` and excluded from the score.

    Returns:
        Rows sorted by (scored_target, model, policy): model, policy, scored_target,
        n_questions, n_correct, n_incorrect, n_abstained, n_undecided, score, score_ci_low,
        score_ci_high, and (not on ``prompted`` rows) prompted_score, difference,
        difference_ci_low, difference_ci_high, p_value, n_paired (None/0 without a
        prompted baseline or a bootstrap).

    Raises:
        InputError: no closed-rubric record, an unknown estimator, a consistency policy the
            run has too few samples or no answer text for.

    >>> from dontguess.records import Graded, GradedTable, Verdict
    >>> ok, bad = Verdict.CORRECT, Verdict.INCORRECT
    >>> recs = [Graded("q1", "m", ok, confidence=0.9), Graded("q2", "m", bad, confidence=0.3)]
    >>> rows = score_policies(GradedTable.from_records(recs), targets=(0.5,), bootstrap=0)
    >>> [(r["policy"], r["n_correct"], r["n_abstained"], r["score"]) for r in rows]
    [('as-is', 1, 0, 0.0), ('threshold:confidence', 1, 1, 0.5)]
    """
    check_table(table)
    ts = sorted({check_target(t, "targets") for t in targets})
    closed = _closed(table)
    columns = estimator_columns(closed)
    names = _pick(columns, estimators)
    first = question_samples(closed, 1)[:, 0]
    v0 = closed.verdict[first]
    fixed = {AS_IS: v0}
    for spec in _consistency_specs(closed, consistency):
        fixed[consistency_name(*parse_consistency(spec))] = _consistency_verdicts(closed, v0, spec)
    order = [PROMPTED, AS_IS, *(threshold_name(e) for e in names), *list(fixed)[1:]]
    rows: list[dict[str, Any]] = []
    for t in ts:
        verdicts = dict(fixed)
        for e in names:
            verdicts[threshold_name(e)] = threshold_policy(v0, columns[e][first], target=t)
        tab = _policy_table(closed.model[first], closed.item_id[first], verdicts)
        p_model, p_item, p_verdict = _prompted(table, t)
        prompted = _policy_table(p_model, p_item, {PROMPTED: p_verdict})
        rows.extend(_rows_at(tab, prompted, t, bootstrap, seed, confidence_level, order))
    return rows


def estimator_pairs(
    table: GradedTable, *, estimators: Sequence[str] | None = None
) -> dict[tuple[str, str], tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]]:
    """Per (model, estimator): (correct, confidence) of the closed-rubric answers.

    One pair per question that was answered (first graded sample correct or incorrect) and
    has that estimator's confidence: the input of every metric in :mod:`dontguess.metrics`
    (Brier, ECE, reliability, risk–coverage, AURC).

    >>> from dontguess.records import Graded, GradedTable, Verdict
    >>> t = GradedTable.from_records([Graded("q1", "m", Verdict.CORRECT, confidence=0.8)])
    >>> estimator_pairs(t)
    {('m', 'confidence'): (array([ True]), array([0.8]))}
    """
    closed = _closed(table)
    columns = estimator_columns(closed)
    first = question_samples(closed, 1)[:, 0]
    v0, model = closed.verdict[first], closed.model[first]
    out = {}
    for e in _pick(columns, estimators):
        conf = columns[e][first]
        for m in sorted({str(x) for x in model}):
            keep = (model == m) & ((v0 == 0) | (v0 == 1)) & ~np.isnan(conf)
            if keep.any():
                out[(m, e)] = (v0[keep] == 0, conf[keep])
    return out


def estimator_report(
    table: GradedTable, *, estimators: Sequence[str] | None = None, n_bins: int = 10
) -> list[dict[str, Any]]:
    """Calibration of each estimator per model: Brier, ECE (``n_bins`` bins, stated), AURC.

    :func:`dontguess.metrics.calibration_report` over :func:`estimator_pairs`.

    Returns:
        Rows: model, estimator, n, n_bins, brier_score, ece_uniform, ece_quantile, aurc.
    """
    return [
        {"model": m, "estimator": e, **calibration_report(c, p, n_bins=n_bins)}
        for (m, e), (c, p) in estimator_pairs(table, estimators=estimators).items()
    ]
