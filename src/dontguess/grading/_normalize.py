"""Text normalisation shared by the deterministic matchers.

``normalize_answer`` is the SQuAD/TriviaQA-style normaliser, extended with Unicode NFKC,
diacritic folding and curly-quote unification so that "Jóhanna" matches "Johanna".
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold_quotes", "normalize_answer", "tokens"]

_ARTICLES = re.compile(r"\b(?:a|an|the)\b")
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‛": "'", "`": "'", "´": "'", "“": '"', "”": '"', "♭": "b"}
)


def fold_quotes(text: str) -> str:
    """NFKC-normalise ``text``; curly quotes and backticks → straight ones, ``♭`` → ``b``."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", kept)


def _depunct(text: str) -> str:
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        out.append(" " if cat[0] in "PS" else ch)
    return "".join(out)


def normalize_answer(text: str) -> str:
    """Lowercase, fold diacritics, drop punctuation/symbols and articles, squash spaces.

    The steps, in order: NFKC, curly quotes → straight, lowercase, diacritics removed
    (NFKD minus combining marks), every Unicode punctuation or symbol character → space,
    the English articles ``a``/``an``/``the`` removed, whitespace collapsed. Idempotent.

    Args:
        text: any answer text.

    Returns:
        The normalised string (may be empty).

    >>> normalize_answer("  The Eiffel-Tower! ")
    'eiffel tower'
    >>> normalize_answer("Jóhanna Sigurðardóttir")
    'johanna sigurðardottir'
    """
    text = fold_quotes(text).lower()
    text = _strip_marks(text)
    text = _depunct(text)
    text = _ARTICLES.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    """Tokens of the normalised text (split on spaces)."""
    norm = normalize_answer(text)
    return norm.split(" ") if norm else []
