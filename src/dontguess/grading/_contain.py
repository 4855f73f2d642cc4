"""Containment of a gold answer in a reply, with the guards that keep it honest.

A gold's tokens found in the reply's tokens (on token boundaries, regular plurals folded)
count as a match only when nothing around them says otherwise; each guard names why a
containment is left to a judge instead (see :func:`contains`).
"""

from __future__ import annotations

import re

from dontguess.grading._normalize import fold_quotes, singular
from dontguess.grading._numbers import find_numbers
from dontguess.grading._types import MatchResult

__all__ = ["SHORT_GOLD_CHARS", "contains", "find_span"]

#: A gold shorter than this many characters (normalised) counts by containment only in
#: a short reply.
SHORT_GOLD_CHARS = 4
_NEGATIONS = {"not", "no", "never", "t", "neither", "nor", "isnt", "wasnt"}
_ALTERNATIVES = {"or", "either"}
#: After a negation these words make a hedge ("not sure: Paris"), not a denial.
_HEDGED = {"sure", "certain", "confident", "100", "entirely", "completely", "quite", "only"}
#: Words that name something without offering another answer ("also known as").
_NAMING = {"is", "are", "was", "were", "as", "also", "known", "called"}
#: Tokens either side of the gold in which an "or" offers an alternative to it.
_NEAR = 3


def find_span(haystack: list[str], needle: list[str]) -> int:
    """First index where ``needle`` occurs in ``haystack`` (plurals folded), else -1."""
    hay = [singular(t) for t in haystack]
    pin = [singular(t) for t in needle]
    n = len(pin)
    for start in range(len(hay) - n + 1):
        if hay[start : start + n] == pin:
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


def _alternatives(
    reply: list[str], start: int, needle: list[str], synonyms: frozenset[str]
) -> bool:
    """An "or"/"either" within three tokens of the gold that the gold itself lacks, unless
    every word around it is a word of the golds (``synonyms``, plurals folded): "naos or
    cella" for golds "cella" / "naos" names one answer twice, not two candidates.

    >>> golds = frozenset({"deposition", "desublimation"})
    >>> _alternatives(["deposition", "or", "desublimation"], 2, ["desublimation"], golds)
    False
    >>> _alternatives(["bank", "or", "credit", "union"], 0, ["bank"], frozenset({"bank"}))
    True
    """
    near = (
        reply[max(0, start - _NEAR) : start]
        + reply[start + len(needle) : start + len(needle) + _NEAR]
    )
    if not (_ALTERNATIVES & set(near)) - set(needle):
        return False
    others = {singular(t) for t in near} - _ALTERNATIVES - _NAMING
    return not others <= synonyms


def _counted(reply: list[str], start: int, needle: list[str], raw_gold: str) -> bool:
    """A number right before a gold that has none: "741 weeks" does not state "a week".

    A year ("in 2017, the South Carolina Gamecocks") or a capitalised name ("As of 2021,
    Jerry Rice") is not counted: nobody counts 2021 Jerry Rices.

    >>> _counted(["741", "weeks"], 1, ["week"], "a week")
    True
    >>> _counted(["2021", "jerry", "rice"], 1, ["jerry", "rice"], "Jerry Rice")
    False
    >>> _counted(["in", "2017", "gamecocks", "won"], 2, ["gamecocks"], "gamecocks")
    False
    """
    if start == 0 or any(find_numbers(t) for t in needle) or raw_gold.strip()[:1].isupper():
        return False
    before = reply[start - 1]
    return bool(find_numbers(before)) and not re.fullmatch(r"1\d{3}|20\d{2}", before)


def contains(
    gold: str,
    reply: list[str],
    raw_gold: str,
    raw_reply: str,
    question: frozenset[str],
    synonyms: frozenset[str] = frozenset(),
) -> MatchResult | None:
    """Containment of the gold's tokens in the reply's tokens, or ``None`` if absent.

    Counts when the gold is distinctive (≥ 4 characters normalised), the reply is short
    (at most 2·k + 2 tokens for a k-token gold), or the short gold has a capital letter
    and appears verbatim ("AB" in "AB positive"). It is *ambiguous* (left to a judge) when
    every word of the gold is already in the question ("Song of Solomon" for "what book is
    the song of solomon in"), a negation sits within three tokens before it, an "or" /
    "either" within three tokens offers an alternative (one that is not made of words of
    the golds, ``synonyms``, plurals folded), a short reply lists several answers
    ("B♭ and C"), or a number the gold lacks stands right before it ("741 weeks" for
    "a week").
    """
    needle = gold.split(" ")
    start = find_span(reply, needle)
    if start < 0:
        return None
    short = len(gold) < SHORT_GOLD_CHARS and len(reply) > 2 * len(needle) + 2
    if short and not _acronym_in(raw_gold, raw_reply):
        return MatchResult("ambiguous", f"short gold {gold!r} occurs inside a long reply")
    if len(reply) > len(needle) and {singular(t) for t in needle} <= question:
        return MatchResult("ambiguous", f"gold {gold!r} only repeats words of the question")
    if _counted(reply, start, needle, raw_gold):
        return MatchResult("ambiguous", f"reply counts {gold!r} differently")
    if _negated(reply, start):
        return MatchResult("ambiguous", f"gold {gold!r} occurs after a negation")
    if _alternatives(reply, start, needle, synonyms):
        return MatchResult("ambiguous", f"reply offers alternatives besides {gold!r}")
    if len(reply) <= 2 * len(needle) + 4 and "and" in set(reply) - set(needle):
        return MatchResult("ambiguous", f"reply lists other answers besides {gold!r}")
    return MatchResult("match", "contains")
