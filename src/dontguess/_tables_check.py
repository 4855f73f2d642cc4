"""Validate a :class:`pyarrow.Table` of graded records into a :class:`GradedTable` (private).

Validation is vectorised (pyarrow.compute / numpy over whole columns); only when a column is
bad does a slow pass look for the first offending row, so that the error names its line.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess._tables_io import Where, string_array
from dontguess._tables_unique import Codes
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
#: ``sample`` must be below this (every integer up to it is exact in float64 and int64).
SAMPLE_LIMIT = 2**53


def to_graded_table(table: Any, where: Where) -> tuple[GradedTable, Codes]:
    """Check ``table`` (a pyarrow Table read from ``where.path``) and build the columnar records.

    Returns:
        The records, and the dictionary codes of their ``item_id`` and ``model`` (for the
        duplicate check).
    """
    path = where.path
    if table.num_rows == 0:
        raise InputError("no records", path=path)
    repeated = [c for c in dict.fromkeys(table.column_names) if table.column_names.count(c) > 1]
    if repeated:
        raise SchemaError(
            f"column {repeated[0]!r} appears {table.column_names.count(repeated[0])} times; "
            "column names must be unique",
            path=path,
        )
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing:
        raise SchemaError(
            f"missing column {missing[0]!r} (columns: {', '.join(table.column_names)})", path=path
        )
    n = table.num_rows
    verdict = _verdicts(table.column("verdict"), where)
    item_id, items, item_codes = _required_text(table, "item_id", where)
    model, models, model_codes = _required_text(table, "model", where)
    target = _floats(table, "stated_target", where, n)
    _check_range(target, "stated_target", where, upper_open=True)
    confidence = _floats(table, "confidence", where, n)
    _check_range(confidence, "confidence", where, upper_open=False)
    style = _styles(table, target, where, n)
    sample = _samples(table, where, n)
    reason = _reasons(table, verdict, where, n)
    answer = _text_or_blank(table, "answer", where, n)
    groups = {
        name: text(table.column(name), name, where)
        for name in table.column_names
        if name not in KNOWN
    }
    records = GradedTable(
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
    return records, Codes(items, item_codes, models, model_codes)


def text(
    column: Any, name: str, where: Where, *, nested_ok: bool = True
) -> npt.NDArray[np.object_]:
    """A pyarrow column as an object array of ``str`` (null → ``""``; nested → JSON text).

    Goes through ``to_pylist`` on purpose: pyarrow's numpy conversions import pandas (seconds
    of start-up for a small file).
    """
    uniques, codes = _encode(strings(column, name, where, nested_ok=nested_ok))
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


def strings(column: Any, name: str, where: Where, *, nested_ok: bool = False) -> Any:
    """Column ``name`` as pyarrow strings; any type that is not text is an error naming a row.

    Numbers, booleans, dates become their text; binary must be UTF-8; arrays and objects
    become JSON text when ``nested_ok``, else are an error.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_dictionary(kind):
        return strings(column.cast(kind.value_type), name, where, nested_ok=nested_ok)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return column
    if pa.types.is_nested(kind):
        if nested_ok:
            return string_array(_json_text(v) for v in column.to_pylist())
        row = _first_valid(column)
        raise where.error(row, f"{name} must be a single value, got {_show(column[row])}")
    try:
        return pc.cast(column, pa.string())
    except pa.ArrowInvalid:
        if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
            row, value = _first_bad_utf8(column)
            raise where.error(row, f"{name} is not UTF-8 text: {value!r}") from None
        raise
    except pa.ArrowNotImplementedError:
        raise InputError(
            f"column {name!r} has type {kind}, which cannot be read as text", path=where.path
        ) from None


def _json_text(value: Any) -> str:
    import json

    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _first_valid(column: Any) -> int:
    import pyarrow.compute as pc

    return max(int(pc.index(pc.is_valid(column), True).as_py()), 0)


def _first_bad_utf8(column: Any) -> tuple[int, bytes]:
    for row, value in enumerate(column.to_pylist()):
        try:
            if value is not None:
                value.decode("utf-8")
        except UnicodeDecodeError:
            return row, value[:60]
    return 0, b""


def _show(scalar: Any) -> str:
    """A short repr of one value for an error message."""
    value = scalar.as_py()
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _text_or_blank(
    table: Any, name: str, where: Where, n: int, *, nested_ok: bool = True
) -> npt.NDArray[np.object_]:
    if name not in table.column_names:
        out = np.empty(n, dtype=object)
        out[:] = ""
        return out
    return text(table.column(name), name, where, nested_ok=nested_ok)


def _required_text(
    table: Any, name: str, where: Where
) -> tuple[npt.NDArray[np.object_], list[Any], npt.NDArray[np.intp]]:
    """Non-empty text, with its distinct values and each record's code."""
    uniques, codes = _encode(strings(table.column(name), name, where))
    lookup = _objects(["" if u is None else u for u in uniques])
    values: npt.NDArray[np.object_] = lookup[codes]
    empty = [k for k, u in enumerate(uniques) if not u]
    if empty:
        raise where.error(int(np.flatnonzero(np.isin(codes, empty))[0]), f"empty {name}")
    return values, uniques, codes


def _lower_words(column: Any, name: str, where: Where) -> Any:
    """Trimmed, lower-cased text of each value (a pyarrow string column; null stays null)."""
    import pyarrow.compute as pc

    return pc.utf8_lower(pc.utf8_trim_whitespace(strings(column, name, where)))


def _verdicts(column: Any, where: Where) -> npt.NDArray[np.int8]:
    uniques, index = _encode(_lower_words(column, "verdict", where))
    bad_code = 99
    table = np.array([_VERDICT_LOOKUP.get(w, bad_code) for w in uniques], dtype=np.int8)
    codes: npt.NDArray[np.int8] = table[index]
    bad = np.flatnonzero(codes == bad_code)
    if bad.size:
        raise where.error(
            int(bad[0]),
            "verdict must be correct, incorrect, abstained, ungraded or empty; "
            f"got {_show(column[int(bad[0])])}",
        )
    return codes


def _floats(table: Any, name: str, where: Where, n: int) -> npt.NDArray[np.float64]:
    """Column ``name`` as float64; missing column, null or a null word → ``nan``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if name not in table.column_names:
        return np.full(n, math.nan)
    column = table.column(name)
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_boolean(kind) or pa.types.is_nested(kind):
        row = _first_valid(column)
        raise where.error(row, f"{name} must be a number, got {_show(column[row])}")
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        # safe=False: an integer beyond 2**53 rounds; the range checks still catch it
        return _float_values(pc.cast(column, pa.float64(), safe=False))
    if pa.types.is_null(kind):
        return np.full(n, math.nan)
    uniques, index = _encode(_lower_words(column, name, where))
    parsed = np.empty(len(uniques))
    for k, word in enumerate(uniques):
        try:
            parsed[k] = math.nan if word is None or word in _NULL_WORDS else float(word)
        except ValueError:
            row = int(np.flatnonzero(index == k)[0])
            raise where.error(row, f"{name} must be a number, got {_show(column[row])}") from None
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
    values: npt.NDArray[np.float64], name: str, where: Where, *, upper_open: bool
) -> None:
    known = ~np.isnan(values)
    high_bad = values >= 1.0 if upper_open else values > 1.0
    bad = np.flatnonzero(known & ((values < 0.0) | high_bad | np.isinf(values)))
    if bad.size:
        allowed = "[0, 1)" if upper_open else "[0, 1]"
        row = int(bad[0])
        raise where.error(row, f"{name} must be in {allowed}, got {float(values[row])!r}")


def _styles(
    table: Any, target: npt.NDArray[np.float64], where: Where, n: int
) -> npt.NDArray[np.object_]:
    """Prompt style: ``""`` for closed rubric, penalty (default) or reward for open."""
    if "style" in table.column_names:
        uniques, codes = _encode(_lower_words(table.column("style"), "style", where))
        words = _objects([w or "" for w in uniques])[codes]
    else:
        words = np.full(n, "", dtype=object)
    bad = np.flatnonzero(~np.isin(words, np.array(_STYLES, dtype=object)))
    if bad.size:
        row = int(bad[0])
        raw = _show(table.column("style")[row])
        raise where.error(row, f"style must be penalty, reward or empty; got {raw}")
    closed = np.isnan(target)
    words[closed] = ""
    words[~closed & (words == "")] = "penalty"
    return words


def _samples(table: Any, where: Where, n: int) -> npt.NDArray[np.int64]:
    values = _floats(table, "sample", where, n)
    values = np.where(np.isnan(values), 0.0, values)
    bad = np.flatnonzero(
        (values < 0) | (values >= SAMPLE_LIMIT) | (values != np.floor(values)) | np.isinf(values)
    )
    if bad.size:
        row = int(bad[0])
        raise where.error(
            row,
            f"sample must be an integer in [0, 2**53), got {_show(table.column('sample')[row])}",
        )
    return values.astype(np.int64)


def _reasons(
    table: Any, verdict: npt.NDArray[np.int8], where: Where, n: int
) -> npt.NDArray[np.object_]:
    reason = _text_or_blank(table, "ungraded_reason", where, n, nested_ok=False)
    graded = verdict != UNGRADED_CODE
    bad = np.flatnonzero(graded & (reason != ""))
    if bad.size:
        row = int(bad[0])
        raise where.error(row, f"a graded record has no ungraded_reason; got {reason[row]!r}")
    reason[~graded & (reason == "")] = DEFAULT_UNGRADED_REASON
    return reason
