"""Codes of a number column that takes a few values, without hashing it (private to tables).

A stated-target column holds a handful of distinct numbers (0.5, 0.75, 0.9, nan for the
closed rubric) over millions of records; hashing each double (pyarrow's
``dictionary_encode``) costs more than reading it. When a prefix of the column shows at most
:data:`FEW` distinct bit patterns, a multiplier is found that sends each of them to its own
slot of a small table (multiplicative hashing: slot = ``bits * m >> (64 - b)``), and every
record is looked up there chunk by chunk and checked against the pattern it landed on. A
record that is not one of them (a new value further down) makes :func:`few_values` return
None, and the caller hashes the column. So the codes are exact either way.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["few_values"]

#: Most distinct values looked up in a table (codes fit int8).
FEW = 64
#: Records read to find the candidates, and records per chunk of the lookup.
PREFIX = CHUNK = 1 << 18
U64 = npt.NDArray[np.uint64]


def few_values(
    values: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int8]] | None:
    """``(uniques, codes)`` with ``uniques[codes]`` equal to ``values`` bit for bit, or None.

    ``uniques`` are distinct bit patterns in increasing order of their bits (so -0.0 and 0.0,
    or two nan payloads, are two values); None when the first :data:`PREFIX` records hold
    more than :data:`FEW` patterns or a later record holds another one.

    >>> uniques, codes = few_values(np.array([0.5, np.nan, 0.9, 0.5]))
    >>> uniques.tolist(), codes.tolist()
    ([0.5, 0.9, nan], [0, 2, 1, 0])
    >>> few_values(np.arange(100.0)) is None
    True
    """
    bits = np.ascontiguousarray(values).view(np.uint64)
    patterns = np.unique(bits[:PREFIX])
    if len(patterns) > FEW:
        return None
    n = len(values)
    codes = np.empty(n, dtype=np.int8)
    if len(patterns):
        slots = _slots(patterns)
        if slots is None:
            return None
        multiplier, shift, table = slots
        for lo in range(0, n, CHUNK):
            part = bits[lo : lo + CHUNK]
            found = table[(part * multiplier) >> shift]
            if not np.array_equal(patterns[found], part):
                return None
            codes[lo : lo + CHUNK] = found
    return patterns.view(np.float64), codes


def _slots(patterns: U64) -> tuple[np.uint64, np.uint64, npt.NDArray[np.int8]] | None:
    """A multiplier and shift that give each pattern its own slot, and the slot -> code table
    (None if 64 tries at each table size up to 2**16 slots all collide: then hash)."""
    rng = np.random.default_rng(0)
    for width in range(max(int(len(patterns) - 1).bit_length() + 1, 1), 17):
        for _ in range(64):
            multiplier = rng.integers(1, 2**63, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
            shift = np.uint64(64 - width)
            slot = (patterns * multiplier) >> shift
            if len(np.unique(slot)) == len(patterns):
                table = np.zeros(1 << width, dtype=np.int8)
                table[slot] = np.arange(len(patterns), dtype=np.int8)
                return multiplier, shift, table
    return None
