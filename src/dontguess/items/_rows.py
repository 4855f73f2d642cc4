"""Row readers: JSONL / JSON array / CSV / Parquet files → (line, dict) pairs.

Line numbers are 1-based physical lines. CSV counts the header as line 1 (the first data
row is line 2) and a quoted field spanning lines reports the line the row starts on.
Parquet rows report their 1-based row number as the "line".
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dontguess.errors import InputError, SchemaError

__all__ = ["Row", "read_rows"]

Row = tuple[int, dict[str, Any]]


def _jsonl(path: Path) -> Iterator[Row]:
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"bad JSON: {exc.msg}", path=str(path), line=number) from exc
            if not isinstance(obj, dict):
                raise InputError(
                    f"expected a JSON object, got {type(obj).__name__}", path=str(path), line=number
                )
            yield number, obj


def _json(path: Path, key: str | None) -> Iterator[Row]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"bad JSON: {exc.msg}", path=str(path), line=exc.lineno) from exc
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
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError("empty CSV file (no header line)", path=str(path), line=1) from None
        except csv.Error as exc:
            raise InputError(f"bad CSV: {exc}", path=str(path), line=1) from exc
        start = reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(f"bad CSV: {exc}", path=str(path), line=start) from exc
            if values:
                if len(values) != len(header):
                    raise InputError(
                        f"row has {len(values)} fields, the header line 1 has {len(header)}",
                        path=str(path),
                        line=start,
                    )
                yield start, dict(zip(header, values, strict=True))
            start = reader.line_num + 1


def _parquet(path: Path) -> Iterator[Row]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for unreadable files
        raise InputError(f"cannot read Parquet: {exc}", path=str(path)) from exc
    for index, row in enumerate(table.to_pylist()):
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
