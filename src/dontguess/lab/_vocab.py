"""Fixed answer lists and the name generator of the synthetic world (private).

Every answer is one whitespace-free word, so the lab's word-level tokenizer gives each
candidate exactly one token: dates ``DD-MM`` (365 days of a non-leap year), a fixed list
of one-word cities, and the abstention ``IDK``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

__all__ = ["CITIES", "DATES", "IDK", "make_names"]

#: The abstention answer (Definition 1's IDK), one token.
IDK = "IDK"

#: All 365 days of a non-leap year as ``DD-MM``.
DATES: tuple[str, ...] = tuple(
    (dt.date(2001, 1, 1) + dt.timedelta(days=i)).strftime("%d-%m") for i in range(365)
)

#: A fixed list of one-word city names (|R_c| = 40, so |E_c| = 39).
CITIES: tuple[str, ...] = (
    "Lisbon", "Porto", "Madrid", "Seville", "Paris", "Lyon", "Nantes", "Berlin",
    "Hamburg", "Munich", "Vienna", "Prague", "Warsaw", "Krakow", "Budapest", "Zagreb",
    "Athens", "Rome", "Milan", "Naples", "Turin", "Geneva", "Zurich", "Brussels",
    "Antwerp", "Amsterdam", "Utrecht", "Dublin", "Cork", "Glasgow", "Oslo", "Bergen",
    "Stockholm", "Helsinki", "Tallinn", "Riga", "Vilnius", "Sofia", "Bucharest", "Valletta",
)  # fmt: skip

_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "sh", "br")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou")
_CODAS = ("", "n", "r", "l", "s", "th")


def _syllable_words(rng: np.random.Generator, count: int, syllables: int) -> list[str]:
    """``count`` distinct capitalised pseudo-words of ``syllables`` syllables."""
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        parts = [
            _ONSETS[rng.integers(len(_ONSETS))]
            + _VOWELS[rng.integers(len(_VOWELS))]
            + _CODAS[rng.integers(len(_CODAS))]
            for _ in range(syllables)
        ]
        word = "".join(parts).capitalize()
        if word not in seen and word != IDK and word not in CITIES:
            seen.add(word)
            out.append(word)
    return out


def make_names(rng: np.random.Generator, people: int) -> list[str]:
    """``people`` distinct ``"First Last"`` names built from two generated word lists.

    Each list has about ``1.5·sqrt(people)`` words, so name parts are shared between
    people (the model cannot read a fact off a unique name token) and a never-seen
    person's name parts mostly occur in training.
    """
    side = max(4, int(np.ceil(1.5 * np.sqrt(people))))
    firsts = _syllable_words(rng, side, 2)
    lasts = _syllable_words(rng, side, 3)
    pairs = rng.choice(side * side, size=people, replace=False)
    return [f"{firsts[i // side]} {lasts[i % side]}" for i in pairs.tolist()]
