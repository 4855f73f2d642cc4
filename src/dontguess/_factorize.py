"""Encode columns as small integer codes, fast, without a Python loop per record.

:func:`column_coder` finds a column's distinct values with a collision-free multiplicative hash
table over 64-bit patterns, and then gives any record range's codes by one hash and one lookup:

* numbers: the bit patterns of the values (-0.0 folded into 0.0, every nan into one nan);
* strings (object arrays): the object *pointers* stored in the array (numpy's object arrays
  hold ``PyObject*``; CPython never moves an object while the array holds it), so records that
  share one str object never compare strings. Distinct objects with equal values are merged by
  value in a dict over the few distinct objects. When nearly every record holds its own object,
  a dict pass over the records is used instead.

Work runs over chunks of :data:`CHUNK` records, so temporaries stay in cache.
:func:`factorize` is the ``np.unique(col, return_inverse=True)`` equivalent built on it.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

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


def _pointers(col: npt.NDArray[np.object_]) -> I64:
    """The PyObject* addresses stored in a contiguous object array, as an int64 view.

    The view aliases ``col``'s buffer: use it only while ``col`` is alive and unchanged.
    """
    buf = (ctypes.c_int64 * len(col)).from_address(col.ctypes.data)
    view: I64 = np.frombuffer(buf, dtype=np.int64)  # type: ignore[call-overload]
    return view


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


def _factorize_dict(col: npt.NDArray[Any]) -> tuple[list[Any], I64]:
    seen: dict[Any, int] = {}
    codes = np.fromiter((seen.setdefault(v, len(seen)) for v in col), np.int64, len(col))
    return list(seen), codes


@dataclass(frozen=True)
class Coder:
    """Codes of one column: ``uniques`` (unsorted) and, per record range, each record's code."""

    uniques: npt.NDArray[Any]
    _bits: Callable[[int, int], I64] | None = None
    _shift: np.uint64 = _NO_SHIFT
    _rank: I64 | None = None  # hash slot -> code
    _codes: I64 | None = None  # all codes, when no hash table was used
    _keep: Any = None  # keeps the column (whose pointers _bits reads) alive

    def codes(self, lo: int, hi: int) -> I64:
        """Codes of records ``lo:hi``."""
        if self._codes is not None:
            return self._codes[lo:hi]
        assert self._bits is not None and self._rank is not None
        return self._rank[_slots(self._bits(lo, hi), self._shift)]


def _object_coder(col: npt.NDArray[np.object_]) -> Coder:
    col = np.ascontiguousarray(col)
    ptrs = _pointers(col)

    def bits(lo: int, hi: int) -> I64:
        return ptrs[lo:hi]

    built = _perfect_hash(bits, len(col))
    if built is None or int(built[1].sum()) > max(1024, len(col) // 8):  # ~one object per record
        found, codes = _factorize_dict(col)
        return Coder(_as_objects(found), _codes=codes)
    table, used, shift = built
    # the distinct objects (alive in ``col``); equal values held by several objects merge here
    objects = _as_objects([ctypes.cast(int(p), ctypes.py_object).value for p in table[used]])
    values, value_codes = _factorize_dict(objects)
    rank = value_codes[np.maximum(np.cumsum(used) - 1, 0)]
    return Coder(_as_objects(values), bits, shift, rank, _keep=col)


def _numeric_coder(col: npt.NDArray[Any]) -> Coder:
    whole = _float_bits(col) if col.dtype.kind == "f" else col.astype(np.int64)

    def bits(lo: int, hi: int) -> I64:
        return whole[lo:hi]

    built = _perfect_hash(bits, len(col))
    if built is None:
        distinct, codes = np.unique(bits(0, len(col)), return_inverse=True)
        values = distinct.view(np.float64) if col.dtype.kind == "f" else distinct
        return Coder(values.astype(col.dtype), _codes=codes.astype(np.int64))
    table, used, shift = built
    values = table[used].view(np.float64) if col.dtype.kind == "f" else table[used]
    rank = np.maximum(np.cumsum(used, dtype=np.int64) - 1, 0)
    return Coder(values.astype(col.dtype), bits, shift, rank, _keep=col)


def _as_objects(values: Sequence[Any]) -> npt.NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def column_coder(col: npt.NDArray[Any]) -> Coder:
    """A :class:`Coder` for ``col``: numbers by their bit patterns, objects by their pointers.

    Records sharing one Python object cost a hash, not a comparison of values; distinct objects
    with equal values are merged by value. When nearly every record holds its own object, a
    dict pass over the records is used instead.
    """
    col = np.asarray(col)
    if len(col) == 0:
        return Coder(col[:0], _codes=np.empty(0, dtype=np.int64))
    if col.dtype.kind in "biuf":
        return _numeric_coder(col)
    return _object_coder(col if col.dtype == object else col.astype(object))


def factorize(col: npt.NDArray[Any], *, sort: bool = True) -> tuple[npt.NDArray[Any], I64]:
    """Distinct values of ``col`` (sorted unless ``sort`` is false) and each record's code.

    Like ``np.unique(col, return_inverse=True)`` but without sorting the records.

    >>> import numpy as np
    >>> u, c = factorize(np.array(["b", "a", "b"], dtype=object))
    >>> list(u), c.tolist()
    (['a', 'b'], [1, 0, 1])
    >>> u, c = factorize(np.array([0.5, np.nan, 0.5, 0.0]))
    >>> u.tolist()[:2], c.tolist()
    ([0.0, 0.5], [1, 2, 1, 0])
    """
    col = np.asarray(col)
    if len(col) == 0:
        return col[:0], np.empty(0, dtype=np.int64)
    coder = column_coder(col)
    codes = coder._codes if coder._codes is not None else coder.codes(0, len(col))
    if not sort:
        return coder.uniques, codes
    if coder.uniques.dtype == object:
        order = np.array(sorted(range(coder.uniques.size), key=lambda i: coder.uniques[i]))
    else:
        order = np.argsort(coder.uniques)  # nan last
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    return coder.uniques[order], rank[codes]


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
