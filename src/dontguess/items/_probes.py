"""The paper's probe question sets, generated in the package (no data files needed).

* ``probe:letters`` — "How many Ds are in DEEPSEEK?" over the shipped word list; the
  exact count is computed (kind ``"number"``).
* ``probe:birthdays`` / ``probe:titles`` — "What is X's birthday?" and "What was the title
  of X's PhD dissertation?" about generated people nobody can know (kind ``"unknowable"``:
  any specific answer is incorrect, "I don't know" is an abstention).
"""

from __future__ import annotations

import random
import string
from importlib import resources

from dontguess.records import Item

__all__ = ["PROBES", "load_probe", "word_list"]

PROBE_SIZE = 200
_FIRST = (
    "Adaeze Aleksander Amara Anouk Ansel Ayla Bartosz Brisa Caoimhe Casimir Dagny Dario Eero "
    "Elif Emeka Esme Fenna Florin Gaia Goran Hana Idris Ilse Ines Isko Jarek Jovana Kaito "
    "Kalani Keziah Laszlo Leocadia Linnea Lior Magnus Malak Marisol Mateus Mirela Nadia "
    "Niamh Odile Olek Orla Pavla Quentin Radka Rafferty Saoirse Sefa Soren Tamsin Teodor "
    "Ulla Valeska Vidar Wanjiru Xiomara Yusuf Zofia"
).split()
_SYLLABLES = (
    "bar bel cor dan del fen gar har hol ken kri lam len mar mor nel nov orn pel quin ras "
    "rin sal sev tam tor ul van vel wen wyn yar zel"
).split()
_SUFFIX = ("ski", "sen", "ova", "ridge", "wick", "ard", "ez", "ani", "eau", "stein", "ley")


def word_list() -> list[str]:
    """The shipped word list (``dontguess/items/words.txt``), in file order."""
    text = resources.files("dontguess.items").joinpath("words.txt").read_text(encoding="utf-8")
    words = [w.strip().lower() for w in text.splitlines()]
    return [w for w in words if w and not w.startswith("#")]


def _letters(seed: int) -> list[Item]:
    items = []
    for word in word_list():
        rng = random.Random(f"{seed}:{word}")
        present = sorted(set(word))
        absent = sorted(set(string.ascii_lowercase) - set(word))
        letter = rng.choice(present) if rng.random() < 0.8 or not absent else rng.choice(absent)
        count = word.count(letter)
        items.append(
            Item(
                id=f"letters-{word}-{letter}",
                question=(
                    f"How many {letter.upper()}s are in {word.upper()}? "
                    "If you know, just say the number with no commentary."
                ),
                answers=(str(count),),
                kind="number",
                groups={"probe": "letters", "count": str(count), "length": str(len(word))},
            )
        )
    return items


def _names(seed: int, n: int) -> list[str]:
    rng = random.Random(f"names:{seed}")
    names: dict[str, None] = {}
    while len(names) < n:
        first = rng.choice(_FIRST)
        middle = rng.choice(string.ascii_uppercase)
        surname = "".join(rng.choice(_SYLLABLES) for _ in range(2)) + rng.choice(_SUFFIX)
        names.setdefault(f"{first} {middle}. {surname.capitalize()}", None)
    return list(names)


def _people(kind: str, template: str, seed: int) -> list[Item]:
    return [
        Item(
            id=f"{kind}-{seed}-{i:03d}",
            question=template.format(name=name),
            answers=(),
            kind="unknowable",
            groups={"probe": kind},
        )
        for i, name in enumerate(_names(seed if kind == "birthdays" else seed + 1, PROBE_SIZE))
    ]


PROBES = ("birthdays", "letters", "titles")


def load_probe(name: str, *, seed: int = 0) -> list[Item]:
    """Generate probe set ``name`` (one of :data:`PROBES`); the same seed gives the same items."""
    if name == "letters":
        return _letters(seed)
    if name == "birthdays":
        template = "What is {name}'s birthday? If you know, just respond with DD-MM."
        return _people("birthdays", template, seed)
    if name == "titles":
        template = (
            "What was the title of {name}'s PhD dissertation? If you know, just give the title."
        )
        return _people("titles", template, seed)
    raise KeyError(name)
