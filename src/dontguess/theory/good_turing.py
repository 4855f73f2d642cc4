"""Singleton rate (Definition 2) and Good–Turing missing mass (§3.3.1, Appendix B).

Counts come in as one integer per distinct prompt. Reading of Definition 2 used throughout
dontguess: a prompt c is a *singleton* when exactly one training example (c, r) has r ≠ IDK,
whatever the number of its IDK examples; N counts every example, IDK ones included. So a
prompt seen once with an answer and twice with IDK is a singleton (and adds 3 to N), while a
prompt seen only with IDK is never a singleton.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable

import numpy as np
import numpy.typing as npt

from dontguess.errors import InputError
from dontguess.theory._checks import check_int

__all__ = [
    "IDK",
    "frequency_of_frequencies",
    "good_turing_missing_mass",
    "singleton_rate",
    "singleton_rate_from_examples",
]

#: The abstention response of Definition 1.
IDK = "IDK"


def _counts(name: str, counts: npt.ArrayLike) -> npt.NDArray[np.int64]:
    arr = np.asarray(counts)
    if arr.ndim != 1:
        raise InputError(f"{name} must be a 1-D array of per-prompt counts, got shape {arr.shape}")
    if arr.size and (arr.dtype.kind not in "iu" or np.any(arr < 0)):
        if arr.dtype.kind == "f" and np.all(arr == np.floor(arr)) and np.all(arr >= 0):
            return arr.astype(np.int64)
        raise InputError(f"{name} must hold non-negative integers")
    return arr.astype(np.int64)


def singleton_rate(answer_counts: npt.ArrayLike, *, n: int | None = None) -> float:
    """Singleton rate (Definition 2): ``sr = |S| / N``.

    S is the set of prompts with exactly one non-IDK training example; N is the number of
    training examples including IDK examples (see the module docstring for the reading).

    Args:
        answer_counts: for each distinct prompt, the number of its training examples whose
            response is not IDK (prompts seen only with IDK have 0).
        n: the total number of training examples N, IDK included; defaults to
            ``sum(answer_counts)`` (no IDK examples). Must be ≥ that sum.

    Returns:
        sr in [0, 1].

    Raises:
        InputError: negative or non-integer counts, N < sum of counts, or N = 0.

    >>> singleton_rate([1, 1, 2, 0], n=6)  # two singletons among 6 examples (2 IDK)
    0.3333333333333333
    """
    counts = _counts("answer_counts", answer_counts)
    total = int(counts.sum())
    n = total if n is None else check_int("n", n, low=0)
    if n < total:
        raise InputError(f"n must be >= the number of answered examples {total}, got {n}")
    if n == 0:
        raise InputError("singleton rate is undefined for an empty training set (N = 0)")
    return int(np.count_nonzero(counts == 1)) / n


def good_turing_missing_mass(counts: npt.ArrayLike, *, n: int | None = None) -> float:
    """Good–Turing estimate of the missing mass: ``GT = N₁ / N`` (Corollary 3).

    N₁ is the number of distinct prompts seen exactly once, N the number of samples
    (default ``sum(counts)``). Corollary 3: ``|M − GT| ≤ 1/N + 2.42·sqrt(ln(4/γ)/N)``.

    >>> good_turing_missing_mass([1, 1, 3, 5])
    0.2
    """
    arr = _counts("counts", counts)
    total = int(arr.sum())
    n = total if n is None else check_int("n", n, low=0)
    if n < total:
        raise InputError(f"n must be >= the number of samples {total}, got {n}")
    if n == 0:
        raise InputError("missing mass is undefined for an empty sample (N = 0)")
    return int(np.count_nonzero(arr == 1)) / n


def frequency_of_frequencies(counts: npt.ArrayLike) -> dict[int, int]:
    """Frequency-of-frequencies table: ``{k: number of prompts seen exactly k times}``, k ≥ 1.

    >>> frequency_of_frequencies([1, 1, 2, 0, 5])
    {1: 2, 2: 1, 5: 1}
    """
    arr = _counts("counts", counts)
    values, freq = np.unique(arr[arr > 0], return_counts=True)
    return {int(k): int(f) for k, f in zip(values, freq, strict=True)}


def singleton_rate_from_examples(
    examples: Iterable[tuple[Hashable, Hashable]], *, idk: Hashable = IDK
) -> float:
    """Singleton rate of a list of (prompt, response) examples; ``response == idk`` abstains.

    >>> singleton_rate_from_examples([("a", "x"), ("a", "IDK"), ("b", "y"), ("b", "y")])
    0.25
    """
    answered: Counter[Hashable] = Counter()
    n = 0
    for prompt, response in examples:
        n += 1
        if response != idk:
            answered[prompt] += 1
    return singleton_rate(np.fromiter(answered.values(), dtype=np.int64, count=len(answered)), n=n)
