"""Behavioural-calibration audit (§4): does the model answer only when right with chance > t?

The paper names the criterion but gives no statistic; this module defines one (docs/scoring.md).
A question asked several times (``run --samples K``) is one cluster: its samples share the
question's difficulty, so they are not independent trials. The audit's intervals and its
monotonicity test use the design effect of that clustering (:func:`_design_effects`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess._util.intervals import check_confidence_level, norm_ppf, wilson_bounds
from dontguess.records import GradedTable
from dontguess.scoring._summary import Groups, check_table, group_table, item_clusters

__all__ = ["NO_ANSWERS", "calibration_audit"]

#: Why a target's audit is undefined: it has no answered (right or wrong) record.
NO_ANSWERS = "no answered questions"


F64 = npt.NDArray[np.float64]


def _ratio_design_effect(num: F64, den: F64, group: npt.NDArray[np.int64], n_groups: int) -> F64:
    """Design effect of the ratio Σ num / Σ den per group, clusters = rows.

    ``deff = Σ_j (num_j − p̂·den_j)² / (N·p̂(1 − p̂))`` with p̂ = Σ num / Σ den and N = Σ den:
    the linearised (ratio-estimator) variance of p̂ over the binomial one. Floored at 1, so
    one record per question gives exactly 1 (plain Wilson); 1 where p̂(1 − p̂) = 0 or N = 0.
    """
    tot_num = np.bincount(group, weights=num, minlength=n_groups)
    tot_den = np.bincount(group, weights=den, minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(tot_den > 0, tot_num / tot_den, 0.0)
        resid2 = np.bincount(group, weights=(num - p[group] * den) ** 2, minlength=n_groups)
        deff = resid2 / (tot_den * p * (1.0 - p))
    return np.where(np.isfinite(deff), np.maximum(deff, 1.0), 1.0)


def _design_effects(table: GradedTable, groups: Groups) -> tuple[F64, F64, npt.NDArray[np.int64]]:
    """Per group: design effect of its precision and of its abstention rate, and its questions.

    Clusters are the (group, item_id) pairs of graded records (:func:`item_clusters`; a
    table read from a file has them already when its scores were bootstrapped).
    """
    n_groups = groups.counts.shape[0]
    cgroup, counts = item_clusters(table, groups, ())
    c, i, a = counts[:, 0], counts[:, 1], counts[:, 2]
    precision = _ratio_design_effect(c, c + i, cgroup, n_groups)
    abstention = _ratio_design_effect(a, c + i + a, cgroup, n_groups)
    n_questions = np.bincount(cgroup, minlength=n_groups).astype(np.int64)
    return precision, abstention, n_questions


def _monotone(rates: list[float], ns: list[float], z: float) -> list[bool | None]:
    """Per target: abstention not significantly below that at the nearest lower target.

    Compared with the nearest lower target whose abstention rate is defined; ``None`` where
    the target's own rate is undefined (no graded record), ``True`` where there is nothing
    lower to compare with. ``ns`` are effective sizes (records / design effect).
    """
    out: list[bool | None] = []
    prev: int | None = None
    for k, p1 in enumerate(rates):
        if math.isnan(p1):
            out.append(None)
            continue
        if prev is None:
            out.append(True)
        else:
            p0, n0, n1 = rates[prev], ns[prev], ns[k]
            se = math.sqrt(p0 * (1 - p0) / n0 + p1 * (1 - p1) / n1)
            out.append(p0 - p1 - z * se <= 0.0)
        prev = k
    return out


#: One cell of the audit: (t, C, I, A, questions, precision deff, abstention deff).
Cell = tuple[float, int, int, int, int, float, float]


def _target_rows(model: str, style: str, cells: list[Cell], level: float) -> list[dict[str, Any]]:
    """Rows for one (model, style), cells sorted by t.

    The Wilson bounds use the effective size n/deff (Kish): ``p̂·n/deff`` successes out of
    ``n/deff`` trials, so K correlated samples of a question weigh less than K questions.
    """
    c, i, a, deff_p, deff_a = (np.array([x[j] for x in cells], dtype=np.float64)
                               for j in (1, 2, 3, 5, 6))  # fmt: skip
    lower, upper = wilson_bounds(c / deff_p, (c + i) / deff_p, confidence_level=level)
    n = c + i + a
    abst = [float(x) if m else math.nan for x, m in zip(a / np.maximum(n, 1), n > 0, strict=True)]
    mono = _monotone(abst, [float(x) for x in n / deff_a], norm_ppf(level))
    rows = []
    for k, (t, ck, ik, _, n_questions, _, _) in enumerate(cells):
        answered = ck + ik
        precision = ck / answered if answered else math.nan
        rows.append(
            {
                "model": model,
                "style": style,
                "stated_target": t,
                "summary": False,
                "n": int(n[k]),
                "n_questions": n_questions,
                "n_answered": answered,
                "design_effect": float(deff_p[k]),
                "answered_precision": precision,
                "precision_lower": float(lower[k]),
                "precision_upper": float(upper[k]),
                "shortfall": max(0.0, t - precision) if answered else math.nan,
                "passes": bool(upper[k] >= t) if answered else None,
                "reason": None if answered else NO_ANSWERS,
                "abstention_rate": abst[k],
                "abstention_monotone": mono[k],
            }
        )
    return rows


def calibration_audit(
    table: GradedTable, *, confidence_level: float = 0.95
) -> list[dict[str, Any]]:
    """Audit behavioural calibration across stated confidence targets (§4).

    A behaviourally calibrated model answers exactly when its chance of being right exceeds
    the stated target t; then (i) the precision of its answers, C/(C+I), is at least t at every
    t, and (ii) its abstention rate does not fall as t rises. Only open-rubric records (a stated
    t) are audited, per (model, style, stated_target); ungraded records are ignored.

    Statistic, per stated t (C, I, A count records; ``n_questions`` counts questions with a
    graded record):
        * ``answered_precision`` = C/(C+I); ``precision_lower`` / ``precision_upper`` are
          one-sided Wilson bounds at ``confidence_level`` computed on the effective size
          (C+I)/``design_effect``. The samples of one question form a cluster:
          ``design_effect`` = Σ_q (C_q − p̂·n_q)² / ((C+I)·p̂(1 − p̂)) over questions q with
          n_q = C_q + I_q answered samples (the ratio estimator's variance over the
          binomial one), floored at 1; with one sample per question it is 1 (plain Wilson).
        * ``shortfall`` = max(0, t − answered_precision): how far precision falls below t.
        * ``passes``: not (precision_upper < t), i.e. the data do not show precision below t
          at the chosen level.
        * With no answered record at t (all abstained, or all ungraded, e.g. a server that
          was down) the audit is undefined, not passed: ``passes`` is ``None``,
          ``answered_precision`` and ``shortfall`` are nan and ``reason`` is
          ``"no answered questions"`` (``reason`` is ``None`` on defined rows).
        * ``abstention_monotone``: abstention at t is not significantly (one-sided z test on two
          proportions, same level, each variance times its own design effect) below
          abstention at the nearest lower stated t (``None`` when t has no graded record).
    Per model, one summary row (``summary`` = True) with ``max_shortfall`` (the largest
    shortfall over its defined targets; the audit's one number, 0 is best), ``passes`` (every
    defined target passes and abstention is monotone; ``None`` when no target is defined),
    ``n_targets``, ``n_undefined`` (targets without an answered record) and ``reason``.

    Args:
        table: graded records; closed-rubric ones are skipped.
        confidence_level: level of the one-sided bounds and of the monotonicity test.

    Returns:
        Target rows sorted by (model, style, stated_target), then each model's summary row.

    >>> from dontguess.records import Condition, Graded, GradedTable, Verdict
    >>> at = lambda t: Condition("open", t, "penalty")
    >>> recs = [Graded(f"q{i}", "m", Verdict.CORRECT if i < 5 else Verdict.INCORRECT, at(0.75))
    ...         for i in range(40)]
    >>> rows = calibration_audit(GradedTable.from_records(recs))
    >>> rows[0]["answered_precision"], rows[0]["passes"], rows[-1]["max_shortfall"]
    (0.125, False, 0.625)
    >>> idk = [Graded(f"q{i}", "m", Verdict.ABSTAINED, at(0.9)) for i in range(3)]
    >>> rows = calibration_audit(GradedTable.from_records(idk))
    >>> rows[0]["passes"], rows[0]["reason"], rows[-1]["passes"]
    (None, 'no answered questions', None)
    """
    check_confidence_level(confidence_level)
    check_table(table)
    if np.isnan(table.stated_target).all():
        return []
    groups = group_table(table, ())  # every group; the closed-rubric ones are skipped below
    deff_p, deff_a, n_questions = _design_effects(table, groups)
    cells: dict[tuple[str, str], list[Cell]] = {}
    for g in range(groups.counts.shape[0]):
        if math.isnan(float(groups.labels[1][g])):
            continue
        _, c, i, a = (int(x) for x in groups.counts[g])
        key = (str(groups.labels[0][g]), str(groups.labels[2][g]))
        one = (float(groups.labels[1][g]), c, i, a, int(n_questions[g]),
               float(deff_p[g]), float(deff_a[g]))  # fmt: skip
        cells.setdefault(key, []).append(one)
    rows: list[dict[str, Any]] = []
    for (model, style), cell in sorted(cells.items()):
        rows.extend(_target_rows(model, style, sorted(cell), confidence_level))
    summaries = [_summary(model, [r for r in rows if r["model"] == model])
                 for model in sorted({r["model"] for r in rows})]  # fmt: skip
    return rows + summaries


def _summary(model: str, mine: list[dict[str, Any]]) -> dict[str, Any]:
    """One model's summary row over its target rows (undefined targets are left out)."""
    defined = [r for r in mine if r["passes"] is not None]
    monotone = [r["abstention_monotone"] for r in mine if r["abstention_monotone"] is not None]
    failed = any(not r["passes"] for r in defined) or not all(monotone)
    undefined = len(mine) - len(defined)
    return {
        "model": model,
        "summary": True,
        "n_targets": len(mine),
        "n_undefined": undefined,
        "max_shortfall": max((r["shortfall"] for r in defined), default=math.nan),
        "passes": None if not defined else not failed,
        "reason": (NO_ANSWERS if not defined else
                   f"{undefined} of {len(mine)} targets: {NO_ANSWERS}" if undefined else None),
        "abstention_monotone": all(monotone) if monotone else None,
    }  # fmt: skip
