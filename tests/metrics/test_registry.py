"""Shared invariance tests over the metric registries (STYLE rule 14): order, all-abstain,
empty, NaN / ungraded."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dontguess.metrics import CONFIDENCE_METRICS, VERDICT_METRICS
from dontguess.scoring import UndefinedMetricWarning

VERDICT = sorted(VERDICT_METRICS.items())
CONFIDENCE = sorted(CONFIDENCE_METRICS.items())
VERDICTS = st.lists(st.integers(-1, 2), min_size=1, max_size=50)
PAIRS = st.lists(st.tuples(st.booleans(), st.floats(0.0, 1.0)), min_size=1, max_size=50)

#: value of each verdict metric when every graded record is an abstention (None: undefined)
ALL_ABSTAIN = {
    "abstention_rate": 1.0,
    "accuracy_score": 0.0,
    "attempted_accuracy_score": None,
    "error_rate": 0.0,
    "simpleqa_f_score": None,
    "ungraded_rate": 0.0,
}


@pytest.mark.parametrize(("name", "fn"), VERDICT)
@settings(max_examples=10)
@given(v=VERDICTS, data=st.data())
def test_verdict_metrics_ignore_record_order(
    name: str, fn: Callable[..., float], v: list[int], data: st.DataObject
) -> None:
    perm = data.draw(st.permutations(v))
    a, b = fn(np.array(v), zero_division=math.nan), fn(np.array(perm), zero_division=math.nan)
    assert a == pytest.approx(b, nan_ok=True), name


@pytest.mark.parametrize(("name", "fn"), VERDICT)
def test_verdict_metrics_all_abstain(name: str, fn: Callable[..., float]) -> None:
    v = np.full(7, 2, dtype=np.int8)
    base = name.split("@")[0]
    if base in ("confidence_target_score",):
        assert fn(v) == 0.0
    elif base == "reward_score":
        assert fn(v) == pytest.approx(float(name.split("@")[1]))
    elif ALL_ABSTAIN[base] is None:
        with pytest.warns(UndefinedMetricWarning):
            assert math.isnan(fn(v))
    else:
        assert fn(v) == ALL_ABSTAIN[base]


@pytest.mark.parametrize(("name", "fn"), VERDICT)
def test_verdict_metrics_empty_is_nan_with_warning(name: str, fn: Callable[..., float]) -> None:
    with pytest.warns(UndefinedMetricWarning, match="undefined"):
        assert math.isnan(fn(np.array([], dtype=np.int8))), name
    assert fn(np.array([], dtype=np.int8), zero_division=0.5) == 0.5


@pytest.mark.parametrize(("name", "fn"), [x for x in VERDICT if x[0] != "ungraded_rate"])
@settings(max_examples=10)
@given(v=VERDICTS, k=st.integers(1, 5))
def test_ungraded_records_do_not_move_verdict_metrics(
    name: str, fn: Callable[..., float], v: list[int], k: int
) -> None:
    more = np.array(v + [-1] * k)
    a, b = fn(np.array(v), zero_division=math.nan), fn(more, zero_division=math.nan)
    assert a == pytest.approx(b, nan_ok=True), name


@pytest.mark.parametrize(("name", "fn"), CONFIDENCE)
@settings(max_examples=10)
@given(pairs=PAIRS, data=st.data())
def test_confidence_metrics_ignore_record_order(
    name: str, fn: Callable[..., float], pairs: list[tuple[bool, float]], data: st.DataObject
) -> None:
    perm = data.draw(st.permutations(pairs))
    a = fn(np.array([c for c, _ in pairs]), np.array([p for _, p in pairs]))
    b = fn(np.array([c for c, _ in perm]), np.array([p for _, p in perm]))
    assert a == pytest.approx(b, abs=1e-12), name


@pytest.mark.parametrize(("name", "fn"), CONFIDENCE)
def test_confidence_metrics_empty_and_nan(name: str, fn: Callable[..., float]) -> None:
    with pytest.warns(UndefinedMetricWarning):
        assert math.isnan(fn(np.array([], dtype=bool), np.array([]))), name
    with pytest.raises(ValueError, match="confidence is missing"):
        fn(np.array([True, False]), np.array([0.3, math.nan]))
    with pytest.raises(ValueError, match=r"confidence must be in \[0, 1\]"):
        fn(np.array([True]), np.array([1.5]))


@pytest.mark.parametrize(("name", "fn"), CONFIDENCE)
@settings(max_examples=10)
@given(pairs=PAIRS)
def test_confidence_metrics_are_losses_in_unit_interval(
    name: str, fn: Callable[..., float], pairs: list[tuple[bool, float]]
) -> None:
    value = fn(np.array([c for c, _ in pairs]), np.array([p for _, p in pairs]))
    assert 0.0 <= value <= 1.0, name


@pytest.mark.parametrize(("name", "fn"), CONFIDENCE)
def test_perfect_confident_predictions_lose_nothing(name: str, fn: Callable[..., float]) -> None:
    # AURC measures ranking risk, which is 0 only without errors
    correct = np.ones(4, bool) if name == "aurc_loss" else np.array([True, True, False, False])
    assert fn(correct, correct.astype(float)) == 0.0, name
