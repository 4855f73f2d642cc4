"""Read one graded-records file into a :class:`pyarrow.Table` (private to :mod:`dontguess.tables`).

Each reader returns the table and the 1-based line number of its first data row, so that the
validator can name the line of a bad value: JSONL data starts on line 1, CSV on line 2 (after
the header; exact unless a quoted value spans lines), Parquet has no lines and reports rows.
pyarrow is imported inside the functions to keep the CLI start-up light.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from dontguess.errors import InputError

#: Suffixes understood by :func:`read_table`, lower case.
SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".parquet", ".pq")

_BLANK_LINE = re.compile(rb"\n[ \t\r]*\n")


def _has_blank_line(body: bytes) -> bool:
    """Whether a blank line precedes the last non-blank one (fast: literal search first)."""
    first = body.split(b"\n", 1)[0] if body[:1] in (b" ", b"\t", b"\r", b"\n") else b"x"
    return not first.strip() or b"\n\n" in body or bool(_BLANK_LINE.search(body))


def read_table(path: Path) -> tuple[Any, int | None]:
    """Read ``path`` by suffix; return ``(pyarrow.Table, first data line or None for rows)``."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("no such file", path=str(path))
    if suffix == ".json" and _starts_with_bracket(path):
        return _read_json_array(path), None
    if suffix in (".jsonl", ".ndjson", ".json"):
        return _read_jsonl(path), 1
    if suffix == ".csv":
        return _read_csv(path), 2
    if suffix in (".parquet", ".pq"):
        return _read_parquet(path), None
    raise InputError(
        f"unknown file type {suffix!r}; use one of {', '.join(SUFFIXES)} or a run directory",
        path=str(path),
    )


def _read_csv(path: Path) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with path.open("rb") as fh:
        first = fh.readline()
    try:
        header = next(csv.reader([first.decode("utf-8-sig")]), None)
    except UnicodeDecodeError as exc:
        raise InputError("the header line is not UTF-8 text", path=str(path), line=1) from exc
    if not header:
        raise InputError("empty file (no header line)", path=str(path), line=1)
    # Every column is read as text; the validator parses numbers itself so that a bad value
    # is reported with its line instead of failing the whole read.
    convert = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header}, strings_can_be_null=False
    )
    parse = pacsv.ParseOptions(newlines_in_values=True)
    read = pacsv.ReadOptions(block_size=1 << 24)
    try:
        return pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise InputError(f"cannot parse CSV: {exc}", path=str(path)) from exc


def _read_jsonl(path: Path) -> Any:
    import pyarrow as pa
    import pyarrow.json as pajson

    data = path.read_bytes()
    body = data.rstrip()
    if not body.lstrip():
        return pa.table({})
    if _has_blank_line(body) or not _is_utf8(data):
        # pyarrow skips blank lines (shifting later line numbers) and lets invalid UTF-8
        # through; the slow reader names the line.
        return _read_jsonl_slow(data, path)
    try:
        return pajson.read_json(
            pa.BufferReader(data), read_options=pajson.ReadOptions(block_size=1 << 24)
        )
    except pa.ArrowInvalid:
        # Mixed types across lines, or a real syntax error: redo it slowly to name the line.
        return _read_jsonl_slow(data, path)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_jsonl_slow(data: bytes, path: Path) -> Any:
    rows: list[dict[str, str | None]] = []
    for lineno, raw in enumerate(data.rstrip().split(b"\n"), start=1):
        if not raw.strip():
            raise InputError("blank line in JSONL", path=str(path), line=lineno)
        try:
            obj = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise InputError("not UTF-8 text", path=str(path), line=lineno) from exc
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", path=str(path), line=lineno) from exc
        if not isinstance(obj, dict):
            raise InputError(
                f"each line must be a JSON object, got {type(obj).__name__}",
                path=str(path),
                line=lineno,
            )
        rows.append({k: _as_text(v) for k, v in obj.items()})
    return _text_table(rows)


def _text_table(rows: list[dict[str, str | None]]) -> Any:
    """A table of text columns (the validator parses numbers and names bad rows)."""
    import pyarrow as pa

    names = list(dict.fromkeys(k for r in rows for k in r))
    return pa.table({k: string_array([r.get(k) for r in rows]) for k in names})


def _starts_with_bracket(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(4096).lstrip(b" \t\r\n\xef\xbb\xbf")
    return head.startswith(b"[")


def _read_json_array(path: Path) -> Any:
    """A ``.json`` file holding one array of record objects (errors then name the row)."""
    try:
        records = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"invalid JSON: {exc}", path=str(path)) from exc
    rows = []
    for number, obj in enumerate(records, start=1):
        if not isinstance(obj, dict):
            raise InputError(
                f"row {number}: each array element must be an object, got {type(obj).__name__}",
                path=str(path),
            )
        rows.append({k: _as_text(v) for k, v in obj.items()})
    return _text_table(rows)


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _read_parquet(path: Path) -> Any:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        # ParquetFile.read, not pq.read_table: the dataset API imports pandas (slow start-up).
        with pq.ParquetFile(path) as parquet:
            return parquet.read()
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"cannot read Parquet: {exc}", path=str(path)) from exc


def string_array(values: Any, *, null_if_empty: bool = False) -> Any:
    """A pyarrow string array from Python strings, built from buffers.

    ``pa.array`` on Python objects imports pandas (seconds of start-up); buffers do not.
    ``None`` (and ``""`` when ``null_if_empty``) become null.
    """
    import numpy as np
    import pyarrow as pa

    items = list(values)
    valid = np.fromiter(
        (v is not None and not (null_if_empty and v == "") for v in items), bool, len(items)
    )
    encoded = [v.encode("utf-8") if ok else b"" for v, ok in zip(items, valid, strict=True)]
    lengths = np.fromiter((len(e) for e in encoded), np.int64, len(encoded))
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    large = offsets[-1] >= 2**31 - 1
    kind = pa.LargeStringArray if large else pa.StringArray
    return kind.from_buffers(
        len(items),
        pa.py_buffer(offsets.astype(np.int64 if large else np.int32).tobytes()),
        pa.py_buffer(b"".join(encoded)),
        pa.py_buffer(np.packbits(valid, bitorder="little").tobytes()),
    )


def number_array(values: Any, arrow_type: Any) -> Any:
    """A pyarrow float64 / int64 array from a numpy array (float ``nan`` becomes null)."""
    import numpy as np
    import pyarrow as pa

    data = np.ascontiguousarray(values)
    valid = ~np.isnan(data) if data.dtype.kind == "f" else np.ones(len(data), dtype=bool)
    return pa.Array.from_buffers(
        arrow_type,
        len(data),
        [
            pa.py_buffer(np.packbits(valid, bitorder="little").tobytes()),
            pa.py_buffer(data.tobytes()),
        ],
    )
