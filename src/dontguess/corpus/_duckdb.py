"""The DuckDB engine (private): SQL aggregation, out of core, under a memory limit.

DuckDB spills its hash aggregation to ``temp_directory`` beyond ``memory_limit``, but with
tens of millions of distinct prompts in 1 GB it can still run out of memory. So when the
input is large next to the limit it is first staged to Parquet in the spill directory, a
HyperLogLog pass estimates the distinct prompts, and the aggregation runs in K passes over
the staged file, pass k keeping the prompts with ``hash(prompt) % K = k``: each prompt is
counted in exactly one pass, and the group rows of all passes add up.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import tempfile
import uuid
from collections.abc import Sequence
from typing import Any

from dontguess.corpus._rows import GroupRow
from dontguess.corpus._sql import group_query
from dontguess.corpus.spec import EngineSpec, Extractor, InputFile, SourceSpec
from dontguess.errors import InputError, MissingDependencyError, SchemaError

__all__ = ["duckdb_groups", "lit", "memory_bytes"]

#: The relation expression of inputs without a relation.
_NO_RELATION = "CAST(NULL AS VARCHAR)"

#: Memory one distinct prompt may take in the aggregation, with headroom (bytes).
_BYTES_PER_GROUP = 128

_UNITS = {
    "": 1,
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}


def memory_bytes(limit: str) -> int:
    """Bytes of a DuckDB memory limit such as ``1GB`` or ``512MiB``.

    >>> memory_bytes("1GB"), memory_bytes("1.5 GiB")
    (1000000000, 1610612736)
    """
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?\s*", limit, flags=re.IGNORECASE)
    if m is None:
        raise InputError(f"bad DuckDB setting: memory limit {limit!r} (write e.g. 1GB, 512MB)")
    return int(float(m.group(1)) * _UNITS[(m.group(2) or "").lower()])


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _reader(fmt: str, paths: Sequence[str], columns: Sequence[str] = ()) -> str:
    """The table function reading ``paths``; JSON ``columns`` are read as VARCHAR."""
    files = "[" + ", ".join(lit(p) for p in paths) + "]"
    if fmt == "jsonl":
        if columns:
            spec = ", ".join(f"{lit(c)}: 'VARCHAR'" for c in columns)
            return f"read_json({files}, format='newline_delimited', columns={{{spec}}})"
        return f"read_json({files}, format='newline_delimited', union_by_name=true)"
    if fmt == "csv":  # small buffers leave the memory to the aggregation
        return (
            f"read_csv({files}, header=true, all_varchar=true, union_by_name=true, "
            "buffer_size=8388608)"
        )
    if fmt == "parquet":
        return f"read_parquet({files}, union_by_name=true)"
    return (
        f"read_csv({files}, columns={{'text': 'VARCHAR'}}, header=false, delim='\\x1f', "
        "quote='', escape='', auto_detect=false, max_line_size=16777216)"
    )


def _columns(con: Any, reader: str, where: str) -> list[str]:
    import duckdb

    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
    except duckdb.Error as exc:
        raise InputError(f"cannot read {where}: {str(exc).splitlines()[0]}") from exc
    return [str(r[0]) for r in rows]


def _need(columns: list[str], name: str, where: str, flag: str) -> None:
    if name not in columns:
        raise SchemaError(
            f"{where} has no column {name!r} (set it with {flag}); columns: {', '.join(columns)}"
        )


def _relation_expr(columns: list[str], source: SourceSpec, where: str) -> str:
    if source.relation_col is not None:
        _need(columns, source.relation_col, where, "--relation-col")
        return f"CAST({ident(source.relation_col)} AS VARCHAR)"
    return "CAST(relation AS VARCHAR)" if "relation" in columns else _NO_RELATION


def _select(con: Any, fmt: str, paths: Sequence[str], source: SourceSpec) -> str:
    reader = _reader(fmt, paths)
    where = paths[0] if len(paths) == 1 else f"{paths[0]} (and {len(paths) - 1} more)"
    ex = source.extractor
    if ex is None:
        columns = _columns(con, reader, where)
        _need(columns, source.prompt_col, where, "--prompt-col")
        _need(columns, source.answer_col, where, "--answer-col")
        rel = _relation_expr(columns, source, where)
        if fmt == "jsonl":
            wanted = [source.prompt_col, source.answer_col]
            wanted += [c for c in (source.relation_col or "relation",) if c in columns]
            reader = _reader(fmt, paths, wanted)
        return (
            f"SELECT CAST({ident(source.prompt_col)} AS VARCHAR) AS prompt, "
            f"CAST({ident(source.answer_col)} AS VARCHAR) AS answer, {rel} AS relation "
            f"FROM {reader}"
        )
    if fmt == "text":
        text = "text"
    else:
        columns = _columns(con, reader, where)
        _need(columns, source.text_field, where, "--text-field")
        text = ident(source.text_field)
        if fmt == "jsonl":
            reader = _reader(fmt, paths, [source.text_field])
    return _extract(ex, f"(SELECT CAST({text} AS VARCHAR) AS t FROM {reader})")


def _extract(ex: Extractor, table: str) -> str:
    pat = lit(ex.pattern)

    def group(index: int) -> str:
        return f"unnest(regexp_extract_all(t, {pat}, {index}))"

    rel = group(ex.relation_group) if ex.relation_group else _NO_RELATION
    return (
        f"SELECT {group(ex.prompt_group)} AS prompt, {group(ex.answer_group)} AS answer, "
        f"{rel} AS relation FROM {table} WHERE t IS NOT NULL"
    )


def _passes(con: Any, staged: str, limit: int) -> int:
    """How many hash-partitioned passes keep the aggregation within ``limit`` bytes."""
    (distinct,) = con.execute(f"SELECT approx_count_distinct(prompt) FROM ({staged})").fetchone()
    return max(1, math.ceil(int(distinct or 0) * _BYTES_PER_GROUP / limit))


def _count(
    con: Any,
    union: str,
    files: Sequence[InputFile],
    idk: str,
    engine: EngineSpec,
    spill: str,
    *,
    relation: bool,
) -> list[Any]:
    """Group rows of ``union``: directly for small inputs, else staged and in K passes.

    A large input is first copied (one parse, streaming) to a Parquet file in the spill
    directory, so the HyperLogLog pass and the K passes read cheap columnar data.
    """
    limit = memory_bytes(engine.memory_limit)
    size = sum(os.path.getsize(f.path) for f in files)
    if engine.partitions == 1 or (engine.partitions is None and size * 2 <= limit):
        return list(con.execute(group_query(union, idk, relation=relation)).fetchall())
    try:
        os.makedirs(spill, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the spill directory: {exc}", path=spill) from exc
    stage = os.path.join(spill, f"dontguess-stage-{uuid.uuid4().hex}.parquet")
    try:
        con.execute(f"COPY ({union}) TO {lit(stage)} (FORMAT parquet)")
        staged = f"SELECT prompt, answer, relation FROM read_parquet({lit(stage)})"
        passes = engine.partitions or _passes(con, staged, limit)
        rows: list[Any] = []
        for k in range(passes):
            part = staged
            if passes > 1:
                part += f" WHERE hash(coalesce(prompt, '')) % {passes} = {k}"
            rows += con.execute(group_query(part, idk, relation=relation)).fetchall()
        return rows
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(stage)


def duckdb_groups(
    files: Sequence[InputFile], source: SourceSpec, engine: EngineSpec
) -> list[GroupRow]:
    """Run the count in an in-memory DuckDB database and return the group rows."""
    try:
        import duckdb
    except ImportError as exc:
        raise MissingDependencyError("duckdb", "corpus") from exc
    memory_bytes(engine.memory_limit)  # a clear message for a bad limit
    spill = engine.spill_dir or tempfile.gettempdir()
    config: dict[str, Any] = {
        "memory_limit": engine.memory_limit,
        "temp_directory": spill,
        "preserve_insertion_order": False,
    }
    if engine.threads is not None:
        config["threads"] = engine.threads
    try:
        con = duckdb.connect(":memory:", config=config)
    except duckdb.Error as exc:
        raise InputError(f"bad DuckDB setting: {str(exc).splitlines()[0]}") from exc
    try:
        by_fmt: dict[str, list[str]] = {}
        for f in files:
            by_fmt.setdefault(f.fmt, []).append(f.path)
        selects = [_select(con, fmt, paths, source) for fmt, paths in by_fmt.items()]
        union = " UNION ALL ".join(selects)
        relation = not all(_NO_RELATION in sql for sql in selects)
        try:
            rows = _count(con, union, files, lit(source.idk), engine, spill, relation=relation)
        except duckdb.Error as exc:
            raise InputError(
                f"DuckDB could not count the input: {str(exc).splitlines()[0]}"
            ) from exc
    finally:
        con.close()
    return [GroupRow(r[0], int(r[1]), bool(r[2]), bool(r[3]), int(r[4]), int(r[5])) for r in rows]
