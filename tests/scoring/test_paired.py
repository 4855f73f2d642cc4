"""paired_bootstrap: same items, same draws for both arms."""

from __future__ import annotations

import numpy as np
import pytest
from tests.scoring.helpers import concat, make_table, simpleqa_table

from dontguess.scoring import paired_bootstrap


def test_identical_tables_differ_by_zero_with_p_one() -> None:
    t = simpleqa_table("a", 52, 22, 26)
    out = paired_bootstrap(t, t, target=0.5, n_boot=200, seed=0)
    assert out["difference"] == 0.0 and out["ci_low"] == 0.0 and out["ci_high"] == 0.0
    assert out["p_value"] == 1.0 and out["n_items"] == 100


def test_blog_models_differ_significantly_at_high_targets() -> None:
    a = simpleqa_table("gpt-5-thinking-mini", 52, 22, 26)
    b = simpleqa_table("o4-mini", 1, 24, 75)
    out = paired_bootstrap(a, b, target=0.75, n_boot=2000, seed=0)
    assert out["difference"] == pytest.approx(-0.56 - (-2.01))
    assert out["ci_low"] > 0 and out["p_value"] < 0.01
    assert out["score_a"] == pytest.approx(-0.56) and out["score_b"] == pytest.approx(-2.01)
    out0 = paired_bootstrap(a, b, target=0.0, n_boot=2000, seed=0)
    assert out0["ci_low"] < 0 < out0["ci_high"] and out0["p_value"] > 0.3


def test_pairing_uses_common_items_and_is_seeded() -> None:
    a = make_table([0, 1, 0, 2], item_id=["q1", "q2", "q3", "q4"])
    b = make_table([0, 0, 1, -1], item_id=["q3", "q2", "q1", "q4"], model="b")
    out = paired_bootstrap(a, b, target=0.5, n_boot=100, seed=7)
    assert out["n_items"] == 3  # q4 is ungraded in b
    assert out == paired_bootstrap(a, b, target=0.5, n_boot=100, seed=7)


def test_pairing_reduces_noise_relative_to_unpaired_variation() -> None:
    rng = np.random.default_rng(3)
    easy = rng.random(400) < 0.5  # shared item difficulty
    va = np.where(easy, 0, 1)
    vb = np.where(easy & (rng.random(400) < 0.9), 0, 1)
    a = make_table(va, model="a")
    b = make_table(vb, model="b")
    out = paired_bootstrap(a, b, target=0.0, n_boot=1000, seed=0)
    assert out["ci_high"] - out["ci_low"] < 0.1  # unpaired width would be about 0.14
    assert out["p_value"] < 0.01


def test_mixed_conditions_and_disjoint_items_are_refused() -> None:
    mixed = concat(make_table([0]), make_table([0], stated_target=0.5))
    with pytest.raises(ValueError, match="one model and one condition"):
        paired_bootstrap(mixed, make_table([0]), target=0.5, n_boot=10)
    other = make_table([0], item_id=["zz"])
    with pytest.raises(ValueError, match="no graded item in common"):
        paired_bootstrap(make_table([0]), other, target=0.5, n_boot=10)
    with pytest.raises(ValueError, match="n_boot must be >= 1"):
        paired_bootstrap(make_table([0]), make_table([0]), target=0.5, n_boot=0)
