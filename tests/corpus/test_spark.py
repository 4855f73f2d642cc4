"""Spark (local[2]) gives the same counts as DuckDB on the same files."""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import require_or_skip
from dontguess.cli import main
from dontguess.corpus import EngineSpec, SourceSpec, corpus_stats, regex_extractor

pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)

SPARK = EngineSpec(engine="spark", spark_master="local[2]")


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local[2] session for the whole run (UI off, bound to 127.0.0.1)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        require_or_skip(False, "pyspark is not installed", "DONTGUESS_REQUIRE_SPARK")
    require_or_skip(
        shutil.which("java") is not None, "java is not on PATH", "DONTGUESS_REQUIRE_SPARK"
    )
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("dontguess-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.codegen.wholeStage", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _random_mentions(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    lines = ["prompt,answer,relation"]
    for _ in range(rows):
        prompt = f"p{int(rng.paretovariate(1.2)) % 900}"
        answer = "IDK" if rng.random() < 0.2 else f"a{rng.randrange(3)}"
        lines.append(f"{prompt},{answer},r{rng.randrange(3)}")
    path.write_text("\n".join(lines) + "\n")


def test_same_counts_on_mention_files(corpus_dir: Path, spark: Any) -> None:
    folder = corpus_dir / "mixed"
    folder.mkdir()
    shutil.copy(corpus_dir / "mentions.csv", folder / "a.csv")
    shutil.copy(corpus_dir / "mentions.jsonl", folder / "b.jsonl")
    _random_mentions(folder / "c.csv", 3000, seed=1)
    duck = corpus_stats([folder], min_errors=364)
    sparked = corpus_stats([folder], engine=SPARK, min_errors=364, spark=spark)
    assert sparked.engine == "spark" and duck.engine == "duckdb"
    assert sparked == duck
    assert duck.n == 8 + 4 + 3000 and duck.n_singletons > 0 and len(duck.relations) == 5


def test_same_counts_on_regex_text(corpus_dir: Path, spark: Any) -> None:
    ex = regex_extractor(
        r"(?P<prompt>[A-Z][a-z]+ [A-Z][a-z]+) was (?P<relation>born) in (?P<answer>\d{4})"
    )
    source = SourceSpec(extractor=ex)
    duck = corpus_stats([corpus_dir / "lines.txt"], source=source)
    sparked = corpus_stats([corpus_dir / "lines.txt"], source=source, engine=SPARK, spark=spark)
    assert sparked == duck
    assert duck.n == 4


def test_cli_engine_spark_matches_duckdb(
    corpus_dir: Path, spark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "corpus",
        "stats",
        str(corpus_dir / "mentions.parquet"),
        "--prompt-col",
        "who",
        "--answer-col",
        "when",
        "--idk",
        "none",
        "--format",
        "json",
    ]
    assert main(argv) == 0
    duck = json.loads(capsys.readouterr().out)
    assert main([*argv, "--engine", "spark", "--spark-master", "local[2]"]) == 0
    sparked = json.loads(capsys.readouterr().out)
    assert sparked.pop("engine") == "spark" and duck.pop("engine") == "duckdb"
    assert sparked == duck
    assert spark.sparkContext._jsc is not None  # the shared session was not stopped


def test_jvm_banner_goes_to_the_log_not_the_terminal(capfd: pytest.CaptureFixture[str]) -> None:
    # The JVM is a child process that inherits fd 2 when it starts: what it writes later
    # must land in the log, while this process's own stderr is back at once.
    import subprocess
    import sys

    from dontguess.corpus._spark import _jvm_output_to_log

    with _jvm_output_to_log() as log:
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, time; time.sleep(0.2); print('BANNER', file=sys.stderr)",
            ]
        )
    print("ours", file=sys.stderr)
    child.wait(timeout=30)
    assert "BANNER" in log.read_text() and "BANNER" not in capfd.readouterr().err
    assert "ours" not in log.read_text()
