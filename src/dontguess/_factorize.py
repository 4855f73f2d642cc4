"""Encode columns as small integer codes, fast, without a Python loop per record.

Text columns read from a file keep the dictionary codes pyarrow computed while reading
(:func:`pyarrow.compute.dictionary_encode`, or the Parquet dictionary pages themselves): a
:class:`CodedArray` is an object array of ``str`` that also carries its distinct values and
each record's code, and every selection of it (``col[mask]``, ``col[index]``, slices) carries
the matching codes. Encoding such a column costs nothing; encoding any other object array
costs one dict look-up per record.

Numbers are encoded by their 64-bit patterns (-0.0 folded into 0.0, every nan into one nan)
with a collision-free multiplicative hash table, chunk by chunk (:data:`CHUNK` records), so
temporaries stay in cache. :func:`factorize` is the ``np.unique(col, return_inverse=True)``
equivalent built on these.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "CHUNK",
    "CodedArray",
    "Coder",
    "coded",
    "coded_constant",
    "codes_of",
    "column_coder",
    "combine",
    "equals",
    "factorize",
    "split_key",
]

I64 = npt.NDArray[np.int64]
CHUNK = 1 << 16  # records per chunk: work arrays stay in cache
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing multiplier
_TABLE_BITS = (6, 10, 14, 18, 22)
_NO_SHIFT = np.uint64(0)


class CodedArray(np.ndarray):  # type: ignore[type-arg]
    """A read-only object array of ``str`` that knows its dictionary codes.

    ``self[i] == dictionary[codes[i]]`` for every record; the dictionary holds distinct values
    (possibly some no record uses) and ``order`` lists its indices in sorted value order.
    Indexing keeps the codes; any other operation (ufuncs, copies) gives plain arrays. The
    array is read-only so that its codes cannot go stale: copy it to change values.
    """

    _dictionary: npt.NDArray[np.object_] | None
    _codes: npt.NDArray[np.integer[Any]] | None
    _order: npt.NDArray[np.int64] | None

    def __array_finalize__(self, obj: Any) -> None:
        self._dictionary = self._codes = self._order = None

    def __getitem__(self, index: Any) -> Any:
        if self._codes is not None and self._dictionary is not None and self.strides == (0,):
            codes = self._codes[index]  # a constant column stays one stored value
            if np.ndim(codes) == 1:
                return coded_constant(self._dictionary[0], len(codes))
        out = super().__getitem__(index)
        if isinstance(out, CodedArray) and self._codes is not None:
            out._dictionary, out._order = self._dictionary, self._order
            out._codes = self._codes[index]
            out.flags.writeable = False
        return out

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        plain = tuple(x.view(np.ndarray) if isinstance(x, CodedArray) else x for x in inputs)
        return getattr(ufunc, method)(*plain, **kwargs)

    def __reduce__(self) -> Any:  # pickles as a plain object array
        return self.view(np.ndarray).__reduce__()

    def __repr__(self) -> str:
        return repr(self.view(np.ndarray))


def coded(
    values: Sequence[Any], codes: npt.NDArray[np.integer[Any]], order: Any = None
) -> CodedArray:
    """The object array ``values[codes]`` as a :class:`CodedArray`.

    Args:
        values: the dictionary; equal values are merged here (e.g. after lower-casing).
        codes: each record's index into ``values``.
        order: indices of ``values`` in sorted order, if already known (else sorted here).

    >>> col = coded(["b", "a", "b"], np.array([0, 1, 2, 1]))
    >>> col.tolist(), codes_of(col[1:])[1].tolist()
    (['b', 'a', 'b', 'a'], [1, 0, 1])
    """
    dictionary = _as_objects(values)
    first: dict[Any, int] = {}
    remap = np.fromiter((first.setdefault(v, k) for k, v in enumerate(values)), np.int64)
    if len(first) < len(values):  # duplicates: point every copy at its first occurrence
        codes, order = remap[codes], None
    out: CodedArray = dictionary[codes].view(CodedArray)
    out._dictionary, out._codes = dictionary, codes
    if order is None:
        order = np.array(sorted(range(len(values)), key=values.__getitem__), dtype=np.int64)
    out._order = np.asarray(order, dtype=np.int64)
    out.flags.writeable = False
    return out


def coded_constant(value: str, n: int) -> CodedArray:
    """``n`` copies of ``value`` as a :class:`CodedArray` that stores one (zero strides).

    >>> coded_constant("", 3).tolist()
    ['', '', '']
    """
    one = _as_objects([value])
    out = np.lib.stride_tricks.as_strided(one, shape=(n,), strides=(0,)).view(CodedArray)
    out._dictionary, out._order = one, np.zeros(1, dtype=np.int64)
    out._codes = np.broadcast_to(np.zeros(1, dtype=np.int8), (n,))
    out.flags.writeable = False
    return out


def codes_of(col: Any) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.integer[Any]]] | None:
    """``(dictionary, codes)`` of a :class:`CodedArray`, or None for any other array."""
    if isinstance(col, CodedArray) and col._codes is not None and col._dictionary is not None:
        return col._dictionary, col._codes
    return None


def equals(col: npt.NDArray[Any], value: Any) -> npt.NDArray[np.bool_]:
    """``col == value`` per record, through the codes when ``col`` carries them."""
    known = codes_of(col)
    if known is None:
        return np.asarray(col == value, dtype=bool)
    dictionary, codes = known
    hits = [k for k, v in enumerate(dictionary) if v == value]
    if not hits:
        return np.zeros(len(codes), dtype=bool)
    return np.isin(codes, hits) if len(hits) > 1 else np.asarray(codes == hits[0])


def _slots(bits: I64, shift: np.uint64) -> I64:
    """Fibonacci hash of 64-bit patterns to ``64 - shift`` bits."""
    hashed: I64 = ((bits.view(np.uint64) * _GOLDEN) >> shift).view(np.int64)
    return hashed


def _float_bits(x: npt.NDArray[Any]) -> I64:
    """Bit patterns of floats with -0.0 folded into 0.0 and every nan into one nan."""
    y = np.add(x, 0.0, dtype=np.float64)
    np.copyto(y, np.nan, where=np.isnan(y))
    out: I64 = y.view(np.int64)
    return out


def _perfect_hash(
    bits: Callable[[int, int], I64], n: int
) -> tuple[I64, npt.NDArray[np.bool_], np.uint64] | None:
    """A collision-free hash table of the distinct values of ``bits`` (read chunk by chunk).

    Every value is scattered to its slot; a second sweep gathers the slots back and checks that
    each record finds its own value, i.e. no two distinct values share a slot. Tables grow
    until that holds; None when even the largest one collides.
    """
    for table_bits in _TABLE_BITS:
        shift = np.uint64(64 - table_bits)
        table = np.zeros(1 << table_bits, dtype=np.int64)
        used = np.zeros(1 << table_bits, dtype=bool)
        for lo in range(0, n, CHUNK):
            b = bits(lo, min(n, lo + CHUNK))
            slots = _slots(b, shift)
            table[slots] = b  # one of the values hashed to each slot wins
            used[slots] = True
        if 4 * int(used.sum()) > used.size and table_bits != _TABLE_BITS[-1]:
            continue  # crowded: a collision is likely, try a larger table
        if all(
            np.array_equal(table[_slots(b, shift)], b)
            for b in (bits(lo, min(n, lo + CHUNK)) for lo in range(0, n, CHUNK))
        ):
            return table, used, shift
    return None


@dataclass(frozen=True)
class Coder:
    """Codes of one column: ``uniques`` (unsorted) and, per record range, each record's code.

    ``uniques`` may hold values no record uses (a :class:`CodedArray`'s whole dictionary).
    """

    uniques: npt.NDArray[Any]
    _bits: Callable[[int, int], I64] | None = None
    _shift: np.uint64 = _NO_SHIFT
    _rank: I64 | None = None  # hash slot -> code
    _codes: npt.NDArray[np.integer[Any]] | None = None  # all codes, when no hash table is used

    def codes(self, lo: int, hi: int) -> I64:
        """Codes of records ``lo:hi``."""
        if self._codes is not None:
            return self._codes[lo:hi].astype(np.int64, copy=False)
        assert self._bits is not None and self._rank is not None
        return self._rank[_slots(self._bits(lo, hi), self._shift)]


def _object_coder(col: npt.NDArray[Any]) -> Coder:
    known = codes_of(col)
    if known is not None:
        return Coder(known[0], _codes=known[1])
    seen: dict[Any, int] = {}
    codes = np.fromiter((seen.setdefault(v, len(seen)) for v in col), np.int64, len(col))
    return Coder(_as_objects(list(seen)), _codes=codes)


def _numeric_coder(col: npt.NDArray[Any]) -> Coder:
    floats = col.dtype.kind == "f"

    def bits(lo: int, hi: int) -> I64:  # computed per chunk: no full-length copy
        return _float_bits(col[lo:hi]) if floats else col[lo:hi].astype(np.int64)

    built = _perfect_hash(bits, len(col))
    if built is None:
        distinct, codes = np.unique(bits(0, len(col)), return_inverse=True)
        values = distinct.view(np.float64) if col.dtype.kind == "f" else distinct
        return Coder(values.astype(col.dtype), _codes=codes.astype(np.int64))
    table, used, shift = built
    values = table[used].view(np.float64) if col.dtype.kind == "f" else table[used]
    rank = np.maximum(np.cumsum(used, dtype=np.int64) - 1, 0)
    return Coder(values.astype(col.dtype), bits, shift, rank)


def _as_objects(values: Sequence[Any]) -> npt.NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def column_coder(col: npt.NDArray[Any]) -> Coder:
    """A :class:`Coder` for ``col``: numbers by their bit patterns, text by its codes.

    A :class:`CodedArray` hands over the codes it carries; any other object array is
    encoded by one dict pass over its records.
    """
    if len(col) == 0:
        return Coder(np.asarray(col)[:0], _codes=np.empty(0, dtype=np.int64))
    if isinstance(col, CodedArray) or np.asarray(col).dtype == object:
        return _object_coder(col)
    col = np.asarray(col)
    if col.dtype.kind in "biuf":
        return _numeric_coder(col)
    return _object_coder(col.astype(object))


def factorize(col: npt.NDArray[Any], *, sort: bool = True) -> tuple[npt.NDArray[Any], I64]:
    """Distinct values of ``col`` (sorted unless ``sort`` is false) and each record's code.

    Like ``np.unique(col, return_inverse=True)`` but without sorting the records; only the
    values some record holds are returned.

    >>> import numpy as np
    >>> u, c = factorize(np.array(["b", "a", "b"], dtype=object))
    >>> list(u), c.tolist()
    (['a', 'b'], [1, 0, 1])
    >>> u, c = factorize(np.array([0.5, np.nan, 0.5, 0.0]))
    >>> u.tolist()[:2], c.tolist()
    ([0.0, 0.5], [1, 2, 1, 0])
    """
    if len(col) == 0:
        return np.asarray(col)[:0], np.empty(0, dtype=np.int64)
    coder = column_coder(col)
    codes = coder.codes(0, len(col))
    size = len(coder.uniques)
    used = np.bincount(codes, minlength=size) > 0
    if sort:
        order = _sorted_order(col, coder.uniques)
        order = order[used[order]]
    else:
        order = np.flatnonzero(used)
    rank = np.zeros(size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    return coder.uniques[order], rank[codes]


def _sorted_order(col: Any, uniques: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """Indices of ``uniques`` in sorted order (nan last), from the column's dictionary if known."""
    if isinstance(col, CodedArray) and col._order is not None and codes_of(col) is not None:
        return col._order
    if uniques.dtype == object:
        return np.array(sorted(range(uniques.size), key=uniques.__getitem__), dtype=np.int64)
    return np.argsort(uniques, kind="stable").astype(np.int64)


def combine(codes: Sequence[I64], sizes: Sequence[int], n: int) -> tuple[I64, int]:
    """Mixed-radix key of each record over several code columns, and the radix (key range)."""
    key = np.zeros(n, dtype=np.int64) if not codes else codes[0].astype(np.int64, copy=True)
    radix = max(sizes[0], 1) if codes else 1
    for c, size in zip(codes[1:], sizes[1:], strict=True):
        key *= max(size, 1)
        key += c
        radix *= max(size, 1)
    return key, radix


def split_key(key: I64, sizes: Sequence[int]) -> list[I64]:
    """Invert :func:`combine`: per-column codes of mixed-radix keys."""
    out: list[I64] = []
    rest = key.copy()
    for size in reversed(sizes):
        out.append(rest % max(size, 1))
        rest = rest // max(size, 1)
    return out[::-1]
