"""Free-text matching of one reply against a list of gold answers.

Each matcher returns a :class:`MatchResult` (``match``, ``mismatch``, ``ambiguous``) or
nothing; :func:`match_answers` combines them over every gold alias.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from dontguess.grading._contain import contains
from dontguess.grading._dates import DateParts, find_dates
from dontguess.grading._normalize import normalize_answer, singular
from dontguess.grading._numbers import find_numbers, gold_number, has_ordinal, number_matches
from dontguess.grading._types import MatchResult

__all__ = ["LONG_REPLY_TOKENS", "MatchResult", "first_sentence", "match_answers"]

#: A reply longer than this (normalised tokens) must name the gold in its first sentence
#: for a match to count: later mentions are often other candidates or background.
LONG_REPLY_TOKENS = 40
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\b[^\W\d_]\.)\s+|\n")

_NONE = re.compile(
    r"\b(?:none|no|not any|not once|never)\b|\b(?:does not|doesn t|do not|don t) "
    r"(?:appear|occur|contain|have)"
)


def _gold_date(gold: str) -> DateParts | None:
    dates = find_dates(gold)
    return dates[0] if len(dates) == 1 else None


def _dates(gold: DateParts, reply: str) -> MatchResult | None:
    """A reply date that states every part of the gold date → match; one that states
    fewer parts without contradicting any ("March 2018" for "March 11, 2018") is left to a
    judge; dates that contradict it → mismatch."""
    found = find_dates(reply)
    if not found:
        if gold.year is not None and str(gold.year) in re.findall(r"\d+", reply):
            return MatchResult("ambiguous", "reply gives a less precise date than the gold")
        return None
    if any(d.covers(gold) for d in found):
        wrong = [d for d in found if not d.covers(gold) and not gold.covers(d)]
        if wrong:
            return MatchResult("ambiguous", "reply gives several different dates")
        return MatchResult("match", "date")
    if any(gold.covers(d) for d in found):
        return MatchResult("ambiguous", "reply gives a less precise date than the gold")
    return MatchResult("mismatch", "date")


def _is_mostly_number(gold: str) -> bool:
    """At most two words besides the number, none joined to it ("rubidium-85" and "E-8"
    are names that contain a number, not numbers)."""
    if re.search(r"[^\W\d_]-\d|\d-[^\W\d_]", gold):
        return False
    words = [t for t in normalize_answer(gold).split(" ") if t and not find_numbers(t)]
    return len(words) <= 2


def _numbers(gold: str, reply: str, context: frozenset[Decimal]) -> MatchResult | None:
    """All numbers of the reply must match the gold; numbers that merely repeat one from
    the question (``context``, "at the 2012 Olympics") are set aside."""
    value = gold_number(gold)
    if value is None or not _is_mostly_number(gold):
        return None
    found = [
        n
        for n in find_numbers(reply, ordinals=has_ordinal(gold))
        if n not in context or number_matches(value, n)
    ]
    if not found and value == 0 and _NONE.search(normalize_answer(reply)):
        found = [value]  # "There are no Qs in STRAWBERRY" states the count 0
    if not found:
        return None
    hits = [number_matches(value, n) for n in found]
    if all(hits):
        return MatchResult("match", "number")
    if any(hits):
        return MatchResult("ambiguous", "reply gives several different numbers")
    return MatchResult("mismatch", "number")


@dataclass(frozen=True, slots=True)
class _Reply:
    """The reply as the matchers see it, with what the question contributes."""

    raw: str
    tokens: list[str]
    question: frozenset[str]  # the question's tokens, plurals folded
    numbers: frozenset[Decimal]  # numbers the question mentions
    golds: frozenset[str]  # every gold's tokens, plurals folded


def _one_gold(gold: str, reply: _Reply) -> tuple[list[MatchResult], MatchResult | None]:
    """Results of every matcher for one gold, and separately the date matcher's."""
    norm = normalize_answer(gold)
    if not norm:
        return [], None
    if norm == " ".join(reply.tokens) or _plural_of(norm, reply.tokens):
        return [MatchResult("match", "exact")], None
    results = [contains(norm, reply.tokens, gold, reply.raw, reply.question, reply.golds)]
    date = _gold_date(gold)
    dated = None if date is None else _dates(date, reply.raw)
    if date is None:
        results.append(_numbers(gold, reply.raw, reply.numbers))
    return [r for r in (*results, dated) if r is not None], dated


def _plural_of(gold: str, reply: list[str]) -> bool:
    """A one-word gold and a one-word reply that differ only by a plural ending."""
    return len(reply) == 1 and " " not in gold and singular(gold) == singular(reply[0])


def _decide(results: list[MatchResult], dated: list[MatchResult]) -> MatchResult:
    """Combine per-gold results. A reply whose dates contradict every dated gold is not
    trusted on a bare year or number alias that merely occurs in it ("July 10, 1979" for
    golds "21 July 1979" and "1979"): that stays ambiguous, not correct."""
    contradicted = bool(dated) and all(r.status == "mismatch" for r in dated)
    for method in ("exact", "contains", "date", "number"):
        if any(r.status == "match" and r.detail == method for r in results):
            if contradicted and method in ("contains", "number"):
                return MatchResult("ambiguous", "reply's date contradicts the dated gold")
            return MatchResult("match", method)
    ambiguous = [r.detail for r in results if r.status == "ambiguous"]
    if ambiguous:
        return MatchResult("ambiguous", ambiguous[0])
    mismatch = [r.detail for r in results if r.status == "mismatch"]
    if mismatch:
        return MatchResult("mismatch", "date" if contradicted else mismatch[0])
    return MatchResult("none", "no gold answer matches")


def match_answers(golds: tuple[str, ...], reply: str, *, question: str = "") -> MatchResult:
    """Match ``reply`` against every gold alias: exact, containment, date, number.

    Args:
        golds: gold answer and aliases.
        reply: the reply text.
        question: the question; numbers it mentions are not read as the reply's answer,
            and a gold made only of the question's words is no evidence by containment.

    Returns:
        ``match`` (detail: exact / contains / date / number), ``mismatch`` (the reply
        states another number or date: detail number / date), ``ambiguous`` (detail: why)
        or ``none``.

    >>> match_answers(("Paris",), "I think it is Paris.").status
    'match'
    >>> match_answers(("3.14",), "about 3.141").detail
    'number'
    >>> match_answers(("2",), "She won 2 medals at the 2012 Games.", question="... 2012?").status
    'match'
    >>> match_answers(("3",), "There are 4.").status
    'mismatch'
    """
    view = _Reply(
        raw=reply,
        tokens=normalize_answer(reply).split(" "),
        question=frozenset(singular(t) for t in normalize_answer(question).split(" ") if t),
        numbers=frozenset(find_numbers(question)),
        golds=frozenset(singular(t) for g in golds for t in normalize_answer(g).split(" ") if t),
    )
    per_gold = [_one_gold(gold, view) for gold in golds]
    results = [r for found, _ in per_gold for r in found]
    decided = _decide(results, [d for _, d in per_gold if d is not None])
    if decided.status == "match" and len(view.tokens) > LONG_REPLY_TOKENS:
        first = first_sentence(reply)
        if first != reply and match_answers(golds, first, question=question).status != "match":
            return MatchResult(
                "ambiguous", "a long reply names the gold only after its first sentence"
            )
    return decided


def first_sentence(text: str) -> str:
    """The text up to its first sentence end or line break ("U. S." and "T.S." do not end one).

    >>> first_sentence("Made in the U. S. in 1990. Sold later.")
    'Made in the U. S. in 1990.'
    """
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]
