"""Outcome rates, hand-worked, including the blog's SimpleQA rows."""

from __future__ import annotations

import math

import pytest

from dontguess.metrics import (
    abstention_rate,
    accuracy_score,
    attempted_accuracy_score,
    error_rate,
    simpleqa_f_score,
    ungraded_rate,
)
from dontguess.scoring import UndefinedMetricWarning

V = [0, 0, 0, 1, 2, 2, -1, -1]  # C=3 I=1 A=2 U=2


def test_rates_hand_worked() -> None:
    assert accuracy_score(V) == 0.5
    assert error_rate(V) == pytest.approx(1 / 6)
    assert abstention_rate(V) == pytest.approx(2 / 6)
    assert ungraded_rate(V) == 0.25
    assert attempted_accuracy_score(V) == 0.75
    assert simpleqa_f_score(V) == pytest.approx(2 * 0.5 * 0.75 / 1.25)


def test_blog_row_rates() -> None:
    v = [2] * 52 + [0] * 22 + [1] * 26
    assert (accuracy_score(v), error_rate(v), abstention_rate(v)) == pytest.approx(
        (0.22, 0.26, 0.52)
    )
    assert attempted_accuracy_score(v) == pytest.approx(22 / 48)


def test_f_score_zero_when_nothing_right_undefined_when_nothing_tried() -> None:
    assert simpleqa_f_score([1, 1, 2]) == 0.0
    with pytest.warns(UndefinedMetricWarning, match="nothing attempted"):
        assert math.isnan(simpleqa_f_score([2, 2]))
    assert simpleqa_f_score([2, 2], zero_division=0.0) == 0.0


def test_bad_zero_division_is_named() -> None:
    with pytest.raises(ValueError, match="zero_division must be"):
        accuracy_score([0], zero_division="ignore")  # type: ignore[arg-type]
