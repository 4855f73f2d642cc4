"""The Spark engine (private): the same SQL as DuckDB on a Spark DataFrame union."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import uuid
import warnings
from collections.abc import Iterator, Sequence
from functools import reduce
from pathlib import Path
from typing import Any

from dontguess.corpus._rows import GroupRow
from dontguess.corpus._sql import group_query
from dontguess.corpus.spec import EngineSpec, Extractor, InputFile, SourceSpec
from dontguess.errors import InputError, MissingDependencyError, SchemaError

__all__ = ["spark_groups", "spark_session"]


def _lit(text: str) -> str:
    """A Spark SQL string literal (backslash escapes)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def spark_session(engine: EngineSpec) -> tuple[Any, bool]:
    """The active SparkSession, or a new one for ``engine.spark_master``; True if new."""
    try:
        with warnings.catch_warnings():  # pyspark warns about pandas >= 3 on import
            warnings.simplefilter("ignore", FutureWarning)
            from pyspark.sql import SparkSession
    except ImportError as exc:
        raise MissingDependencyError("pyspark", "spark") from exc
    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    builder = (
        SparkSession.builder.master(engine.spark_master)
        .appName("dontguess-corpus")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # errors only from the start: the JVM's WARN lines would bury the result
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={_quiet_log4j()}")
    )
    if engine.spark_master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    for key, value in engine.spark_conf:
        builder = builder.config(key, value)
    with warnings.catch_warnings(), _jvm_output_to_log() as log:
        warnings.simplefilter("ignore", FutureWarning)  # pyspark warns about pandas >= 3
        try:
            session = builder.getOrCreate()
        except Exception as exc:
            tail = " | ".join(log.read_text(errors="replace").split("\n")[-5:])
            raise InputError(f"Spark did not start ({exc}); its log: {log}: {tail}") from exc
    session.sparkContext.setLogLevel("ERROR")
    return session, True


@contextlib.contextmanager
def _jvm_output_to_log() -> Iterator[Path]:
    """Send what the Spark JVM writes to stderr (banner lines log4j cannot silence, such as
    "Using incubator modules" and "Setting default log level") to a log file.

    The JVM inherits file descriptor 2 when it starts, so redirecting it during start-up
    sends the JVM's output to the log for the session's whole life, while this process's
    own stderr is restored at once. Errors raised to Python still reach the user.
    """
    fd, name = tempfile.mkstemp(prefix="dontguess-spark-", suffix=".log")
    saved = os.dup(2)
    sys.stderr.flush()
    os.dup2(fd, 2)
    try:
        yield Path(name)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(fd)


_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
"""


def _quiet_log4j() -> str:
    """A log4j2 configuration (errors only, to stderr) in the temp folder; its path."""
    path = Path(tempfile.gettempdir()) / "dontguess-spark-log4j2.properties"
    if not path.is_file() or path.read_text(encoding="utf-8") != _LOG4J2:
        tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
        tmp.write_text(_LOG4J2, encoding="utf-8")
        tmp.replace(path)
    return str(path)


def _read(session: Any, fmt: str, paths: Sequence[str]) -> Any:
    reader = session.read
    if fmt == "jsonl":
        return reader.json(list(paths))
    if fmt == "csv":
        return reader.option("escape", '"').csv(list(paths), header=True)
    if fmt == "parquet":
        return reader.option("mergeSchema", "true").parquet(*paths)
    return reader.text(list(paths)).withColumnRenamed("value", "text")


def _need(columns: list[str], name: str, where: str, flag: str) -> None:
    if name not in columns:
        raise SchemaError(
            f"{where} has no column {name!r} (set it with {flag}); columns: {', '.join(columns)}"
        )


def _frame(session: Any, fmt: str, paths: Sequence[str], source: SourceSpec) -> Any:
    from pyspark.sql import functions as F

    df = _read(session, fmt, paths)
    where = paths[0] if len(paths) == 1 else f"{paths[0]} (and {len(paths) - 1} more)"
    columns = list(df.columns)
    if source.extractor is not None:
        field = "text" if fmt == "text" else source.text_field
        _need(columns, field, where, "--text-field")
        return _extract(df.select(F.col(field).cast("string").alias("t")), source.extractor)
    _need(columns, source.prompt_col, where, "--prompt-col")
    _need(columns, source.answer_col, where, "--answer-col")
    if source.relation_col is not None:
        _need(columns, source.relation_col, where, "--relation-col")
        rel = F.col(source.relation_col).cast("string")
    else:
        rel = (
            F.col("relation").cast("string")
            if "relation" in columns
            else F.lit(None).cast("string")
        )
    return df.select(
        F.col(source.prompt_col).cast("string").alias("prompt"),
        F.col(source.answer_col).cast("string").alias("answer"),
        rel.alias("relation"),
    )


def _extract(df: Any, ex: Extractor) -> Any:
    from pyspark.sql import functions as F

    pat = F.lit(ex.java_pattern)

    def group(index: int) -> Any:
        return F.regexp_extract_all(F.col("t"), pat, F.lit(index))

    arrays = df.where(F.col("t").isNotNull()).select(
        group(ex.prompt_group).alias("p"),
        group(ex.answer_group).alias("a"),
        (group(ex.relation_group) if ex.relation_group else F.array()).alias("r"),
    )
    exploded = arrays.select(F.posexplode("p").alias("i", "prompt"), "a", "r")
    rel = F.element_at("r", F.col("i") + 1) if ex.relation_group else F.lit(None).cast("string")
    return exploded.select(
        "prompt", F.element_at("a", F.col("i") + 1).alias("answer"), rel.alias("relation")
    )


def spark_groups(
    files: Sequence[InputFile], source: SourceSpec, engine: EngineSpec, *, session: Any = None
) -> list[GroupRow]:
    """Run the count with Spark (``session`` if given, else the active or a new one)."""
    try:
        with warnings.catch_warnings():  # pyspark warns about pandas >= 3 on import
            warnings.simplefilter("ignore", FutureWarning)
            from pyspark.errors import PySparkException
    except ImportError as exc:
        raise MissingDependencyError("pyspark", "spark") from exc
    own = False
    if session is None:
        session, own = spark_session(engine)
    view = f"dontguess_mentions_{uuid.uuid4().hex}"
    try:
        by_fmt: dict[str, list[str]] = {}
        for f in files:
            by_fmt.setdefault(f.fmt, []).append(f.path)
        try:
            frames = [_frame(session, fmt, paths, source) for fmt, paths in by_fmt.items()]
            reduce(lambda a, b: a.unionAll(b), frames).createOrReplaceTempView(view)
            rows = session.sql(group_query(f"SELECT * FROM {view}", _lit(source.idk))).collect()
        except PySparkException as exc:
            raise InputError(
                f"Spark could not count the input: {str(exc).splitlines()[0]}"
            ) from exc
        finally:
            session.catalog.dropTempView(view)
    finally:
        if own:
            session.stop()
    return [GroupRow(r[0], int(r[1]), bool(r[2]), bool(r[3]), int(r[4]), int(r[5])) for r in rows]
