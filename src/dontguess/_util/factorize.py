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

from dontguess._util.coded import CodedArray, as_objects, codes_of

__all__ = ["CHUNK", "Coder", "column_coder", "combine", "factorize", "split_key"]

I64 = npt.NDArray[np.int64]
CHUNK = 1 << 16  # records per chunk: work arrays stay in cache
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing multiplier
_TABLE_BITS = (6, 10, 14, 18, 22)
_NO_SHIFT = np.uint64(0)


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
    return Coder(as_objects(list(seen)), _codes=codes)


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


def column_coder(col: npt.NDArray[Any]) -> Coder:
    """A :class:`Coder` for ``col``: numbers by their bit patterns, text by its codes.

    A :class:`CodedArray` hands over the codes it carries; any other object array is
    encoded by one dict pass over its records.
    """
    if len(col) == 0:
        return Coder(np.asarray(col)[:0], _codes=np.empty(0, dtype=np.int64))
    known = codes_of(col)  # text, or stated targets, read from a file
    if known is not None:
        return Coder(known[0], _codes=known[1])
    col = np.asarray(col)  # a CodedArray that lost its codes (a copy) is a plain array
    if col.dtype == object:
        return _object_coder(col)
    if col.dtype.kind in "biuf":
        if col.strides == (0,):  # one value stored once (a column the file did not have)
            return Coder(col[:1], _codes=np.broadcast_to(np.zeros(1, dtype=np.int64), col.shape))
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
