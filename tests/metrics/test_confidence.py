"""Brier, ECE (both bin strategies), reliability table, table-level helpers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.scoring.helpers import make_table

from dontguess.errors import InputError
from dontguess.metrics import (
    brier_score_loss,
    calibration_report,
    confidence_pairs,
    expected_calibration_error,
    reliability_table,
)


def test_brier_hand_worked() -> None:
    assert brier_score_loss([1, 0, 1], [0.8, 0.4, 0.5]) == pytest.approx((0.04 + 0.16 + 0.25) / 3)


def test_ece_uniform_bins_hand_worked() -> None:
    correct = [True, True, False, True, False]
    conf = [0.95, 0.85, 0.75, 0.15, 0.05]
    # bins of width 0.5: [0, .5]: acc 1/2 conf .10 -> |.5-.1|*2 ; (.5, 1]: acc 2/3 conf .85
    expected = (abs(1 - 0.2) + abs(2 - 2.55)) / 5
    assert expected_calibration_error(correct, conf, n_bins=2) == pytest.approx(expected)


def test_ece_edges_belong_to_the_lower_bin() -> None:
    rows = reliability_table([True, False], [0.5, 0.5000001], n_bins=2)
    assert [r["n"] for r in rows] == [1, 1]
    assert rows[0]["low"] == 0.0 and rows[0]["high"] == 0.5 and rows[1]["high"] == 1.0


def test_ece_quantile_bins_have_equal_mass_and_keep_ties_together() -> None:
    rng = np.random.default_rng(0)
    conf = rng.random(1000)
    rows = reliability_table(conf > 0.5, conf, n_bins=4, strategy="quantile")
    assert [r["n"] for r in rows] == [250, 250, 250, 250]
    assert all(r["strategy"] == "quantile" and r["n_bins"] == 4 for r in rows)
    tied = reliability_table(
        [True] * 6, [0.2, 0.2, 0.2, 0.2, 0.9, 0.9], n_bins=3, strategy="quantile"
    )
    assert sum(r["n"] for r in tied) == 6
    assert sorted(r["n"] for r in tied if r["n"]) == [2, 4]


def test_calibrated_confidence_has_small_ece_overconfidence_large() -> None:
    rng = np.random.default_rng(1)
    q = rng.random(50_000)
    correct = rng.random(50_000) < q
    for strategy in ("uniform", "quantile"):
        assert expected_calibration_error(correct, q, n_bins=10, strategy=strategy) < 0.01  # type: ignore[arg-type]
    over = np.minimum(1.0, q + 0.2)
    assert expected_calibration_error(correct, over, n_bins=10) > 0.15


def test_reliability_rows_and_empty_bins() -> None:
    rows = reliability_table([True, False, True], [0.05, 0.95, 0.92], n_bins=4)
    assert [r["n"] for r in rows] == [1, 0, 0, 2]
    assert math.isnan(rows[1]["accuracy"]) and math.isnan(rows[1]["gap"])
    assert rows[3]["accuracy"] == 0.5 and rows[3]["mean_confidence"] == pytest.approx(0.935)
    assert rows[3]["gap"] == pytest.approx(0.5 - 0.935)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"n_bins": 0}, "n_bins must be"), ({"strategy": "log"}, "strategy must be")],
)
def test_bad_binning_arguments(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        expected_calibration_error([True], [0.5], **kwargs)  # type: ignore[arg-type]


def test_mismatched_shapes_and_bad_correct_are_refused() -> None:
    with pytest.raises(ValueError, match="correct has 2 entries but confidence has 1"):
        brier_score_loss([True, False], [0.5])
    with pytest.raises(ValueError, match="correct must be boolean"):
        brier_score_loss([2], [0.5])


def test_confidence_pairs_refuses_missing_confidence() -> None:
    table = make_table([0, 1, 2, -1], confidence=[0.9, math.nan, 0.1, 0.5])
    with pytest.raises(InputError, match="1 of 2 answered records have no confidence"):
        confidence_pairs(table)
    correct, conf = confidence_pairs(table, missing="drop")
    assert correct.tolist() == [True] and conf.tolist() == [0.9]
    with pytest.raises(InputError, match="no confidence in the table"):
        confidence_pairs(make_table([0, 1]))


def test_calibration_report_states_bins() -> None:
    report = calibration_report([True, False, True], [0.9, 0.3, 0.6], n_bins=5)
    assert report["n_bins"] == 5 and report["n"] == 3
    assert report["brier_score"] == pytest.approx((0.01 + 0.09 + 0.16) / 3)
    assert set(report) == {"n", "n_bins", "brier_score", "ece_uniform", "ece_quantile", "aurc"}
