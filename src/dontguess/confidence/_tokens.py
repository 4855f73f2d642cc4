"""Token-probability confidence: what the model's own log-probabilities say about its answer.

Each estimator reads the per-token log-probabilities of the reply (natural log, as servers
return them: ``Reply.logprobs``) and returns a confidence in [0, 1].
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["first_token_probability", "mean_token_probability", "sequence_probability"]


def _check(logprobs: Sequence[float]) -> list[float]:
    """The log-probabilities as floats, or ValueError naming the bad value."""
    if isinstance(logprobs, str | bytes) or not isinstance(logprobs, Sequence):
        raise ValueError(f"logprobs must be a sequence of numbers, got {logprobs!r}")
    if len(logprobs) == 0:
        raise ValueError("logprobs is empty: a reply with no tokens has no confidence")
    out = []
    for k, x in enumerate(logprobs):
        if isinstance(x, bool) or not isinstance(x, int | float):
            raise ValueError(f"logprobs[{k}] must be a number, got {x!r}")
        v = float(x)
        if math.isnan(v) or v > 1e-9:
            raise ValueError(f"logprobs[{k}] must be a log-probability (<= 0), got {x!r}")
        out.append(min(v, 0.0))
    return out


def sequence_probability(logprobs: Sequence[float]) -> float:
    """Probability of the whole reply: ``p = exp(Σ_k log p_k)``.

    The model's probability of emitting exactly this token sequence; the confidence dontguess
    stores in ``confidence`` for ``run --logprobs``. Range [0, 1]. Long replies get small
    values even when the answer is certain (every extra token multiplies by p_k ≤ 1), so it
    suits short answers best.

    Args:
        logprobs: natural-log probabilities of the reply's tokens, each <= 0.

    Raises:
        ValueError: empty, not numbers, nan or positive.

    >>> round(sequence_probability([-0.1, -0.2]), 4)
    0.7408
    """
    return math.exp(math.fsum(_check(logprobs)))


def mean_token_probability(logprobs: Sequence[float]) -> float:
    """Geometric-mean token probability: ``p = exp((1/n) Σ_k log p_k)``.

    Length-normalised, so a long reply is not penalised for its length; ≥ the sequence
    probability. Range [0, 1].

    >>> round(mean_token_probability([-0.1, -0.3]), 4)
    0.8187
    """
    values = _check(logprobs)
    return math.exp(math.fsum(values) / len(values))


def first_token_probability(logprobs: Sequence[float]) -> float:
    """Probability of the reply's first token: ``p = exp(log p_1)``.

    For short answers the first token usually decides which answer is given (a name's first
    piece, a number's first digits); later tokens are often forced. Range [0, 1].

    >>> round(first_token_probability([-0.5, -3.0]), 4)
    0.6065
    """
    return math.exp(_check(logprobs)[0])
