"""The abstention detector over a whole column of answers, without reading most of them.

:func:`dontguess.grading.detect_abstention` reads a reply clause by clause only after a
pre-check: one of its gate, hedge or apology patterns (Python regular expressions) must
occur in the folded, lower-cased text; otherwise the answer is not an abstention. That
pre-check alone costs about 0.3 ms per answer in Python. Here it runs for the whole column
at once in Arrow's RE2 engine, with a pattern made from the detector's own patterns by
*widening* them (so it can only find more, never fewer, texts):

- lookarounds and the anchors ``^`` / ``$`` are dropped; ``\\b`` / ``\\B`` and the
  classes ``\\w \\d \\s`` are kept in their ASCII meaning (exact on ASCII text);
- whatever can match a space also matches a run of whitespace (the detector folds each
  run to one space), and a quote also matches a backtick (folded to a quote);
- a backreference becomes "anything"; a class or literal that could meet the detector's
  protected full stop (U+2024) also accepts ``.``;
- any construct not listed makes the translation fail, and then every text is read.

Only ASCII texts are screened this way (on them Unicode NFKC, lower-casing and ``\\s`` are
exactly the ASCII operations; Arrow removes ``*`` and lower-cases, as the detector does);
every other text, and every text the widened
pattern finds, goes through ``detect_abstention`` itself, once per distinct text. So the
result equals calling :func:`~dontguess.importers._common.declined` on each text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from dontguess._util.bits import pack_bits, unpack_bits
from dontguess._util.sre import sre_c, sre_parse  # None if CPython moves them: no screen
from dontguess.importers._common import declined

__all__ = ["declined_many", "screen_pattern"]

_DOT2024 = 0x2024  # the detector writes a full stop that ends no sentence as U+2024
_ASCII_CLASS = (
    {}
    if sre_c is None
    else {
        sre_c.CATEGORY_DIGIT: "0-9",
        sre_c.CATEGORY_WORD: "0-9A-Za-z_",
        sre_c.CATEGORY_SPACE: "\\t-\\r\\x1c-\\x20",
    }
)
_NEGATED = (
    {}
    if sre_c is None
    else {
        sre_c.CATEGORY_NOT_DIGIT: sre_c.CATEGORY_DIGIT,
        sre_c.CATEGORY_NOT_WORD: sre_c.CATEGORY_WORD,
        sre_c.CATEGORY_NOT_SPACE: sre_c.CATEGORY_SPACE,
    }
)
_ANY = "(?s:.)"
_WS = "[\\t-\\r\\x1c-\\x20]+"  # a run of what Python's \s matches in ASCII
_ANY_SPACED = f"(?:{_ANY}|{_WS})"
_QUOTE = 0x27


class _Untranslatable(Exception):
    """A construct the widening translation does not cover."""


def _char(code: int) -> str:
    return re.escape(chr(code)) if code < 128 else f"\\x{{{code:x}}}"


def _spaced(atom: str) -> str:
    """An atom that can match the detector's folded space: also a whole whitespace run."""
    return f"(?:{atom}|{_WS})"


def _literal(code: int) -> str:
    if code == 0x20:
        return _WS
    if code == _QUOTE:
        return "['`]"
    return f"[.{_char(code)}]" if code == _DOT2024 else _char(code)


def _category(cat: Any) -> str:
    if cat is sre_c.CATEGORY_SPACE:
        return _WS
    if cat in _ASCII_CLASS:
        return f"[{_ASCII_CLASS[cat]}]"
    if cat is sre_c.CATEGORY_NOT_SPACE:
        return f"[^{_ASCII_CLASS[sre_c.CATEGORY_SPACE]}]"
    if cat in _NEGATED:
        return _spaced(f"[^{_ASCII_CLASS[_NEGATED[cat]]}]")
    raise _Untranslatable(str(cat))


def _in(items: list[tuple[Any, Any]]) -> str:
    """A character class, widened where it could meet U+2024, a space or a quote."""
    if items and items[0][0] is sre_c.NEGATE:
        return _ANY_SPACED  # [^.] would take U+2024 but not "."; negations rarely gate
    parts, space = [], False
    for op, av in items:
        low, high = (av, av) if op is sre_c.LITERAL else av if op is sre_c.RANGE else (-1, -1)
        if low < 0 and not (op is sre_c.CATEGORY and av in _ASCII_CLASS):
            return _ANY_SPACED
        if low < 0:
            parts.append(_ASCII_CLASS[av])
            space = space or av is sre_c.CATEGORY_SPACE
            continue
        parts.append(_char(low) if low == high else f"{_char(low)}-{_char(high)}")
        parts += ["."] * (low <= _DOT2024 <= high) + ["`"] * (low <= _QUOTE <= high)
        space = space or low <= 0x20 <= high
    return _spaced(f"[{''.join(parts)}]") if space else f"[{''.join(parts)}]"


def _repeat(av: Any) -> str:
    low, high, sub = av
    body = f"(?:{_emit(sub)})"
    if high is sre_c.MAXREPEAT or high > 1000:
        return f"{body}{{{min(low, 1000)},}}" if low else f"{body}*"
    return f"{body}{{{low},{high}}}"


def _emit(pattern: Any) -> str:
    out = []
    for op, av in pattern:
        if op is sre_c.LITERAL:
            out.append(_literal(av))
        elif op in (sre_c.NOT_LITERAL, sre_c.ANY):
            out.append(_ANY_SPACED)
        elif op is sre_c.IN:
            out.append(_in(av))
        elif op is sre_c.CATEGORY:
            out.append(_category(av))
        elif op is sre_c.BRANCH:
            out.append("(?:" + "|".join(_emit(b) for b in av[1]) + ")")
        elif op is sre_c.SUBPATTERN:
            if av[1] & (re.IGNORECASE | re.ASCII | re.LOCALE):  # scoped (?i:...) and such
                raise _Untranslatable("scoped flags")
            out.append(f"(?:{_emit(av[3])})")
        elif op is sre_c.ATOMIC_GROUP:
            out.append(f"(?:{_emit(av)})")
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
            out.append(_repeat(av))
        elif op is sre_c.AT:
            if av in (sre_c.AT_BOUNDARY, sre_c.AT_NON_BOUNDARY):
                out.append("\\b" if av is sre_c.AT_BOUNDARY else "\\B")
        elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            continue  # dropping a lookaround only lets more text match
        elif op in (sre_c.GROUPREF, sre_c.GROUPREF_EXISTS):
            out.append(f"{_ANY}*")  # a run of anything covers any text the group held
        else:
            raise _Untranslatable(str(op))
    return "".join(out)


def widen(pattern: re.Pattern[str]) -> str | None:
    """An RE2 pattern matching every ASCII text ``pattern`` matches, or None if untranslatable.

    >>> print(widen(re.compile(r"(?<!x)\\bnot?\\b|n't")))
    (?:\\bno(?:t){0,1}\\b|n['`]t)
    """
    if sre_parse is None or pattern.flags & (re.IGNORECASE | re.ASCII | re.LOCALE):
        return None  # the detector's patterns are plain; anything else is read in full
    try:
        return _emit(sre_parse.parse(pattern.pattern, pattern.flags))
    except (_Untranslatable, re.error, RecursionError):
        return None


@functools.cache
def screen_pattern() -> dict[str, str] | None:
    """The widened patterns of the detector's clause kinds (None: read every text).

    Keys: ``gate``, ``whole``, ``abstain``, ``hedge``, ``apology`` (see :func:`_screen`).
    """
    from dontguess.grading import _abstain

    compiled = {"gate": _abstain._GATE, "whole": _abstain._WHOLE, "abstain": _abstain._ABSTAIN,
                "hedge": _abstain._HEDGE, "apology": _abstain._APOLOGY}  # fmt: skip
    widened = {k: widen(p) for k, p in compiled.items()}
    if any(p is None for p in widened.values()):
        return None
    return {k: p for k, p in widened.items() if p is not None}


def _either(*patterns: str) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


def _arrow_strings(texts: Sequence[str]) -> tuple[Any, bool]:
    """An Arrow string array of ``texts``, built from one buffer, and whether all are ASCII.

    (``pa.array`` of a list, ``take`` and ``to_numpy`` of a result would import pandas:
    0.2 s of a command's start-up.) When the joined text is ASCII (as many bytes as
    characters) it is encoded once and each text's length is its byte count; otherwise
    each text is encoded alone. A lone surrogate is kept as its bytes: such a text is not
    ASCII, so the detector reads it.
    """
    import pyarrow as pa

    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    data = "".join(texts).encode("utf-8", "surrogatepass")
    ascii_only = len(data) == int(lengths.sum())
    if not ascii_only:
        encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
        lengths = np.fromiter(map(len, encoded), np.int64, len(encoded))
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    return pa.Array.from_buffers(pa.large_string(), len(texts), buffers), ascii_only


def _bools(array: Any) -> npt.NDArray[np.bool_]:
    """A boolean Arrow array without nulls as a numpy array (its bitmap unpacked)."""
    assert array.null_count == 0, "the screen's inputs have no nulls"
    return unpack_bits(array.buffers()[1], array.offset, len(array))


def _screen(distinct: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Which of the texts the detector must read (see :func:`_screen_array`)."""
    return _screen_array(*_arrow_strings(distinct))


def _screen_array(texts: Any, ascii_only: bool) -> npt.NDArray[np.bool_]:
    """Which texts of an Arrow string array the detector must read.

    The detector calls a reply an abstention only when one of its clauses is a hedge
    (the hedge pattern), or an abstain clause (a gate word and a whole-reply or abstain
    phrase), or when every clause is filler and there is an apology. Each clause is a
    piece of the folded text, so a text none of these (widened) patterns find in is no
    abstention. Except: non-ASCII texts, and texts with a double quote (the detector
    blanks quoted parts, which can join words), are always read.

    One pass finds the texts with a hedge, an apology, a gate word or a double quote;
    every text that can be read has one, and only those are searched for the rest.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(texts) == 0:
        return np.zeros(0, dtype=bool)  # (and the detector's patterns are not compiled)
    patterns = screen_pattern()
    if patterns is None:
        return np.ones(len(texts), dtype=bool)
    data = texts.buffers()[2]  # the texts' bytes: the removal of "*" is skipped if none has one
    starred = data is None or bool((np.frombuffer(data, dtype=np.uint8) == ord("*")).any())
    folded = pc.ascii_lower(pc.replace_substring(texts, "*", "") if starred else texts)
    read = np.zeros(len(texts), bool) if ascii_only else ~_bools(pc.string_is_ascii(texts))
    try:
        some = pc.match_substring_regex(
            folded, _either(patterns["hedge"], patterns["apology"], patterns["gate"], '"')
        )
        part = folded.filter(some)
        # a text found here without a hedge, an apology or a quote has a gate word, so it
        # is read when a whole-reply or abstain phrase is found in it too
        hit = pc.or_(
            pc.match_substring_regex(part, _either(patterns["hedge"], patterns["apology"], '"')),
            pc.match_substring_regex(part, _either(patterns["whole"], patterns["abstain"])),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return np.ones(len(texts), dtype=bool)  # RE2 refused one: read every text
    read[np.flatnonzero(_bools(some))] |= _bools(hit)
    return read


def _mask(flags: npt.NDArray[np.bool_]) -> Any:
    """A numpy boolean array as an Arrow one (no pandas import)."""
    import pyarrow as pa

    return pa.Array.from_buffers(pa.bool_(), len(flags), [None, pack_bits(flags)])


def declined_many(texts: Sequence[str | None]) -> npt.NDArray[np.bool_]:
    """``declined(text)`` for each text (None: no text, not declined).

    See the module docstring for how it is kept fast: the texts go to Arrow in one
    buffer, each distinct text is screened once there, and only those the screen cannot
    rule out come back to Python, to be read by the detector.

    >>> declined_many(["I don't know.", "Paris", None, "", "#### 42"]).tolist()
    [True, False, False, False, False]
    """
    if len(texts) == 0:
        return np.zeros(0, dtype=bool)
    plain = [t or "" for t in texts] if None in texts else cast("Sequence[str]", texts)
    array, ascii_only = _arrow_strings(plain)  # ("" is never declined, as None)
    encoded = array.dictionary_encode()
    distinct = encoded.dictionary
    read = _screen_array(distinct, ascii_only)
    verdict = np.zeros(len(distinct), dtype=bool)
    verdict[read] = [declined(t) for t in distinct.filter(_mask(read)).to_pylist()]
    indices = encoded.indices  # int32, no nulls
    codes = np.frombuffer(indices.buffers()[1], dtype=np.int32)[indices.offset :][: len(texts)]
    out: npt.NDArray[np.bool_] = verdict[codes]
    return out
