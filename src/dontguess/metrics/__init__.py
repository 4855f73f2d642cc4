"""One function per metric (sklearn style): outcome rates, calibration, selective answering.

Suffix gives direction: ``_score`` higher is better; ``_rate`` / ``_loss`` / ``_error`` lower.
Verdict metrics take int verdict codes (0 correct, 1 incorrect, 2 abstained, −1 ungraded);
confidence metrics take ``(correct, confidence)``. :func:`calibration_audit` audits
behavioural calibration across stated targets (§4). Undefined values are nan with an
:class:`dontguess.scoring.UndefinedMetricWarning` unless ``zero_division=`` says
otherwise. See docs/scoring.md.
"""

from __future__ import annotations

from dontguess.metrics._audit import calibration_audit
from dontguess.metrics._confidence import (
    brier_score_loss,
    expected_calibration_error,
    reliability_table,
)
from dontguess.metrics._rates import (
    abstention_rate,
    accuracy_score,
    attempted_accuracy_score,
    error_rate,
    simpleqa_f_score,
    ungraded_rate,
)
from dontguess.metrics._registry import CONFIDENCE_METRICS, VERDICT_METRICS
from dontguess.metrics._risk import aurc_loss, best_threshold_scores, risk_coverage_curve
from dontguess.metrics._table import calibration_report, confidence_pairs

__all__ = [
    "CONFIDENCE_METRICS",
    "VERDICT_METRICS",
    "abstention_rate",
    "accuracy_score",
    "attempted_accuracy_score",
    "aurc_loss",
    "best_threshold_scores",
    "brier_score_loss",
    "calibration_audit",
    "calibration_report",
    "confidence_pairs",
    "error_rate",
    "expected_calibration_error",
    "reliability_table",
    "risk_coverage_curve",
    "simpleqa_f_score",
    "ungraded_rate",
]
