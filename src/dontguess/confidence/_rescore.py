"""Re-score one closed-rubric run under abstention policies, at every t, with no new requests.

Each policy decides once per question, answering with the question's first graded sample (or
withholding it); the counts it reports are questions. Scores, intervals and paired tests come
from :mod:`dontguess.scoring` (one definition of the rule: +1, −t/(1−t), 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess._util.bootstrap import check_n_boot
from dontguess._util.factorize import factorize
from dontguess._util.intervals import check_confidence_level
from dontguess.confidence._agreement import agreement_confidence, has_text
from dontguess.confidence._columns import estimator_columns, question_samples
from dontguess.confidence._policies import (
    consistency_name,
    consistency_policy,
    parse_consistency,
    threshold_name,
    threshold_policy,
)
from dontguess.confidence._scores import NO_PAIRED, paired_fields, score_row
from dontguess.errors import InputError
from dontguess.metrics import calibration_report
from dontguess.records import GradedTable, Verdict, verdict_code
from dontguess.scoring import DEFAULT_TARGETS
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
            "ask them with run --rubric closed,open (the default)"
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
    if not has_text(closed.answer[closed.verdict >= 0]):
        raise InputError(f"{spec} compares answers, and this table keeps no answer text")
    agreement = np.full(rows.shape[0], np.nan)
    for q, row in enumerate(rows.tolist()):
        if min(row) < 0 or any(closed.verdict[r] < 0 for r in row):
            continue  # fewer than K graded samples: the policy cannot decide
        answers = [None if closed.verdict[r] == _ABSTAINED else str(closed.answer[r]) for r in row]
        agreement[q] = agreement_confidence(answers)[0]
    return consistency_policy(first_v, agreement, threshold=tau)


def _prompted(table: GradedTable, t: float) -> tuple[npt.NDArray[Any], npt.NDArray[Any], _I8]:
    """Per question, the first graded sample's verdict under the open rubric at stated t."""
    at = table.take(np.isclose(table.stated_target, t, rtol=0, atol=1e-12))
    if len(at) and (at.style == "penalty").any():
        at = at.take(at.style == "penalty")  # both styles asked: compare with the penalty form
    first = question_samples(at, 1)[:, 0]
    return at.model[first], at.item_id[first], at.verdict[first]


def _rows_by_model(model: npt.NDArray[Any]) -> dict[str, npt.NDArray[np.int64]]:
    """Row indices of each model, by model name (sorted)."""
    names, codes = factorize(model)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    return {str(n): order[bounds[k] : bounds[k + 1]] for k, n in enumerate(names)}


def _align(a: npt.NDArray[Any], b: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], ...]:
    """Indices into ``a`` and ``b`` of the item ids both hold."""
    _, ia, ib = np.intersect1d(a.astype(str), b.astype(str), return_indices=True)
    return ia, ib


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
    repeated = rows.size and bool((rows[:, 1] >= 0).any()) and has_text(closed.answer)
    return ["consistency@2"] if repeated else []


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

    Each row is scored at t with :func:`dontguess.scoring.confidence_target_score`:
    ``score = (C − t/(1−t)·I) / (C + I + A)`` over decided questions, with a percentile
    bootstrap interval over questions (``bootstrap`` replicates; 0 for none). Rows other than
    ``prompted`` carry a paired bootstrap (as :func:`dontguess.scoring.paired_bootstrap`, on
    the questions both decided) of ``difference = score − prompted_score``: positive means the
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
    estimators_used = _pick(columns, estimators)
    first = question_samples(closed, 1)[:, 0]
    v0 = closed.verdict[first]
    boot = (check_n_boot(bootstrap), seed, confidence_level)
    check_confidence_level(confidence_level)
    fixed = {AS_IS: v0}
    for spec in _consistency_specs(closed, consistency):
        fixed[consistency_name(*parse_consistency(spec))] = _consistency_verdicts(closed, v0, spec)
    names = [AS_IS, *(threshold_name(e) for e in estimators_used), *list(fixed)[1:]]
    models, items = closed.model[first], closed.item_id[first]
    by_model = _rows_by_model(models)
    rows: list[dict[str, Any]] = []
    for t in ts:
        verdicts = dict(fixed)
        for e in estimators_used:
            verdicts[threshold_name(e)] = threshold_policy(v0, columns[e][first], target=t)
        p_model, p_item, p_verdict = _prompted(table, t)
        p_by_model = _rows_by_model(p_model) if len(p_model) else {}
        for m, idx in by_model.items():
            p_idx = p_by_model.get(m)
            pair = _align(items[idx], p_item[p_idx]) if p_idx is not None and bootstrap else None
            if p_idx is not None:
                rows.append(score_row(m, PROMPTED, t, p_verdict[p_idx], *boot))
            for name in names:
                v = verdicts[name][idx]
                row = score_row(m, name, t, v, *boot)
                if pair is None:
                    row.update(NO_PAIRED)
                else:
                    pv = p_verdict[p_idx][pair[1]]
                    row.update(paired_fields(f"{m}\x1f{name}\x1f{t!r}", t, v[pair[0]], pv, *boot))
                rows.append(row)
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
