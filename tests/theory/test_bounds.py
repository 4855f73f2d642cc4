"""Hand-computed values of every bound in dontguess.theory.bounds."""

from __future__ import annotations

import math

import pytest

from dontguess.errors import InputError
from dontguess.theory import (
    corollary3_width,
    lemma1_width,
    theorem1_lower_bound,
    theorem2_leading_term,
    theorem2_lower_bound,
    theorem2_slack,
    theorem2_upper_bound,
    theorem2_upper_slack,
    theorem3_lower_bound,
)

# (35 + 6 ln N)/sqrt(N) worked by hand: ln 1e4 = 9.21034, ln 1e6 = 13.81551, ln 1e8 = 18.42068.
SLACK_TABLE = [
    (10**4, (35 + 6 * 9.210340372) / 100),  # 0.902620
    (10**6, (35 + 6 * 13.815510558) / 1000),  # 0.117893
    (10**8, (35 + 6 * 18.420680744) / 10**4),  # 0.014552
]


@pytest.mark.parametrize(("n", "expected"), SLACK_TABLE)
def test_theorem2_slack_table(n: int, expected: float) -> None:
    assert theorem2_slack(n) == pytest.approx(expected, abs=1e-9)


def test_slack_table_rounded_values() -> None:
    assert [round(theorem2_slack(n), 4) for n, _ in SLACK_TABLE] == [0.9026, 0.1179, 0.0146]


def test_theorem2_gamma_form() -> None:
    # 6 ln(3e6 / 0.01) / 1000 = 6 * ln(3e8) / 1000 = 6 * 19.5193 / 1000
    assert theorem2_slack(10**6, gamma=0.01) == pytest.approx(6 * 19.519293 / 1000, abs=1e-8)


def test_theorem1_hand_example() -> None:
    # 2 * 0.3 - 2/20 - 0.05 = 0.45
    assert theorem1_lower_bound(0.3, max_valid=2, min_errors=20, delta=0.05) == pytest.approx(0.45)
    # no prompts: |V| = 1, |E| = 4: 2 * 0.5 - 0.25 = 0.75
    assert theorem1_lower_bound(0.5, max_valid=1, min_errors=4) == pytest.approx(0.75)


def test_theorem2_birthdays() -> None:
    # sr = 0.2, 364 wrong birthdays, N = 1e6: 0.2 - 2/364 - 0.117893 = 0.076612
    lead = theorem2_leading_term(0.2, min_errors=364)
    assert lead == pytest.approx(0.2 - 0.0054945055, abs=1e-9)
    bound = theorem2_lower_bound(0.2, n=10**6, min_errors=364)
    assert bound == pytest.approx(0.2 - 0.0054945055 - 0.1178930634, abs=1e-9)
    with_delta = theorem2_lower_bound(0.2, n=10**6, min_errors=364, delta=0.01)
    assert with_delta == pytest.approx(bound - 0.01)


def test_theorem2_upper() -> None:
    # 0.2 - 0.2/4 + 13/100 = 0.28
    assert theorem2_upper_bound(0.2, n=10**4, max_errors=3) == pytest.approx(0.28)
    assert theorem2_upper_slack(10**4) == pytest.approx(0.13)
    # gamma form: 5 * sqrt(ln(500)/1e4) = 5 * sqrt(6.214608/1e4) = 0.124645
    assert theorem2_upper_slack(10**4, gamma=0.01) == pytest.approx(0.1246455, abs=1e-6)


def test_lemma1_and_corollary3_widths() -> None:
    assert lemma1_width(10**4, 0.01) == pytest.approx(4.42 * math.sqrt(6.2146081 / 1e4))
    assert corollary3_width(10**4, 0.01) == pytest.approx(1e-4 + 2.42 * math.sqrt(5.9914645 / 1e4))


def test_theorem3() -> None:
    assert theorem3_lower_bound(0.25, choices=2) == pytest.approx(0.25)
    assert theorem3_lower_bound(0.3, choices=4) == pytest.approx(0.45)  # 2 * 3/4 * 0.3


def test_upper_exceeds_lower_for_large_n() -> None:
    lower = theorem2_lower_bound(0.3, n=10**8, min_errors=99)
    upper = theorem2_upper_bound(0.3, n=10**8, max_errors=99)
    assert lower < upper


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: theorem1_lower_bound(1.5, max_valid=1, min_errors=1), r"err_iiv must be in"),
        (lambda: theorem1_lower_bound(0.1, max_valid=0, min_errors=1), r"max_valid must be"),
        (lambda: theorem2_lower_bound(0.1, n=0, min_errors=2), r"n must be an integer >= 1"),
        (lambda: theorem2_lower_bound(-0.1, n=5, min_errors=2), r"sr must be in"),
        (lambda: theorem2_lower_bound(0.1, n=5, min_errors=2, gamma=1.0), r"gamma must be in"),
        (lambda: theorem2_lower_bound(0.1, n=5, min_errors=2, delta=float("nan")), r"delta"),
        (lambda: theorem2_upper_bound(0.1, n=5, max_errors=2.5), r"max_errors"),  # type: ignore[arg-type]
        (lambda: theorem3_lower_bound(0.1, choices=1), r"choices must be an integer >= 2"),
        (lambda: lemma1_width(10, 0.0), r"gamma"),
        (lambda: corollary3_width(10, "x"), r"gamma"),  # type: ignore[arg-type]
    ],
)
def test_bad_inputs_raise(call: object, match: str) -> None:
    with pytest.raises(InputError, match=match):
        call()  # type: ignore[operator]
