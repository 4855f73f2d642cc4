"""calibration_audit with simulated policies (seeded)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pytest
from tests.scoring.helpers import concat, make_table

from dontguess.metrics import calibration_audit
from dontguess.records import GradedTable

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


# --- Issue 11: the samples of one question are one cluster --------------------------------


def test_identical_samples_of_a_question_count_once() -> None:
    """K identical samples per question give the bounds and tests of one sample per question.

    Design effect = K exactly, so the effective size is the number of questions. The old audit
    counted records: 10 copies made a failing bound out of a passing one.
    """
    one = np.array([0] * 14 + [1] * 6)  # precision 0.7 at t = 0.75: passes with 20 questions
    ids = [f"q{j}" for j in range(20)]
    single = calibration_audit(make_table(one, item_id=ids, stated_target=0.75))[0]
    tenfold = calibration_audit(
        make_table(np.repeat(one, 10), item_id=np.repeat(ids, 10), sample=np.tile(range(10), 20),
                   stated_target=0.75)
    )[0]  # fmt: skip
    assert single["passes"] and single["design_effect"] == 1.0
    assert tenfold["design_effect"] == pytest.approx(10.0)
    assert tenfold["precision_upper"] == pytest.approx(single["precision_upper"])
    assert tenfold["precision_lower"] == pytest.approx(single["precision_lower"])
    assert tenfold["passes"], "10 copies of the same answers are no new evidence"
    assert (tenfold["n"], tenfold["n_questions"]) == (200, 20)


def test_repeated_samples_do_not_fake_falling_abstention() -> None:
    """Monotonicity: abstention 0.5 → 0.4 over 20 questions is not significant, copied or not."""

    def at(t: float, n_abstain: int, k: int) -> object:
        v = np.repeat([2] * n_abstain + [0] * (20 - n_abstain), k)
        ids = np.repeat([f"q{j}" for j in range(20)], k)
        return make_table(v, item_id=ids, sample=np.tile(range(k), 20), stated_target=t)

    for k in (1, 10):
        rows = calibration_audit(concat(at(0.5, 10, k), at(0.75, 8, k)))
        assert [r["abstention_monotone"] for r in rows[:2]] == [True, True], k


def _objects(values: Iterable[str]) -> np.ndarray:
    """An object array whose repeats share one str object (as a reader's columns do)."""
    out = list(values)
    arr = np.empty(len(out), dtype=object)
    arr[:] = out
    return arr


def _simulated_models(precision: dict[str, float], k: int, m: int, reps: int, seed: int):
    """``reps`` models per entry, each answering ``k`` samples of ``m`` questions at t = 0.75.

    Question j's answers are right with chance q_j ~ Beta(0.1·μ, 0.1·(1 − μ)): mean μ (the
    model's true precision), intra-question correlation 1/(1 + 0.1) ≈ 0.91 (samples of one
    question mostly agree, as at low temperature).
    """
    rng = np.random.default_rng(seed)
    verdicts, models = [], []
    for name, mu in precision.items():
        q = rng.beta(0.1 * mu, 0.1 * (1 - mu), size=(reps, m))
        right = rng.random((reps, m, k)) < q[..., None]
        verdicts.append(np.where(right, 0, 1).reshape(-1))
        models.append(np.repeat(_objects(f"{name}{r:03d}" for r in range(reps)), m * k))
    n_models = len(precision) * reps
    n = n_models * m * k
    return GradedTable(
        item_id=np.tile(np.repeat(_objects(f"q{j}" for j in range(m)), k), n_models),
        model=np.concatenate(models),
        stated_target=np.full(n, 0.75),
        style=np.repeat(_objects(["penalty"]), n),
        sample=np.tile(np.arange(k), n_models * m),
        verdict=np.concatenate(verdicts).astype(np.int8),
        confidence=np.full(n, np.nan),
        ungraded_reason=np.repeat(_objects([""]), n),
        answer=np.repeat(_objects([""]), n),
    )


@pytest.mark.parametrize("k", [1, 10])
def test_audit_false_failure_rate_and_power_do_not_depend_on_samples(k: int) -> None:
    """Issue 11's simulation (docs/scoring.md states these rates), 200 questions at t = 0.75.

    True precision 0.76 (above t): failed at about 2%, under the nominal 5%, with 1 or 10
    samples per question (the record-counting audit failed it 20% of the time with 10).
    True precision 0.70 (below t): failed with power ≈ 0.46 (1 sample) and ≈ 0.49
    (10 samples, effective size ≈ 218 questions), as the docs state.
    """
    reps = 200
    table = _simulated_models({"above": 0.76, "below": 0.70}, k=k, m=200, reps=reps, seed=11)
    rows = [r for r in calibration_audit(table) if not r["summary"]]
    assert len(rows) == 2 * reps
    fail = {
        name: np.mean([not r["passes"] for r in rows if r["model"].startswith(name)])
        for name in ("above", "below")
    }
    assert fail["above"] <= 0.05  # sd of the estimate ≈ 0.01
    docs_power = {1: 0.46, 10: 0.49}[k]
    assert abs(fail["below"] - docs_power) <= 0.09  # sd of the estimate ≈ 0.035
    deffs = [r["design_effect"] for r in rows]
    assert np.median(deffs) == pytest.approx(1.0 if k == 1 else 1 + 9 / 1.1, rel=0.15)
