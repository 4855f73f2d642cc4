"""Token-probability, verbalised and sample-agreement estimators, worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.scoring.helpers import make_table

from dontguess.confidence import (
    agreement_column,
    agreement_confidence,
    answers_agree,
    first_token_probability,
    mean_token_probability,
    parse_verbal_confidence,
    sequence_probability,
    verbal_prompt,
)
from dontguess.errors import InputError


def test_token_probabilities_by_hand() -> None:
    lp = [math.log(0.5), math.log(0.8), math.log(0.25)]
    assert sequence_probability(lp) == pytest.approx(0.1)
    assert mean_token_probability(lp) == pytest.approx(0.1 ** (1 / 3))
    assert first_token_probability(lp) == pytest.approx(0.5)
    assert sequence_probability([0.0]) == 1.0
    assert sequence_probability((-1e-12,)) <= 1.0


@pytest.mark.parametrize(
    ("bad", "match"),
    [([], "empty"), ([0.5], r"logprobs\[0\] must be a log-probability"),
     ([-1.0, math.nan], r"logprobs\[1\]"), (["x"], "must be a number"), ("-0.1", "sequence")],
)  # fmt: skip
def test_token_probabilities_reject_bad_logprobs(bad: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        sequence_probability(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.85", 0.85), (".3", 0.3), ("1", 1.0), ("0", 0.0), ("70%", 0.7), ("Probability: 0.25", 0.25),
     ("confidence = 12.5 %", 0.125), ("  0.9.  ", 0.9), ("P: 1.0", 1.0)],
)  # fmt: skip
def test_verbal_parses_one_number(text: str, value: float) -> None:
    parsed = parse_verbal_confidence(text)
    assert parsed.value == pytest.approx(value) and parsed.reason is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [(None, "empty reply"), ("   ", "empty reply"), ("80", "above 1 without %"),
     ("150%", "above 100"), ("high", "not one number"), ("0.6-0.7", "not one number"),
     ("I'd say 0.8", "not one number"), ("0.8 (fairly sure)", "not one number"),
     ("-0.2", "not one number")],
)  # fmt: skip
def test_verbal_unparsable_is_no_confidence_with_a_reason(text: str | None, reason: str) -> None:
    parsed = parse_verbal_confidence(text)
    assert parsed.value is None and reason in (parsed.reason or "")


def test_verbal_prompt_names_question_and_answer() -> None:
    prompt = verbal_prompt("Who wrote Hamlet?", "Shakespeare")
    assert "Who wrote Hamlet?" in prompt and "Shakespeare" in prompt and "0 and 1" in prompt


def test_answers_agree_uses_the_rules_matchers() -> None:
    assert answers_agree("The Eiffel Tower", "eiffel tower")  # normalisation
    assert answers_agree("Paris", "It is Paris, France.")  # containment, either way round
    assert answers_agree("It is Paris, France.", "Paris")
    assert answers_agree("1,000", "1000")  # numbers
    assert not answers_agree("Paris", "Lyon")
    assert not answers_agree("", "") and not answers_agree("  ", "Paris")


def test_agreement_by_hand() -> None:
    assert agreement_confidence(["a", "a"]) == [1.0, 1.0]
    assert agreement_confidence(["Paris", "Lyon"]) == [0.5, 0.5]
    out = agreement_confidence(["Paris", "paris", "Lyon", None, "PARIS"])
    assert out[:3] == [0.6, 0.6, 0.2] and math.isnan(out[3]) and out[4] == 0.6
    with pytest.raises(ValueError, match="2 to 20 samples"):
        agreement_confidence(["x"])
    with pytest.raises(ValueError, match="2 to 20 samples"):
        agreement_confidence(["x"] * 21)


def test_agreement_column_groups_samples_by_question() -> None:
    table = make_table(
        [0, 0, 1, 2, 0, -1, 0],
        item_id=["q1", "q1", "q2", "q2", "q3", "q3", "q4"],
        sample=[0, 1, 0, 1, 0, 1, 0],
    )
    table.answer[:] = ["Paris", "paris", "Lyon", "I don't know", "Bern", "", "Rome"]
    col = agreement_column(table)
    # q2: an abstention counts in K and agrees with nothing; q3: the ungraded sample is no
    # evidence, leaving one sample; q4: one sample
    assert col[:3].tolist() == [1.0, 1.0, 0.5]
    assert np.isnan(col[3:]).all()


def test_agreement_column_needs_answers() -> None:
    with pytest.raises(InputError, match="needs the answer text"):
        agreement_column(make_table([0, 0], item_id=["q", "q"], sample=[0, 1]))


def test_choice_letters_agree_though_the_normaliser_drops_a() -> None:
    """ "A" is an English article to normalize_answer; a bare choice letter must still count."""
    assert agreement_confidence(["A", "a", "B"]) == pytest.approx([2 / 3, 2 / 3, 1 / 3])
    assert answers_agree("A", "a") and not answers_agree("A", "B")
