"""Behavioural-calibration audit (§4): does the model answer only when right with chance > t?

The paper names the criterion but gives no statistic; this module defines one (docs/scoring.md).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dontguess._intervals import check_confidence_level, norm_ppf, wilson_bounds
from dontguess.records import GradedTable
from dontguess.scoring._summary import check_table, group_table

__all__ = ["NO_ANSWERS", "calibration_audit"]

#: Why a target's audit is undefined: it has no answered (right or wrong) record.
NO_ANSWERS = "no answered questions"


def _monotone(rates: list[float], ns: list[int], z: float) -> list[bool | None]:
    """Per target: abstention not significantly below that at the nearest lower target.

    Compared with the nearest lower target whose abstention rate is defined; ``None`` where
    the target's own rate is undefined (no graded record), ``True`` where there is nothing
    lower to compare with.
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


def _target_rows(
    model: str, style: str, cells: list[tuple[float, int, int, int]], level: float
) -> list[dict[str, Any]]:
    """Rows for one (model, style), cells = (t, C, I, A) sorted by t."""
    c = np.array([x[1] for x in cells], dtype=np.float64)
    i = np.array([x[2] for x in cells], dtype=np.float64)
    a = np.array([x[3] for x in cells], dtype=np.float64)
    lower, upper = wilson_bounds(c, c + i, confidence_level=level)
    n = c + i + a
    abst = [float(x) if m else math.nan for x, m in zip(a / np.maximum(n, 1), n > 0, strict=True)]
    mono = _monotone(abst, [int(x) for x in n], norm_ppf(level))
    rows = []
    for k, (t, ck, ik, _) in enumerate(cells):
        answered = ck + ik
        precision = ck / answered if answered else math.nan
        rows.append(
            {
                "model": model,
                "style": style,
                "stated_target": t,
                "summary": False,
                "n": int(n[k]),
                "n_answered": answered,
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

    Statistic, per stated t:
        * ``answered_precision`` = C/(C+I); ``precision_lower`` / ``precision_upper`` are
          one-sided Wilson bounds at ``confidence_level``.
        * ``shortfall`` = max(0, t − answered_precision): how far precision falls below t.
        * ``passes``: not (precision_upper < t), i.e. the data do not show precision below t
          at the chosen level.
        * With no answered record at t (all abstained, or all ungraded, e.g. a server that
          was down) the audit is undefined, not passed: ``passes`` is ``None``,
          ``answered_precision`` and ``shortfall`` are nan and ``reason`` is
          ``"no answered questions"`` (``reason`` is ``None`` on defined rows).
        * ``abstention_monotone``: abstention at t is not significantly (one-sided z test on two
          proportions, same level) below abstention at the nearest lower stated t (``None``
          when t has no graded record).
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
    open_rubric = table.take(~np.isnan(table.stated_target))
    if len(open_rubric) == 0:
        return []
    groups = group_table(open_rubric, ())
    cells: dict[tuple[str, str], list[tuple[float, int, int, int]]] = {}
    for g in range(groups.counts.shape[0]):
        _, c, i, a = (int(x) for x in groups.counts[g])
        key = (str(groups.labels[0][g]), str(groups.labels[2][g]))
        cells.setdefault(key, []).append((float(groups.labels[1][g]), c, i, a))
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
