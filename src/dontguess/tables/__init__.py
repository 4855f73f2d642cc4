"""Read and write graded-records files: JSONL, CSV, Parquet and run directories.

A graded-records file has one row per graded answer. Columns:

==================  ========  ==============================================================
column              required  meaning
==================  ========  ==============================================================
``item_id``         yes       question identifier
``model``           yes       model name
``verdict``         yes       ``correct`` / ``incorrect`` / ``abstained`` (any case); empty,
                              null or ``ungraded`` for an answer that could not be graded
``stated_target``   no        the confidence target t in [0, 1) stated in the prompt (open
                              rubric); empty / null / ``nan`` = closed rubric (no target)
``style``           no        ``penalty`` (default) or ``reward`` for open-rubric rows
``sample``          no        0-based sample index (default 0)
``confidence``      no        the model's confidence in [0, 1] that its answer is right
``ungraded_reason`` no        why an ungraded row is ungraded (must be empty when graded)
``answer``          no        the answer text (reports HTML-escape it)
*anything else*     no        a grouping column (``--by topic``), read as text
==================  ========  ==============================================================

Reading goes through pyarrow (columnar, vectorised checks), so million-row files load in
seconds; a bad value raises :class:`dontguess.errors.InputError` naming the file, the line
(JSONL: line = row; CSV: the line the record starts on; Parquet and JSON arrays: the row)
and the value. Hostile files are refused before any parser sees them: not UTF-8, a JSONL line
over 64 MiB or JSON nested over 100 levels deep. Each (item_id, model, condition, sample)
may appear once across all files read, unless ``allow_duplicates=True``.
Writing is atomic: a temporary file in the same folder, then :func:`os.replace`.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dontguess._util.rawtext import one_line
from dontguess.errors import InputError
from dontguess.records import UNGRADED_CODE, VERDICT_CODES, Graded, GradedTable
from dontguess.tables._check import KNOWN, to_graded_table
from dontguess.tables._concat import concat_graded
from dontguess.tables._io import SUFFIXES, Where, number_array, read_table, string_array
from dontguess.tables._unique import Codes, Source, check_unique

__all__ = [
    "RUN_FILES",
    "SUFFIXES",
    "concat_graded",
    "read_graded",
    "to_arrow",
    "write_graded",
]

#: Files looked for, in order, when a path is a run directory.
RUN_FILES = ("graded.parquet", "graded.jsonl")

_VERDICT_NAMES = {code: verdict.value for verdict, code in VERDICT_CODES.items()}


def read_graded(
    paths: Sequence[str | Path] | str | Path, *, allow_duplicates: bool = False
) -> GradedTable:
    """Read graded records from files or run directories and concatenate them.

    Args:
        paths: JSONL (``.jsonl``/``.ndjson``/``.json``, one object per line; a ``.json`` file
            may instead hold one array of objects), CSV or Parquet files, or run directories
            holding ``graded.parquet`` or ``graded.jsonl``.
        allow_duplicates: keep records that repeat an (item_id, model, condition, sample)
            key already read (each copy is then counted); by default a repeat is an error.

    Returns:
        One :class:`GradedTable`; grouping columns are unioned (missing values ``""``).

    Raises:
        InputError: a file is missing, empty, not UTF-8, nested or sized beyond the limits,
            holds a bad value, or repeats a record (file, line or row, and value named).
        SchemaError: a required column (item_id, model, verdict) is missing, or a column
            name appears twice.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    if not paths:
        raise InputError("no input files given")
    parts = [_read_one(Path(p)) for p in paths]
    table = concat_graded([t for t, _, _ in parts])
    _release_arrow_memory()
    if not allow_duplicates:
        sources, start = [], 0
        for part, where, codes in parts:
            sources.append(Source(where, start, start + len(part), codes))
            start += len(part)
        check_unique(table, sources)
    return table


def _release_arrow_memory() -> None:
    """Hand the freed Arrow buffers (the file's table) back to the system: pyarrow's pool keeps
    them otherwise, and the peak memory of a large ``score`` run would hold both copies."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _read_one(path: Path) -> tuple[GradedTable, Where, Codes]:
    import pyarrow as pa

    if path.is_dir():
        for name in RUN_FILES:
            if (path / name).is_file():
                path = path / name
                break
        else:
            raise InputError(f"a run directory must hold {' or '.join(RUN_FILES)}", path=str(path))
    if not _is_parquet(path) and _is_log(path):  # lm-eval / inspect / simple-evals
        from dontguess._util.factorize import factorize
        from dontguess.importers import read_log
        from dontguess.importers._keys import benchmark_items

        log = read_log(path)
        items, item_codes = benchmark_items(log)  # tasks number their questions from 0
        models, model_codes = factorize(log.model, sort=False)
        return (
            log,
            Where(str(path), None),
            Codes(list(items), item_codes, list(models), model_codes),
        )
    table, where = read_table(path)
    try:
        records, codes = to_graded_table(table, where)
    except pa.ArrowException as exc:  # a type no check foresaw: still an input error
        raise InputError(f"cannot read the records: {one_line(exc)}", path=str(path)) from None
    return records, where, codes


def _is_parquet(path: Path) -> bool:
    """The file starts with Parquet's magic bytes, so it is no harness log (no need to load the
    log readers to sniff it)."""
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"PAR1"
    except OSError:
        return False


def _is_log(path: Path) -> bool:
    from dontguess.importers import detect_format

    return detect_format(path) is not None


def to_arrow(table: GradedTable) -> Any:
    """The records as a :class:`pyarrow.Table` in file layout (the inverse of reading).

    ``verdict`` is text (null when ungraded), ``stated_target`` and ``confidence`` are null
    where unknown, ``ungraded_reason`` is null where graded; grouping columns follow.
    """
    import pyarrow as pa

    verdict = [
        None if c == UNGRADED_CODE else _VERDICT_NAMES[int(c)] for c in table.verdict.tolist()
    ]
    columns: dict[str, Any] = {
        "item_id": string_array(table.item_id),
        "model": string_array(table.model),
        "verdict": string_array(verdict),
        "stated_target": number_array(table.stated_target.astype(np.float64), pa.float64()),
        "style": string_array(table.style),
        "sample": number_array(table.sample.astype(np.int64), pa.int64()),
        "confidence": number_array(table.confidence.astype(np.float64), pa.float64()),
        "ungraded_reason": string_array(table.ungraded_reason, null_if_empty=True),
        "answer": string_array(table.answer),
    }
    for name, values in table.groups.items():
        if name in KNOWN:
            raise InputError(f"group column {name!r} clashes with a record column")
        columns[name] = string_array(values)
    return pa.table(columns)


def write_graded(data: GradedTable | Iterable[Graded], path: str | Path) -> Path:
    """Write graded records to ``path`` (``.jsonl``, ``.csv`` or ``.parquet``), atomically.

    Args:
        data: a :class:`GradedTable` or an iterable of :class:`Graded` records.
        path: the output file; its suffix picks the format. Parent folders are created.

    Returns:
        The path written. :func:`read_graded` reads it back to an equal table.

    Raises:
        InputError: the suffix is not one of .jsonl, .ndjson, .csv, .parquet.
    """
    table = data if isinstance(data, GradedTable) else GradedTable.from_records(list(data))
    path = Path(path)
    suffix = path.suffix.lower()
    writers = {".jsonl": _write_jsonl, ".ndjson": _write_jsonl}
    writers.update({".csv": _write_csv, ".parquet": _write_parquet})
    if suffix not in writers:
        raise InputError(f"cannot write {suffix!r}; use .jsonl, .csv or .parquet", path=str(path))
    arrow = to_arrow(table)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder: {exc.strerror}", path=str(path)) from exc
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        writers[suffix](arrow, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror or exc}", path=str(path)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _write_jsonl(arrow: Any, path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in arrow.to_pylist():
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_csv(arrow: Any, path: Path) -> None:
    import pyarrow.csv as pacsv

    pacsv.write_csv(arrow, path)


def _write_parquet(arrow: Any, path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(arrow, path)
