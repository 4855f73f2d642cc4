"""A regular expression guarded by the characters its matches can start with (for speed only).

Python's ``re`` skips ahead quickly only when a pattern starts with a literal or a character
class. The detector's patterns start with ``\\b`` or with an alternation of groups, so a
search tries every alternative at every position of the text. :func:`guarded` puts a
lookahead for the possible first characters in front: ``(?=[F])(?:P)``. At a position whose
character is not in ``F`` the lookahead fails at once, instead of every alternative.

The result is the same pattern: a match of a pattern that cannot match the empty string
consumes at least one character, and the first one is in ``F`` by construction (``F``
collects the first characters of every alternative, looking through groups, repeats,
``\\b``, anchors and lookarounds, which consume nothing). So ``search``, ``match``, ``sub``
and ``split`` find the same matches with the same groups. Anything the first-character
reading does not cover (a negated class, ``.``, a back-reference, a pattern that can
match the empty string, flags such as ``IGNORECASE``) leaves the pattern as it was.
tests/grading/test_abstain_guard.py checks equal matches on the shared labelled answers.
"""

from __future__ import annotations

import re
from typing import Any

from dontguess._util.sre import sre_c, sre_parse  # None if CPython moves them: no guard

__all__ = ["first_chars", "guarded"]

_CATEGORY = (
    {}
    if sre_c is None
    else {
        sre_c.CATEGORY_DIGIT: "\\d",
        sre_c.CATEGORY_NOT_DIGIT: "\\D",
        sre_c.CATEGORY_WORD: "\\w",
        sre_c.CATEGORY_NOT_WORD: "\\W",
        sre_c.CATEGORY_SPACE: "\\s",
        sre_c.CATEGORY_NOT_SPACE: "\\S",
    }
)
_ZERO_WIDTH = () if sre_c is None else (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT)
_REPEATS = () if sre_c is None else (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT)
_CASELESS = re.IGNORECASE | re.VERBOSE | re.LOCALE


class _Open(Exception):
    """A construct whose first characters are not read here."""


def _first_of(sequence: Any) -> tuple[list[tuple[Any, Any]], bool]:
    """The class items a match of ``sequence`` can start with, and whether it can be empty."""
    items: list[tuple[Any, Any]] = []
    for op, av in sequence:
        found, empty = _first_op(op, av)
        items += found
        if not empty:
            return items, False
    return items, True


def _first_op(op: Any, av: Any) -> tuple[list[tuple[Any, Any]], bool]:
    if op is sre_c.LITERAL:
        return [(op, av)], False
    if op is sre_c.IN:
        if av and av[0][0] is sre_c.NEGATE:
            raise _Open("negated class")
        return list(av), False
    if op is sre_c.CATEGORY:
        return [(op, av)], False
    if op in _ZERO_WIDTH:
        return [], True
    if op is sre_c.BRANCH:
        items, empty = [], False
        for branch in av[1]:
            found, can_be_empty = _first_of(branch)
            items += found
            empty = empty or can_be_empty
        return items, empty
    if op is sre_c.SUBPATTERN:
        if av[1] & _CASELESS:  # (?i:...): the first characters come in either case
            raise _Open("scoped flags")
        return _first_of(av[3])
    if op is sre_c.ATOMIC_GROUP:
        return _first_of(av)
    if op in _REPEATS:
        low, _, sub = av
        found, empty = _first_of(sub)
        return found, empty or low == 0
    raise _Open(str(op))


def _char(code: int) -> str:
    return chr(code) if chr(code).isalnum() else f"\\U{code:08x}"


def _class_item(op: Any, av: Any) -> str:
    if op is sre_c.LITERAL:
        return _char(av)
    if op is sre_c.RANGE:
        return f"{_char(av[0])}-{_char(av[1])}"
    if op is sre_c.CATEGORY and av in _CATEGORY:
        return _CATEGORY[av]
    raise _Open(str(op))


def first_chars(pattern: re.Pattern[str] | str, flags: int = 0) -> str | None:
    """A character class of the characters a match of ``pattern`` can start with.

    None when that is not known (see the module docstring) or the pattern can match the
    empty string.

    >>> first_chars(re.compile(r"\\b(?:not?|n't)\\b|(?<!x)idk|[.?]"))
    '[ni\\\\U0000002e\\\\U0000003f]'
    >>> first_chars(re.compile(r"a*")) is None, first_chars(re.compile(r".b")) is None
    (True, True)
    """
    text, flags = (pattern, flags) if isinstance(pattern, str) else (pattern.pattern, pattern.flags)
    if sre_parse is None or flags & _CASELESS or not isinstance(text, str):
        return None
    try:
        parsed = sre_parse.parse(text, flags)
        if parsed.state.flags & _CASELESS:  # e.g. a leading (?i) in the text
            return None
        items, empty = _first_of(parsed)
        if empty or not items:
            return None
        return "[" + "".join(dict.fromkeys(_class_item(op, av) for op, av in items)) + "]"
    except (_Open, re.error, RecursionError):
        return None


def guarded(pattern: re.Pattern[str] | str, flags: int = 0) -> re.Pattern[str]:
    """``pattern`` with a lookahead for its first characters in front (the same matches).

    Given the pattern's text (and flags), the plain pattern is compiled only when it is
    returned: when its first characters are not known.

    >>> p = guarded(r"\\bnot?\\b")
    >>> p.search("it is not so").span(), p.sub("-", "no, not now")
    ((6, 9), '-, - now')
    """
    text, flags = (pattern, flags) if isinstance(pattern, str) else (pattern.pattern, pattern.flags)
    chars = first_chars(text, flags)
    if chars is not None:  # the text parsed alone, so it is a whole pattern inside (?:…)
        try:  # (a lookahead with a class holds no group: the groups are the same)
            return re.compile(f"(?={chars})(?:{text})", flags & ~re.UNICODE)
        except re.error:  # e.g. inline global flags, which must stay at the start
            pass
    return pattern if isinstance(pattern, re.Pattern) else re.compile(text, flags)
