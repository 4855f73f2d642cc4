"""grade-check metrics on hand-worked examples: agreement, Cohen's kappa, confusion, P/R."""

from __future__ import annotations

import math

import pytest

from dontguess.grading.check import (
    UNGRADED,
    agreement_score,
    check_grader,
    cohen_kappa_score,
    confusion_matrix,
)


def test_confusion_matrix_rows_reference_columns_grader_then_ungraded() -> None:
    m = confusion_matrix(
        ["c", "c", "i", "i", "i"], ["c", "i", "i", UNGRADED, "c"], labels=["c", "i"]
    )
    assert m.tolist() == [[1, 1, 0], [1, 1, 1]]


def test_kappa_hand_worked() -> None:
    # 10 rows: ref c c c c c c i i i i; grader c c c c c i i i i c
    ref = ["c"] * 6 + ["i"] * 4
    pred = ["c"] * 5 + ["i"] + ["i"] * 3 + ["c"]
    # p_o = 8/10; p_ref = (.6, .4), p_grader = (.6, .4); p_e = .36 + .16 = .52
    assert agreement_score(ref, pred) == pytest.approx(0.8)
    assert cohen_kappa_score(ref, pred) == pytest.approx((0.8 - 0.52) / (1 - 0.52))


def test_kappa_perfect_chance_and_undefined() -> None:
    assert cohen_kappa_score(["a", "b"], ["a", "b"]) == pytest.approx(1.0)
    # grader always says "a": p_o = .5, p_e = .5 → kappa 0
    assert cohen_kappa_score(["a", "b"], ["a", "a"]) == pytest.approx(0.0)
    assert math.isnan(cohen_kappa_score(["a", "a"], ["a", "a"]))  # p_e = 1
    assert math.isnan(cohen_kappa_score(["a"], [UNGRADED]))  # nothing committed


def test_ungraded_rows_lower_coverage_and_recall_not_agreement() -> None:
    report = check_grader(["c", "c", "i", "i"], ["c", UNGRADED, "i", UNGRADED], n_boot=0)
    assert report.coverage == 0.5
    assert report.agreement == 1.0
    by = {c.label: c for c in report.classes}
    assert by["c"].precision == 1.0 and by["c"].recall == 0.5
    assert by["i"].support == 2 and by["i"].predicted == 1
    assert math.isnan(report.agreement_ci[0])  # no bootstrap → no interval


def test_precision_nan_when_never_said() -> None:
    report = check_grader(["c", "i"], ["c", "c"], labels=("c", "i"), n_boot=0)
    assert math.isnan(report.classes[1].precision) and report.classes[1].recall == 0.0


def test_bootstrap_intervals_cover_the_point_and_are_seeded() -> None:
    ref = (["c"] * 8 + ["i"] * 2) * 30
    pred = (["c"] * 7 + ["i"] + ["i", UNGRADED]) * 30
    clusters = [str(i // 3) for i in range(300)]
    one = check_grader(ref, pred, clusters=clusters, n_boot=300, seed=1)
    two = check_grader(ref, pred, clusters=clusters, n_boot=300, seed=1)
    assert one.agreement_ci == two.agreement_ci
    lo, hi = one.agreement_ci
    assert lo <= one.agreement <= hi and hi - lo > 0
    lo, hi = one.kappa_ci
    assert lo <= one.kappa <= hi


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        agreement_score(["a"], ["a", "b"])
    with pytest.raises(ValueError, match="not one of"):
        confusion_matrix(["a"], ["z"], labels=["a"])
    with pytest.raises(ValueError, match="n_boot must be"):
        check_grader(["a"], ["a"], n_boot=-1)
    with pytest.raises(ValueError, match="confidence_level"):
        check_grader(["a"], ["a"], confidence_level=1.0)
