"""DeterministicGrader: table tests for text, numbers, dates, choices, unknowable, errors."""

from __future__ import annotations

import asyncio

import pytest

from dontguess.grading import DeterministicGrader, Grade, Grader
from dontguess.records import Item, Reply, Verdict

C, I, A = Verdict.CORRECT, Verdict.INCORRECT, Verdict.ABSTAINED  # noqa: E741
GRADER = DeterministicGrader()


def grade(item: Item, text: str) -> Grade:
    return asyncio.run(GRADER.grade(item, Reply(text=text)))


def text_item(*answers: str, kind: str = "text") -> Item:
    return Item(id="q", question="?", answers=answers, kind=kind)


TEXT_CASES = [
    (("Paris",), "Paris", C),
    (("Paris",), "paris.", C),
    (("Paris",), "The answer is Paris.", C),
    (("Paris",), "I'm not sure, but I think it's Paris", C),
    (("Paris",), "London", I),
    (("Paris",), "I don't know", A),
    (("Paris",), "", A),
    (("The Beatles",), "beatles", C),
    (("Jóhanna Sigurðardóttir",), "Johanna Sigurðardottir", C),
    (("Tequila", "Tequilla"), "It's tequilla", C),
    (("Reidsville, Georgia", "Reidsville"), "Reidsville", C),
    (("Michio Sugeno",), "Michio Sugeno received it in 2010.", C),
    (("Paris",), "It is not Paris, it is Lyon.", None),
    (("Paris",), "Paris or London", None),
    (("red",), "The flag shows a red cross on a white field with five stars", None),
    (("AB",), "The universal recipient is blood group AB positive (AB+).", C),
    (("Bb",), "Trumpets are most commonly pitched in B♭.", C),
    (("Bb",), "B♭ and C.", None),
    (("45",), "There were 45 states at the start of the 20th century.", C),
    (("US",), "the US", C),
    (("Paris",), "Not sure: Paris", C),
    (("Paris",), "No, it's not Paris.", None),
    (("Unknown",), "Unknown", C),
]


@pytest.mark.parametrize(("answers", "reply", "want"), TEXT_CASES)
def test_text(answers: tuple[str, ...], reply: str, want: Verdict | None) -> None:
    result = grade(text_item(*answers), reply)
    assert result.verdict is want, result
    assert (result.reason is None) == (want is not None)


NUMBER_CASES = [
    ("3.14", "3.141", C),
    ("3.14", "3.15", I),
    ("3.14", "about 3.14159", C),
    ("1200", "1,200", C),
    ("1200", "1249", I),
    ("1200", "1200.4", C),
    ("120,000 euros", "€120,000", C),
    ("120,000 euros", "120 thousand euros", C),
    ("12", "twelve", C),
    ("12", "There are twelve.", C),
    ("3", "There are 3 Rs in STRAWBERRY.", C),
    ("3", "There are 2 Rs in STRAWBERRY.", I),
    ("3", "3 or 4", None),
    ("3", "It is 3, maybe 4", None),
    ("$155 million", "155 million dollars", C),
    ("0", "zero", C),
    ("0", "There are no Qs in STRAWBERRY.", C),
    ("0", "The letter Q does not appear in STRAWBERRY.", C),
    ("0", "There is 1 Q.", I),
    ("170th", "It was the 170th.", C),
]


@pytest.mark.parametrize(("gold", "reply", "want"), NUMBER_CASES)
def test_numbers(gold: str, reply: str, want: Verdict | None) -> None:
    assert grade(text_item(gold, kind="number"), reply).verdict is want


DATE_CASES = [
    ("14 December 1972", "December 14, 1972", C),
    ("14 December 1972", "1972-12-14", C),
    ("14 December 1972", "14/12/1972", C),
    ("14 December 1972", "on the 14th of Dec. 1972", C),
    ("14 December 1972", "December 15, 1972", I),
    # A reply with only the year (or month and year) is less specific than the gold: people
    # often accept it (EVOUNA), so the rules leave it to a judge; a contradiction is wrong.
    ("14 December 1972", "1972", None),
    ("14 December 1972", "December 1972", None),
    ("14 December 1972", "November 1972", I),
    ("14 December 1972", "1971", I),
    ("December 1972", "14 December 1972", C),
    ("June 24th, 1896.", "24 June 1896", C),
    ("14 December 1972", "Either 14 December 1972 or 3 March 1971", None),
]


def test_numbers_from_the_question_are_context() -> None:
    item = Item(id="m", question="How many medals did she win in 2012?", answers=("2",))
    assert grade(item, "She won 2 medals in 2012.").verdict is C
    assert grade(item, "She won 3 medals in 2012.").verdict is I
    assert grade(item, "She won 2 medals in 2011.").verdict is None


@pytest.mark.parametrize(("gold", "reply", "want"), DATE_CASES)
def test_dates(gold: str, reply: str, want: Verdict | None) -> None:
    assert grade(text_item(gold, kind="date"), reply).verdict is want


CHOICE = Item(id="mc", question="Capital of France?", answers=("B",), kind="choice",
              choices=("Rome", "Paris", "Berlin", "Madrid"))  # fmt: skip
CHOICE_CASES = [
    ("B", C),
    ("(B)", C),
    ("b", C),
    ("B.", C),
    ("Answer: B", C),
    ("The answer is (B).", C),
    ("B) Paris", C),
    ("Paris", C),
    ("A", I),
    ("Rome", I),
    ("Answer: C", I),
    ("A or B", None),
    ("(A) or (B)", None),
    ("B) Rome", None),
    ("E", None),
    ("I'm not sure.", A),
    ("Something else entirely", None),
]


@pytest.mark.parametrize(("reply", "want"), CHOICE_CASES)
def test_choices(reply: str, want: Verdict | None) -> None:
    assert grade(CHOICE, reply).verdict is want


def test_choice_gold_given_as_text() -> None:
    item = Item(id="mc", question="?", answers=("Paris",), kind="choice", choices=("Rome", "Paris"))
    assert grade(item, "B").verdict is C


UNKNOWABLE = Item(id="b1", question="What is Ines M. Yarsevski's birthday?", kind="unknowable")


@pytest.mark.parametrize(
    ("reply", "want"),
    [("I don't know.", A), ("03-07", I), ("I think it's 14 March.", I), ("", A), ("IDK", A)],
)
def test_unknowable(reply: str, want: Verdict) -> None:
    assert grade(UNKNOWABLE, reply).verdict is want


TRUTHFUL = Item(
    id="t",
    question="Why do matadors wave red capes?",
    answers=("Red capes are traditional", "Bulls are angered by the movement of the cape"),
    incorrect_answers=("Bulls are angered by the color red", "Bulls hate the color red"),
)


@pytest.mark.parametrize(
    ("reply", "want"),
    [
        ("Red capes are traditional.", C),
        ("Because bulls hate the color red.", I),
        ("Matadors do it for show and tradition, mostly.", None),
        ("I have no comment.", A),
    ],
)
def test_truthfulqa_style(reply: str, want: Verdict | None) -> None:
    result = grade(TRUTHFUL, reply)
    assert result.verdict is want
    if want is None:
        assert result.reason == "reply matches no listed correct or incorrect answer"


def test_backend_error_is_ungraded() -> None:
    result = asyncio.run(GRADER.grade(text_item("Paris"), Reply(text=None, error="HTTP 500")))
    assert result == Grade(None, "backend error: HTTP 500")


def test_no_match_policy() -> None:
    strict = DeterministicGrader(no_match="ungraded")
    assert strict.grade_text(text_item("Paris"), "London").verdict is None
    assert strict.grade_text(text_item("Paris"), "Paris").verdict is C
    with pytest.raises(ValueError, match="no_match must be"):
        DeterministicGrader(no_match="maybe")  # type: ignore[arg-type]


def test_grade_invariants() -> None:
    assert isinstance(GRADER, Grader)
    with pytest.raises(ValueError, match="needs a reason"):
        Grade(None, None)
    with pytest.raises(ValueError, match="has no reason"):
        Grade(C, "because")


# Issue 8: each case failed (or was mis-graded) before the rules learned to commit only
# when right; the reply texts are modelled on EVOUNA answers that people labelled.
ISSUE8_CASES = [
    # dotted initials are one word, and an "or" far from the gold offers no alternative
    (
        ("T.S. Eliot",),
        "?",
        "The theory was developed by T.S. Eliot in his essay of 1919, "
        "which argues that emotion or feeling needs an objective correlative.",
        C,
    ),
    (("T. S. Eliot",), "?", "TS Eliot", C),
    # singular / plural of a one-word gold
    (("Chlorofluorocarbons",), "?", "Chlorofluorocarbon", C),
    # the reply's answer inside a broader gold: not provably wrong, so a judge decides
    (
        ("the Pittsburgh metropolitan area",),
        "where was the movie filmed",
        "It was filmed in Pittsburgh, Pennsylvania.",
        None,
    ),
    # a short reply naming something else entirely is wrong
    (("Skat",), "trick taking card game name derived from spanish for man", "Tute", I),
    # a gold made of the question's words is no evidence by containment
    (
        ("Song of Solomon",),
        "what book of the bible is the song of solomon in",
        "The Song of Solomon is in the Old Testament of the Bible.",
        None,
    ),
    # a number before the gold quantifies it differently
    (("a week",), "how long was dark side of the moon number 1", "741 weeks", None),
    # a name with a number in it is not a number: same number, other element → wrong
    (("rubidium-85",), "the product of this decay is", "astatine-85", I),
    # a reply that opens by declining and then answers is for a judge
    (
        ("October 10, 2017",),
        "when is season 4 of flash coming out",
        "As an AI language model, I do not have access to real-time information. However, "
        "the fourth season premiered on October 10, 2017.",
        None,
    ),
    # a decade that holds the gold year is not a contradiction; another count is
    (("1881",), "when did the society begin", "It began its work in the late 1880s.", None),
    (
        ("2,579 steps", "2,579"),
        "how many steps does the cn tower have",
        "The CN Tower has 1,776 steps.",
        I,
    ),
    # a date that contradicts the dated gold outweighs a bare year alias
    (
        ("21 July 1979", "1979"),
        "when was i don't like mondays released",
        "It was released on July 10, 1979.",
        None,
    ),
    # footnote digits glued to a year are a footnote: the year is read (issue 8, item 4)
    (("1850",), "when was the cable laid", "It was laid by the Brett brothers in 18501.", C),
    (("1850",), "when was the cable laid", "It was laid by the Brett brothers in 18601.", I),
]

#: Issue 8, item 4: classes of false verdicts found on EVOUNA's development half (even
#: questions); each case was graded wrongly, or left open needlessly, by the old rules.
ITEM4_CASES = [
    # a place named at another level (a town for the region) is not provably another place
    (
        ("Northern California", "Sierra Nevada"),
        "where did the california gold rush take place",
        "Coloma, California",
        None,
    ),
    (("Wales", "Yorkshire"), "where does the last name waters come from", "English", None),
    # words run together by a scraper hide what the reply names
    (("Q",), "what is the highest scoring letter in scrabble", "The letters areQandZ.", None),
    # zeros that end a decimal fraction are not precision: "760.00" is 760
    (
        ("759.9625",),
        "vapor pressure of water at 100c in torr",
        "The vapor pressure of water at 100°C is 760.00 torr.",
        None,
    ),
    (("759.9625",), "vapor pressure of water at 100c in torr", "It is 755.00 torr.", I),
    # years are not a count
    (
        ("6", "1"),
        "how many goals did mikel score for chelsea",
        "He played for Chelsea from 2006 to 2017 and scored several goals.",
        None,
    ),
    # a year or a name after a number is not counted ("As of 2021, Jerry Rice")
    (
        ("Jerry Rice",),
        "who has the most receiving yards in the nfl history",
        "As of 2021, Jerry Rice holds the record.",
        C,
    ),
    (
        ("South Carolina Gamecocks",),
        "who won the ncaa women's championship last year 2017",
        "In 2017, the South Carolina Gamecocks won the NCAA Women's Basketball Championship.",
        C,
    ),
    # "or" between two golds names one answer twice; "or" with another answer still offers it
    (
        ("cella", "naos"),
        "the inner sanctuary of the parthenon is known as the",
        "naos or cella.",
        C,
    ),
    (
        ("a bank",),
        "where can i get a cashier's check",
        "A cashier's check can be obtained from a bank or credit union.",
        None,
    ),
    # footnote digits glued to words and dates are dropped, run-together words parted
    (
        ("12 April 1979", "April 1979", "1979"),
        "when was the first mad max movie release",
        "The first Mad Max movie was released on April 12, 19791.",
        C,
    ),
    (
        ("14 December 1972",),
        "when was the last time anyone was on the moon",
        "Astronauts left the lunar surface onDecember 14, 197212.",
        C,
    ),
    (("Air Canada Centre",), "where do the maple leafs play", "At the Air Canada Centre1.", C),
]


@pytest.mark.parametrize(("answers", "question", "reply", "want"), ISSUE8_CASES)
def test_issue8_rules(
    answers: tuple[str, ...], question: str, reply: str, want: Verdict | None
) -> None:
    item = Item(id="q", question=question, answers=answers)
    result = GRADER.grade_text(item, reply)
    assert result.verdict is want, result
    if want is None:
        assert result.reason is not None and result.reason.startswith("needs a judge: ")


@pytest.mark.parametrize(("answers", "question", "reply", "want"), ITEM4_CASES)
def test_issue8_item4_rules(
    answers: tuple[str, ...], question: str, reply: str, want: Verdict | None
) -> None:
    item = Item(id="q", question=question, answers=answers)
    result = GRADER.grade_text(item, reply)
    assert result.verdict is want, result
    if want is None:
        assert result.reason is not None and result.reason.startswith("needs a judge: ")


def test_no_match_incorrect_keeps_the_exact_match_convention() -> None:
    loose = DeterministicGrader(no_match="incorrect")
    item = Item(
        id="q", question="where was it filmed", answers=("the Pittsburgh metropolitan area",)
    )
    assert loose.grade_text(item, "Pittsburgh, Pennsylvania").verdict is I
    assert GRADER.grade_text(item, "Pittsburgh, Pennsylvania").verdict is None


@pytest.mark.parametrize(
    ("reply", "want"), [("12-06", I), ("02-11.", I), ("13-06", Verdict.CORRECT), ("12/06", None)]
)
def test_another_code_of_the_gold_shape_is_wrong(reply: str, want: Verdict | None) -> None:
    # The lab's birthdays: one "DD-MM" token out of 366; another day is plainly wrong (left
    # ungraded as "every gold answer repeats the question" before).
    item = Item(id="q", question="Q : When was Loungul Dothgesgen born ? A :", answers=("13-06",))
    assert GRADER.grade_text(item, reply).verdict is want


@pytest.mark.parametrize(
    ("answers", "text", "verdict", "method"),
    [
        # a refusal whose other clause cannot answer the gold's type: abstained
        (("Karel Čapek",), "Nemám přesné informace, ale bylo to v roce 1987.", A, "abstention"),
        (
            ("1850",),
            "I couldn't find the year. However, the town lies on a river.",
            A,
            "abstention",
        ),
        # the same reply against a gold of the clause's type: a hedged answer, not abstained
        (("1990",), "Nemám přesné informace, ale bylo to v roce 1987.", I, "number"),
        (("1987",), "Nemám přesné informace, ale bylo to v roce 1987.", C, "contains"),
    ],
)
def test_rules_read_refusals_against_the_gold(
    answers: tuple[str, ...], text: str, verdict: Verdict, method: str
) -> None:
    result = grade(text_item(*answers), text)
    assert (result.verdict, result.method) == (verdict, method)


def test_choice_items_read_refusals_by_text_alone() -> None:
    item = Item(id="q", question="?", answers=("B",), choices=("1987", "1990"))
    text = "Nemám přesné informace, ale bylo to v roce 1987."
    assert grade(item, text).verdict is not A


@pytest.mark.parametrize(
    ("question", "reply", "want", "method"),
    [
        # a place question: a text item leaves another city to a judge (it could be the
        # answer named at another level); in a closed world it is wrong
        ("Where does Ana live?", "Brussels", I, "closed-world"),
        ("Where does Ana live?", "02-06", I, "closed-world"),
        ("Where does Ana live?", "Vilnius", C, "exact"),
        ("Where does Ana live?", "IDK", A, "abstention"),
        ("Where does Ana live?", "Vilnius or Brussels", None, None),
    ],
)
def test_closed_world(question: str, reply: str, want: Verdict | None, method: str | None) -> None:
    closed = Item(id="q", question=question, answers=("Vilnius",), kind="closed")
    got = grade(closed, reply)
    assert (got.verdict, got.method if want is not None else None) == (want, method)
    if reply == "Brussels":  # the same reply to a text item needs a judge
        assert grade(Item(id="q", question=question, answers=("Vilnius",)), reply).verdict is None
