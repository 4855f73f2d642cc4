"""Dictionary codes of one Arrow column: the distinct values as text, and each row's code.

Private to :mod:`dontguess.tables`. Every check of a text column runs on its few distinct
values; rows are looked at only to name the first bad one. The codes come from pyarrow: a
Parquet dictionary column is used as it is, any other column goes through
:func:`pyarrow.compute.dictionary_encode` (numbers, dates and booleans are encoded first and
only their distinct values turned into text).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess._util.coded import LazyColumn, Pending
from dontguess.errors import InputError
from dontguess.records import GradedTable
from dontguess.tables._buffers import numpy_values
from dontguess.tables._io import Where, string_array
from dontguess.tables._packed import pack, unpack

__all__ = ["CodedTable", "Encoded", "encode", "show", "strings"]

_TEXT = ("item_id", "model", "style", "ungraded_reason", "answer")


class CodedTable(GradedTable):
    """A :class:`GradedTable` read from a file: its text columns are built on first read.

    Each text column is held as its dictionary codes (:class:`Pending`) and becomes a
    read-only :class:`~dontguess._util.coded.CodedArray` the first time it is read, so scoring,
    which works on the codes (:func:`~dontguess._util.coded.stored_codes`), never builds the
    per-record object arrays. ``take`` keeps the columns unbuilt. The columns are read-only,
    so grouping and clustering results are kept (:func:`~dontguess._util.coded.table_memo`).
    """

    item_id = LazyColumn()
    model = LazyColumn()
    style = LazyColumn()
    ungraded_reason = LazyColumn()
    answer = LazyColumn()

    def __post_init__(self) -> None:
        n = len(self.verdict)
        for name in (*_TEXT, "stated_target", "sample", "confidence"):
            attr = getattr(type(self), name, None)
            value = attr.stored(self) if isinstance(attr, LazyColumn) else getattr(self, name)
            if len(value) != n:
                raise ValueError(f"column {name!r} has {len(value)} rows, want {n}")
        for name, col in self.groups.items():
            if len(col) != n:
                raise ValueError(f"group column {name!r} has {len(col)} rows, want {n}")
        for name in ("stated_target", "sample", "verdict", "confidence"):
            getattr(self, name).flags.writeable = False  # so results derived may be kept
        object.__setattr__(self, "_derived", {})  # see dontguess._util.coded.table_memo

    def take(self, index: npt.NDArray[Any]) -> GradedTable:
        """Rows selected by a boolean mask or integer index (text columns stay unbuilt)."""

        def pick(name: str) -> Any:
            value = getattr(type(self), name).stored(self)
            return value.take(index) if isinstance(value, Pending) else value[index]

        return CodedTable(
            **{name: pick(name) for name in _TEXT},
            stated_target=self.stated_target[index],
            sample=self.sample[index],
            verdict=self.verdict[index],
            confidence=self.confidence[index],
            groups={k: v[index] for k, v in self.groups.items()},
        )


@dataclass(frozen=True)
class Encoded:
    """A column as ``dictionary`` (pyarrow strings, k distinct values) and ``codes``.

    ``codes[i]`` is row i's index into the dictionary, ``k`` where the row is null.
    ``distinct``: the dictionary's values are known to differ (pyarrow encoded them); a
    dictionary read from a file as it is may repeat a value.
    """

    dictionary: Any
    codes: npt.NDArray[np.integer[Any]]
    distinct: bool = False

    def values(self) -> list[str | None]:
        """The dictionary as Python text, then ``None`` (the code of null rows)."""
        out: list[str | None] = self.dictionary.to_pylist()
        return [*out, None]

    def lower_words(self) -> list[str | None]:
        """Trimmed, lower-cased :meth:`values` (pyarrow's Unicode rules, on k values only)."""
        import pyarrow.compute as pc

        out: list[str | None] = pc.utf8_lower(pc.utf8_trim_whitespace(self.dictionary)).to_pylist()
        return [*out, None]

    def rows_with(self, which: list[int]) -> npt.NDArray[np.intp]:
        """Rows whose code is one of ``which`` (in row order)."""
        if not which:
            return np.empty(0, dtype=np.intp)
        if len(which) == 1:
            return np.flatnonzero(self.codes == which[0])
        return np.flatnonzero(np.isin(self.codes, which))

    def text(self) -> Pending:
        """The rows as ``str`` (null → ``""``), not built yet (a :class:`Pending` column)."""
        import pyarrow.compute as pc

        values = ["" if v is None else v for v in self.values()]
        order = _indices(pc.array_sort_indices(self.dictionary), missing=-1)
        # the null rows' "" may repeat a value; else an encoded dictionary needs no check
        distinct = self.distinct and "" not in values[:-1]
        order = np.concatenate(([len(values) - 1], order))
        return Pending(values, self.codes, order, distinct=distinct)


def encode(
    column: Any, name: str, where: Where, *, nested_ok: bool = False, as_text: bool = True
) -> Encoded:
    """Dictionary-encode ``column`` as text; a value that cannot be text is an error naming a row.

    Numbers, booleans and dates become their text; binary must be UTF-8; arrays and objects
    become JSON text when ``nested_ok``, else are an error (see :func:`strings`). With
    ``as_text=False`` the dictionary keeps the column's type (numbers stay numbers).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    hashed = not pa.types.is_dictionary(kind)  # else the file's own dictionary
    if not hashed:
        encoded = column
    elif pa.types.is_nested(kind) or pa.types.is_null(kind):
        encoded = pc.dictionary_encode(strings(column, name, where, nested_ok=nested_ok))
    elif (packed := pack(column)) is not None:  # ids of one short width: hashed as integers
        keys, width = packed
        numbers = _shared_codes(_dictionary_encode(keys))
        encoded = Encoded(unpack(numbers.dictionary, width), numbers.codes)
    else:
        try:
            encoded = _dictionary_encode(column)
        except pa.ArrowNotImplementedError:
            encoded = pc.dictionary_encode(strings(column, name, where, nested_ok=nested_ok))
    encoded = _shared_codes(encoded)  # (an Encoded already when encoded in parallel)
    dictionary, codes = encoded.dictionary, encoded.codes
    is_text = pa.types.is_string(dictionary.type) or pa.types.is_large_string(dictionary.type)
    if as_text and not is_text:
        try:
            dictionary = strings(dictionary, name, where, nested_ok=nested_ok)
        except (InputError, pa.ArrowException):
            strings(column, name, where, nested_ok=nested_ok)  # raises, naming the row
            raise
    distinct = hashed and not dictionary.null_count
    if dictionary.null_count:  # a hand-made dictionary holding null: one empty value instead
        dictionary = pc.fill_null(dictionary, "")
    return Encoded(dictionary, codes, distinct=distinct)


#: A column is encoded in parallel pieces of at least this many rows (one per CPU).
PARALLEL_ROWS = 1 << 21


def _threads() -> int:
    import pyarrow as pa

    return int(pa.cpu_count())  # Arrow's own thread count (it reads Parquet with as many)


def _dictionary_encode(column: Any) -> Any:
    """:func:`pyarrow.compute.dictionary_encode`, in pieces on several threads when long.

    Hashing 50 M ids takes seconds on one core; each piece is encoded on its own thread (Arrow
    releases the GIL), then the pieces' dictionaries (distinct values only) are encoded once
    more, which maps each piece's codes onto one dictionary: the same dictionary, in the same
    first-seen order, and the same codes as one pass gives. Returns an :class:`Encoded` then.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(column)
    parts = min(_threads(), n // PARALLEL_ROWS)
    if parts < 2:
        return pc.dictionary_encode(column)
    from concurrent.futures import ThreadPoolExecutor

    spans = list(pairwise(n * k // parts for k in range(parts + 1)))
    with ThreadPoolExecutor(parts) as pool:
        pieces = list(pool.map(pc.dictionary_encode, [column.slice(a, b - a) for a, b in spans]))
    chunks = [list(getattr(p, "chunks", [p])) for p in pieces]
    if not all(c and _one_dictionary(c) for c in chunks):
        return pa.chunked_array([x for c in chunks for x in c]).unify_dictionaries()
    merged = pc.dictionary_encode(pa.chunked_array([c[0].dictionary for c in chunks]))
    dictionary = merged.chunks[0].dictionary if merged.num_chunks else pa.array([], column.type)
    kind = _code_type(len(dictionary))
    shared = numpy_values([m.indices for m in merged.chunks], kind, -1)
    codes = np.empty(n, dtype=kind)
    start = 0
    for (a, b), piece in zip(spans, chunks, strict=True):
        size = len(piece[0].dictionary)
        transpose = np.append(shared[start : start + size], len(dictionary)).astype(kind)
        local = numpy_values([x.indices for x in piece], _code_type(size), size)  # often a view
        np.take(transpose, local, out=codes[a:b])  # null (code size): missing
        start += size
    return Encoded(dictionary, codes)


def _shared_codes(encoded: Any) -> Encoded:
    """The codes of a dictionary (chunked) array over one dictionary (chunks unified)."""
    import pyarrow as pa

    if isinstance(encoded, Encoded):
        return encoded
    if isinstance(encoded, pa.ChunkedArray):
        if not _one_dictionary(encoded.chunks):  # dictionary_encode shares one: no work
            encoded = encoded.unify_dictionaries()  # e.g. one per Parquet row group
        chunks = encoded.chunks
    else:
        chunks = [encoded]
    if not chunks:
        return Encoded(pa.array([], pa.string()), np.empty(0, dtype=np.int32))
    dictionary = chunks[0].dictionary
    size = len(dictionary)
    return Encoded(dictionary, numpy_values([c.indices for c in chunks], _code_type(size), size))


def _one_dictionary(chunks: Any) -> bool:
    """All chunks hold the very same dictionary (same buffers, offset and length)."""

    def identity(dictionary: Any) -> list[int]:
        buffers = [b.address if b is not None else 0 for b in dictionary.buffers()]
        return [*buffers, dictionary.offset, len(dictionary)]

    first = identity(chunks[0].dictionary)
    return all(identity(c.dictionary) == first for c in chunks[1:])


def _code_type(missing: int) -> Any:
    return np.int32 if missing < 2**31 - 1 else np.int64


def _indices(array: Any, *, missing: int) -> npt.NDArray[np.integer[Any]]:
    """Indices as numpy int32 (nulls → ``missing``), read from their buffers."""
    out: npt.NDArray[np.integer[Any]] = numpy_values(array, _code_type(missing), missing)
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
        row = first_valid(column)
        raise where.error(row, f"{name} must be a single value, got {show(column[row])}")
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
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def first_valid(column: Any) -> int:
    """The first row that is not null (0 if none)."""
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


def show(scalar: Any) -> str:
    """A short repr of one value for an error message."""
    value = scalar.as_py()
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
