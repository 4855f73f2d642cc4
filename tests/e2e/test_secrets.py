"""No API key in any file or stream, whatever the server echoes (issue 13, acceptance).

A hostile server process echoes the request's ``Authorization`` header (whole, and a
partial key of 19 of 20 characters, placed across the client's 200- and 500-character
cuts) in 200 junk, 200 JSON without choices, 400/429/500 bodies, refusals, answers and
response headers; other servers echo it in 401 and 404 bodies. After ``dontguess run``,
``score`` and ``report``, no file of the run and report folders (journal bytes included,
Parquet and SQLite read back too) and no output stream holds the key or any 8-character
piece of it.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import string
import subprocess
import sys
import urllib.request
from pathlib import Path

import pyarrow.parquet as pq
from hostile_server import ECHO_SHAPES, hostile

from .conftest import cli_env, write_questions

PIECE = 8


def _key() -> str:
    alphabet = string.ascii_letters + string.digits
    return "sk-LEAK" + "".join(secrets.choice(alphabet) for _ in range(13))  # 20 characters


def _pieces(key: str) -> list[str]:
    return [key[i : i + PIECE] for i in range(len(key) - PIECE + 1)]


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dontguess", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def _readable(path: Path) -> bytes:
    """A file's bytes, plus its contents read back when it is Parquet or SQLite."""
    data = path.read_bytes()
    if path.suffix == ".parquet":
        data += json.dumps(pq.read_table(path).to_pylist(), default=str).encode()
    if path.name.endswith(".sqlite"):
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
                rows = db.execute(f"SELECT * FROM {table}").fetchall()
                data += repr(rows).encode()
    return data


def _leaks(key: str, blobs: dict[str, bytes]) -> list[str]:
    pieces = [p.encode() for p in _pieces(key)]
    return [name for name, blob in blobs.items() if any(p in blob for p in pieces)]


def test_no_key_in_any_file_or_stream(tmp_path: Path) -> None:
    key = _key()
    env = cli_env(OPENAI_API_KEY=key)
    questions = write_questions(tmp_path / "q.jsonl", 40)
    common = ["--dataset", str(questions), "--max-retries", "1", "--retry-delay", "0.01",
              "--no-progress", "--concurrency", "4"]  # fmt: skip
    streams: dict[str, bytes] = {}

    def record(name: str, proc: subprocess.CompletedProcess[str]) -> None:
        streams[f"{name} stdout"] = proc.stdout.encode()
        streams[f"{name} stderr"] = proc.stderr.encode()

    with hostile("echo") as s:
        # the server does echo the key (else this test could not fail)
        req = urllib.request.Request(
            s.url + "/chat/completions",
            data=json.dumps({"messages": [{"role": "user", "content": "x"}]}).encode(),
            headers={"Authorization": f"Bearer {key}"},
        )
        try:
            urllib.request.urlopen(req, timeout=10).read()
        except urllib.error.HTTPError as exc:
            assert exc.headers["X-Echo"] == f"Bearer {key}"
        run = _cli("run", "--model", f"openai:m@{s.url}", "--out", str(tmp_path / "run"),
                   "--targets", "0,0.5", *common, env=env)  # fmt: skip
        shapes = s.stats()["shapes"]
    record("run", run)

    for mode in ("401", "404"):
        with hostile(mode) as s:
            proc = _cli("run", "--model", f"openai:m@{s.url}", "--out",
                        str(tmp_path / f"run{mode}"), *common, env=env)  # fmt: skip
        record(f"run {mode}", proc)

    score = _cli("score", str(tmp_path / "run"), "--format", "json", env=env)
    record("score", score)
    report = _cli("report", str(tmp_path / "run"), "--out", str(tmp_path / "report"),
                  "--bootstrap", "50", env=env)  # fmt: skip
    record("report", report)

    files = {
        str(p.relative_to(tmp_path)): _readable(p)
        for folder in ("run", "run401", "run404", "report")
        for p in sorted((tmp_path / folder).rglob("*"))
        if p.is_file()
    }
    assert _leaks(key, streams) == [] and _leaks(key, files) == []
    # the checks looked at real output: every echo shape was served and scrubbed
    assert run.returncode == 1, run.stderr
    assert set(shapes) == set(ECHO_SHAPES), shapes
    assert "***" in run.stderr and b"***" in files["run/graded.jsonl"]
    for mode in ("401", "404"):
        assert f"{mode} echo Bearer ***" in streams[f"run {mode} stderr"].decode()
    assert score.returncode == 0 and report.returncode == 0, score.stderr + report.stderr
    assert "run/journal.sqlite" in files and "report/report.html" in files
