"""Proving a reply wrong: when "matches no gold" is evidence of a wrong answer, and when not.

A reply that matches no gold answer is often right in other words ("Dave Gahan" for
"David Gahan", "the Pittsburgh area" for "the Pittsburgh metropolitan area", "late 1880s"
for "1881"). So the rules call it *incorrect* only when it plainly names something else:

- a *different number*: every number the reply states (outside the question) disagrees
  with a numeric gold even at the reply's own precision, and none is a decade, century or
  range that holds the gold ("760" for "759.9625" and "1946–47" for "1947" are left open);
- a *different date*: handled by the date matcher (day, month or year contradicts);
- a *different name*: every gold is a name or a number (its words capitalised, "Zhu Di",
  "Lord's"), the reply is short (at most :data:`MAX_OTHER_TOKENS` tokens) and shares no
  word with any gold, not even a related one (same first four letters, one typo apart,
  or glued to a neighbour as in "byEddie"), the question does not ask for a place (a
  town for the region is not another place) and the reply runs no words together.

Everything else stays ungraded with a reason that starts "needs a judge".
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal

from dontguess.grading._normalize import normalize_answer, singular
from dontguess.grading._numbers import find_numbers, gold_number
from dontguess.grading._types import MatchResult

__all__ = ["MAX_OTHER_TOKENS", "NEEDS_JUDGE", "prove_wrong", "related"]

#: The longest reply (normalised tokens) that a zero-overlap "different name" may be.
MAX_OTHER_TOKENS = 12
#: Prefix of every reason for a reply the rules leave to a judge.
NEEDS_JUDGE = "needs a judge: "
_STOP = frozenset(
    "a an the of in on at to for by with from and or is was are were be been being it its "
    "this that these those as he she they his her their i you we my our your me him them who "
    "what when where which how why there here than then also not no do does did has have had "
    "can could would should may might will shall into about over under after before during "
    "between up down out off so such only just very more most some any all each both one s "
    "st mr mrs dr sir".split()
)
_GLUE = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_PERIOD = re.compile(r"\b(\d{1,3})0s\b|\b(\d{1,2})(?:st|nd|rd|th) century\b", re.IGNORECASE)


def _tokens(text: str) -> list[str]:
    """Normalised tokens with letters and digits pulled apart ("Langella1" → langella 1)."""
    return [t for t in normalize_answer(_GLUE.sub(" ", text)).split(" ") if t]


@functools.lru_cache(maxsize=65536)
def _edits_within(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance of ``a`` and ``b`` is at most ``limit`` (banded DP)."""
    if abs(len(a) - len(b)) > limit:
        return False
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1] <= limit


@functools.lru_cache(maxsize=262144)
def related(a: str, b: str) -> bool:
    """Whether two normalised tokens may be one word: equal up to a plural, sharing their
    first four letters ("British"/"Britain"), or one typo apart ("Sukhwinder"/"Sukhvinder").

    >>> related("britain", "british"), related("sukhwinder", "sukhvinder"), related("skat", "tute")
    (True, True, False)
    """
    if singular(a) == singular(b):
        return True
    if min(len(a), len(b)) >= 4 and a[:4] == b[:4] and not (a.isdigit() or b.isdigit()):
        return True
    shortest = min(len(a), len(b))
    return shortest >= 5 and a[0] == b[0] and _edits_within(a, b, 1 if shortest < 8 else 2)


def _informative(gold: str, question: list[str]) -> list[str]:
    """The gold's words that are not function words, digits (numbers are compared as
    numbers) or already in the question."""
    words = [t for t in _tokens(gold) if t not in _STOP and not t.isdigit()]
    return [w for w in words if not any(related(w, q) for q in question)]


def _shares_word(words: list[str], reply: list[str], glued: str) -> bool:
    return any(any(related(w, r) for r in reply) or (len(w) >= 5 and w in glued) for w in words)


def _is_name_or_number(gold: str) -> bool:
    """A gold whose words (other than function words) are all capitalised, or a number."""
    value = gold_number(gold)
    words = re.findall(r"[^\W\d_][\w'’.-]*", gold)
    content = [w for w in words if w.lower() not in _STOP]
    if value is not None and len(content) <= 1:
        return True
    return bool(content) and all(w[0].isupper() for w in content)


_APPROX = re.compile(
    r"\b(?:about|around|approximately|roughly|nearly|almost|over|more than|less than|"
    r"fewer than|under|at least|up to|some|circa|c\.|~|estimated|an estimated)\s*[$€£]?\s*\d",
    re.IGNORECASE,
)
_SHORT_RANGE = re.compile(r"\b(\d{2})(\d{2})\s*[–—-]\s*(\d{2})\b")


def _periods(text: str) -> list[tuple[Decimal, Decimal]]:
    """Decades ("1880s") and centuries ("19th century") as inclusive ranges of years."""
    spans = []
    for m in _PERIOD.finditer(text):
        if m.group(1) and len(m.group(1)) == 1:  # "the 90s": 1990s or 2090s
            spans += [(c + Decimal(m.group(1)) * 10, c + Decimal(m.group(1)) * 10 + 9)
                      for c in (Decimal(1900), Decimal(2000))]  # fmt: skip
        elif m.group(1):
            base = Decimal(m.group(1)) * 10
            width = Decimal(100) if len(m.group(1)) == 2 else Decimal(10)
            spans.append((base, base + width - 1))
        else:
            century = Decimal(m.group(2))
            spans.append(((century - 1) * 100 + 1, century * 100))
    for m in _SHORT_RANGE.finditer(text):
        spans.append((Decimal(m.group(1) + m.group(2)), Decimal(m.group(1) + m.group(3))))
    return spans


def _rounds_to(value: Decimal, gold: Decimal) -> bool:
    """``value`` is ``gold`` rounded to the digits ``value`` writes ("760" for 759.96);
    zeros that end a decimal fraction are not read as precision ("760.00" is "760").

    >>> gold = Decimal("759.9625")
    >>> _rounds_to(Decimal("760.00"), gold), _rounds_to(Decimal("761"), gold)
    (True, False)
    """
    if value.as_tuple().exponent < 0:  # type: ignore[operator]
        value = value.normalize()
        if value.as_tuple().exponent > 0:  # type: ignore[operator]
            value = value.quantize(Decimal(1))
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return abs(value - gold) <= Decimal(5) * Decimal(10) ** (exponent - 1)


_YEAR = re.compile(r"(?<![\d.,])(?:1\d{3}|20\d{2})(?![\d]|[.,]\d)")


def _year_like(value: Decimal) -> bool:
    return value == value.to_integral_value() and 1000 <= value <= 2100


def _only_years(found: list[Decimal], reply: str) -> bool:
    """Every number found is a year written as four plain digits ("in 2006", not "1,776").

    >>> _only_years([Decimal(2006), Decimal(2017)], "from 2006 to 2017")
    True
    >>> _only_years([Decimal(1776)], "1,776 steps")
    False
    """
    years = {Decimal(y) for y in _YEAR.findall(reply)}
    return all(n in years for n in found)


def _number_wrong(golds: tuple[str, ...], reply: str, question: str) -> MatchResult:
    """Every stated number contradicts every numeric gold, with no rounding, range or
    period that could hold it, and no "about"/"over" that softens it. A gold written in
    digits is compared with the reply's digits only (not "the Two Lands")."""
    values = [v for v in (gold_number(g) for g in golds) if v is not None]
    in_words = not any(re.search(r"\d", g) for g in golds)
    context = set(find_numbers(question))
    found = [n for n in find_numbers(_GLUE.sub(" ", reply), words=in_words) if n not in context]
    if not values or not found:
        return MatchResult("none", NEEDS_JUDGE + "the reply states no comparable number")
    if _only_years(found, reply) and not any(map(_year_like, values)):
        return MatchResult("none", NEEDS_JUDGE + "the reply's numbers are years, the gold is not")
    if _APPROX.search(reply):
        return MatchResult("none", NEEDS_JUDGE + "the reply gives an approximate number")
    spans = _periods(reply)
    if len(found) >= 2:
        spans.append((min(found), max(found)))
    gold_spans = [span for g in golds for span in _periods(g)]
    for value in values:
        if any(_rounds_to(n, value) for n in found) or any(lo <= value <= hi for lo, hi in spans):
            return MatchResult("none", NEEDS_JUDGE + "a number in the reply may contain the gold")
    if any(lo <= n <= hi for n in found for lo, hi in gold_spans):
        return MatchResult("none", NEEDS_JUDGE + "the reply's number lies in the gold's period")
    return MatchResult("mismatch", "number")


def _glued(golds: tuple[str, ...], reply: str) -> bool:
    """A gold written inside a longer run of the reply: a number with footnote digits
    glued on ("in 18991" for 1899) or a capitalised acronym inside a word ("groupTLC1")."""
    runs = re.findall(r"\d+", reply)
    for gold in golds:
        for n in re.findall(r"\d+", gold):
            if any(
                n != run and ((len(n) >= 3 and n in run) or run[0] == "0" == n[0]) for run in runs
            ):
                return True
        caps = gold.strip()
        if len(caps) >= 2 and caps.isupper() and caps.isalpha() and caps in reply:
            return True
    return False


def _initials(gold: str) -> str:
    words = [t for t in _tokens(gold) if t not in _STOP]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def _shares(golds: tuple[str, ...], reply: str, question_words: list[str]) -> str | None:
    """Why the reply may state a gold in other words, or ``None`` if it shares nothing."""
    reply_words = _tokens(reply)
    glued = "".join(reply_words)
    if not [
        w for w in reply_words if w not in _STOP and not any(related(w, q) for q in question_words)
    ]:
        return "the reply only repeats words of the question"
    if _glued(golds, reply):
        return "a gold is written glued inside a longer word or number of the reply"
    for gold in golds:
        words = _informative(gold, question_words)
        if words and _shares_word(words, reply_words, glued):
            return f"the reply shares a word with gold {gold!r}"
        if _initials(gold) and _initials(gold) in reply_words:
            return f"the reply abbreviates gold {gold!r}"
    return None


def _opposite_yes_no(golds: tuple[str, ...], reply: str) -> bool:
    """Yes/no golds and a reply that opens with the other word ("No." for "Yes")."""
    said = _tokens(reply)[:1]
    keys = {normalize_answer(g) for g in golds}
    return bool(said) and keys <= {"yes", "no"} and said[0] in {"yes", "no"} - keys


_CODE = re.compile(r"\d+(?:[-/:.]\d+)+")


def _other_code(golds: tuple[str, ...], reply: str) -> bool:
    """Every gold is a bare code of digits and separators ("13-06", "4:2") and the whole
    reply is another code of the same shape: one token of a closed answer space, wrong.

    >>> [_other_code(("13-06",), said) for said in ("12-06.", "13-06", "12/06")]
    [True, False, False]
    """
    said = reply.strip().rstrip(".")
    if not _CODE.fullmatch(said) or not all(_CODE.fullmatch(g.strip()) for g in golds):
        return False
    shape = re.sub(r"\d+", "0", said)
    return all(re.sub(r"\d+", "0", g.strip()) == shape and g.strip() != said for g in golds)


def prove_wrong(
    golds: tuple[str, ...], reply: str, question: str, found: MatchResult
) -> MatchResult:
    """Decide a reply that matched no gold: ``mismatch`` (provably wrong) or ``none``.

    Args:
        golds: gold answer and aliases.
        reply: the reply text.
        question: the question (its words are not evidence either way).
        found: what :func:`~dontguess.grading._match.match_answers` concluded
            (``mismatch`` for a contradicting number or date, else ``none``).

    Returns:
        ``MatchResult("mismatch", method)`` or ``MatchResult("none", "needs a judge: …")``.

    >>> prove_wrong(("Skat",), "Tute", "card game from the spanish for man",
    ...             MatchResult("none", "")).status
    'mismatch'
    >>> prove_wrong(("the Pittsburgh metropolitan area",), "Pittsburgh, Pennsylvania",
    ...             "where was it filmed", MatchResult("none", "")).detail
    "needs a judge: the reply shares a word with gold 'the Pittsburgh metropolitan area'"
    """
    question_words = _tokens(question)
    if _other_code(golds, reply):
        return MatchResult("mismatch", "other-answer")
    if _opposite_yes_no(golds, reply):
        return MatchResult("mismatch", "other-answer")
    if found.status == "mismatch" and not all(_is_name_or_number(g) for g in golds):
        return MatchResult("none", NEEDS_JUDGE + "another gold may be stated in other words")
    if found.status == "mismatch" and found.detail == "date" and not _glued(golds, reply):
        return found
    why = _shares(golds, reply, question_words)
    if why is not None:
        return MatchResult("none", NEEDS_JUDGE + why)
    if found.status == "mismatch":
        return (
            _number_wrong(golds, reply, question)
            if not _glued(golds, reply)
            else MatchResult(
                "none", NEEDS_JUDGE + "a gold is written glued inside a longer number of the reply"
            )
        )
    if not any(_informative(g, question_words) for g in golds):
        return MatchResult("none", NEEDS_JUDGE + "every gold answer repeats the question")
    if not all(_is_name_or_number(g) for g in golds):
        return MatchResult("none", NEEDS_JUDGE + "a paraphrase may state the gold in other words")
    if len(_tokens(reply)) > MAX_OTHER_TOKENS:
        return MatchResult("none", NEEDS_JUDGE + "a long reply may name the gold in other words")
    return _other_name(reply, question)


_PLACE_QUESTION = re.compile(
    r"\b(?:where|originate[sd]?|come from|comes from|came from|part of|located)\b", re.I
)
_RUN_TOGETHER = re.compile(r"[^\W\d_A-Z]{2}[A-Z]")


def _other_name(reply: str, question: str) -> MatchResult:
    """The last checks before a short reply that shares no word with a gold is called
    another answer: a place can be named at another level (a town for the region, the
    country for the state: "Coloma, California" for "Northern California"), and words
    run together by a scraper ("areQandZ") hide what the reply names."""
    if _PLACE_QUESTION.search(question):
        return MatchResult("none", NEEDS_JUDGE + "a place may be named at another level")
    if _RUN_TOGETHER.search(reply):
        return MatchResult("none", NEEDS_JUDGE + "the reply runs words together")
    return MatchResult("mismatch", "other-answer")
