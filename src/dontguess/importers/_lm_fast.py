"""The fast reading of an lm-eval samples file: a typed decoder that builds only what is used.

:func:`read_columns` handles the common file, where every line has the first line's shape:
the same ``metrics`` list, each metric a number, ``doc_id`` a whole number or text, and
``resps`` of the first line's kind. The file is decoded by a ``msgspec`` decoder typed to
the few fields the records need (``doc_id``, ``filter``, ``metrics``, the metric values,
``resps``; ``filtered_resps`` for log-likelihood tasks). The bulky fields (``doc``,
``arguments`` with its few-shot prompt, the hashes) are checked as JSON at C speed but never
built: about 0.3 s for 387 MB, where ``json.loads`` of every line takes about 1.1 s and
Arrow's JSON reader (this module's former engine) 0.9 s on two threads.

It accepts exactly the files the line reader of :mod:`dontguess.importers.lm_eval`
accepts, and gives the same records (tests check both):

- the file is UTF-8 (checked once, by Arrow's validator);
- every line is one JSON object: the file is decoded as one stream only when each line
  starts with ``{`` and ends with ``}`` and there are as many objects as lines (then no
  line holds two values and no value spans lines); otherwise each line is decoded alone;
- no line is longer than 256 MiB, and a line with more than 200 opening brackets is
  checked for nesting as the line reader checks it;
- anything else (another shape, a missing field, a ``null`` or a letter as a metric value,
  ``NaN``, Python ``repr`` text, a byte-order mark) makes :func:`read_columns` return
  None, and the line reader reads the file, naming the line at fault.

:mod:`dontguess.importers._lm_table` turns the columns into records.
"""

from __future__ import annotations

import ast
import json
import mmap
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from dontguess.importers._common import MAX_JSON_DEPTH, depth_ok

__all__ = ["LINE_LIMIT", "LOGLIKELIHOOD", "Columns", "choice", "generation", "read_columns"]

LINE_LIMIT = 256 << 20  # the line reader refuses longer lines
LOGLIKELIHOOD = frozenset(["multiple_choice", "loglikelihood", "loglikelihood_rolling"])
_REPR_LIMIT = 64 << 20
_HEAD = 1 << 20
_PIECE = 1 << 20  # bytes scanned at a time for newlines and opening brackets
_BLOCK = 4096  # brackets are counted per block of this many bytes (divides _PIECE)
_FIELDS = frozenset(["doc_id", "metrics", "filter", "resps", "filtered_resps"])


@dataclass(frozen=True)
class Columns:
    """The fields of every line that the records use (one entry per non-blank line)."""

    metrics: list[str]
    doc_ids: list[int | str]
    filters: list[str]
    values: npt.NDArray[np.float64]  # (n, k): metric j of line i
    texts: list[str | None] | None  # resps[0][0] when text; None: not read (log-likelihood task)
    filtered: list[Any] | None  # filtered_resps; None: not read (generated task)


def unrepr(value: Any) -> Any:
    """Values some writers store as Python ``repr`` text, parsed back when possible."""
    if isinstance(value, str) and value[:1] in "[{(" and len(value) <= _REPR_LIMIT:
        try:
            return ast.literal_eval(value)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return value
    return value


def generation(resps: Any) -> str | None:
    """The first generated text of ``resps`` (``[[text, ...], ...]``), None if not generated.

    >>> generation([["Paris"]]), generation([[["-1.5", "False"]]]), generation("[['x']]")
    ('Paris', None, 'x')
    """
    resps = unrepr(resps)
    first = resps[0] if isinstance(resps, list | tuple) and resps else None
    if isinstance(first, list | tuple) and first:
        first = first[0]
    return first if isinstance(first, str) else None


def choice(filtered: Any) -> str:
    """``choice k`` for the option with the highest log-likelihood, or ``""``.

    >>> choice([["-1.5", "False"], ["-0.5", "True"]]), choice([]), choice([["x"]])
    ('choice 1', '', '')
    """
    filtered = unrepr(filtered)
    scores = []
    for option in filtered if isinstance(filtered, list | tuple) else ():
        value = option[0] if isinstance(option, list | tuple) and option else option
        try:
            scores.append(float(value))
        except (TypeError, ValueError):
            return ""
    if not scores:
        return ""
    return f"choice {max(range(len(scores)), key=scores.__getitem__)}"


def _first_line(path: Path) -> dict[str, Any] | None:
    with path.open("rb") as fh:
        raw = fh.readline(_HEAD)
    try:
        obj = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return obj if isinstance(obj, dict) else None


def _text_lists(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(v, list) and all(isinstance(s, str) for s in v) for v in value
    )


def _decoder(first: dict[str, Any], output_type: str) -> tuple[Any, list[str], bool] | None:
    """A decoder of the needed fields, typed from the first line (None: not the common shape).

    Returns the decoder, the metric names and whether ``resps`` is typed as lists of text
    (else it is any JSON, read as the line reader does). The metrics become fields ``m0``,
    ``m1``, … renamed to their keys in the file.
    """
    # msgspec (a core dependency for this): a decoder typed to a few fields skips the rest
    # of each line at C speed, validating it without building it (docs/import.md "Speed")
    import msgspec

    metrics = first.get("metrics")
    if not isinstance(metrics, list) or not metrics or len(set(map(str, metrics))) != len(metrics):
        return None
    for m in metrics:
        value = first.get(m) if isinstance(m, str) and m not in _FIELDS else None
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
    named: Any = tuple.__class_getitem__(tuple(Literal[m] for m in metrics))  # others fail
    fields: list[Any] = [("doc_id", int | str), ("metrics", named)]
    fields += [(f"m{j}", float) for j in range(len(metrics))]
    typed = _text_lists(first.get("resps"))
    if output_type not in LOGLIKELIHOOD:  # generated, or unknown: the responses say which
        fields.append(("resps", (list[list[str]] if typed else Any) | None, None))
    if output_type in LOGLIKELIHOOD or not output_type:
        fields.append(("filtered_resps", Any, None))
    fields.append(("filter", str, "none"))
    rename = {f"m{j}": m for j, m in enumerate(metrics)}
    row = msgspec.defstruct("LmEvalLine", fields, rename=rename, gc=False)
    return msgspec.json.Decoder(row), list(metrics), typed


def _map(fileno: int) -> mmap.mmap:
    """The file mapped read-only; on Linux its pages are read in at once (fewer faults)."""
    populate = getattr(mmap, "MAP_POPULATE", 0)
    if populate:
        return mmap.mmap(fileno, 0, flags=mmap.MAP_SHARED | populate, prot=mmap.PROT_READ)
    return mmap.mmap(fileno, 0, access=mmap.ACCESS_READ)


def _utf8(buf: Any) -> bool:
    """Whether the whole file is UTF-8 (Arrow validates a one-value string array in place)."""
    import pyarrow as pa

    offsets = pa.py_buffer(np.array([0, len(buf)], dtype=np.int64))
    raw = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(buf)])
    try:
        raw.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _one_per_line(buf: Any, starts: npt.NDArray[np.int64], count: int) -> bool:
    """Whether a stream of ``count`` JSON objects is one object per line.

    True when every line starts with ``{`` and ends with ``}`` and there are as many lines
    as objects: inside one JSON value a line break can never sit between ``}`` and ``{``
    (a comma, colon or bracket would come between), so then each line is one object.
    """
    if count != len(starts) - 1:
        return False
    data = np.frombuffer(buf, dtype=np.uint8)
    last = starts[1:] - 2  # before the newline
    if data[-1] != ord("\n"):
        last[-1] += 1  # the last line has none
    return bool((data[starts[:-1]] == ord("{")).all() and (data[last] == ord("}")).all())


def _decode(buf: Any, decoder: Any, starts: npt.NDArray[np.int64]) -> list[Any] | None:
    """Each non-blank line decoded (None: a line failed, or is longer than the line reader's limit).

    The whole file is decoded as one stream when that is provably one object per line;
    otherwise (blank lines, spaces around objects, a failure) line by line, each line alone.
    """
    import msgspec

    if np.diff(starts).max(initial=0) > LINE_LIMIT:
        return None
    try:
        rows: list[Any] = decoder.decode_lines(buf)
        if _one_per_line(buf, starts, len(rows)):
            return rows
    except (msgspec.DecodeError, RecursionError):
        pass
    view, decode, rows = memoryview(buf), decoder.decode, []
    for start, end in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True):
        try:
            rows.append(decode(view[start:end]))
        except (msgspec.DecodeError, RecursionError):
            if bytes(view[start:end]).strip():  # a blank line is skipped, as by the line reader
                return None
    return rows


def _line_starts(buf: Any) -> npt.NDArray[np.int64]:
    """Where each line starts, then the file's end.

    Each newline is found by ``find`` (``memchr``); once the lines prove short (under 512
    bytes on average after 4,096 of them), the rest is done vectorised, 1 MiB at a time,
    as a Python step per line would be slow there.
    """
    size, find = len(buf), buf.find
    starts, parts = [0], []
    at = find(b"\n")
    while at >= 0:
        starts.append(at + 1)
        if len(starts) % 4096 == 0 and at < 512 * len(starts):
            data = np.frombuffer(buf, dtype=np.uint8)
            for low in range(at + 1, size, _PIECE):
                piece = data[low : low + _PIECE]
                parts.append(np.flatnonzero(piece == ord("\n")) + (low + 1))
            break
        at = find(b"\n", at + 1)
    out = np.concatenate([np.array(starts, dtype=np.int64), *parts])
    return out if out[-1] == size else np.append(out, size)


def _bracket_blocks(buf: Any) -> npt.NDArray[np.int64]:
    """The number of opening brackets (``[`` or ``{``) in each :data:`_BLOCK` bytes of the file."""
    data = np.frombuffer(buf, dtype=np.uint8)
    counts = np.empty(-(-len(data) // _BLOCK), dtype=np.int64)
    hits = np.zeros(_PIECE, dtype=np.uint8)
    popcount = getattr(np, "bitwise_count", None)  # numpy >= 2
    for low in range(0, len(data), _PIECE):
        piece = data[low : low + _PIECE]
        m = len(piece)
        np.bitwise_or(piece, 0x20, out=hits[:m])  # "[" | 0x20 == "{"
        np.equal(hits[:m], ord("{"), out=hits[:m].view(bool))  # 1 per opener, else 0
        hits[m:] = 0
        blocks = -(-m // _BLOCK)
        if popcount is not None:  # the 0/1 bytes of 8 at a time, counted as bits
            words = popcount(hits.view(np.uint64)[: blocks * _BLOCK // 8])
            got = words.reshape(blocks, -1).sum(axis=1)
        else:
            got = hits[: blocks * _BLOCK].reshape(blocks, -1).sum(axis=1)
        counts[low // _BLOCK : low // _BLOCK + blocks] = got
    return counts


def _scan(buf: Any) -> npt.NDArray[np.int64] | None:
    """Where each line starts, then the file's end; None when a line nests too deep.

    Only a line with more opening brackets than :data:`MAX_JSON_DEPTH` can nest deeper.
    Brackets are counted per :data:`_BLOCK` bytes (vectorised); a line's count is at most
    that of the blocks it touches, and only lines whose blocks hold more are checked
    exactly, as the line reader checks each line.
    """
    starts = _line_starts(buf)
    total = np.zeros(len(starts) and -(-len(buf) // _BLOCK) + 1, dtype=np.int64)
    np.cumsum(_bracket_blocks(buf), out=total[1:])
    bound = total[(starts[1:] - 1) // _BLOCK + 1] - total[starts[:-1] // _BLOCK]
    for i in np.flatnonzero(bound > MAX_JSON_DEPTH).tolist():
        if not depth_ok(bytes(buf[starts[i] : starts[i + 1]])):
            return None
    return starts


def read_columns(path: Path, output_type: str = "") -> Columns | None:
    """The needed columns of the file, or None when it is not of the common shape.

    ``output_type`` is the task's (from the results file; ``""`` when unknown).
    """
    first = _first_line(path)
    shape = _decoder(first, output_type) if first is not None else None
    if shape is None:
        return None
    decoder, metrics, typed = shape
    try:
        with path.open("rb") as fh, _map(fh.fileno()) as buf:
            starts = _scan(buf) if _utf8(buf) else None
            rows = _decode(buf, decoder, starts) if starts is not None else None
    except (OSError, ValueError, BufferError):  # cannot map the file: read it line by line
        return None
    if not rows:
        return None
    return _columns(rows, metrics, typed)


def _columns(rows: list[Any], metrics: list[str], typed: bool) -> Columns | None:
    n, k = len(rows), len(metrics)
    values = np.empty((n, k))
    for j in range(k):
        values[:, j] = np.fromiter(map(attrgetter(f"m{j}"), rows), dtype=np.float64, count=n)
    if not np.isfinite(values).all():
        return None
    texts = filtered = None
    if hasattr(rows[0], "resps"):
        resps = [r.resps for r in rows]
        if typed:  # what generation() gives on lists of text
            texts = [r[0][0] if r and r[0] else None for r in resps]
        else:
            texts = [generation(r) for r in resps]
    if hasattr(rows[0], "filtered_resps"):
        filtered = [r.filtered_resps for r in rows]
    return Columns(metrics, [r.doc_id for r in rows], [r.filter for r in rows], values, texts,
                   filtered)  # fmt: skip
