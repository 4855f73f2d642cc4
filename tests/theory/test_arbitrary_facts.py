"""Arbitrary-Facts simulator: Definition 2, the calibrated learner, Theorem 2 by Monte Carlo."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from dontguess.errors import InputError
from dontguess.theory import (
    ArbitraryFacts,
    calibrated_learner_error,
    calibrated_learner_probs,
    calibration_delta,
    generative_error,
    sample_examples,
    sample_training,
    singleton_rate_from_examples,
    theorem2_lower_bound,
    theorem2_upper_bound,
)


def test_examples_and_counts_follow_definition_2() -> None:
    facts = ArbitraryFacts.generate(50, n_responses=4, alpha=0.6, seed=3)
    prompts, responses = sample_examples(facts, 400, seed=4)
    assert np.all(responses[responses >= 0] == facts.answer[prompts[responses >= 0]])
    pairs = zip(prompts.tolist(), responses.tolist(), strict=True)
    sr = singleton_rate_from_examples(pairs, idk=-1)
    answered = np.bincount(prompts[responses >= 0], minlength=50)
    assert sr == pytest.approx(np.count_nonzero(answered == 1) / 400)
    assert 0.0 < np.mean(responses == -1) < 0.6


def test_calibrated_learner_is_calibrated_and_error_matches_estimator() -> None:
    facts = ArbitraryFacts.generate(
        40, n_responses=np.arange(40) % 5 + 2, alpha=np.linspace(0.1, 1, 40), seed=7
    )
    train = sample_training(facts, 60, seed=8)
    p_hat, p, valid = calibrated_learner_probs(facts, train.answered)
    assert calibration_delta(p_hat, p, facts.mu, valid=valid) == pytest.approx(0.0, abs=1e-12)
    exact = calibrated_learner_error(facts, train.answered)
    assert generative_error(p_hat, valid, facts.mu) == pytest.approx(exact)
    assert 0.0 < exact < 1.0


@dataclass(frozen=True)
class Regime:
    n_prompts: int
    n: int
    n_responses: int | np.ndarray
    alpha: float | np.ndarray
    zipf: float


_RNG = np.random.default_rng(2025)
REGIMES = {
    "birthdays-uniform": Regime(100_000, 50_000, 365, 1.0, 0.0),
    "abstaining-zipf": Regime(50_000, 50_000, 20, 0.5, 1.05),
    "binary-small-n": Regime(20_000, 10_000, 2, 1.0, 0.0),
    "mixed": Regime(50_000, 50_000, _RNG.integers(2, 60, 50_000), _RNG.random(50_000), 0.5),
}


@pytest.mark.parametrize("name", sorted(REGIMES))
def test_theorem2_brackets_calibrated_learner(name: str) -> None:
    """Theorem 2 lower and upper bounds hold in >= 99 of 100 seeded trials."""
    r = REGIMES[name]
    lower_ok = upper_ok = 0
    trials = 100
    for seed in range(trials):
        facts = ArbitraryFacts.generate(
            r.n_prompts, n_responses=r.n_responses, alpha=r.alpha, zipf_exponent=r.zipf, seed=seed
        )
        train = sample_training(facts, r.n, seed=10_000 + seed)
        err = calibrated_learner_error(facts, train.answered)
        sr = train.singleton_rate
        lower = theorem2_lower_bound(sr, n=r.n, min_errors=facts.min_errors, delta=0.0)
        upper = theorem2_upper_bound(sr, n=r.n, max_errors=facts.max_errors)
        lower_ok += err >= lower
        upper_ok += err <= upper
    assert lower_ok >= 99
    assert upper_ok >= 99


def test_lower_bound_is_informative_in_birthday_regime() -> None:
    """Guard against a vacuous check: the floor is well above 0 and close to err."""
    r = REGIMES["birthdays-uniform"]
    facts = ArbitraryFacts.generate(r.n_prompts, n_responses=365, seed=0)
    train = sample_training(facts, r.n, seed=1)
    err = calibrated_learner_error(facts, train.answered)
    lower = theorem2_lower_bound(train.singleton_rate, n=r.n, min_errors=364)
    upper = theorem2_upper_bound(train.singleton_rate, n=r.n, max_errors=364)
    assert 0.1 < lower < err < upper < lower + 0.6


def test_bad_facts() -> None:
    with pytest.raises(InputError, match="n_responses must be >= 2"):
        ArbitraryFacts.generate(3, n_responses=1)
    with pytest.raises(InputError, match="alpha must be in"):
        ArbitraryFacts.generate(3, n_responses=2, alpha=1.5)
    facts = ArbitraryFacts.generate(3, n_responses=2)
    with pytest.raises(InputError, match="one count per prompt"):
        calibrated_learner_error(facts, [1, 2])
