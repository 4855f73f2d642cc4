"""Text normalisation shared by the deterministic matchers.

``normalize_answer`` is the SQuAD/TriviaQA-style normaliser, extended with Unicode NFKC,
diacritic folding, curly-quote unification (so that "Jóhanna" matches "Johanna") and dotted
initials joined into one word (so that "T.S. Eliot", "T. S. Eliot" and "TS Eliot" agree).
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["fold_quotes", "normalize_answer", "singular", "strip_footnotes", "tokens"]

_ARTICLES = re.compile(r"\b(?:a|an|the)\b")
_SPACE = re.compile(r"\s+")
#: Dotted initials: "T.S.", "T. S.", "U.S.A", "J. R. R." (a spaced letter must carry a dot,
#: so the "I" in "the U.S. I think" is not swallowed).
_INITIALS = re.compile(r"(?<![^\W\d_])[^\W\d_](?:\.[^\W\d_](?![^\W\d_])|\.\s[^\W\d_](?=\.))+\.?")
_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‛": "'", "`": "'", "´": "'", "“": '"', "”": '"', "♭": "b"}
)


#: A footnote number glued to the end of a word or a year, as scraped search answers write
#: them ("Hawaii1.", "released in 19791.", "197912."): 1-2 digits after a run of lowercase
#: letters or after a year 1500-2029, before a clause end.
_FOOTNOTE = re.compile(
    r"(?:(?<=[^\W\d_A-Z]{3})|(?<=(?<![\d,.])(?:1[5-9]\d\d|20[0-2]\d)))\d{1,2}(?=[.,;:!?]|\s*$)"
)
#: Two words run together where a lowercase word meets a capitalised one ("onDecember").
_RUN_ON = re.compile(r"(?<=[^\W\d_A-Z]{2})(?=[A-Z][^\W\d_A-Z])")


def strip_footnotes(text: str) -> str:
    """``text`` without footnote numbers glued to words or years, and with run-together
    words parted, as search-augmented replies are scraped ("onDecember 14, 197212." →
    "on December 14, 1972.").

    Only digits glued to a lowercase word or to a year and followed by punctuation or the
    end count as a footnote, so "Windows 10", "MP3 player", "F1" and "1,200." stay.

    >>> strip_footnotes("It aired onDecember 14, 197212. See Hawaii1.")
    'It aired on December 14, 1972. See Hawaii.'
    >>> strip_footnotes("Windows 10, an F1 car and 19,791.")
    'Windows 10, an F1 car and 19,791.'
    """
    return _RUN_ON.sub(" ", _FOOTNOTE.sub("", text))


def fold_quotes(text: str) -> str:
    """NFKC-normalise ``text``; curly quotes and backticks → straight ones, ``♭`` → ``b``."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


def _join_initials(text: str) -> str:
    return _INITIALS.sub(lambda m: re.sub(r"[.\s]", "", m.group(0)) + " ", text)


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", kept)


class _Punct(dict[int, str]):
    """``str.translate`` table: every punctuation or symbol code point → a space (filled
    lazily, one lookup of the Unicode category per distinct character)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = " " if unicodedata.category(ch)[0] in "PS" else ch
        self[code] = out
        return out


_PUNCT = _Punct()


def _depunct(text: str) -> str:
    return text.translate(_PUNCT)


@functools.lru_cache(maxsize=65536)
def normalize_answer(text: str) -> str:
    """Lowercase, fold diacritics, drop punctuation/symbols and articles, squash spaces.

    The steps, in order: NFKC, curly quotes → straight, dotted initials joined ("T.S." →
    "TS"), lowercase, diacritics removed (NFKD minus combining marks), every Unicode
    punctuation or symbol character → space, the English articles ``a``/``an``/``the``
    removed, whitespace collapsed. Idempotent.

    Args:
        text: any answer text.

    Returns:
        The normalised string (may be empty).

    >>> normalize_answer("  The Eiffel-Tower! ")
    'eiffel tower'
    >>> normalize_answer("Jóhanna Sigurðardóttir")
    'johanna sigurðardottir'
    >>> normalize_answer("T. S. Eliot") == normalize_answer("T.S. Eliot") == "ts eliot"
    True
    """
    text = _join_initials(fold_quotes(text)).lower()
    text = _strip_marks(text)
    text = _depunct(text)
    text = _ARTICLES.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    """Tokens of the normalised text (split on spaces)."""
    norm = normalize_answer(text)
    return norm.split(" ") if norm else []


@functools.lru_cache(maxsize=65536)
def singular(token: str) -> str:
    """A normalised token with a regular English plural ending removed, for comparisons.

    Only tokens of four or more letters change: ``-ies`` → ``-y``, ``-es`` after s/x/z/ch/sh
    and a plain ``-s`` are dropped (not ``-ss``, ``-us``, ``-is``). Both sides of a
    comparison go through it, so an odd stem ("bus" stays, "news" → "new") is harmless.

    >>> [singular(t) for t in ("chlorofluorocarbons", "countries", "boxes", "glass", "is")]
    ['chlorofluorocarbon', 'country', 'box', 'glass', 'is']
    """
    if len(token) < 4 or not token.isalpha() or not token.endswith("s"):
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("ses", "xes", "zes", "ches", "shes")):
        return token[:-2]
    if token.endswith(("ss", "us", "is")):
        return token
    return token[:-1]
