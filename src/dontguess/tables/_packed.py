"""Short text of one width as 64-bit integers, to hash ids as numbers (private to tables).

Dictionary-encoding 50 M shuffled ids with half a million distinct values is the slowest step
of reading a big graded file: pyarrow hashes each string (about 190 ns a row here) where an
integer takes about 70 ns. Ids are often of one width (``q0001234``, zero-padded numbers,
hashes cut short); text of one width ``w <= 8`` bytes maps one to one onto the integer whose
first ``w`` bytes are the text and the rest zero. So such a column is encoded as those
integers, which gives the very dictionary order and codes that encoding the text gives, and
only the distinct integers are turned back into text. Any other column (mixed widths, nulls,
longer text) returns ``None`` and is encoded as text.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dontguess.tables._buffers import numpy_values

__all__ = ["pack", "unpack"]

#: Widest text (in bytes) that fits one 64-bit integer.
WIDEST = 8


def pack(column: Any) -> tuple[Any, int] | None:
    """``(integers, width)`` of a string column whose values all have one width <= 8 bytes.

    Args:
        column: a pyarrow string or large_string Array or ChunkedArray.

    Returns:
        A pyarrow int64 ChunkedArray (one chunk per chunk of ``column``) and the width, or
        None when the column has nulls, is empty, or holds values of several widths or longer.

    >>> import pyarrow as pa
    >>> keys, width = pack(pa.chunked_array([["ab", "cd"], ["ab"]]))
    >>> width, keys.num_chunks, len(set(keys.to_pylist()))
    (2, 2, 2)
    >>> unpack(keys.chunks[0], width).to_pylist()
    ['ab', 'cd']
    >>> pack(pa.array(["a", "bc"])) is None
    True
    """
    import pyarrow as pa

    chunks = [c for c in getattr(column, "chunks", [column]) if len(c)]
    kind = chunks[0].type if chunks else None
    if kind is None or not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return None
    width = None
    parts = []
    for chunk in chunks:
        got = _chunk_keys(chunk, width)
        if got is None:
            return None
        keys, width = got
        # from buffers: pa.array on numpy looks for pandas (seconds of start-up)
        parts.append(pa.Array.from_buffers(pa.int64(), len(keys), [None, pa.py_buffer(keys)]))
    assert width is not None
    return pa.chunked_array(parts, pa.int64()), width


def _chunk_keys(chunk: Any, width: int | None) -> tuple[np.ndarray[Any, Any], int] | None:
    """One chunk's values as int64 keys, if all are ``width`` bytes (any one width if None)."""
    import pyarrow as pa

    if chunk.null_count:
        return None
    large = pa.types.is_large_string(chunk.type)
    buffers = chunk.buffers()
    offsets = np.frombuffer(
        buffers[1], dtype=np.int64 if large else np.int32, count=chunk.offset + len(chunk) + 1
    )[chunk.offset :]
    first, n = int(offsets[0]), len(chunk)
    size = int(offsets[-1]) - first
    if size % n:
        return None
    w = size // n
    if w > WIDEST or w == 0 or (width is not None and w != width):
        return None
    if not bool((np.diff(offsets) == w).all()):
        return None
    if w == WIDEST:  # the text is the integers (copied only when not 8-byte aligned)
        keys = np.frombuffer(buffers[2], dtype=np.int64, count=n, offset=first)
        return (keys if keys.flags.aligned else keys.copy()), w
    data = np.frombuffer(buffers[2], dtype=np.uint8, count=size, offset=first).reshape(n, w)
    out = np.zeros((n, WIDEST), dtype=np.uint8)
    out[:, :w] = data
    return out.view(np.int64).reshape(n), w


def unpack(dictionary: Any, width: int) -> Any:
    """The int64 ``dictionary`` from :func:`pack` as the pyarrow strings it stands for."""
    import pyarrow as pa

    keys = np.ascontiguousarray(numpy_values(dictionary, np.int64, 0))
    k = len(keys)
    text = keys.view(np.uint8).reshape(k, WIDEST)[:, :width].tobytes()
    offsets = (np.arange(k + 1, dtype=np.int64) * width).astype(np.int32)
    return pa.StringArray.from_buffers(k, pa.py_buffer(offsets.tobytes()), pa.py_buffer(text))
