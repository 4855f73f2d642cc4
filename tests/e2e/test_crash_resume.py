"""kill -9 mid-run, rerun the same command: nothing finished is sent again."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from standin_fixture import standin

from dontguess.runner.journal import BATCH_ROWS

from .conftest import cli_env, graded, run_cli, write_questions

CONCURRENCY = 4


def _journal_rows(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as db:
            return int(db.execute("SELECT COUNT(*) FROM replies").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_kill_9_then_rerun_resumes(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 150)
    out, clean = tmp_path / "run", tmp_path / "clean"
    with standin("--latency-ms", "10") as s:
        args = ["--model", f"openai:standin@{s.url}", "--dataset", str(questions),
                "--targets", "0.5", "--concurrency", str(CONCURRENCY), "--out"]  # fmt: skip
        proc = subprocess.Popen(
            [sys.executable, "-m", "dontguess", "run", *args, str(out)],
            env=cli_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while _journal_rows(out / "journal.sqlite") < 100 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert not (out / "DONE").exists()
        kept = _journal_rows(out / "journal.sqlite")
        before = s.stats()["received"]
        assert 100 <= kept < 300 and before >= kept
        rerun = run_cli([*args, str(out)])
        stats = s.stats()
    assert rerun.returncode == 0, rerun.stderr
    resent = stats["received"] - 300  # every request was answered once; the rest are resent
    assert resent == sum(n - 1 for n in stats["answered"].values())
    # lost: in flight at the kill plus at most one unflushed batch (<= 50 ms or 64 rows)
    assert resent <= before - kept <= CONCURRENCY + BATCH_ROWS
    assert f"{kept} from the journal" in rerun.stderr
    with standin("--latency-ms", "0") as s:
        assert (
            run_cli([*args[:1], f"openai:standin@{s.url}", *args[2:], str(clean)]).returncode == 0
        )
    assert graded(out) == graded(clean)


def test_ctrl_c_flushes_the_journal_and_says_how_to_resume(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 100)
    out = tmp_path / "run"
    with standin("--latency-ms", "50") as s:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dontguess", "run", "--model", f"openai:standin@{s.url}",
             "--dataset", str(questions), "--rubric", "closed", "--concurrency", "2",
             "--out", str(out)],
            env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while _journal_rows(out / "journal.sqlite") < 10 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        err = proc.communicate(timeout=30)[1]
        answered = sum(s.stats()["answered"].values())
    assert proc.returncode == 130 and "rerun the same command to resume" in err
    kept = _journal_rows(out / "journal.sqlite")
    assert 10 <= kept <= answered < 100  # all completed requests flushed, none in flight lost
    assert answered - kept <= 2
    assert not (out / "DONE").exists()
