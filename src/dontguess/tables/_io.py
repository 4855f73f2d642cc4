"""Read one graded-records file into a :class:`pyarrow.Table` (private to :mod:`dontguess.tables`).

Each reader returns the table and a :class:`Where`, which turns a row index into the place of
that row in the file: JSONL data starts on line 1; CSV on line 2, after the header (a quoted
value spanning lines is accounted for when an error is reported); Parquet and JSON arrays
have no lines and report rows.

Hostile files cannot crash a reader: the bytes are checked first (UTF-8, line length, JSON
nesting depth; :mod:`dontguess._util.rawtext`), and every parser error becomes an
:class:`~dontguess.errors.InputError`. pyarrow is imported inside the functions to keep the
CLI start-up light.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from dontguess._util.bits import pack_bits
from dontguess._util.rawtext import (
    check_json_depth,
    check_json_lines,
    check_utf8,
    decode_utf8,
    normalize_newlines,
    one_line,
)
from dontguess.errors import InputError
from dontguess.records import GRADED_COLUMNS

#: Suffixes understood by :func:`read_table`, lower case.
SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".parquet", ".pq")

_BLANK_LINE = re.compile(rb"\n[ \t]*\n")
_BOM = b"\xef\xbb\xbf"
_HEADER_LIMIT = 1 << 20  # bytes: a CSV header line longer than this is not a header
#: Record columns that hold one value; a JSON array or object there is an error.
_SCALAR_COLUMNS = frozenset(GRADED_COLUMNS) - {"answer"}


class Where:
    """Where a table's rows lie in their file, for error messages.

    Args:
        path: the file.
        first_line: the 1-based line of row 0, or None when rows have no lines (Parquet,
            JSON arrays: errors then name the 1-based row).
        csv: rows are CSV records; a quoted value may span lines, so an error re-reads the
            file to find the line a record starts on.
    """

    def __init__(self, path: str, first_line: int | None, *, csv: bool = False) -> None:
        self.path = path
        self.first_line = first_line
        self.csv = csv

    def line(self, row: int) -> int | None:
        """The 1-based line of 0-based ``row`` (None when rows have no lines)."""
        if self.first_line is None:
            return None
        if self.csv:
            exact = _csv_record_line(Path(self.path), row)
            if exact is not None:
                return exact
        return self.first_line + row

    def label(self, row: int) -> str:
        """``path:line`` or ``path row N``."""
        line = self.line(row)
        return f"{self.path}:{line}" if line is not None else f"{self.path} row {row + 1}"

    def error(self, row: int, message: str, cls: type[InputError] = InputError) -> InputError:
        """An error about 0-based ``row`` naming the file and its line (or row)."""
        line = self.line(row)
        if line is None:
            return cls(f"row {row + 1}: {message}", path=self.path)
        return cls(message, path=self.path, line=line)


def read_table(path: Path) -> tuple[Any, Where]:
    """Read ``path`` by suffix; return ``(pyarrow.Table, Where)``."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("no such file", path=str(path))
    if suffix == ".json" and _starts_with_bracket(path):
        return _read_json_array(path), Where(str(path), None)
    if suffix in (".jsonl", ".ndjson", ".json"):
        return _read_jsonl(path), Where(str(path), 1)
    if suffix == ".csv":
        return _read_csv(path), Where(str(path), 2, csv=True)
    if suffix in (".parquet", ".pq"):
        return _read_parquet(path), Where(str(path), None)
    raise InputError(
        f"unknown file type {suffix!r}; use one of {', '.join(SUFFIXES)} or a run directory",
        path=str(path),
    )


def read_csv_table(path: Path) -> tuple[Any, Where]:
    """Read ``path`` as CSV whatever its suffix: every column as text, empty as ``""``."""
    if not path.is_file():
        raise InputError("no such file", path=str(path))
    return _read_csv(path), Where(str(path), 2, csv=True)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from exc


def _read_csv(path: Path) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = _csv_header(path)
    # Every column is read as text; the validator parses numbers itself so that a bad value
    # is reported with its line instead of failing the whole read.
    convert = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header}, strings_can_be_null=False
    )
    parse = pacsv.ParseOptions(newlines_in_values=True)
    read = pacsv.ReadOptions(block_size=1 << 24)
    try:
        return pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)
    except (pa.ArrowException, UnicodeDecodeError) as exc:
        raise _csv_error(path, len(header), exc) from None


def _csv_header(path: Path) -> list[str]:
    """The header row, read with Python's csv module (any line ending)."""
    with path.open("rb") as fh:
        head = fh.read(_HEADER_LIMIT + 1)
    ends = [i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0]
    if not ends and len(head) > _HEADER_LIMIT:
        raise InputError(
            f"the header line is longer than {_HEADER_LIMIT:,} bytes", path=str(path), line=1
        )
    first = decode_utf8(head[: min(ends)] if ends else head, str(path))
    try:
        header = next(csv.reader([first]), None)
    except csv.Error as exc:
        raise InputError(f"bad CSV header: {one_line(exc)}", path=str(path), line=1) from None
    if not header:
        raise InputError("empty file (no header line)", path=str(path), line=1)
    return header


def _csv_error(path: Path, width: int, exc: Exception) -> InputError:
    """The first bad line of a CSV file pyarrow could not read, found with Python's csv."""
    data = _read_bytes(path)
    text = decode_utf8(data, str(path))  # raises, naming the line and bytes, if not UTF-8
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for values in reader:
            if values and len(values) != width:
                return InputError(
                    f"row has {len(values)} fields, the header line 1 has {width}",
                    path=str(path),
                    line=start,
                )
            start = reader.line_num + 1
    except csv.Error as err:
        return InputError(f"bad CSV: {one_line(err)}", path=str(path), line=start)
    return InputError(f"cannot parse CSV: {one_line(exc)}", path=str(path))


def _csv_record_line(path: Path, row: int) -> int | None:
    """The line where 0-based data record ``row`` starts (None if the file cannot be re-read)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            start = reader.line_num + 1
            for index, _ in enumerate(reader):
                if index == row:
                    return start
                start = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error, StopIteration):
        return None
    return None


def _read_jsonl(path: Path) -> Any:
    import pyarrow as pa
    import pyarrow.json as pajson

    data = normalize_newlines(_read_bytes(path).removeprefix(_BOM))
    body = data.rstrip()
    if not body.lstrip():
        return pa.table({})
    check_utf8(body, str(path))
    longest = check_json_lines(body, str(path))  # before pyarrow: deep nesting segfaults it
    if body[:1].isspace() or b"\n\n" in body or _BLANK_LINE.search(body):
        return _read_jsonl_slow(body, path)  # pyarrow skips blank lines, shifting line numbers
    options = pajson.ReadOptions(block_size=max(1 << 24, longest + 1))
    try:
        table = pajson.read_json(pa.BufferReader(body), read_options=options)
    except pa.ArrowException:
        # Mixed types across lines, or a real syntax error: redo it slowly to name the line.
        return _read_jsonl_slow(body, path)
    if table.num_rows != body.count(b"\n") + 1:
        return _read_jsonl_slow(body, path)  # pyarrow reads `{..} {..}` on one line as two
    return table


def _read_jsonl_slow(body: bytes, path: Path) -> Any:
    rows: list[dict[str, str | None]] = []
    for lineno, raw in enumerate(body.split(b"\n"), start=1):
        if not raw.strip():
            raise InputError("blank line in JSONL", path=str(path), line=lineno)
        obj = _loads(raw.decode("utf-8"), path, lineno)
        if not isinstance(obj, dict):
            raise InputError(
                f"each line must be a JSON object, got {type(obj).__name__}",
                path=str(path),
                line=lineno,
            )
        rows.append(_text_row(obj, str(path), lineno, None))
    return _text_table(rows)


def _loads(text: str, path: Path, line: int | None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            message = "more than one JSON value on the line (JSONL holds one object per line)"
        else:
            message = f"invalid JSON: {exc.msg}"
        raise InputError(message, path=str(path), line=line or exc.lineno) from None
    except RecursionError:  # the depth check comes first; this is a second guard
        raise InputError("JSON nested too deeply", path=str(path), line=line) from None


def _text_row(obj: dict[str, Any], path: str, line: int | None, row: int | None) -> dict[str, Any]:
    """One record's values as text; an array or object in a one-value column is an error."""
    out: dict[str, str | None] = {}
    for key, value in obj.items():
        if key in _SCALAR_COLUMNS and isinstance(value, list | dict):
            message = f"{key} must be a single value, got {_preview(value)}"
            if row is not None:
                message = f"row {row}: {message}"
            raise InputError(message, path=path, line=line)
        if isinstance(value, str) and not _encodable(value):
            where = f"row {row}: " if row is not None else ""
            raise InputError(
                f"{where}{key} holds an unpaired surrogate escape (not valid text): "
                f"{_preview(value)}",
                path=path,
                line=line,
            )
        out[key] = _as_text(value)
    return out


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _preview(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return repr(text if len(text) <= 60 else text[:57] + "...")


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
    data = _read_bytes(path).removeprefix(_BOM)
    text = decode_utf8(data, str(path))
    check_json_depth(data, str(path))
    records = _loads(text, path, None)
    if not isinstance(records, list):
        raise InputError(f"expected a JSON array, got {type(records).__name__}", path=str(path))
    rows = []
    for number, obj in enumerate(records, start=1):
        if not isinstance(obj, dict):
            raise InputError(
                f"row {number}: each array element must be an object, got {type(obj).__name__}",
                path=str(path),
            )
        rows.append(_text_row(obj, str(path), None, number))
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
        # Text columns stored as dictionary pages are read as such (codes + distinct values):
        # the validator works on those, and the strings of each row are never built.
        with pq.ParquetFile(path) as parquet:
            text = [f.name for f in parquet.schema_arrow if _is_text(f.type)]
            text = [name for name in text if _dictionary_pages(parquet.metadata, name)]
        with pq.ParquetFile(path, read_dictionary=text) as parquet:
            table = parquet.read()
        table.validate(full=True)  # e.g. invalid UTF-8 in a string column
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(f"cannot read Parquet: {one_line(exc)}", path=str(path)) from None
    return table


def _dictionary_pages(metadata: Any, name: str) -> bool:
    """Whether column ``name`` is stored as dictionary codes in (nearly) every row group.

    A writer falls back to plain pages when a row group's dictionary outgrows its limit (1 MiB
    in pyarrow: a column of ~100 k or more distinct ids). Reading such a column as a
    dictionary hashes every plain value into one dictionary per row group and then merges
    those, slower than reading the strings and encoding them once (measured: 1.7 s against
    1.1 s per 4 M ids with 480 k distinct). Dictionary codes take at most 4 bytes a value,
    plain strings at least 4 (the length) plus the text: the size of the data pages (all
    pages less the dictionary page, scaled by the chunk's compression ratio) tells them apart.
    A wrong guess costs time only: both ways give the same codes.
    """
    coded = values = 0
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for j in range(row_group.num_columns):
            column = row_group.column(j)
            if column.path_in_schema != name:
                continue
            values += column.num_values
            if column.has_dictionary_page and column.total_compressed_size > 0:
                ratio = column.total_uncompressed_size / column.total_compressed_size
                dictionary = (column.data_page_offset - column.dictionary_page_offset) * ratio
                pages = column.total_uncompressed_size - dictionary
                coded += column.num_values if pages <= 4 * column.num_values else 0
    return coded >= 0.9 * values


def _is_text(kind: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


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
        pack_bits(valid),
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
            pack_bits(valid),
            pa.py_buffer(data.tobytes()),
        ],
    )
