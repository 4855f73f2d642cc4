"""Arrow arrays of numbers as numpy, read from their buffers (private to :mod:`dontguess.tables`).

No pandas (pyarrow's ``to_numpy`` paths may import it, seconds of start-up), and at most one
copy: a column of one chunk without nulls that has the wanted type already is returned as a
read-only view of Arrow's buffer; any other is copied once into one array (no per-chunk
copies then joined), so a 50 M-record column is not written twice.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess._util.bits import unpack_bits

__all__ = ["numpy_values"]


def numpy_values(column: Any, dtype: Any, fill: Any) -> npt.NDArray[Any]:
    """A (chunked) Arrow array of a fixed-width primitive type as numpy ``dtype``.

    Args:
        column: a pyarrow Array or ChunkedArray (numbers, or dictionary indices), or a list
            of Arrays (the chunks).
        dtype: the numpy type wanted (values are cast to it).
        fill: the value of null rows.

    >>> import pyarrow as pa
    >>> numpy_values(pa.chunked_array([[1, None], [3]]), np.int32, -1).tolist()
    [1, -1, 3]
    >>> view = numpy_values(pa.array([0.5, 1.5]), np.float64, np.nan)
    >>> view.tolist(), view.flags.writeable
    ([0.5, 1.5], False)
    """
    parts = column if isinstance(column, list) else getattr(column, "chunks", [column])
    chunks = [c for c in parts if len(c)]
    dtype = np.dtype(dtype)
    if len(chunks) == 1 and not chunks[0].null_count:
        view = _view(chunks[0])
        if view is not None and view.dtype == dtype:
            return view
    out = np.empty(sum(len(c) for c in chunks), dtype=dtype)
    start = 0
    for chunk in chunks:
        part = out[start : start + len(chunk)]
        view = _view(chunk)
        if view is None:  # no data buffer: every row is null
            part[:] = fill
        else:
            part[:] = view
            if chunk.null_count:
                part[~unpack_bits(chunk.buffers()[0], chunk.offset, len(chunk))] = fill
        start += len(chunk)
    return out


def _view(chunk: Any) -> npt.NDArray[Any] | None:
    """The values of one chunk as a read-only numpy view (None when it has no data buffer)."""
    data = chunk.buffers()[1]
    if data is None:
        return None
    dtype = np.dtype(chunk.type.to_pandas_dtype())
    values: npt.NDArray[Any] = np.frombuffer(data, dtype=dtype, count=chunk.offset + len(chunk))
    values.flags.writeable = False  # Arrow's memory: never written through
    return values[chunk.offset :]
