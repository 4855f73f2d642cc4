"""Validate a :class:`pyarrow.Table` of graded records into a :class:`GradedTable` (private).

Validation is vectorised (pyarrow.compute / numpy over whole columns); only when a column is
bad does a slow pass look for the first offending row, so that the error names its line.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess._util.coded import CodedArray, Pending, coded_numbers, constant_pending
from dontguess.errors import InputError, SchemaError
from dontguess.records import GRADED_COLUMNS, UNGRADED_CODE, GradedTable
from dontguess.tables._buffers import numpy_values
from dontguess.tables._codes import CodedTable, encode, first_valid, show
from dontguess.tables._few import few_values
from dontguess.tables._io import Where
from dontguess.tables._unique import Codes

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
    item_id = _required_text(table, "item_id", where)
    model = _required_text(table, "model", where)
    target = _targets(table, where, n)
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
    unbuilt: dict[str, Any] = {  # text columns are built only when someone reads them
        "item_id": item_id,
        "model": model,
        "style": style,
        "ungraded_reason": reason,
        "answer": answer,
    }
    records = CodedTable(
        **unbuilt,
        stated_target=target,
        sample=sample,
        verdict=verdict,
        confidence=confidence,
        groups=groups,
    )
    return records, Codes(item_id.dictionary, item_id.codes, model.dictionary, model.codes)


def text(
    column: Any, name: str, where: Where, *, nested_ok: bool = True
) -> npt.NDArray[np.object_]:
    """A pyarrow column as a read-only :class:`~dontguess._util.coded.CodedArray` of ``str`` (null →
    ``""``; nested → JSON text): only the distinct values become Python objects.
    """
    return encode(column, name, where, nested_ok=nested_ok).text().build()


def _text_or_blank(
    table: Any, name: str, where: Where, n: int, *, nested_ok: bool = True
) -> Pending:
    if name not in table.column_names:
        return constant_pending("", n)
    return encode(table.column(name), name, where, nested_ok=nested_ok).text()


def _required_text(table: Any, name: str, where: Where) -> Pending:
    """Non-empty text (not built)."""
    encoded = encode(table.column(name), name, where)
    rows = encoded.rows_with([k for k, u in enumerate(encoded.values()) if not u])
    if rows.size:
        raise where.error(int(rows[0]), f"empty {name}")
    return encoded.text()


def _verdicts(column: Any, where: Where) -> npt.NDArray[np.int8]:
    encoded = encode(column, "verdict", where)
    bad_code = 99
    lookup = [_VERDICT_LOOKUP.get(w, bad_code) for w in encoded.lower_words()]
    codes: npt.NDArray[np.int8] = np.array(lookup, dtype=np.int8)[encoded.codes]
    bad = encoded.rows_with([k for k, c in enumerate(lookup) if c == bad_code])
    if bad.size:
        raise where.error(
            int(bad[0]),
            "verdict must be correct, incorrect, abstained, ungraded or empty; "
            f"got {show(column[int(bad[0])])}",
        )
    return codes


def _floats(table: Any, name: str, where: Where, n: int) -> npt.NDArray[np.float64]:
    """Column ``name`` as float64; missing column, null or a null word → ``nan``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if name not in table.column_names:
        missing: npt.NDArray[np.float64] = _constant(math.nan, np.float64, n)
        return missing
    column = table.column(name)
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_boolean(kind) or pa.types.is_nested(kind):
        row = first_valid(column)
        raise where.error(row, f"{name} must be a number, got {show(column[row])}")
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        # safe=False: an integer beyond 2**53 rounds; the range checks still catch it
        return _float_values(pc.cast(column, pa.float64(), safe=False))
    if pa.types.is_null(kind):
        return np.full(n, math.nan)
    parsed, encoded = _parsed_numbers(column, name, where)
    out: npt.NDArray[np.float64] = parsed[encoded.codes]
    return out


def _targets(table: Any, where: Where, n: int) -> CodedArray:
    """``stated_target`` as float64 that keeps its codes (grouping and the duplicate check use
    them); each distinct value is parsed and range-checked once."""
    name = "stated_target"
    if name not in table.column_names:
        return coded_numbers(np.array([math.nan]), np.broadcast_to(np.zeros(1, np.int8), (n,)))
    import pyarrow as pa
    import pyarrow.compute as pc

    column = table.column(name)
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    codes: npt.NDArray[np.integer[Any]] | None = None
    floats_read = None  # the records' values, when read as they are
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        # safe=False: an integer beyond 2**53 rounds; the range check still catches it
        floats = pc.cast(column, pa.float64(), safe=False)
        few = few_values(floats_read := _float_values(floats))
        if few is not None:  # then values[codes] is floats_read, bit for bit
            values, codes = few
        else:
            floats_read = None
            encoded = encode(floats, name, where, as_text=False)
            values = np.append(_float_values(encoded.dictionary), math.nan)
            codes = encoded.codes
    elif pa.types.is_null(kind):
        values = np.array([math.nan])
    else:
        values, encoded = _parsed_numbers(column, name, where)
        codes = encoded.codes
    if codes is None:
        codes = np.zeros(n, np.int8)
    uniques, codes = _distinct_numbers(values, codes)
    bad_values = ~np.isnan(uniques) & ((uniques < 0.0) | (uniques >= 1.0) | np.isinf(uniques))
    if bad_values.any():
        bad = np.flatnonzero(np.isin(codes, np.flatnonzero(bad_values)))
        if bad.size:
            row = int(bad[0])
            got = float(uniques[codes[row]])
            raise where.error(row, f"{name} must be in [0, 1), got {got!r}")
    if floats_read is not None and not _same_bits(values, uniques):
        floats_read = None  # equal numbers were merged (-0.0 into 0.0): the values change
    return coded_numbers(uniques, codes, data=floats_read)


def _same_bits(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a.view(np.uint64), b.view(np.uint64)))


def _parsed_numbers(column: Any, name: str, where: Where) -> tuple[npt.NDArray[np.float64], Any]:
    """A text (or other) column's distinct values parsed as numbers (null words: nan)."""
    import pyarrow as pa

    if pa.types.is_boolean(column.type) or pa.types.is_nested(column.type):
        row = first_valid(column)
        raise where.error(row, f"{name} must be a number, got {show(column[row])}")
    encoded = encode(column, name, where)
    words = encoded.lower_words()
    parsed = np.empty(len(words))
    for k, word in enumerate(words):
        try:
            parsed[k] = math.nan if word is None or word in _NULL_WORDS else float(word)
        except ValueError:
            rows = encoded.rows_with([k])
            if not rows.size:  # a dictionary value no row uses
                parsed[k] = math.nan
                continue
            row = int(rows[0])
            raise where.error(row, f"{name} must be a number, got {show(column[row])}") from None
    return parsed, encoded


def _distinct_numbers(
    values: npt.NDArray[np.float64], codes: npt.NDArray[np.integer[Any]]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.integer[Any]]]:
    """Merge equal numbers of a dictionary (-0.0 and 0.0; every nan: one value); small codes."""
    values = values + 0.0  # -0.0 -> 0.0
    first: dict[float | None, int] = {}
    remap = np.array([first.setdefault(None if v != v else v, len(first)) for v in values.tolist()])
    if len(first) < len(values):
        keep = np.unique(remap, return_index=True)[1]
        values, codes = values[keep], remap.astype(np.int32)[codes]
    if len(values) <= 127 and codes.dtype != np.int8:
        codes = codes.astype(np.int8)
    return values, codes


def _float_values(column: Any) -> npt.NDArray[np.float64]:
    """A float64 pyarrow column as numpy, null → ``nan`` (from its buffers; no pandas)."""
    out: npt.NDArray[np.float64] = numpy_values(column, np.float64, math.nan)
    return out


def _plain_int64(column: Any) -> bool:
    import pyarrow as pa

    return bool(column.type == pa.int64())


def _int64_values(column: Any) -> npt.NDArray[np.int64]:
    """An int64 pyarrow column as numpy, null → 0 (from its buffers; no pandas)."""
    out: npt.NDArray[np.int64] = numpy_values(column, np.int64, 0)
    return out


def _check_range(
    values: npt.NDArray[np.float64], name: str, where: Where, *, upper_open: bool
) -> None:
    if values.strides == (0,):  # a constant (a column the file lacks): one value to check
        values = values[:1]
    known = ~np.isnan(values)
    high_bad = values >= 1.0 if upper_open else values > 1.0
    bad = np.flatnonzero(known & ((values < 0.0) | high_bad | np.isinf(values)))
    if bad.size:
        allowed = "[0, 1)" if upper_open else "[0, 1]"
        row = int(bad[0])
        raise where.error(row, f"{name} must be in {allowed}, got {float(values[row])!r}")


def _styles(table: Any, target: npt.NDArray[np.float64], where: Where, n: int) -> Pending:
    """Prompt style: ``""`` for closed rubric, penalty (default) or reward for open."""
    is_open = ~np.isnan(target)
    if "style" in table.column_names:
        encoded = encode(table.column("style"), "style", where)
        words = [w or "" for w in encoded.lower_words()]
        bad = encoded.rows_with([k for k, w in enumerate(words) if w not in _STYLES])
        if bad.size:
            row = int(bad[0])
            raw = show(table.column("style")[row])
            raise where.error(row, f"style must be penalty, reward or empty; got {raw}")
        # closed rubric: no style (0); open rubric: penalty (1) unless reward (2)
        lookup = np.array([max(_STYLES.index(w), 1) for w in words], np.int8)
        codes = np.where(is_open, lookup[encoded.codes], np.int8(0))
    else:
        codes = is_open.view(np.int8)  # 1 (penalty) where open, 0 where closed
    return Pending(_STYLES, codes, np.arange(len(_STYLES)))


def _constant(value: float, dtype: Any, n: int) -> Any:
    """``n`` copies of ``value``, read-only and stored once (a column the file does not have)."""
    return np.broadcast_to(np.array(value, dtype=dtype), (n,))


def _samples(table: Any, where: Where, n: int) -> npt.NDArray[np.int64]:
    if "sample" not in table.column_names:
        out: npt.NDArray[np.int64] = _constant(0, np.int64, n)
        return out
    column = table.column("sample")
    if _plain_int64(column):  # the common case, checked without a float copy
        ints = _int64_values(column)
        if ints.size and (int(ints.min()) < 0 or int(ints.max()) >= SAMPLE_LIMIT):
            bad = np.flatnonzero((ints < 0) | (ints >= SAMPLE_LIMIT))
            row = int(bad[0])
            got = show(column[row])
            raise where.error(row, f"sample must be an integer in [0, 2**53), got {got}")
        return ints
    values = _floats(table, "sample", where, n)
    values = np.where(np.isnan(values), 0.0, values)
    bad = np.flatnonzero(
        (values < 0) | (values >= SAMPLE_LIMIT) | (values != np.floor(values)) | np.isinf(values)
    )
    if bad.size:
        row = int(bad[0])
        raise where.error(
            row,
            f"sample must be an integer in [0, 2**53), got {show(table.column('sample')[row])}",
        )
    return values.astype(np.int64)


def _reasons(table: Any, verdict: npt.NDArray[np.int8], where: Where, n: int) -> Pending:
    graded = verdict != UNGRADED_CODE
    if "ungraded_reason" not in table.column_names:
        if graded.all():
            return constant_pending("", n)
        return Pending(["", DEFAULT_UNGRADED_REASON], (~graded).astype(np.int8), [0, 1])
    encoded = encode(table.column("ungraded_reason"), "ungraded_reason", where)
    values = ["" if v is None else v for v in encoded.values()]
    given = np.array([v != "" for v in values])[encoded.codes]
    bad = np.flatnonzero(graded & given)
    if bad.size:
        row = int(bad[0])
        got = values[int(encoded.codes[row])]
        raise where.error(row, f"a graded record has no ungraded_reason; got {got!r}")
    codes = np.where(graded | given, encoded.codes, len(values))
    return Pending([*values, DEFAULT_UNGRADED_REASON], codes)
