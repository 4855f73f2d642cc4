"""Encode columns as small integer codes, fast, without a Python loop per record.

``factorize(col)`` returns the sorted distinct values and, per record, the index of its value,
like ``np.unique(col, return_inverse=True)`` but much faster on object (string) columns with few
distinct values: one vectorised ``==`` pass per distinct value instead of an O(n log n) sort of
Python objects. Columns with many distinct values (item ids) fall back to one dict pass.
Codes follow the sorted order of the values, so they do not depend on record order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["combine", "factorize", "split_key"]

_MAX_PASSES = 16  # distinct values found by == passes before switching to a dict


def _factorize_numeric(col: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]]:
    uniques = np.sort(np.unique(col, sorted=False))  # hash based; nan sorts last
    codes = np.searchsorted(uniques, col).astype(np.int64, copy=False)
    return uniques, codes


def _factorize_dict(col: npt.NDArray[Any]) -> tuple[list[Any], npt.NDArray[np.int64]]:
    seen: dict[Any, int] = {}
    codes = np.fromiter((seen.setdefault(v, len(seen)) for v in col), np.int64, len(col))
    return list(seen), codes


def _factorize_object(col: npt.NDArray[Any]) -> tuple[list[Any], npt.NDArray[np.int64]]:
    n = len(col)
    codes = np.full(n, -1, dtype=np.int64)
    values: list[Any] = []
    unassigned = np.ones(n, dtype=bool)
    while len(values) < _MAX_PASSES:
        start = int(np.argmax(unassigned))
        if not unassigned[start]:
            return values, codes
        value = col[start]
        hit = col == value
        codes[hit] = len(values)
        unassigned[hit] = False
        values.append(value)
    left = np.flatnonzero(unassigned)
    if left.size == 0:
        return values, codes
    more, more_codes = _factorize_dict(col[left])
    index = {v: i for i, v in enumerate(values)}
    remap = np.array([index.setdefault(v, len(index)) for v in more], dtype=np.int64)
    values = list(index)
    codes[left] = remap[more_codes]
    return values, codes


def factorize(col: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]]:
    """Sorted distinct values of ``col`` and the code (index into them) of each record.

    >>> import numpy as np
    >>> u, c = factorize(np.array(["b", "a", "b"], dtype=object))
    >>> list(u), c.tolist()
    (['a', 'b'], [1, 0, 1])
    """
    col = np.asarray(col)
    if col.dtype != object:
        return _factorize_numeric(col)
    if len(col) == 0:
        return np.empty(0, dtype=object), np.empty(0, dtype=np.int64)
    found, codes = _factorize_object(col)
    order = sorted(range(len(found)), key=lambda i: found[i])
    rank = np.empty(len(found), dtype=np.int64)
    rank[order] = np.arange(len(found))
    uniques = np.empty(len(found), dtype=object)
    uniques[:] = [found[i] for i in order]
    return uniques, rank[codes]


def combine(
    codes: Sequence[npt.NDArray[np.int64]], sizes: Sequence[int], n: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Combine per-column codes into one code per distinct combination present.

    Returns ``(keys, inverse)``: the mixed-radix key of each distinct combination (sorted, so
    lexicographic in the columns) and the index of each record's combination in ``keys``.
    """
    key = np.zeros(n, dtype=np.int64)
    radix = 1
    for c, size in zip(codes, sizes, strict=True):
        key = key * max(size, 1) + c
        radix *= max(size, 1)
    if radix <= max(4 * n, 1 << 16):
        present = np.flatnonzero(np.bincount(key, minlength=radix))
        lookup = np.zeros(radix, dtype=np.int64)
        lookup[present] = np.arange(present.size)
        return present.astype(np.int64), lookup[key]
    keys, inverse = np.unique(key, return_inverse=True)
    return keys.astype(np.int64), inverse.astype(np.int64)


def split_key(key: npt.NDArray[np.int64], sizes: Sequence[int]) -> list[npt.NDArray[np.int64]]:
    """Invert :func:`combine`'s mixed-radix key into per-column codes."""
    out: list[npt.NDArray[np.int64]] = []
    rest = key.copy()
    for size in reversed(sizes):
        out.append(rest % max(size, 1))
        rest = rest // max(size, 1)
    return out[::-1]
