"""A synthetic world of arbitrary facts, built the way Theorem 2 assumes (§3.3.1, Def. 1).

People have generated names and two arbitrary facts: a birthday ``DD-MM`` (uniform over
365 days, so |E_c| = 364) and a home city (uniform over 40 cities, |E_c| = 39). A prompt
is c = (person, fact). Its distribution μ is a power law over people (Zipf with exponent
``zipf_exponent`` over a random ranking) times a uniform choice of fact. N training
examples are drawn i.i.d. from μ; each states the fact with probability α (the answer
probability) and is an IDK example otherwise. Test prompts are drawn i.i.d. from the same
μ. Mention counts are a *consequence* of μ and N, so the Good–Turing identity holds:
the μ-mass of prompts never answered in training, times α, is Appendix B's missing mass
MM, and |MM − sr| ≤ 4.42·sqrt(ln(5/γ)/N) (Lemma 1).

Everything is a function of :class:`WorldConfig` (seeded numpy ``Generator``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess.errors import InputError
from dontguess.lab._vocab import CITIES, DATES, make_names
from dontguess.theory import singleton_rate

__all__ = [
    "FACTS",
    "FACT_ANSWERS",
    "World",
    "WorldConfig",
    "expected_singleton_rate",
    "make_world",
    "tune_exponent",
    "zipf_weights",
]

#: Fact types, in prompt order (prompt index c = person·len(FACTS) + fact).
FACTS: tuple[str, ...] = ("birthday", "city")
#: The response set R_c of each fact type (IDK comes on top).
FACT_ANSWERS: dict[str, tuple[str, ...]] = {"birthday": DATES, "city": CITIES}

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class WorldConfig:
    """Everything that defines a world. Same config, same world.

    Attributes:
        people: population size (the number of distinct people).
        n_train: N, the number of training examples (IDK examples included).
        n_test: number of test prompts drawn from μ.
        zipf_exponent: s in μ(person) ∝ rank^(−s); 0 is uniform, larger is more skewed.
        answer_prob: α, the probability that an example states the fact (else IDK).
        seed: seed of every random choice.
    """

    people: int = 2000
    n_train: int = 6000
    n_test: int = 2000
    zipf_exponent: float = 1.0
    answer_prob: float = 0.8
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("people", "n_train", "n_test"):
            if int(getattr(self, name)) < 1:
                raise InputError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not 0.0 <= self.zipf_exponent <= 10.0:
            raise InputError(f"zipf_exponent must be in [0, 10], got {self.zipf_exponent}")
        if not 0.0 < self.answer_prob <= 1.0:
            raise InputError(f"answer_prob must be in (0, 1], got {self.answer_prob}")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (for checkpoint sidecars and summaries)."""
        return asdict(self)


def zipf_weights(people: int, exponent: float, rng: np.random.Generator) -> F64:
    """μ over people: ``rank^(−s)`` normalised, ranks in random order.

    >>> w = zipf_weights(3, 0.0, np.random.default_rng(0)); bool(np.allclose(w, 1 / 3))
    True
    """
    ranks = rng.permutation(people) + 1
    w: F64 = np.power(ranks.astype(np.float64), -exponent)
    out: F64 = w / w.sum()
    return out


def expected_singleton_rate(mu: F64, n: int, alpha: float) -> float:
    """E[sr] over training draws: ``Σ_c q_c (1 − q_c)^(N−1)`` with q_c = α·μ(c).

    The answered count of c is Binomial(N, q_c), and sr = #{c : count = 1} / N.

    >>> round(expected_singleton_rate(np.full(1000, 1e-3), 10, 1.0), 4)
    0.991
    """
    q = alpha * mu
    return float(np.sum(q * np.exp((n - 1) * np.log1p(-np.minimum(q, 1 - 1e-15)))))


def _prompt_mu(people: int, exponent: float, rng: np.random.Generator) -> F64:
    person = zipf_weights(people, exponent, rng)
    return np.repeat(person, len(FACTS)) / len(FACTS)


def tune_exponent(target_sr: float, *, people: int, n_train: int, answer_prob: float) -> float:
    """Zipf exponent whose *expected* singleton rate is ``target_sr`` (bisection on s).

    The expectation does not depend on the random ranking, so no seed is needed.

    Raises:
        InputError: the target is out of reach for this population and N (more people or
            a larger α raise the ceiling, reached at s = 0).
    """

    def sr_at(s: float) -> float:
        w = np.arange(1, people + 1, dtype=np.float64) ** (-s)
        mu = np.repeat(w / w.sum(), len(FACTS)) / len(FACTS)
        return expected_singleton_rate(mu, n_train, answer_prob)

    lo, hi = 0.0, 6.0
    top, bottom = sr_at(lo), sr_at(hi)
    if not bottom <= target_sr <= top:
        raise InputError(
            f"target singleton rate {target_sr} is outside [{bottom:.3f}, {top:.3f}] reachable "
            f"with people={people}, n_train={n_train}, answer_prob={answer_prob}"
        )
    for _ in range(60):
        mid = (lo + hi) / 2
        if sr_at(mid) > target_sr:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


@dataclass(frozen=True)
class World:
    """A drawn world: facts, μ, the training sample and the test prompts.

    Attributes:
        config: the :class:`WorldConfig` it was drawn from.
        names: ``"First Last"`` per person.
        answers: (people, len(FACTS)) index of each true answer in ``FACT_ANSWERS[fact]``.
        mu: (people·len(FACTS),) μ over prompts c = person·len(FACTS) + fact.
        train_prompts: (N,) prompt of each training example, i.i.d. from μ.
        train_answered: (N,) True where the example states the fact, False for IDK.
        test_prompts: (n_test,) test prompts, i.i.d. from μ.
    """

    config: WorldConfig
    names: tuple[str, ...]
    answers: I64
    mu: F64
    train_prompts: I64
    train_answered: npt.NDArray[np.bool_]
    test_prompts: I64

    @property
    def n_prompts(self) -> int:
        """Number of distinct prompts, people × facts."""
        return len(self.mu)

    def fact_of(self, prompts: I64) -> I64:
        """Fact index of each prompt."""
        return prompts % len(FACTS)

    def person_of(self, prompts: I64) -> I64:
        """Person index of each prompt."""
        return prompts // len(FACTS)

    def answer_of(self, prompt: int) -> str:
        """The true answer text of one prompt."""
        fact = FACTS[prompt % len(FACTS)]
        return FACT_ANSWERS[fact][int(self.answers[prompt // len(FACTS), prompt % len(FACTS)])]

    @cached_property
    def answer_counts(self) -> I64:
        """(n_prompts,) number of training examples that state each prompt's fact."""
        answered = self.train_prompts[self.train_answered]
        return np.bincount(answered, minlength=self.n_prompts).astype(np.int64)

    @property
    def singleton_rate(self) -> float:
        """sr = |prompts answered exactly once| / N (Definition 2, via dontguess.theory)."""
        return singleton_rate(self.answer_counts, n=self.config.n_train)

    @property
    def missing_mass(self) -> float:
        """Appendix B's MM, exact from μ: ``Σ_{c never answered} μ(c)·α``."""
        unseen = self.answer_counts == 0
        return float(self.mu[unseen].sum() * self.config.answer_prob)

    @property
    def unseen_mass(self) -> float:
        """Exact μ-mass of prompts never answered in training (Corollary 3's M when α = 1)."""
        return float(self.mu[self.answer_counts == 0].sum())

    @property
    def test_unseen_fraction(self) -> float:
        """Fraction of test prompts never answered in training."""
        return float(np.mean(self.answer_counts[self.test_prompts] == 0))


def make_world(config: WorldConfig) -> World:
    """Draw the world of ``config`` (deterministic for a seed).

    >>> w = make_world(WorldConfig(people=50, n_train=100, n_test=10, seed=1))
    >>> len(w.names), w.train_prompts.shape, int(w.answer_counts.sum()) <= 100
    (50, (100,), True)
    """
    rng = np.random.default_rng(config.seed)
    names = tuple(make_names(rng, config.people))
    answers = np.stack(
        [rng.integers(len(FACT_ANSWERS[f]), size=config.people) for f in FACTS], axis=1
    ).astype(np.int64)
    mu = _prompt_mu(config.people, config.zipf_exponent, rng)
    train = rng.choice(len(mu), size=config.n_train, p=mu).astype(np.int64)
    answered = rng.random(config.n_train) < config.answer_prob
    test = rng.choice(len(mu), size=config.n_test, p=mu).astype(np.int64)
    return World(config, names, answers, mu, train, answered, test)
