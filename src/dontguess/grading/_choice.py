"""Multiple-choice replies: find the one option a reply picks, or say why not."""

from __future__ import annotations

import re
import string

from dontguess.grading._normalize import normalize_answer

__all__ = ["gold_letter", "pick_choice"]

_BARE = re.compile(r"\(?\[?([A-Za-z])\]?\)?[.):]?")
_ANSWER_IS = re.compile(
    r"\b(?:answer|option|choice)(?:\s+is)?\s*[:\-]?\s*\(?\[?([A-Za-z])\b\]?\)?", re.IGNORECASE
)
_LEADING = re.compile(r"^\(?\[?([A-Z])(?:\)|\]|\.|:)(?:\s|$)")
_PAREN = re.compile(r"\(([A-Z])\)")


def gold_letter(answers: tuple[str, ...], choices: tuple[str, ...]) -> str | None:
    """The letter of the correct option: ``answers[0]`` as a letter, or as an option text."""
    if not answers or not choices:
        return None
    first = answers[0].strip()
    letters = string.ascii_uppercase[: len(choices)]
    if len(first) == 1 and first.upper() in letters:
        return first.upper()
    norm = normalize_answer(first)
    for letter, option in zip(letters, choices, strict=False):
        if normalize_answer(option) == norm:
            return letter
    return None


def _letters(text: str) -> list[str]:
    bare = _BARE.fullmatch(text)
    if bare:
        return [bare.group(1).upper()]
    said = [m.group(1).upper() for m in _ANSWER_IS.finditer(text)]
    if said:
        return said
    leading = _LEADING.match(text)
    return ([leading.group(1)] if leading else []) + _PAREN.findall(text)


def _options(text: str, choices: tuple[str, ...], letters: str) -> set[str]:
    reply = f" {normalize_answer(text)} "
    hits = {}
    for letter, option in zip(letters, choices, strict=False):
        norm = normalize_answer(option)
        if norm and f" {norm} " in reply:
            hits[letter] = norm
    # An option contained in a longer chosen option ("Paris" in "Paris, Texas") is dropped.
    return {a for a, na in hits.items() if not any(a != b and na in nb for b, nb in hits.items())}


def pick_choice(text: str, choices: tuple[str, ...]) -> tuple[str | None, str | None]:
    """Return ``(letter, None)`` for the option a reply picks, else ``(None, reason)``.

    Accepted: ``B``, ``(B)``, ``b.``, ``Answer: B``, ``The answer is (B)``, ``B) Paris``,
    or an option's text. Several letters, a letter outside the options, or a letter that
    contradicts the option text also written are not decided.

    >>> pick_choice("Answer: (b)", ("Rome", "Paris")), pick_choice("Paris", ("Rome", "Paris"))
    (('B', None), ('B', None))
    """
    letters = string.ascii_uppercase[: len(choices)]
    stripped = text.strip().strip("*_`\"' ")
    said = set(_letters(stripped))
    options = _options(stripped, choices, letters)
    if len(said) > 1:
        return None, f"reply names several options: {', '.join(sorted(said))}"
    if said:
        (letter,) = said
        if letter not in letters:
            span = f"{letters[0]}-{letters[-1]}"
            return None, f"reply names option {letter}, but the options are {span}"
        if options and letter not in options:
            return None, f"reply names option {letter} but quotes the text of {min(options)}"
        return letter, None
    if len(options) == 1:
        return options.pop(), None
    if options:
        return None, f"reply quotes several options: {', '.join(sorted(options))}"
    return None, "reply names no option"
