from __future__ import annotations

import pytest

from dontguess.errors import InputError
from dontguess.theory import (
    frequency_of_frequencies,
    good_turing_missing_mass,
    singleton_rate,
    singleton_rate_from_examples,
)


def test_singleton_rate_counts_idk_in_n() -> None:
    # prompts a (1 answer), b (1 answer), c (2 answers), d (IDK only); 2 IDK examples
    assert singleton_rate([1, 1, 2, 0], n=6) == pytest.approx(2 / 6)
    assert singleton_rate([1, 1, 2]) == pytest.approx(2 / 4)


def test_singleton_with_idk_examples_is_still_a_singleton() -> None:
    # Definition 2: one answered example plus IDK examples -> singleton; N counts all 4.
    examples = [("a", "x"), ("a", "IDK"), ("a", "IDK"), ("b", "IDK")]
    assert singleton_rate_from_examples(examples) == pytest.approx(1 / 4)
    assert singleton_rate_from_examples([("a", "x"), ("a", "y")]) == 0.0
    assert singleton_rate_from_examples([("a", "x"), ("a", "?")], idk="?") == pytest.approx(0.5)


def test_good_turing_and_table() -> None:
    assert good_turing_missing_mass([1, 1, 3, 5]) == pytest.approx(0.2)
    assert good_turing_missing_mass([1, 2], n=6) == pytest.approx(1 / 6)
    assert frequency_of_frequencies([1, 1, 2, 0, 5]) == {1: 2, 2: 1, 5: 1}
    assert frequency_of_frequencies([]) == {}


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: singleton_rate([1, 2], n=2), r"n must be >= the number of answered examples 3"),
        (lambda: singleton_rate([]), r"empty training set"),
        (lambda: singleton_rate([1, -1]), r"non-negative integers"),
        (lambda: singleton_rate([1.5]), r"non-negative integers"),
        (lambda: singleton_rate([[1]]), r"1-D"),
        (lambda: good_turing_missing_mass([0, 0]), r"empty sample"),
        (lambda: singleton_rate_from_examples([]), r"empty training set"),
    ],
)
def test_bad_inputs(call: object, match: str) -> None:
    with pytest.raises(InputError, match=match):
        call()  # type: ignore[operator]
