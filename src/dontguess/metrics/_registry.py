"""Registries of metric functions, for shared invariance tests and generic reports."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from dontguess.metrics._confidence import brier_score_loss, expected_calibration_error
from dontguess.metrics._rates import (
    abstention_rate,
    accuracy_score,
    attempted_accuracy_score,
    error_rate,
    simpleqa_f_score,
    ungraded_rate,
)
from dontguess.metrics._risk import aurc_loss
from dontguess.scoring import confidence_target_score, reward_score

__all__ = ["CONFIDENCE_METRICS", "VERDICT_METRICS"]


def _at(fn: Callable[..., float], target: float) -> Callable[..., float]:
    def metric(verdict: Any, **kw: Any) -> float:
        return fn(verdict, target=target, **kw)

    metric.__name__ = f"{fn.__name__}@{target:g}"
    return metric


#: name → f(verdict, *, zero_division=...) -> float
VERDICT_METRICS: Mapping[str, Callable[..., float]] = MappingProxyType(
    {
        "abstention_rate": abstention_rate,
        "accuracy_score": accuracy_score,
        "attempted_accuracy_score": attempted_accuracy_score,
        "error_rate": error_rate,
        "simpleqa_f_score": simpleqa_f_score,
        "ungraded_rate": ungraded_rate,
        **{
            f"confidence_target_score@{t:g}": _at(confidence_target_score, t)
            for t in (0.0, 0.5, 0.75, 0.9)
        },
        **{f"reward_score@{t:g}": _at(reward_score, t) for t in (0.0, 0.5, 0.75, 0.9)},
    }
)

#: name → f(correct, confidence, *, zero_division=...) -> float
CONFIDENCE_METRICS: Mapping[str, Callable[..., float]] = MappingProxyType(
    {
        "aurc_loss": aurc_loss,
        "brier_score_loss": brier_score_loss,
        "expected_calibration_error": expected_calibration_error,
        "expected_calibration_error_quantile": lambda c, p, **kw: expected_calibration_error(
            c, p, strategy="quantile", **kw
        ),
    }
)
