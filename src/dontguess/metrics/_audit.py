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

__all__ = ["calibration_audit"]


def _monotone(rates: list[float], ns: list[int], z: float) -> list[bool]:
    """Per target: abstention not significantly below that at the previous (lower) target."""
    out = [True]
    for k in range(1, len(rates)):
        p0, p1, n0, n1 = rates[k - 1], rates[k], ns[k - 1], ns[k]
        if any(math.isnan(x) for x in (p0, p1)):
            out.append(True)
            continue
        se = math.sqrt(p0 * (1 - p0) / n0 + p1 * (1 - p1) / n1)
        out.append(p0 - p1 - z * se <= 0.0)
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
                "shortfall": max(0.0, t - precision) if answered else 0.0,
                "passes": bool(not answered or upper[k] >= t),
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
        * ``shortfall`` = max(0, t − answered_precision): how far precision falls below t
          (0 when nothing was answered, since abstaining everywhere breaks no promise).
        * ``passes``: not (precision_upper < t), i.e. the data do not show precision below t
          at the chosen level. A model that answers nothing passes.
        * ``abstention_monotone``: abstention at t is not significantly (one-sided z test on two
          proportions, same level) below abstention at the next lower stated t.
    Per model, one summary row (``summary`` = True) with ``max_shortfall`` (the largest
    shortfall over its targets and styles; the audit's one number, 0 is best), ``passes``
    (every target passes and abstention is monotone) and ``n_targets``.

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
    summaries = []
    for model in sorted({r["model"] for r in rows}):
        mine = [r for r in rows if r["model"] == model]
        summaries.append(
            {
                "model": model,
                "summary": True,
                "n_targets": len(mine),
                "max_shortfall": max(r["shortfall"] for r in mine),
                "passes": all(r["passes"] and r["abstention_monotone"] for r in mine),
                "abstention_monotone": all(r["abstention_monotone"] for r in mine),
            }
        )
    return rows + summaries
