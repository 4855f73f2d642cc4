"""The §4 scoring rule: penalty, score, reward form, expectation, Observation 1."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dontguess.scoring import (
    UndefinedMetricWarning,
    confidence_target_score,
    expected_score,
    observation1,
    penalty,
    reward_score,
)

TARGETS = st.floats(min_value=0.0, max_value=0.99, allow_nan=False)
VERDICTS = st.lists(st.integers(min_value=-1, max_value=2), min_size=1, max_size=60)


def test_penalty_matches_paper_values() -> None:
    assert [penalty(t) for t in (0.0, 0.5, 0.75, 0.9)] == pytest.approx([0, 1, 3, 9])


@pytest.mark.parametrize("bad", [1.0, -0.1, 1.5, math.nan, True, "0.5"])
def test_penalty_rejects_targets_outside_unit_interval(bad: object) -> None:
    with pytest.raises(ValueError, match="target must be"):
        penalty(bad)  # type: ignore[arg-type]


def test_score_hand_worked_and_ungraded_excluded() -> None:
    v = np.array([0, 0, 0, 1, 2, -1, -1], dtype=np.int8)  # C=3, I=1, A=1, U=2
    assert confidence_target_score(v, target=0.0) == pytest.approx(3 / 5)
    assert confidence_target_score(v, target=0.75) == pytest.approx((3 - 3) / 5)
    assert confidence_target_score(v, target=0.9) == pytest.approx((3 - 9) / 5)
    assert reward_score(v, target=0.75) == pytest.approx((3 + 0.75) / 5)


def test_score_of_nothing_graded_is_nan_with_warning() -> None:
    with pytest.warns(UndefinedMetricWarning, match="undefined"):
        assert math.isnan(confidence_target_score(np.array([-1, -1]), target=0.5))
    assert confidence_target_score(np.array([], dtype=np.int8), target=0.5, zero_division=0.0) == 0


@pytest.mark.parametrize("bad", [[3], [-2], [0.5]])
def test_score_rejects_bad_codes(bad: list[float]) -> None:
    with pytest.raises(ValueError, match="verdict codes"):
        confidence_target_score(np.array(bad), target=0.5)


@pytest.mark.parametrize(
    ("abstain", "right", "wrong", "expected"),
    [
        (52, 22, 26, [0.22, -0.04, -0.56, -2.12]),  # gpt-5-thinking-mini
        (1, 24, 75, [0.24, -0.51, -2.01, -6.51]),  # o4-mini
    ],
)
def test_openai_blog_simpleqa_rows_rescore(
    abstain: int, right: int, wrong: int, expected: list[float]
) -> None:
    v = np.array([2] * abstain + [0] * right + [1] * wrong, dtype=np.int8)
    got = [round(confidence_target_score(v, target=t), 2) for t in (0.0, 0.5, 0.75, 0.9)]
    assert got == expected


@given(VERDICTS, TARGETS, st.randoms(use_true_random=False))
def test_score_is_invariant_to_record_order(v: list[int], t: float, rnd: object) -> None:
    shuffled = list(v)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    a = confidence_target_score(np.array(v), target=t, zero_division=math.nan)
    b = confidence_target_score(np.array(shuffled), target=t, zero_division=math.nan)
    assert a == pytest.approx(b, nan_ok=True)


@given(st.integers(min_value=1, max_value=50), TARGETS)
def test_all_abstain_scores_zero(n: int, t: float) -> None:
    v = np.full(n, 2, dtype=np.int8)
    assert confidence_target_score(v, target=t) == 0.0
    assert reward_score(v, target=t) == pytest.approx(t)


@given(VERDICTS, TARGETS)
def test_reward_form_is_affine_in_penalty_form(v: list[int], t: float) -> None:
    arr = np.array(v, dtype=np.int8)
    if not (arr >= 0).any():
        return
    s = confidence_target_score(arr, target=t)
    assert reward_score(arr, target=t) == pytest.approx(t + (1 - t) * s, abs=1e-9)


@given(st.floats(0.0, 1.0), TARGETS)
def test_expected_score_formula(q: float, t: float) -> None:
    direct = q * 1.0 + (1 - q) * (-t / (1 - t))
    assert float(expected_score(q, target=t)) == pytest.approx(direct, abs=1e-9)
    if abs(q - t) > 1e-9:  # answering pays exactly when q > t
        assert (float(expected_score(q, target=t)) > 0) == (q > t)


@pytest.mark.parametrize(("q", "t"), [(0.3, 0.0), (0.8, 0.5), (0.7, 0.75), (0.95, 0.9)])
def test_expected_score_matches_seeded_monte_carlo(q: float, t: float) -> None:
    rng = np.random.default_rng(12345)
    n = 200_000
    v = np.where(rng.random(n) < q, 0, 1).astype(np.int8)  # always answer, right w.p. q
    mc = confidence_target_score(v, target=t)
    se = math.sqrt(q * (1 - q) / n) * (1 + penalty(t))
    assert abs(mc - float(expected_score(q, target=t))) < 5 * se


def test_observation1_binary_grading_never_rewards_abstaining() -> None:
    rng = np.random.default_rng(0)
    conf = rng.random(2000)
    correct = rng.random(2000) < conf  # calibrated confidences
    rows = observation1(correct, conf, targets=(0.0, 0.5, 0.75, 0.9))
    assert rows[0]["target"] == 0.0 and rows[0]["gain"] <= 0.0
    assert rows[0]["always_answer_score"] == pytest.approx(correct.mean())
    for row in rows[1:]:
        assert row["gain"] > 0.0  # at t > 0, abstaining below t pays for calibrated confidence
        assert row["n_answered"] == int((conf > row["target"]).sum())


def test_observation1_refuses_missing_confidence() -> None:
    with pytest.raises(ValueError, match="confidence is missing"):
        observation1([True, False], [0.5, math.nan])


@settings(max_examples=30)
@given(st.lists(st.tuples(st.booleans(), st.floats(0.0, 1.0)), min_size=1, max_size=40))
def test_observation1_gain_at_zero_never_positive(pairs: list[tuple[bool, float]]) -> None:
    correct = [c for c, _ in pairs]
    conf = [p for _, p in pairs]
    assert observation1(correct, conf, targets=(0.0,))[0]["gain"] <= 0.0
