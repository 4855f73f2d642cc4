"""Validate a :class:`pyarrow.Table` of graded records into a :class:`GradedTable` (private).

Validation is vectorised (pyarrow.compute / numpy over whole columns); only when a column is
bad does a slow pass look for the first offending row, so that the error names its line.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess.errors import InputError, SchemaError
from dontguess.records import GRADED_COLUMNS, UNGRADED_CODE, GradedTable

#: Columns with a fixed meaning; every other column becomes a grouping column.
KNOWN = GRADED_COLUMNS
REQUIRED = ("item_id", "model", "verdict")

_VERDICT_LOOKUP: dict[str | None, int] = {
    "correct": 0,
    "incorrect": 1,
    "abstained": 2,
    "ungraded": UNGRADED_CODE,
    "": UNGRADED_CODE,
    None: UNGRADED_CODE,
}
_NULL_WORDS = frozenset(["", "nan", "null", "none", "na", "n/a"])
_STYLES = ("", "penalty", "reward")
#: Reason stored for an ungraded record whose file gives none.
DEFAULT_UNGRADED_REASON = "ungraded (no reason given)"


class _Where:
    """Turns a 0-based row index into the ``InputError`` location of that row."""

    def __init__(self, path: str, first_line: int | None) -> None:
        self.path = path
        self.first_line = first_line

    def error(self, row: int, message: str, cls: type[InputError] = InputError) -> InputError:
        if self.first_line is None:
            return cls(f"row {row + 1}: {message}", path=self.path)
        return cls(message, path=self.path, line=self.first_line + row)


def to_graded_table(table: Any, path: str, first_line: int | None) -> GradedTable:
    """Check ``table`` (a pyarrow Table read from ``path``) and build the columnar records."""
    where = _Where(path, first_line)
    if table.num_rows == 0:
        raise InputError("no records", path=path)
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing:
        raise SchemaError(
            f"missing column {missing[0]!r} (columns: {', '.join(table.column_names)})", path=path
        )
    n = table.num_rows
    verdict = _verdicts(table.column("verdict"), where)
    item_id = _required_text(table, "item_id", where)
    model = _required_text(table, "model", where)
    target = _floats(table, "stated_target", where, n)
    _check_range(target, "stated_target", where, upper_open=True)
    confidence = _floats(table, "confidence", where, n)
    _check_range(confidence, "confidence", where, upper_open=False)
    style = _styles(table, target, where, n)
    sample = _samples(table, where, n)
    reason = _reasons(table, verdict, where, n)
    answer = _text_or_blank(table, "answer", n)
    groups = {name: text(table.column(name)) for name in table.column_names if name not in KNOWN}
    return GradedTable(
        item_id=item_id,
        model=model,
        stated_target=target,
        style=style,
        sample=sample,
        verdict=verdict,
        confidence=confidence,
        ungraded_reason=reason,
        answer=answer,
        groups=groups,
    )


def text(column: Any) -> npt.NDArray[np.object_]:
    """A pyarrow column as an object array of ``str`` (null → ``""``; nested → JSON text).

    Goes through ``to_pylist`` on purpose: pyarrow's numpy conversions import pandas (seconds
    of start-up for a small file).
    """
    import json

    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_nested(column.type):
        values = [
            "" if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)
            for v in column.to_pylist()
        ]
        return _objects(values)
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        column = pc.cast(column, pa.string())
    uniques, codes = _encode(column)
    table = _objects(["" if u is None else u for u in uniques])
    out: npt.NDArray[np.object_] = table[codes]
    return out


def _encode(column: Any) -> tuple[list[Any], npt.NDArray[np.intp]]:
    """Distinct values (``None`` last, for nulls) and each row's index into them.

    Dictionary-encodes in pyarrow, so only the distinct values become Python objects.
    """
    import pyarrow.compute as pc

    if hasattr(column, "combine_chunks"):
        column = column.combine_chunks()
    encoded = pc.dictionary_encode(column)
    uniques: list[Any] = encoded.dictionary.to_pylist()
    codes = _int_values(encoded.indices, missing=len(uniques))
    if encoded.null_count:
        uniques.append(None)
    return uniques, codes


def _int_values(array: Any, *, missing: int) -> npt.NDArray[np.intp]:
    """An integer pyarrow array as numpy (nulls → ``missing``), read from its buffers."""
    size = array.offset + len(array)
    validity, data = array.buffers()
    dtype = np.dtype(array.type.to_pandas_dtype())
    values = np.frombuffer(data, dtype=dtype, count=size)[array.offset :].astype(np.intp)
    if array.null_count:
        raw = np.frombuffer(validity, dtype=np.uint8)
        valid = np.unpackbits(raw, count=size, bitorder="little")[array.offset :]
        values[valid == 0] = missing
    return values


def _objects(values: list[Any]) -> npt.NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _text_or_blank(table: Any, name: str, n: int) -> npt.NDArray[np.object_]:
    if name not in table.column_names:
        out = np.empty(n, dtype=object)
        out[:] = ""
        return out
    return text(table.column(name))


def _required_text(table: Any, name: str, where: _Where) -> npt.NDArray[np.object_]:
    values = text(table.column(name))
    blank = np.flatnonzero(values == "")
    if blank.size:
        raise where.error(int(blank[0]), f"empty {name}")
    return values


def _lower_words(column: Any) -> list[str | None]:
    """Trimmed, lower-cased text of each value (``None`` for null)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        column = pc.cast(column, pa.string())
    words: list[str | None] = pc.utf8_lower(pc.utf8_trim_whitespace(column)).to_pylist()
    return words


def _verdicts(column: Any, where: _Where) -> npt.NDArray[np.int8]:
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        column = pc.cast(column, pa.string())
    uniques, index = _encode(pc.utf8_lower(pc.utf8_trim_whitespace(column)))
    bad_code = 99
    table = np.array([_VERDICT_LOOKUP.get(w, bad_code) for w in uniques], dtype=np.int8)
    codes: npt.NDArray[np.int8] = table[index]
    bad = np.flatnonzero(codes == bad_code)
    if bad.size:
        raw = column[int(bad[0])].as_py()
        raise where.error(
            int(bad[0]),
            f"verdict must be correct, incorrect, abstained, ungraded or empty; got {raw!r}",
        )
    return codes


def _floats(table: Any, name: str, where: _Where, n: int) -> npt.NDArray[np.float64]:
    """Column ``name`` as float64; missing column, null or a null word → ``nan``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if name not in table.column_names:
        return np.full(n, math.nan)
    column = table.column(name)
    if pa.types.is_boolean(column.type) or pa.types.is_nested(column.type):
        raise where.error(0, f"{name} must be a number, got {column[0].as_py()!r}")
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        return _float_values(pc.cast(column, pa.float64()))
    if pa.types.is_null(column.type):
        return np.full(n, math.nan)
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        column = pc.cast(column, pa.string())
    uniques, index = _encode(pc.utf8_lower(pc.utf8_trim_whitespace(column)))
    parsed = np.empty(len(uniques))
    for k, word in enumerate(uniques):
        try:
            parsed[k] = math.nan if word is None or word in _NULL_WORDS else float(word)
        except ValueError:
            row = int(np.flatnonzero(index == k)[0])
            raise where.error(
                row, f"{name} must be a number, got {column[row].as_py()!r}"
            ) from None
    out: npt.NDArray[np.float64] = parsed[index]
    return out


def _float_values(column: Any) -> npt.NDArray[np.float64]:
    """A float64 pyarrow column as numpy, null → ``nan``, read from its buffers (no pandas)."""
    parts = [np.empty(0)]
    for chunk in getattr(column, "chunks", [column]):
        size = chunk.offset + len(chunk)
        if not len(chunk):
            continue
        validity, data = chunk.buffers()
        values = np.frombuffer(data, dtype=np.float64, count=size)[chunk.offset :].copy()
        if chunk.null_count:
            raw = np.frombuffer(validity, dtype=np.uint8)
            valid = np.unpackbits(raw, count=size, bitorder="little")[chunk.offset :]
            values[valid == 0] = math.nan
        parts.append(values)
    out: npt.NDArray[np.float64] = np.concatenate(parts)
    return out


def _check_range(
    values: npt.NDArray[np.float64], name: str, where: _Where, *, upper_open: bool
) -> None:
    known = ~np.isnan(values)
    high_bad = values >= 1.0 if upper_open else values > 1.0
    bad = np.flatnonzero(known & ((values < 0.0) | high_bad | np.isinf(values)))
    if bad.size:
        allowed = "[0, 1)" if upper_open else "[0, 1]"
        row = int(bad[0])
        raise where.error(row, f"{name} must be in {allowed}, got {float(values[row])!r}")


def _styles(
    table: Any, target: npt.NDArray[np.float64], where: _Where, n: int
) -> npt.NDArray[np.object_]:
    """Prompt style: ``""`` for closed rubric, penalty (default) or reward for open."""
    if "style" in table.column_names:
        words = _objects([w or "" for w in _lower_words(table.column("style"))])
    else:
        words = np.full(n, "", dtype=object)
    bad = np.flatnonzero(~np.isin(words, np.array(_STYLES, dtype=object)))
    if bad.size:
        row = int(bad[0])
        raw = table.column("style")[row].as_py() if "style" in table.column_names else None
        raise where.error(row, f"style must be penalty, reward or empty; got {raw!r}")
    closed = np.isnan(target)
    words[closed] = ""
    words[~closed & (words == "")] = "penalty"
    return words


def _samples(table: Any, where: _Where, n: int) -> npt.NDArray[np.int64]:
    values = _floats(table, "sample", where, n)
    values = np.where(np.isnan(values), 0.0, values)
    bad = np.flatnonzero((values < 0) | (values != np.floor(values)) | np.isinf(values))
    if bad.size:
        row = int(bad[0])
        raise where.error(row, f"sample must be an integer >= 0, got {float(values[row])!r}")
    return values.astype(np.int64)


def _reasons(
    table: Any, verdict: npt.NDArray[np.int8], where: _Where, n: int
) -> npt.NDArray[np.object_]:
    reason = _text_or_blank(table, "ungraded_reason", n)
    graded = verdict != UNGRADED_CODE
    bad = np.flatnonzero(graded & (reason != ""))
    if bad.size:
        row = int(bad[0])
        raise where.error(row, f"a graded record has no ungraded_reason; got {reason[row]!r}")
    reason[~graded & (reason == "")] = DEFAULT_UNGRADED_REASON
    return reason
