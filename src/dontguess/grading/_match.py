"""Free-text matching of one reply against a list of gold answers.

Each matcher returns ``"match"``, ``"mismatch"`` or ``("ambiguous", reason)``; the caller
takes any match as correct, otherwise any ambiguity as ungraded, otherwise no match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from dontguess.grading._dates import DateParts, find_dates
from dontguess.grading._normalize import fold_quotes, normalize_answer
from dontguess.grading._numbers import find_numbers, gold_number, has_ordinal, number_matches

__all__ = ["MatchResult", "match_answers"]

#: A gold shorter than this many characters (normalised) counts by containment only in
#: a short reply (see :func:`_contains`).
SHORT_GOLD_CHARS = 4
_NEGATIONS = {"not", "no", "never", "t", "neither", "nor", "isnt", "wasnt"}
_ALTERNATIVES = {"or", "either"}
#: After a negation these words make a hedge ("not sure: Paris"), not a denial.
_HEDGED = {"sure", "certain", "confident", "100", "entirely", "completely", "quite", "only"}
_NONE = re.compile(
    r"\b(?:none|no|not any|not once|never)\b|\b(?:does not|doesn t|do not|don t) "
    r"(?:appear|occur|contain|have)"
)


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Best outcome over all golds: ``match`` (how), ``ambiguous`` (why) or ``none``."""

    status: str
    detail: str


def _find(haystack: list[str], needle: list[str]) -> int:
    n = len(needle)
    for start in range(len(haystack) - n + 1):
        if haystack[start : start + n] == needle:
            return start
    return -1


def _negated(reply: list[str], start: int) -> bool:
    """A negation among the three tokens before ``start`` that is not a hedge."""
    for pos in range(max(0, start - 3), start):
        if reply[pos] in _NEGATIONS and (pos + 1 >= start or reply[pos + 1] not in _HEDGED):
            return True
    return False


def _acronym_in(raw_gold: str, raw_reply: str) -> bool:
    """A short gold with a capital letter ("AB", "Bb", "US") written verbatim as a word."""
    gold = raw_gold.strip().rstrip(".")
    if len(gold) < 2 or gold.islower() or not gold.isalnum():
        return False
    return re.search(rf"(?<!\w){re.escape(gold)}(?!\w)", fold_quotes(raw_reply)) is not None


def _contains(gold: str, reply: list[str], raw_gold: str, raw_reply: str) -> MatchResult | None:
    """Containment of the gold's tokens, on token boundaries, in the reply's tokens.

    Counts when the gold is distinctive (≥ 4 characters normalised), the reply is short
    (at most 2·k + 2 tokens for a k-token gold), or the short gold has a capital letter
    and appears verbatim ("AB" in "AB positive"); not when a negation sits within three
    tokens before it, nor when the reply offers alternatives ("or") absent from the gold,
    nor when a short reply lists several answers ("B♭ and C").
    """
    needle = gold.split(" ")
    start = _find(reply, needle)
    if start < 0:
        return None
    short = len(gold) < SHORT_GOLD_CHARS and len(reply) > 2 * len(needle) + 2
    if short and not _acronym_in(raw_gold, raw_reply):
        return MatchResult("ambiguous", f"short gold {gold!r} occurs inside a long reply")
    if _negated(reply, start):
        return MatchResult("ambiguous", f"gold {gold!r} occurs after a negation")
    if (_ALTERNATIVES & set(reply)) - set(needle):
        return MatchResult("ambiguous", f"reply offers alternatives besides {gold!r}")
    if len(reply) <= 2 * len(needle) + 4 and "and" in set(reply) - set(needle):
        return MatchResult("ambiguous", f"reply lists other answers besides {gold!r}")
    return MatchResult("match", "contains")


def _gold_date(gold: str) -> DateParts | None:
    dates = find_dates(gold)
    return dates[0] if len(dates) == 1 else None


def _dates(gold: DateParts, reply: str) -> MatchResult | None:
    found = find_dates(reply)
    if not found:
        return None
    if any(d.covers(gold) for d in found):
        wrong = [d for d in found if not d.covers(gold) and not gold.covers(d)]
        if wrong:
            return MatchResult("ambiguous", "reply gives several different dates")
        return MatchResult("match", "date")
    return MatchResult("mismatch", "date")


def _is_mostly_number(gold: str) -> bool:
    words = [t for t in gold.split(" ") if t and not find_numbers(t)]
    return len(words) <= 2


def _numbers(gold: str, reply: str, context: frozenset[Decimal]) -> MatchResult | None:
    """All numbers of the reply must match the gold; numbers that merely repeat one from
    the question (``context``, "at the 2012 Olympics") are set aside."""
    value = gold_number(gold)
    if value is None or not _is_mostly_number(normalize_answer(gold)):
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


def _one_gold(
    gold: str, reply: str, reply_tokens: list[str], context: frozenset[Decimal]
) -> list[MatchResult]:
    norm = normalize_answer(gold)
    if not norm:
        return []
    if norm == " ".join(reply_tokens):
        return [MatchResult("match", "exact")]
    results = [_contains(norm, reply_tokens, gold, reply)]
    date = _gold_date(gold)
    if date is not None:
        results.append(_dates(date, reply))
    else:
        results.append(_numbers(gold, reply, context))
    return [r for r in results if r is not None]


def match_answers(golds: tuple[str, ...], reply: str, *, question: str = "") -> MatchResult:
    """Match ``reply`` against every gold alias: exact, containment, date, number.

    Args:
        golds: gold answer and aliases.
        reply: the reply text.
        question: the question; numbers it mentions are not read as the reply's answer.

    >>> match_answers(("Paris",), "I think it is Paris.").status
    'match'
    >>> match_answers(("3.14",), "about 3.141").detail
    'number'
    >>> match_answers(("2",), "She won 2 medals at the 2012 Games.", question="... 2012?").status
    'match'
    """
    reply_tokens = normalize_answer(reply).split(" ")
    context = frozenset(find_numbers(question))
    results = [r for gold in golds for r in _one_gold(gold, reply, reply_tokens, context)]
    for method in ("exact", "contains", "date", "number"):
        if any(r.status == "match" and r.detail == method for r in results):
            return MatchResult("match", method)
    ambiguous = [r.detail for r in results if r.status == "ambiguous"]
    if ambiguous:
        return MatchResult("ambiguous", ambiguous[0])
    return MatchResult("none", "no gold answer matches")
