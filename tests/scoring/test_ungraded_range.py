"""Ungraded ranges (issue 8): a score or error rate if every ungraded record were wrong, right."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.scoring.helpers import concat, make_table

from dontguess.scoring import summarize
from dontguess.scoring._rule import BOUND_KEYS, penalty, ungraded_bounds

TARGETS = (0.0, 0.5, 0.75, 0.9)


def _closed(rows: list[dict[str, object]]) -> dict[float, dict[str, object]]:
    return {float(r["score_target"]): r for r in rows}  # type: ignore[arg-type]


def test_hand_worked_ranges() -> None:
    # C=3 I=1 A=1 U=1: graded n = 5, all records N = 6
    rows = _closed(summarize(make_table([0, 0, 0, 1, 2, -1]), targets=(0.0, 0.75)))
    r0, r75 = rows[0.0], rows[0.75]
    assert r0["score"] == pytest.approx(3 / 5)
    assert (r0["score_if_ungraded_wrong"], r0["score_if_ungraded_right"]) == pytest.approx(
        (3 / 6, 4 / 6)
    )
    assert r75["score"] == pytest.approx(0.0)  # (3 − 3·1) / 5
    # all ungraded wrong: (3 − 3·2) / 6; all right: (4 − 3·1) / 6
    assert (r75["score_if_ungraded_wrong"], r75["score_if_ungraded_right"]) == pytest.approx(
        (-0.5, 1 / 6)
    )
    # hallucination rate I/n = 1/5, range I/N … (I + U)/N
    assert r75["error_rate"] == pytest.approx(0.2)
    assert (r75["error_rate_if_ungraded_right"], r75["error_rate_if_ungraded_wrong"]) == (
        pytest.approx((1 / 6, 2 / 6))
    )
    # reward form 1 / 0 / t: (3 + 0.75) / 6 … (4 + 0.75) / 6
    assert (r75["reward_score_if_ungraded_wrong"], r75["reward_score_if_ungraded_right"]) == (
        pytest.approx((3.75 / 6, 4.75 / 6))
    )


def test_no_ungraded_collapses_to_the_value_exactly() -> None:
    for row in summarize(make_table([0, 0, 1, 2, 1]), targets=TARGETS):
        assert row["score_if_ungraded_wrong"] == row["score"] == row["score_if_ungraded_right"]
        assert row["error_rate_if_ungraded_right"] == row["error_rate"]
        assert row["error_rate_if_ungraded_wrong"] == row["error_rate"]
        assert row["reward_score_if_ungraded_wrong"] == row["reward_score"]
        assert row["reward_score_if_ungraded_right"] == row["reward_score"]


def test_nothing_graded_still_has_a_range() -> None:
    rows = summarize(make_table([-1, -1]), targets=TARGETS, zero_division=math.nan)
    for row in rows:
        assert math.isnan(row["score"]) and math.isnan(row["error_rate"])
        pen = penalty(row["score_target"])
        assert (row["score_if_ungraded_wrong"], row["score_if_ungraded_right"]) == (-pen, 1.0)
        assert (row["error_rate_if_ungraded_right"], row["error_rate_if_ungraded_wrong"]) == (
            0.0,
            1.0,
        )


def test_ranges_are_per_group_and_open_rubric_at_its_target() -> None:
    closed = make_table([0, -1], model="a")
    told = make_table([1, -1, -1], model="a", stated_target=0.5)
    rows = summarize(concat(closed, told), targets=(0.0,))
    by_stated = {r["stated_target"]: r for r in rows}
    assert by_stated[None]["score_if_ungraded_wrong"] == pytest.approx(0.5)
    # t = 0.5 (penalty 1): C=0 I=1 U=2 → (0 − 3)/3 … (2 − 1)/3
    assert by_stated[0.5]["score_if_ungraded_wrong"] == pytest.approx(-1.0)
    assert by_stated[0.5]["score_if_ungraded_right"] == pytest.approx(1 / 3)


def test_by_names_may_not_clash_with_range_keys() -> None:
    table = make_table([0], groups={"score_if_ungraded_wrong": ["x"]})
    with pytest.raises(ValueError, match="clashes with a score-row key"):
        summarize(table, by=["score_if_ungraded_wrong"])


COUNTS = st.integers(0, 40)


@settings(max_examples=60, deadline=None)
@given(COUNTS, COUNTS, COUNTS, COUNTS, st.sampled_from(TARGETS))
def test_value_lies_in_its_range_and_reward_is_affine(
    c: int, i: int, a: int, u: int, t: float
) -> None:
    if c + i + a + u == 0:
        return
    b = ungraded_bounds(c, i, a, u, target=t)
    n = c + i + a
    eps = 1e-12
    assert b["score_if_ungraded_wrong"] <= b["score_if_ungraded_right"] + eps
    assert b["error_rate_if_ungraded_right"] <= b["error_rate_if_ungraded_wrong"] + eps
    if n:
        score = (c - penalty(t) * i) / n
        assert b["score_if_ungraded_wrong"] - eps <= score <= b["score_if_ungraded_right"] + eps
        assert b["error_rate_if_ungraded_right"] - eps <= i / n
        assert i / n <= b["error_rate_if_ungraded_wrong"] + eps
    for end in ("wrong", "right"):
        affine = t + (1 - t) * b[f"score_if_ungraded_{end}"]
        assert b[f"reward_score_if_ungraded_{end}"] == pytest.approx(affine)
    assert u or b["score_if_ungraded_wrong"] == b["score_if_ungraded_right"]
    assert b["error_rate_if_ungraded_wrong"] - b["error_rate_if_ungraded_right"] == (
        pytest.approx(u / (n + u))
    )


def test_bounds_of_nothing_are_nan_and_bad_input_is_named() -> None:
    assert all(math.isnan(v) for v in ungraded_bounds(0, 0, 0, 0, target=0.5).values())
    assert list(ungraded_bounds(1, 0, 0, 0, target=0.0)) == list(BOUND_KEYS)
    with pytest.raises(ValueError, match=r"counts must be >= 0, got \(1, -1, 0, 0\)"):
        ungraded_bounds(1, -1, 0, 0, target=0.5)
    with pytest.raises(ValueError, match=r"target must be in \[0, 1\), got 1"):
        ungraded_bounds(1, 0, 0, 0, target=1)
