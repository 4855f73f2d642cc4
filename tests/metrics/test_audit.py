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


def test_nothing_answered_passes_with_nan_precision() -> None:
    rows = calibration_audit(make_table([2, 2, 2], stated_target=0.9))
    assert rows[0]["n_answered"] == 0 and np.isnan(rows[0]["answered_precision"])
    assert rows[0]["passes"] and rows[0]["shortfall"] == 0.0


def test_confidence_level_is_checked() -> None:
    with pytest.raises(ValueError, match="confidence_level"):
        calibration_audit(make_table([0], stated_target=0.5), confidence_level=0.0)
