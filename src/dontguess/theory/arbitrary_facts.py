"""The Arbitrary-Facts model (Definition 1, §3.3.1) and the Appendix B calibrated learner.

Each prompt c has a response set R_c (|R_c| ≥ 2 strings, indexed 0..|R_c|−1), an answer
probability α_c and one correct answer a_c drawn uniformly from R_c. Training examples are
i.i.d.: c ~ μ, then r = a_c with probability α_c, else r = IDK. So V_c = {a_c, IDK} and
E_c = R_c \\ {a_c}, |E_c| = |R_c| − 1.

The calibrated learner (Appendix B) copies p(·|c) on every prompt seen with an answer in
training (p̂(a_c|c) = α_c, p̂(IDK|c) = 1 − α_c) and on the others says IDK with
probability 1 − α_c and otherwise answers uniformly over R_c. Its δ is exactly 0 and its
error is ``Σ_{c unseen} μ(c) α_c (1 − 1/|R_c|)``; Theorem 2 brackets it between
``sr − 2/min|E_c| − slack`` and ``sr − sr/(max|E_c| + 1) + 13/√N``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dontguess.errors import InputError
from dontguess.theory._checks import check_int
from dontguess.theory.good_turing import singleton_rate

__all__ = [
    "ArbitraryFacts",
    "TrainingCounts",
    "calibrated_learner_error",
    "calibrated_learner_probs",
    "sample_examples",
    "sample_training",
]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ArbitraryFacts:
    """One draw of the facts of Definition 1 (arrays indexed by prompt).

    Attributes:
        mu: μ(c), the prompt distribution (sums to 1).
        n_responses: |R_c| ≥ 2.
        alpha: α_c in [0, 1], the probability that a training example of c has an answer.
        answer: index of a_c in R_c, uniform over 0..|R_c|−1.
    """

    mu: F64
    n_responses: I64
    alpha: F64
    answer: I64

    @property
    def n_prompts(self) -> int:
        """Number of prompts |C|."""
        return int(self.mu.shape[0])

    @property
    def min_errors(self) -> int:
        """min_c |E_c| = min_c |R_c| − 1."""
        return int(self.n_responses.min()) - 1

    @property
    def max_errors(self) -> int:
        """max_c |E_c| = max_c |R_c| − 1."""
        return int(self.n_responses.max()) - 1

    @classmethod
    def generate(
        cls,
        n_prompts: int,
        *,
        n_responses: int | npt.ArrayLike,
        alpha: float | npt.ArrayLike = 1.0,
        zipf_exponent: float = 0.0,
        seed: int = 0,
    ) -> ArbitraryFacts:
        """Draw facts: μ(c) ∝ rank^(−zipf_exponent) (0 = uniform), a_c uniform in R_c.

        >>> f = ArbitraryFacts.generate(3, n_responses=365, seed=1)
        >>> f.min_errors, round(float(f.mu.sum()), 6)
        (364, 1.0)
        """
        m = check_int("n_prompts", n_prompts)
        if not 0.0 <= zipf_exponent <= 10.0:
            raise InputError(f"zipf_exponent must be in [0, 10], got {zipf_exponent!r}")
        sizes = np.broadcast_to(np.asarray(n_responses, dtype=np.int64), (m,)).copy()
        if np.any(sizes < 2):
            raise InputError("n_responses must be >= 2 for every prompt (|E_c| >= 1)")
        alphas = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (m,)).copy()
        if not np.all((alphas >= 0) & (alphas <= 1)):
            raise InputError("alpha must be in [0, 1] for every prompt")
        weights = np.arange(1, m + 1, dtype=np.float64) ** (-zipf_exponent)
        rng = np.random.default_rng(seed)
        answer = rng.integers(0, sizes)
        return cls(weights / weights.sum(), sizes, alphas, answer.astype(np.int64))


@dataclass(frozen=True)
class TrainingCounts:
    """Per-prompt counts of N training examples.

    Attributes:
        n: N, all examples including IDK ones.
        counts: examples per prompt (any response).
        answered: examples per prompt whose response is a_c (not IDK).
    """

    n: int
    counts: I64
    answered: I64

    @property
    def singleton_rate(self) -> float:
        """sr = |{c : answered[c] = 1}| / N (Definition 2)."""
        return singleton_rate(self.answered, n=self.n)


def sample_training(facts: ArbitraryFacts, n: int, *, seed: int = 0) -> TrainingCounts:
    """Draw N i.i.d. training examples (c ~ μ; a_c w.p. α_c else IDK) as per-prompt counts.

    >>> t = sample_training(ArbitraryFacts.generate(5, n_responses=3), 100, seed=0)
    >>> t.n, int(t.counts.sum()), int(t.answered.sum())
    (100, 100, 100)
    """
    n = check_int("n", n)
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n, facts.mu).astype(np.int64)
    answered = rng.binomial(counts, facts.alpha).astype(np.int64)
    return TrainingCounts(n, counts, answered)


def sample_examples(facts: ArbitraryFacts, n: int, *, seed: int = 0) -> tuple[I64, I64]:
    """Draw N explicit examples: (prompt index, response index), response −1 meaning IDK."""
    n = check_int("n", n)
    rng = np.random.default_rng(seed)
    prompts = rng.choice(facts.n_prompts, size=n, p=facts.mu).astype(np.int64)
    has_answer = rng.random(n) < facts.alpha[prompts]
    responses = np.where(has_answer, facts.answer[prompts], -1).astype(np.int64)
    return prompts, responses


def calibrated_learner_error(facts: ArbitraryFacts, answered: npt.ArrayLike) -> float:
    """Exact generative error of the Appendix B calibrated learner.

    ``err = Σ_{c : answered[c] = 0} μ(c) · α_c · (1 − 1/|R_c|)``.

    >>> f = ArbitraryFacts(np.array([0.5, 0.5]), np.array([4, 4]), np.array([1.0, 0.5]),
    ...                    np.array([0, 0]))
    >>> calibrated_learner_error(f, [0, 0])  # 0.5 * 0.75 + 0.5 * 0.5 * 0.75
    0.5625
    """
    seen = _answered(facts, answered) > 0
    per_prompt = facts.alpha * (1.0 - 1.0 / facts.n_responses)
    return float(np.dot(facts.mu, np.where(seen, 0.0, per_prompt)))


def calibrated_learner_probs(
    facts: ArbitraryFacts, answered: npt.ArrayLike
) -> tuple[F64, F64, npt.NDArray[np.bool_]]:
    """The calibrated learner and the truth as P × (max|R_c| + 1) arrays for the estimators.

    Column j < |R_c| is response j of R_c, the last column is IDK; unused slots are marked
    valid with zero mass so they are never errors. Returns ``(p_hat, p, valid)``, usable
    with :func:`~dontguess.theory.generative_error`, ``iiv_error`` and
    ``calibration_delta``. Meant for small instances (dense arrays).
    """
    seen = _answered(facts, answered) > 0
    m, width = facts.n_prompts, int(facts.n_responses.max()) + 1
    rows = np.arange(m)
    cols = np.arange(width)[None, :]
    in_r = cols < facts.n_responses[:, None]
    valid = ~in_r
    valid[rows, facts.answer] = True
    p = np.zeros((m, width))
    p[rows, facts.answer] = facts.alpha
    p[:, -1] = 1.0 - facts.alpha
    guess = np.where(in_r, (facts.alpha / facts.n_responses)[:, None], 0.0)
    guess[:, -1] = 1.0 - facts.alpha
    p_hat = np.where(seen[:, None], p, guess)
    return p_hat, p, valid


def _answered(facts: ArbitraryFacts, answered: npt.ArrayLike) -> I64:
    arr = np.asarray(answered, dtype=np.int64)
    if arr.shape != (facts.n_prompts,):
        raise InputError(
            f"answered must have one count per prompt ({facts.n_prompts}), got shape {arr.shape}"
        )
    return arr
