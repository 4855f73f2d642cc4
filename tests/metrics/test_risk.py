"""Risk–coverage curve, AURC and best reachable scores against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dontguess.metrics import aurc_loss, best_threshold_scores, risk_coverage_curve

PAIRS = st.lists(
    st.tuples(st.booleans(), st.sampled_from([0.1, 0.3, 0.5, 0.7, 0.9])), min_size=1, max_size=7
)


def test_risk_coverage_hand_worked() -> None:
    cov, risk, thr = risk_coverage_curve([True, False, True, False], [0.9, 0.8, 0.8, 0.1])
    assert thr.tolist() == [0.9, 0.8, 0.1]
    assert cov.tolist() == [0.25, 0.75, 1.0]
    assert risk.tolist() == pytest.approx([0.0, 1 / 3, 0.5])


def test_aurc_without_ties_is_mean_risk_over_ranks() -> None:
    # ranks by confidence: T, F, T, F -> risks 0, 1/2, 1/3, 1/2
    assert aurc_loss([True, False, True, False], [0.9, 0.8, 0.7, 0.1]) == pytest.approx(
        (0 + 1 / 2 + 1 / 3 + 1 / 2) / 4
    )


@settings(max_examples=30, deadline=None)
@given(PAIRS)
def test_aurc_with_ties_equals_average_over_tie_orders(pairs: list[tuple[bool, float]]) -> None:
    correct = np.array([c for c, _ in pairs])
    conf = np.array([p for _, p in pairs])
    values = []
    for perm in itertools.permutations(range(len(pairs))):
        order = np.array(perm)
        if np.all(np.diff(conf[order]) <= 0):  # a descending order consistent with ties
            errs = np.cumsum(~correct[order])
            values.append(np.mean(errs / np.arange(1, len(pairs) + 1)))
    assert aurc_loss(correct, conf) == pytest.approx(np.mean(values))


@settings(max_examples=40, deadline=None)
@given(PAIRS, st.sampled_from([0.0, 0.5, 0.75, 0.9]))
def test_best_threshold_scores_match_brute_force(pairs: list[tuple[bool, float]], t: float) -> None:
    correct = np.array([c for c, _ in pairs])
    conf = np.array([p for _, p in pairs])
    pen = t / (1 - t)
    n = len(pairs)

    def score(answer: np.ndarray) -> float:
        return float((correct[answer].sum() - pen * (~correct[answer]).sum()) / n)

    (row,) = best_threshold_scores(correct, conf, targets=(t,))
    assert row["threshold_score"] == pytest.approx(score(conf > t))
    assert row["always_answer_score"] == pytest.approx(score(np.ones(n, bool)))
    candidates = [score(conf >= v) for v in np.unique(conf)] + [0.0]
    assert row["best_score"] == pytest.approx(max(candidates))
    if not np.isnan(row["best_min_confidence"]):
        assert row["best_score"] == pytest.approx(score(conf >= row["best_min_confidence"]))


def test_best_threshold_is_t_for_calibrated_confidence() -> None:
    rng = np.random.default_rng(5)
    q = rng.random(100_000)
    correct = rng.random(100_000) < q
    for row in best_threshold_scores(correct, q):
        assert row["best_score"] - row["threshold_score"] < 0.005
        assert row["best_min_confidence"] == pytest.approx(row["target"], abs=0.03)
