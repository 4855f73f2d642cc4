"""Numbers in answer text: parsing digits, separators, scale words and number words.

A gold number is matched *to its written precision*: the reply must round to the gold's
last written digit. ``3.14`` accepts 3.135 ≤ x ≤ 3.145 (so ``3.141``); an integer gold such
as ``1200`` counts every written digit as significant, so it accepts 1199.5 ≤ x ≤ 1200.5
(``1,200`` and ``1200.0`` match, ``1249`` does not).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = ["find_numbers", "gold_number", "has_ordinal", "number_matches"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "once": 1, "twice": 2, "thrice": 3,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_WORD = "|".join(sorted(_UNITS, key=len, reverse=True))
_SCALE = "|".join(_SCALES)
_NUM_WORDS = re.compile(rf"\b(?:{_WORD})(?:[\s-]+(?:{_WORD}|{_SCALE}|and))*\b", re.IGNORECASE)
_DIGITS = re.compile(
    rf"(?<![\w.])([-−]?)(\d{{1,3}}(?:,\d{{3}})+|\d+)(\.\d+)?(?:\s*({_SCALE}|k|m|bn)\b)?",
    re.IGNORECASE,
)
_SHORT_SCALES = {"k": 1000, "m": 10**6, "bn": 10**9}
_ORDINAL = re.compile(r"(?:st|nd|rd|th)\b", re.IGNORECASE)


def _words_value(phrase: str) -> Decimal | None:
    total, current = 0, 0
    seen = False
    for word in re.split(r"[\s-]+", phrase.lower()):
        if word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
            seen = True
        elif word in _SCALES:
            scale = _SCALES[word]
            current = max(current, 1) * scale
            if scale >= 1000:
                total, current = total + current, 0
    return Decimal(total + current) if seen else None


def has_ordinal(text: str) -> bool:
    """Whether ``text`` writes an ordinal in digits (``170th``, ``1st``)."""
    return bool(re.search(r"\d(?:st|nd|rd|th)\b", text, re.IGNORECASE))


def find_numbers(text: str, *, ordinals: bool = True, words: bool = True) -> list[Decimal]:
    """All numbers written in ``text``, in order of appearance.

    Digits may use thousands commas (``1,200``), decimals (``3.14``), a minus sign and a
    scale word (``1.2 million``, ``5k``); number words (``twelve``, ``twenty-one``,
    ``three hundred``) are read as well. Ordinals in digits (``170th``) count as numbers
    unless ``ordinals=False``.

    >>> [str(n) for n in find_numbers("about 1,200 people, twelve of them 3.5 m tall")]
    ['1200', '12', '3.5']
    """
    found: list[tuple[int, Decimal]] = []
    for m in _DIGITS.finditer(text):
        sign, whole, frac, scale = m.groups()
        if not ordinals and _ORDINAL.match(text, m.end()):
            continue
        try:
            value = Decimal(whole.replace(",", "") + (frac or ""))
        except InvalidOperation:  # pragma: no cover - the regex only admits digits
            continue
        if scale:
            key = scale.lower()
            # "m" right after a number is more often metres than millions: only k/bn/words.
            if key != "m":
                factor = _SCALES.get(key, _SHORT_SCALES.get(key, 1))
                value = value.scaleb(len(str(factor)) - 1)
        found.append((m.start(), -value if sign else value))
    for m in _NUM_WORDS.finditer(text if words else ""):
        words_value = _words_value(m.group(0))
        if words_value is not None:
            found.append((m.start(), words_value))
    return [value for _, value in sorted(found, key=lambda pair: pair[0])]


def gold_number(gold: str) -> Decimal | None:
    """The single number a gold answer states, or ``None`` if it states none or several.

    >>> gold_number("120,000 euros"), gold_number("2 and 4"), gold_number("Paris")
    (Decimal('120000'), None, None)
    """
    numbers = find_numbers(gold)
    return numbers[0] if len(set(numbers)) == 1 else None


def _half_ulp(gold: Decimal) -> Decimal:
    exponent = gold.as_tuple().exponent
    assert isinstance(exponent, int)
    return Decimal(5) * Decimal(10) ** (exponent - 1)


def number_matches(gold: Decimal, value: Decimal) -> bool:
    """Whether ``value`` rounds to ``gold`` at the gold's last written digit.

    >>> number_matches(Decimal("3.14"), Decimal("3.141"))
    True
    >>> number_matches(Decimal("1200"), Decimal("1249"))
    False
    """
    return abs(value - gold) <= _half_ulp(gold)
