"""Whether one clause of a reply could be the answer to a gold, judged by the gold's type.

The "I don't know" detector reads a reply without the question; a grader knows the gold
answer. SimpleQA's *not attempted* is "the gold's information is not in the reply and
nothing in it contradicts the gold", so a clause that cannot state the gold's kind of value
cannot be an answer:

- a gold with a year or a date (``1987``, ``28. listopadu 1968``, ``May 26th, 2021``):
  only a clause that writes a number (a year, a day, a decade, a century) can answer it;
- a gold with another number (a count, an amount: ``3``, ``66 hlasů``): only a clause
  with a number that is not a year written as four plain digits ("v roce 2008" is no count);
- a gold without a number (a name or other text): a clause whose only new content is
  numbers and the words that carry them ("bylo to v roce 1987", "founded in 1967") cannot
  answer it; a statement with a number is read like the same statement without it.

Numbers the question already states are set aside ("Albert Hamm (1860–1891)"), unless they
match the gold. A clause the rules' matcher matches to the gold, even ambiguously, can
answer it (a hedged correct answer); a clause with a value of the gold's kind that differs
from the gold can too (a hedged wrong answer, *incorrect* for SimpleQA).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import dontguess.grading._abstain_phrases as phrases
from dontguess.grading._dates import find_dates
from dontguess.grading._match import match_answers
from dontguess.grading._normalize import normalize_answer, singular
from dontguess.grading._numbers import find_numbers

__all__ = ["GoldView", "can_answer", "gold_view"]

GoldKind = Literal["year", "number", "text"]
_YEAR = re.compile(r"(?<![\d.,])(?:1\d{3}|20\d{2})(?![\d]|[.,]\d)")
_DIGIT = re.compile(r"\d")
# A word of four letters or more that is no number: what a new name or noun would need.
_WORD = re.compile(r"[^\W\d_]{4,}")
_COPULA = re.compile("|".join(f"(?:{p})" for p in phrases.COPULA))


@dataclass(frozen=True, slots=True)
class GoldView:
    """What the clause reader needs to know about an item's gold answers."""

    golds: tuple[str, ...]
    kind: GoldKind
    question: str
    question_numbers: frozenset[Decimal]
    question_words: frozenset[str]


def gold_view(golds: tuple[str, ...], question: str = "") -> GoldView:
    """The gold answers' type: ``year`` (a year or date), ``number`` or ``text``.

    >>> gold_view(("1987",)).kind, gold_view(("66 hlasů",)).kind, gold_view(("Paris",)).kind
    ('year', 'number', 'text')
    """
    joined = " ".join(golds)
    if _YEAR.search(joined) or find_dates(joined):
        kind: GoldKind = "year"
    elif _DIGIT.search(joined) or find_numbers(joined, words=False):
        kind = "number"
    else:
        kind = "text"
    words = frozenset(singular(t) for t in normalize_answer(question).split(" ") if t)
    return GoldView(golds, kind, question, frozenset(find_numbers(question)), words)


def _values(clause: str, view: GoldView) -> list[Decimal]:
    """The clause's numbers that the question does not already state."""
    return [n for n in find_numbers(clause, words=False) if n not in view.question_numbers]


def _new_words(clause: str, view: GoldView) -> list[str]:
    """Words of four letters or more that the question lacks, other than "is / was" and
    the word right before or after a number ("roce 1987", "99 let", "26. srpna 2023":
    what carries it)."""
    tokens = normalize_answer(clause).split(" ")
    carried = set()
    for i, token in enumerate(tokens):
        if _DIGIT.search(token):
            carried.update({i - 1, i + 1})
    return [
        t
        for i, t in enumerate(tokens)
        if i not in carried
        and _WORD.fullmatch(t)
        and not _COPULA.fullmatch(t)
        and singular(t) not in view.question_words
        and not any(t[:4] == w[:4] for w in view.question_words if len(w) >= 4)
    ]


def can_answer(kind: str, clause: str, view: GoldView, *, strict: bool = False) -> bool:
    """Whether a clause of the given reader kind could be the answer to the gold.

    Args:
        kind: the clause's kind as the detector reads it (abstain, hedge, commit, bare,
            explain, context, content, pivot).
        clause: the clause text (lower-cased).
        view: the gold answers and question, from :func:`gold_view`.
        strict: for a text gold, read every statement as a possible answer unless its
            only new content is numbers (for a clause before the refusal).

    >>> view = gold_view(("1990",))
    >>> can_answer("pivot", "bylo to v roce 1987", view)
    True
    >>> can_answer("pivot", "obec leží na severu", view)
    False
    >>> can_answer("pivot", "bylo to v roce 1987", gold_view(("Karel Čapek",)))
    False
    """
    if match_answers(view.golds, clause, question=view.question).status in ("match", "ambiguous"):
        return True
    if kind in ("abstain", "hedge"):
        return False
    values = _values(clause, view)
    if view.kind == "year":
        return bool(values)
    if view.kind == "number":
        years = {Decimal(y) for y in _YEAR.findall(clause)}
        return any(v not in years for v in values)
    if kind in ("explain", "context", "content") and not strict:
        return False  # a related statement; its number cannot be a text answer
    return not _DIGIT.search(clause) or bool(_new_words(clause, view))
