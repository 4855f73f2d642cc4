"""The world generator: i.i.d. draws from mu, so Good-Turing holds (Corollary 3, Lemma 1)."""

from __future__ import annotations

import numpy as np
import pytest

from dontguess.errors import InputError
from dontguess.lab.corpus import corpus_lines, prompt_text, vocabulary_words
from dontguess.lab.world import (
    FACT_ANSWERS,
    WorldConfig,
    expected_singleton_rate,
    make_world,
    tune_exponent,
)
from dontguess.theory import corollary3_width, lemma1_width

GAMMA = 0.01


def test_same_seed_same_world_other_seed_other_world() -> None:
    cfg = WorldConfig(people=300, n_train=900, n_test=200, seed=3)
    a, b = make_world(cfg), make_world(cfg)
    assert a.names == b.names
    assert np.array_equal(a.train_prompts, b.train_prompts)
    assert np.array_equal(a.answers, b.answers)
    c = make_world(WorldConfig(people=300, n_train=900, n_test=200, seed=4))
    assert not np.array_equal(a.train_prompts, c.train_prompts)


def test_facts_are_uniform_and_names_distinct() -> None:
    w = make_world(WorldConfig(people=20000, n_train=10, n_test=10, seed=0))
    assert len(set(w.names)) == len(w.names)
    days = np.bincount(w.answers[:, 0], minlength=365)
    assert days.min() > 20 and days.max() < 100  # mean 54.8 per day
    assert set(np.unique(w.answers[:, 1]).tolist()) == set(range(len(FACT_ANSWERS["city"])))


@pytest.mark.parametrize("seed", range(20))
def test_good_turing_unseen_mass_matches_singleton_rate(seed: int) -> None:
    """alpha = 1: mu-mass of never-seen prompts within Corollary 3's width of GT = sr."""
    cfg = WorldConfig(
        people=3000, n_train=3000, n_test=3000, zipf_exponent=0.8, answer_prob=1.0, seed=seed
    )
    w = make_world(cfg)
    width = corollary3_width(cfg.n_train, GAMMA)
    assert abs(w.unseen_mass - w.singleton_rate) <= width
    # the test sample sees the same mass, up to its own binomial noise
    noise = 3 * np.sqrt(0.25 / cfg.n_test)
    assert abs(w.test_unseen_fraction - w.singleton_rate) <= width + noise


def test_good_turing_is_unbiased_over_seeds() -> None:
    """Mean of (M - sr) over seeds is near 0: the prototype's hand-set counts gave 0.04 vs 0.25."""
    diffs, srs = [], []
    for seed in range(30):
        w = make_world(
            WorldConfig(
                people=3000, n_train=3000, n_test=10, zipf_exponent=0.8, answer_prob=1.0, seed=seed
            )
        )
        diffs.append(w.unseen_mass - w.singleton_rate)
        srs.append(w.singleton_rate)
    assert np.mean(srs) > 0.2
    assert abs(np.mean(diffs)) < 3 * np.std(diffs) / np.sqrt(len(diffs)) + 1e-3


@pytest.mark.parametrize("seed", range(5))
def test_missing_mass_with_idk_within_lemma1(seed: int) -> None:
    cfg = WorldConfig(
        people=4000, n_train=4000, n_test=10, zipf_exponent=0.8, answer_prob=0.7, seed=seed
    )
    w = make_world(cfg)
    assert abs(w.missing_mass - w.singleton_rate) <= lemma1_width(cfg.n_train, GAMMA)
    assert w.missing_mass == pytest.approx(w.unseen_mass * 0.7)


def test_idk_share_and_counts() -> None:
    w = make_world(WorldConfig(people=500, n_train=20000, n_test=10, answer_prob=0.75, seed=1))
    assert w.train_answered.mean() == pytest.approx(0.75, abs=0.02)
    assert int(w.answer_counts.sum()) == int(w.train_answered.sum())


@pytest.mark.parametrize("target", [0.05, 0.3, 0.6])
def test_singleton_rate_is_tuned_through_mu_and_n(target: float) -> None:
    n = 20000
    s = tune_exponent(target, people=2 * n, n_train=n, answer_prob=0.8)
    w = make_world(WorldConfig(people=2 * n, n_train=n, n_test=10, zipf_exponent=s, seed=0))
    assert w.singleton_rate == pytest.approx(target, abs=0.02)


def test_tune_exponent_refuses_unreachable_targets() -> None:
    with pytest.raises(InputError, match="outside"):
        tune_exponent(0.9, people=100, n_train=1000, answer_prob=0.8)


def test_expected_singleton_rate_matches_draws() -> None:
    cfg = WorldConfig(people=1000, n_train=2000, n_test=10, zipf_exponent=0.8)
    rates = [
        make_world(WorldConfig(**{**cfg.to_dict(), "seed": k})).singleton_rate for k in range(10)
    ]
    w = make_world(cfg)
    assert np.mean(rates) == pytest.approx(expected_singleton_rate(w.mu, 2000, 0.8), abs=0.01)


def test_invalid_config_is_refused() -> None:
    with pytest.raises(InputError, match="answer_prob"):
        WorldConfig(answer_prob=1.5)
    with pytest.raises(InputError, match="people"):
        WorldConfig(people=0)


def test_corpus_states_each_training_example() -> None:
    w = make_world(WorldConfig(people=50, n_train=400, n_test=10, answer_prob=0.6, seed=2))
    lines = corpus_lines(w)
    assert len(lines) == 400
    for line, c, answered in zip(lines, w.train_prompts, w.train_answered, strict=True):
        assert line.split()[-1] == (w.answer_of(int(c)) if answered else "IDK")
        assert w.names[int(c) // 2] in line
    assert len({" ".join(x.split()[2:4]) for x in lines if x.startswith("Q")}) > 1  # templates
    words = set(vocabulary_words(w))
    assert {"IDK", "01-01", "31-12", "Lisbon"} <= words
    assert all(" " not in x for x in words)
    assert prompt_text("A B", "city") == "Q : Where does A B live ? A :"
