"""Row readers: JSONL / JSON array / CSV / Parquet files → (line, dict) pairs.

Line numbers are 1-based physical lines. CSV counts the header as line 1 (the first data
row is line 2) and a quoted field spanning lines reports the line the row starts on.
Parquet rows report their 1-based row number as the "line".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dontguess._util.rawtext import (
    check_json_depth,
    check_json_lines,
    decode_utf8,
    normalize_newlines,
    one_line,
)
from dontguess.errors import InputError, SchemaError

__all__ = ["Row", "read_rows"]

Row = tuple[int, dict[str, Any]]


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from exc


def _loads(text: str, path: Path, line: int | None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"bad JSON: {exc.msg}"
        if exc.msg == "Extra data" and line is not None:
            message = "more than one JSON value on the line (JSONL holds one object per line)"
        raise InputError(message, path=str(path), line=line or exc.lineno) from None
    except RecursionError:  # the depth check runs first; this is a second guard
        raise InputError("JSON nested too deeply", path=str(path), line=line) from None


def _jsonl(path: Path) -> Iterator[Row]:
    data = _read_bytes(path)
    decode_utf8(data, str(path))  # names the line and bytes of invalid UTF-8
    body = normalize_newlines(data.removeprefix(b"\xef\xbb\xbf"))
    check_json_lines(body, str(path))  # line length and nesting depth, before json
    for number, line in enumerate(body.split(b"\n"), start=1):
        if not line.strip():
            continue
        obj = _loads(line.decode("utf-8"), path, number)
        if not isinstance(obj, dict):
            raise InputError(
                f"expected a JSON object, got {type(obj).__name__}", path=str(path), line=number
            )
        yield number, obj


def _json(path: Path, key: str | None) -> Iterator[Row]:
    data = _read_bytes(path)
    text = decode_utf8(data, str(path))
    check_json_depth(data, str(path))
    data = _loads(text, path, None)
    if key is not None:
        if not isinstance(data, dict) or key not in data:
            raise SchemaError(f"expected a top-level object with key {key!r}", path=str(path))
        data = data[key]
    if not isinstance(data, list):
        raise SchemaError("expected a JSON array of objects", path=str(path))
    for index, obj in enumerate(data):
        if not isinstance(obj, dict):
            raise InputError(f"element {index} (0-based) is not an object", path=str(path))
        yield index + 1, obj


def _csv(path: Path) -> Iterator[Row]:
    text = decode_utf8(_read_bytes(path), str(path))  # any line ending; BOM dropped
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("empty CSV file (no header line)", path=str(path), line=1) from None
    except csv.Error as exc:
        raise InputError(f"bad CSV: {one_line(exc)}", path=str(path), line=1) from exc
    _check_names(header, path)
    start = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"bad CSV: {one_line(exc)}", path=str(path), line=start) from exc
        if values:
            if len(values) != len(header):
                raise InputError(
                    f"row has {len(values)} fields, the header line 1 has {len(header)}",
                    path=str(path),
                    line=start,
                )
            yield start, dict(zip(header, values, strict=True))
        start = reader.line_num + 1


def _check_names(names: list[str], path: Path) -> None:
    repeated = [n for n in dict.fromkeys(names) if names.count(n) > 1]
    if repeated:
        raise SchemaError(
            f"column {repeated[0]!r} appears {names.count(repeated[0])} times; "
            "column names must be unique",
            path=str(path),
        )


def _parquet(path: Path) -> Iterator[Row]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        # ParquetFile.read, not pq.read_table: the dataset API imports pandas (slow start-up).
        with pq.ParquetFile(path) as parquet:
            table = parquet.read()
        table.validate(full=True)  # e.g. invalid UTF-8 in a string column
        rows = table.to_pylist()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(f"cannot read Parquet: {one_line(exc)}", path=str(path)) from None
    _check_names(table.column_names, path)
    for index, row in enumerate(rows):
        yield index + 1, row


def read_rows(path: Path, *, json_key: str | None = None) -> Iterator[Row]:
    """Yield ``(line, row)`` from a ``.jsonl``, ``.json``, ``.csv`` or ``.parquet`` file."""
    if not path.is_file():
        raise InputError("no such file", path=str(path))
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return _jsonl(path)
    if suffix == ".json":
        return _json(path, json_key)
    if suffix == ".csv":
        return _csv(path)
    if suffix in (".parquet", ".pq"):
        return _parquet(path)
    raise InputError(
        f"unknown file type {suffix!r}; use .jsonl, .json, .csv or .parquet", path=str(path)
    )
