"""calibration_audit with simulated policies (seeded)."""

from __future__ import annotations

import numpy as np
import pytest
from tests.scoring.helpers import concat, make_table

from dontguess.metrics import calibration_audit

TARGETS = (0.0, 0.5, 0.75, 0.9)


def _simulate(policy: str, n: int = 2000, seed: int = 0, model: str = "m"):
    """Each item has a true chance q of the model's answer being right (q ~ U(0, 1))."""
    rng = np.random.default_rng(seed)
    q = rng.random(n)
    tables = []
    for t in TARGETS:
        right = rng.random(n) < q
        answer = q > t if policy == "calibrated" else np.ones(n, dtype=bool)
        verdict = np.where(answer, np.where(right, 0, 1), 2)
        tables.append(make_table(verdict, model=model, stated_target=t))
    return concat(*tables), q


def test_answer_iff_confident_policy_passes() -> None:
    table, _ = _simulate("calibrated")
    rows = calibration_audit(table)
    target_rows = [r for r in rows if not r["summary"]]
    assert [r["stated_target"] for r in target_rows] == list(TARGETS)
    assert all(r["passes"] and r["abstention_monotone"] for r in target_rows)
    for r in target_rows:
        assert r["answered_precision"] > r["stated_target"]
        assert r["precision_lower"] <= r["answered_precision"] <= r["precision_upper"]
    (summary,) = [r for r in rows if r["summary"]]
    assert summary["passes"] and summary["max_shortfall"] == 0.0 and summary["n_targets"] == 4


def test_always_guess_policy_fails_once_t_exceeds_accuracy() -> None:
    table, q = _simulate("always")
    rows = {r["stated_target"]: r for r in calibration_audit(table) if not r["summary"]}
    accuracy = rows[0.0]["answered_precision"]
    assert accuracy == pytest.approx(q.mean(), abs=0.03)
    for t, r in rows.items():
        if t > accuracy + 0.1:
            assert not r["passes"]
            assert r["shortfall"] == pytest.approx(t - r["answered_precision"])
        if t < accuracy - 0.1:
            assert r["passes"]
    summary = next(r for r in calibration_audit(table) if r["summary"])
    assert not summary["passes"] and summary["max_shortfall"] == pytest.approx(
        0.9 - accuracy, abs=0.03
    )


def test_falling_abstention_is_flagged() -> None:
    low = make_table([2] * 80 + [0] * 20, stated_target=0.5)
    high = make_table([2] * 20 + [0] * 80, stated_target=0.9)  # abstains less at higher t
    rows = [r for r in calibration_audit(concat(low, high)) if not r["summary"]]
    assert [r["abstention_monotone"] for r in rows] == [True, False]
    assert rows[1]["passes"]  # precision is fine; monotonicity is what fails
    assert not next(r for r in calibration_audit(concat(low, high)) if r["summary"])["passes"]


def test_closed_rubric_is_not_audited_and_models_are_separate() -> None:
    assert calibration_audit(make_table([0, 1, 2])) == []
    a, _ = _simulate("calibrated", n=500, model="a")
    b, _ = _simulate("always", n=500, model="b")
    rows = calibration_audit(concat(a, b))
    summaries = [r for r in rows if r["summary"]]
    assert [(r["model"], r["passes"]) for r in summaries] == [("a", True), ("b", False)]


def test_nothing_answered_is_undefined_not_a_pass() -> None:
    """Issue 13: a target with no answered question said ``passes yes``; it is undefined."""
    rows = calibration_audit(make_table([2, 2, 2], stated_target=0.9))
    target, summary = rows
    assert target["n_answered"] == 0 and np.isnan(target["answered_precision"])
    assert target["passes"] is None and target["reason"] == "no answered questions"
    assert np.isnan(target["shortfall"]), "undefined is not zero"
    assert summary["passes"] is None and summary["reason"] == "no answered questions"
    assert np.isnan(summary["max_shortfall"]) and summary["n_undefined"] == 1


def test_server_down_all_ungraded_is_undefined_everywhere() -> None:
    """Every record ungraded (a server that was down): no target passes, none fails."""
    down = concat(*(make_table([-1] * 5, stated_target=t) for t in TARGETS))
    rows = calibration_audit(down)
    targets = [r for r in rows if not r["summary"]]
    assert len(targets) == len(TARGETS)
    assert all(r["passes"] is None and r["reason"] == "no answered questions" for r in targets)
    assert all(r["abstention_monotone"] is None for r in targets)
    (summary,) = [r for r in rows if r["summary"]]
    assert summary["passes"] is None and summary["abstention_monotone"] is None


def test_undefined_targets_do_not_hide_a_failure_or_a_pass() -> None:
    fine = make_table([0] * 50, stated_target=0.5)
    idk = make_table([2] * 50, stated_target=0.9)
    (summary,) = [r for r in calibration_audit(concat(fine, idk)) if r["summary"]]
    assert summary["passes"] is True and summary["max_shortfall"] == 0.0
    assert (
        summary["n_undefined"] == 1 and summary["reason"] == "1 of 2 targets: no answered questions"
    )
    wrong = make_table([1] * 50, stated_target=0.5)
    (summary,) = [r for r in calibration_audit(concat(wrong, idk)) if r["summary"]]
    assert summary["passes"] is False and summary["max_shortfall"] == 0.5


def test_monotonicity_skips_a_target_without_graded_records() -> None:
    low = make_table([2] * 80 + [0] * 20, stated_target=0.5)
    gap = make_table([-1] * 10, stated_target=0.75)
    high = make_table([2] * 20 + [0] * 80, stated_target=0.9)
    rows = [r for r in calibration_audit(concat(low, gap, high)) if not r["summary"]]
    assert [r["abstention_monotone"] for r in rows] == [True, None, False]
