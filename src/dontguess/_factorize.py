"""Encode columns as small integer codes, fast, without a Python loop per record.

``factorize(col)`` returns the sorted distinct values and, per record, the index of its value,
like ``np.unique(col, return_inverse=True)`` but much faster:

* numbers: the 64-bit patterns are deduplicated with numpy's hash-based ``unique`` and
  mapped to codes through a small open-addressing table (:func:`_codes_of_bits`);
* strings (object arrays): the same is done to the object *pointers* stored in the array
  (numpy's object arrays hold ``PyObject*``; CPython never moves objects), so records that
  share one str object cost one vectorised pass. Distinct objects with equal values are then
  merged by value in a dict over the few distinct objects. When nearly every record holds its
  own object (many distinct pointers), a dict pass over the records is used instead.

Codes follow the sorted order of the values, so they do not depend on record order.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["combine", "factorize", "split_key"]

I64 = npt.NDArray[np.int64]
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing multiplier
_MAX_TABLE_BITS = 22


def _perfect_hash(bits: I64) -> tuple[I64, I64] | None:
    """Distinct values and codes via a collision-free multiplicative hash table, if one fits.

    Fibonacci hashing maps each value to a slot; a scatter then a gather checks that no two
    distinct values share a slot. Only a few passes over ``bits``, reusing two work buffers.
    """
    u = bits.view(np.uint64)
    work = np.empty(bits.size, dtype=np.uint64)
    for table_bits in range(10, _MAX_TABLE_BITS + 1, 4):
        np.multiply(u, _GOLDEN, out=work)
        np.right_shift(work, np.uint64(64 - table_bits), out=work)
        slots = work.view(np.int64)  # < 2**table_bits, so the same numbers
        table = np.zeros(1 << table_bits, dtype=np.int64)
        table[slots] = bits  # one of the values hashed to each slot wins
        if np.array_equal(table[slots], bits):  # so no two distinct values share a slot
            used = np.zeros(1 << table_bits, dtype=bool)
            used[slots] = True
            rank = np.cumsum(used, dtype=np.int64) - 1
            return table[used], rank[slots]
    return None


def _codes_of_bits(bits: I64) -> tuple[I64, I64]:
    """Distinct int64 values (unsorted) and the index of each element's value among them."""
    hashed = _perfect_hash(bits)
    if hashed is not None:
        return hashed
    distinct, codes = np.unique(bits, return_inverse=True)
    return distinct, codes.astype(np.int64)


def _pointers(col: npt.NDArray[np.object_]) -> I64:
    """The PyObject* addresses stored in a contiguous object array, as an int64 view.

    The view aliases ``col``'s buffer: use it only while ``col`` is alive and unchanged.
    """
    buf = (ctypes.c_int64 * len(col)).from_address(col.ctypes.data)
    view: I64 = np.frombuffer(buf, dtype=np.int64)  # type: ignore[call-overload]
    return view


def _factorize_dict(col: npt.NDArray[Any]) -> tuple[list[Any], I64]:
    seen: dict[Any, int] = {}
    codes = np.fromiter((seen.setdefault(v, len(seen)) for v in col), np.int64, len(col))
    return list(seen), codes


def _factorize_object(col: npt.NDArray[np.object_]) -> tuple[list[Any], I64]:
    col = np.ascontiguousarray(col)
    ptrs = _pointers(col)
    hashed = _perfect_hash(ptrs)
    if hashed is None or hashed[0].size > max(1024, len(col) // 8):  # ~ one object per record
        return _factorize_dict(col)
    distinct, ptr_codes = hashed
    # the objects themselves (kept alive by ``col``); equal values held by several objects merge
    objects = np.empty(distinct.size, dtype=object)
    objects[:] = [ctypes.cast(int(p), ctypes.py_object).value for p in distinct]
    values, value_codes = _factorize_dict(objects)
    return values, value_codes[ptr_codes] if len(values) < distinct.size else ptr_codes


def _sorted_codes(found: list[Any], codes: I64) -> tuple[npt.NDArray[Any], I64]:
    order = sorted(range(len(found)), key=lambda i: found[i])
    rank = np.empty(len(found), dtype=np.int64)
    rank[order] = np.arange(len(found))
    uniques = np.empty(len(found), dtype=object)
    uniques[:] = [found[i] for i in order]
    return uniques, rank[codes]


def _factorize_numeric(col: npt.NDArray[Any], sort: bool) -> tuple[npt.NDArray[Any], I64]:
    if col.dtype.kind == "f":
        x = np.add(col, 0.0, dtype=np.float64)  # a copy, with -0.0 -> 0.0
        nan = np.isnan(x)
        if nan.any():
            x[nan] = np.nan  # one NaN bit pattern
        distinct, codes = _codes_of_bits(x.view(np.int64))
        values: npt.NDArray[Any] = distinct.view(np.float64)
    else:
        distinct, codes = _codes_of_bits(col.astype(np.int64))
        values = distinct
    if not sort:
        return values.astype(col.dtype), codes
    order = np.argsort(values)  # nan last
    rank = np.empty(values.size, dtype=np.int64)
    rank[order] = np.arange(values.size)
    return values[order].astype(col.dtype), rank[codes]


def factorize(col: npt.NDArray[Any], *, sort: bool = True) -> tuple[npt.NDArray[Any], I64]:
    """Distinct values of ``col`` (sorted unless ``sort`` is false) and each record's code.

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
    if col.dtype.kind in "biuf":
        return _factorize_numeric(col, sort)
    if col.dtype != object:
        col = col.astype(object)
    found, codes = _factorize_object(col)
    if sort:
        return _sorted_codes(found, codes)
    uniques = np.empty(len(found), dtype=object)
    uniques[:] = found
    return uniques, codes


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
