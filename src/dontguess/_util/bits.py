"""Arrow bitmaps (validity and boolean data) to and from numpy, without pandas (private).

Arrow keeps one bit per row, least significant first, starting at the array's ``offset``.
``pa.array`` of numpy booleans and ``to_numpy`` of a boolean array look for pandas (seconds
of a command's start-up), so the tables' readers and writers and the importers' abstention
screen go through these two instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["pack_bits", "unpack_bits"]


def unpack_bits(buffer: Any, offset: int, length: int) -> npt.NDArray[np.bool_]:
    """Bits ``offset`` … ``offset + length`` of an Arrow bitmap buffer as booleans.

    >>> unpack_bits(pack_bits(np.array([True, False, True])), 1, 2).tolist()
    [False, True]
    """
    if length == 0:
        return np.zeros(0, dtype=bool)
    raw = np.frombuffer(buffer, dtype=np.uint8)
    bits = np.unpackbits(raw, count=offset + length, bitorder="little")[offset:]
    out: npt.NDArray[np.bool_] = bits.astype(bool)
    return out


def pack_bits(flags: npt.NDArray[np.bool_]) -> Any:
    """``flags`` as an Arrow bitmap buffer (a validity bitmap or boolean data)."""
    import pyarrow as pa

    return pa.py_buffer(np.packbits(flags, bitorder="little"))
