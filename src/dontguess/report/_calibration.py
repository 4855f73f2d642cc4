"""Confidence metrics per model and condition, from :mod:`dontguess.metrics`."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess.records import VERDICT_CODES, GradedTable, Verdict

__all__ = ["calibration_curves", "calibration_summary"]

Curves = dict[str, tuple[list[float], list[float]]]

_CORRECT = VERDICT_CODES[Verdict.CORRECT]
_INCORRECT = VERDICT_CODES[Verdict.INCORRECT]


def _answered_with_confidence(table: GradedTable) -> npt.NDArray[np.bool_]:
    """Right or wrong records that state a confidence (abstentions have no answer to judge)."""
    answered = (table.verdict == _CORRECT) | (table.verdict == _INCORRECT)
    mask: npt.NDArray[np.bool_] = answered & ~np.isnan(table.confidence)
    return mask


def calibration_summary(table: GradedTable, *, n_bins: int = 10) -> list[dict[str, Any]]:
    """Brier, ECE and AURC per (model, stated target) over answered records with a confidence.

    Args:
        table: graded records; rows without a confidence, abstentions and ungraded rows are
            left out (an abstention has no answer whose correctness a confidence could predict).
        n_bins: equal-width bins of the expected calibration error.

    Returns:
        Rows with keys model, stated_target (``None`` for closed rubric), n, accuracy,
        mean_confidence, brier, ece, aurc, n_bins; sorted by model then target (closed first).
        Empty when no record states a confidence.
    """
    from dontguess.metrics import aurc_loss, brier_score_loss, expected_calibration_error

    keep = _answered_with_confidence(table)
    if not keep.any():
        return []
    sub = table.take(keep)
    target_key = np.where(np.isnan(sub.stated_target), -1.0, sub.stated_target)
    rows = []
    for model, key in sorted({(m, float(k)) for m, k in zip(sub.model, target_key, strict=True)}):
        mask = (sub.model == model) & (target_key == key)
        correct = sub.verdict[mask] == _CORRECT
        conf = sub.confidence[mask]
        rows.append(
            {
                "model": model,
                "stated_target": None if key < 0 else key,
                "n": int(mask.sum()),
                "accuracy": float(correct.mean()),
                "mean_confidence": float(conf.mean()),
                "brier": brier_score_loss(correct, conf),
                "ece": expected_calibration_error(correct, conf, n_bins=n_bins),
                "aurc": aurc_loss(correct, conf),
                "n_bins": n_bins,
            }
        )
    return rows


def _thin(n: int, limit: int = 400) -> npt.NDArray[np.intp]:
    """At most ``limit`` evenly spread indices of ``n`` points, first and last kept.

    A risk–coverage curve has one point per distinct confidence; continuous confidences on a
    large file would otherwise put hundreds of thousands of points into the page's SVG.
    """
    if n <= limit:
        return np.arange(n)
    out: npt.NDArray[np.intp] = np.unique(np.linspace(0, n - 1, limit).round().astype(np.intp))
    return out


def calibration_curves(table: GradedTable, *, n_bins: int = 10) -> tuple[Curves, Curves]:
    """Per model (all conditions pooled): reliability points and the risk–coverage curve.

    Returns:
        ``(reliability, risk_coverage)``: model → (mean confidence, accuracy) of each non-empty
        equal-width bin; model → (coverage, risk) from
        :func:`dontguess.metrics.risk_coverage_curve`.
    """
    from dontguess.metrics import reliability_table, risk_coverage_curve

    keep = _answered_with_confidence(table)
    reliability: Curves = {}
    risk: Curves = {}
    for model in sorted(set(table.model[keep].tolist())):
        mask = keep & (table.model == model)
        correct = table.verdict[mask] == _CORRECT
        conf = table.confidence[mask]
        bins = [b for b in reliability_table(correct, conf, n_bins=n_bins) if b["n"] > 0]
        reliability[model] = (
            [b["mean_confidence"] for b in bins],
            [b["accuracy"] for b in bins],
        )
        coverage, risk_values, _ = risk_coverage_curve(correct, conf)
        keep_points = _thin(len(coverage))
        risk[model] = (coverage[keep_points].tolist(), risk_values[keep_points].tolist())
    return reliability, risk
