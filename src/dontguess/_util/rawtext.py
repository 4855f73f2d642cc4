"""Byte-level guards for input files, run before any parser sees the bytes.

Parsers fail badly on hostile input: pyarrow's JSON reader recurses once per nesting level
and segfaults on a line nested 20,000 deep; :func:`json.loads` raises ``RecursionError``;
a 1 GB line is read whole. These checks are cheap (numpy over the bytes, no Python loop per
byte) and raise :class:`~dontguess.errors.InputError` naming the file, the 1-based line and the
offending bytes or limit:

- :func:`decode_utf8` / :func:`check_utf8`: UTF-8 text, else the line and the bad bytes;
- :func:`normalize_newlines`: ``\\r\\n`` and a lone ``\\r`` become ``\\n`` (line numbers kept);
- :func:`check_json_lines`: every JSONL line is at most :data:`MAX_LINE_BYTES` long and nested
  at most :data:`MAX_JSON_DEPTH` deep;
- :func:`check_json_depth`: the same depth limit over one whole JSON document.

Depth is measured exactly for valid JSON (brackets inside strings, escaped quotes included);
on invalid JSON it is exact up to the first syntax error, which is as far as any parser goes.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dontguess.errors import InputError

__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_LINE_BYTES",
    "check_json_depth",
    "check_json_lines",
    "check_utf8",
    "decode_utf8",
    "line_of_offset",
    "normalize_newlines",
    "one_line",
]

#: Deepest nesting of JSON arrays / objects accepted in an input file (records are flat).
MAX_JSON_DEPTH = 100
#: Longest line accepted in a JSONL file, in bytes (64 MiB).
MAX_LINE_BYTES = 64 << 20
_CHUNK = 16 << 20  # bytes of JSONL checked at a time, so temporaries stay bounded
_SCAN_CHUNK = 1 << 20  # bytes of the exact depth scan at a time (~30 temporary bytes per byte)
_OPEN_MASK = 0x20  # "[" | 0x20 == "{" and "]" | 0x20 == "}"

_State = tuple[bool, int, int]  # (inside a string, trailing backslashes, depth) after a chunk


def line_of_offset(data: bytes, offset: int) -> int:
    r"""The 1-based line holding byte ``offset`` (breaks: ``\n``, ``\r\n`` or a lone ``\r``).

    >>> line_of_offset(b"a\r\nb\rc\nd", 7)
    4
    """
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def one_line(text: object, limit: int = 300) -> str:
    r"""A parser's message as one short line: whitespace runs collapsed, controls escaped.

    >>> one_line("bad thrift: \x0f\nDeserializing failed.\n")
    'bad thrift: \\x0f Deserializing failed.'
    """
    words = " ".join(str(text).split())
    shown = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in words)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def check_utf8(data: bytes, path: str) -> None:
    """Raise InputError naming the line and bytes of the first invalid UTF-8 sequence."""
    decode_utf8(data, path)


def decode_utf8(data: bytes, path: str, *, bom: bool = True) -> str:
    r"""``data`` as text (a leading BOM dropped when ``bom``), or InputError naming line and bytes.

    >>> decode_utf8(b"ok\n", "f.txt")
    'ok\n'
    >>> decode_utf8(b"a\ncaf\xe9\n", "f.txt")
    Traceback (most recent call last):
    ...
    dontguess.errors.InputError: f.txt:2: not UTF-8 text: bytes b'\xe9' at byte offset 5 ...
    """
    try:
        return data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : min(exc.end, exc.start + 8)]
        raise InputError(
            f"not UTF-8 text: bytes {bad!r} at byte offset {exc.start} (save the file as UTF-8)",
            path=path,
            line=line_of_offset(data, exc.start),
        ) from None


def normalize_newlines(data: bytes) -> bytes:
    r"""``\r\n`` and lone ``\r`` as ``\n`` (a copy only when ``\r`` occurs).

    >>> normalize_newlines(b"a\r\nb\rc\n")
    b'a\nb\nc\n'
    """
    if b"\r" not in data:
        return data
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def check_json_lines(
    data: bytes, path: str, *, max_depth: int | None = None, max_line: int | None = None
) -> int:
    r"""Check line lengths and nesting depth of JSONL ``data`` (``\n``-separated; normalise first).

    Args:
        data: the file's bytes.
        path: the file, for messages.
        max_depth: deepest nesting allowed (default :data:`MAX_JSON_DEPTH`).
        max_line: longest line allowed, in bytes (default :data:`MAX_LINE_BYTES`).

    Returns:
        The length of the longest line, in bytes.

    Raises:
        InputError: a line is longer than ``max_line`` bytes or nested deeper than
            ``max_depth`` (file, line and limit named).

    >>> check_json_lines(b'{"a": [1]}\n{}\n', "f.jsonl")
    10
    >>> check_json_lines(b'{}\n' + b'[' * 200 + b']' * 200, "f.jsonl")
    Traceback (most recent call last):
    ...
    dontguess.errors.InputError: f.jsonl:2: JSON nested deeper than 100 levels ...
    """
    max_depth = MAX_JSON_DEPTH if max_depth is None else max_depth
    max_line = MAX_LINE_BYTES if max_line is None else max_line
    arr = np.frombuffer(data, dtype=np.uint8)
    start, line, longest = 0, 1, 0
    while start < len(data):
        end = _chunk_end(data, start, path, line, max_line)
        chunk = arr[start:end]
        breaks = np.flatnonzero(chunk == 10)
        starts = np.concatenate(([0], breaks + 1))
        stops = np.append(breaks, len(chunk))
        lengths = stops - starts
        if lengths.size and int(lengths.max()) > max_line:
            k = int(np.argmax(lengths > max_line))
            raise _too_long(path, line + k, int(lengths[k]), max_line)
        longest = max(longest, int(lengths.max()) if lengths.size else 0)
        opens = np.flatnonzero((chunk | _OPEN_MASK) == ord("{"))  # "[" or "{"
        per_line = np.diff(np.searchsorted(opens, np.append(starts, len(chunk))))
        for k in np.flatnonzero(per_line > max_depth).tolist():
            if _max_depth(chunk[starts[k] : stops[k]])[0] > max_depth:
                raise _too_deep(path, line + k, max_depth)
        line += len(breaks)
        start = end
    return longest


def _chunk_end(data: bytes, start: int, path: str, line: int, max_line: int) -> int:
    """End of the chunk beginning at ``start``: after a line break, or the end of ``data``."""
    stop = min(len(data), start + _CHUNK)
    if stop == len(data):
        return stop
    cut = data.rfind(b"\n", start, stop)
    if cut >= 0:
        return cut + 1
    cut = data.find(b"\n", stop)  # one line longer than a chunk
    length = (len(data) if cut < 0 else cut) - start
    if length > max_line:
        raise _too_long(path, line, length, max_line)
    return len(data) if cut < 0 else cut + 1


def check_json_depth(data: bytes, path: str, *, max_depth: int | None = None) -> None:
    """Raise InputError (naming the line) when one JSON document nests deeper than ``max_depth``.

    >>> check_json_depth(b'[{"a": "[[[["}]', "f.json")
    >>> check_json_depth(b'[' * 101 + b']' * 101, "f.json", max_depth=100)
    Traceback (most recent call last):
    ...
    dontguess.errors.InputError: f.json:1: JSON nested deeper than 100 levels ...
    """
    max_depth = MAX_JSON_DEPTH if max_depth is None else max_depth
    if data.count(b"[") + data.count(b"{") <= max_depth:
        return
    depth, pos = _max_depth(np.frombuffer(data, dtype=np.uint8))
    if depth > max_depth:
        raise _too_deep(path, line_of_offset(data, pos), max_depth)


def _max_depth(segment: npt.NDArray[np.uint8]) -> tuple[int, int]:
    """Deepest nesting in ``segment`` (from a fresh state) and the offset where it is reached."""
    state: _State = (False, 0, 0)
    best, best_pos = 0, 0
    for lo in range(0, len(segment), _SCAN_CHUNK):
        depth, pos, state = _scan(segment[lo : lo + _SCAN_CHUNK], state)
        if depth > best:
            best, best_pos = depth, lo + pos
    return best, best_pos


def _scan(chunk: npt.NDArray[np.uint8], state: _State) -> tuple[int, int, _State]:
    """Nesting depth over ``chunk`` continuing from ``state``: (max depth, its offset, new state).

    A quote toggles "inside a string" unless an odd run of backslashes precedes it; brackets
    inside strings do not count.
    """
    in_string, carried_run, depth = state
    n = len(chunk)
    if n == 0:
        return depth, 0, state
    index = np.arange(n, dtype=np.int32)
    last_plain = np.maximum.accumulate(np.where(chunk == ord("\\"), -1, index))
    quotes = np.flatnonzero(chunk == ord('"'))
    before = np.where(quotes > 0, last_plain[np.maximum(quotes - 1, 0)], -1)
    runs = quotes - 1 - before + np.where(before < 0, carried_run, 0)
    toggles = np.zeros(n, dtype=np.int8)
    toggles[quotes[runs % 2 == 0]] = 1
    inside = (np.cumsum(toggles, dtype=np.int32) + int(in_string)) & 1
    folded = chunk | _OPEN_MASK
    delta = (folded == ord("{")).astype(np.int32) - (folded == ord("}"))
    delta[inside == 1] = 0
    levels = depth + np.cumsum(delta)
    pos = int(np.argmax(levels))
    tail = n - 1 - int(last_plain[-1]) + (carried_run if last_plain[-1] < 0 else 0)
    return int(levels[pos]), pos, (bool(inside[-1]), tail, int(levels[-1]))


def _too_long(path: str, line: int, length: int, limit: int) -> InputError:
    return InputError(
        f"line of {length:,} bytes is longer than the limit of {limit:,} bytes",
        path=path,
        line=line,
    )


def _too_deep(path: str, line: int, limit: int) -> InputError:
    return InputError(
        f"JSON nested deeper than {limit} levels (the limit; records are flat objects)",
        path=path,
        line=line,
    )
