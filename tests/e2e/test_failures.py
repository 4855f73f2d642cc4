"""`dontguess run` when the server cannot be used, two runs share --out, the journal is damaged.

Every server here is a real process on 127.0.0.1 (tests/standin/standin_server.py).
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from standin_fixture import standin

from .conftest import cli_env, run_cli, write_questions

OUTPUTS = ("graded.jsonl", "graded.parquet", "summary.json", "DONE")


def _dead_url() -> str:
    """The URL of a stand-in server that has exited: its port refuses connections."""
    with standin() as s:
        url = s.url
    return url


def _rows(path: Path) -> int:
    with sqlite3.connect(path) as db:
        n = int(db.execute("SELECT COUNT(*) FROM replies").fetchone()[0])
    db.close()
    return n


def _args(url: str, questions: Path, out: Path, *extra: str) -> list[str]:
    return ["--model", f"openai:standin@{url}", "--dataset", str(questions), "--out", str(out),
            "--targets", "0.5", "--max-retries", "2", "--retry-delay", "0.01", *extra]  # fmt: skip


def test_a_server_that_is_down_is_one_clear_error_not_a_finished_run(
    tmp_path: Path, questions: Path
) -> None:
    url, out = _dead_url(), tmp_path / "run"
    proc = run_cli(_args(url, questions, out, "--limit", "5"))
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""  # no score table of dashes
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert url in lines[0] and "server is running" in lines[0] and "nothing scored" in lines[0]
    assert "sent" not in lines[0]
    assert not out.exists()  # nothing journaled: the failed run leaves no directory
    with standin() as s:  # other options into the same --out are not "a different run"
        again = run_cli(_args(s.url, questions, out, "--limit", "5", "--rubric", "closed"))
    assert again.returncode == 0, again.stderr
    assert (out / "DONE").exists()


def test_a_refused_key_stops_at_once_and_sends_nothing_more(
    tmp_path: Path, questions: Path
) -> None:
    out = tmp_path / "run"
    with standin("--status-after", "0", "401") as s:
        proc = run_cli(_args(s.url, questions, out, "--concurrency", "4"))
        stats = s.stats()
    assert proc.returncode == 1 and "401" in proc.stderr and proc.stdout == ""
    assert stats["received"] <= 4  # of 80; without the stop all 80 are sent, 3 times each
    assert not out.exists()


def test_a_key_revoked_mid_run_keeps_the_answers_and_a_rerun_sends_the_rest(
    tmp_path: Path, questions: Path
) -> None:
    out = tmp_path / "run"
    with standin("--status-after", "10", "403", "--latency-ms", "5") as s:
        proc = run_cli(_args(s.url, questions, out, "--concurrency", "4"))
        stats = s.stats()
    assert proc.returncode == 1 and "403" in proc.stderr, proc.stderr
    assert f"kept in {out}/journal.sqlite" in proc.stderr
    assert 10 + 1 <= stats["received"] <= 10 + 4
    assert _rows(out / "journal.sqlite") == 10  # the answers; the 403 is never journaled
    assert not any((out / n).exists() for n in OUTPUTS)
    with standin() as s:
        rerun = run_cli(_args(s.url, questions, out))
        resent = s.stats()["received"]
    assert rerun.returncode == 0, rerun.stderr
    assert resent == 70 and "10 from the journal" in rerun.stderr


def test_a_missing_endpoint_stops_at_once(tmp_path: Path, questions: Path) -> None:
    out = tmp_path / "run"
    with standin("--status-after", "0", "404") as s:
        proc = run_cli(_args(s.url, questions, out, "--concurrency", "2"))
        stats = s.stats()
    assert proc.returncode == 1 and "404" in proc.stderr and stats["received"] <= 2


def test_a_failing_rerun_keeps_the_finished_result(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 5, extra=["BAD REQUEST: why?"])
    out = tmp_path / "run"
    with standin() as s:
        first = run_cli(_args(s.url, questions, out))
    assert first.returncode == 1 and "2 of 12 requests ended in error" in first.stderr
    before = {n: (out / n).read_bytes() for n in OUTPUTS}
    rerun = run_cli(_args(_dead_url(), questions, out))  # the 2 errors are asked again
    assert rerun.returncode == 1 and "server is running" in rerun.stderr
    assert {n: (out / n).read_bytes() for n in OUTPUTS} == before


def _wait_for_rows(path: Path, n: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if path.exists() and _rows(path) >= n:
                return
        except sqlite3.Error:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{path}: fewer than {n} rows after 60 s")


def test_a_second_run_on_the_same_directory_is_refused(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 100)
    out = tmp_path / "run"
    with standin("--latency-ms", "50") as s:
        args = _args(s.url, questions, out, "--concurrency", "2", "--rubric", "closed")
        first = subprocess.Popen(
            [sys.executable, "-m", "dontguess", "run", *args],
            env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            _wait_for_rows(out / "journal.sqlite", 4)
            second = run_cli(args)
            assert second.returncode == 2, second.stderr
            assert f"in use by another dontguess run (pid {first.pid} on host " in second.stderr
            assert second.stderr.count("\n") == 1
            first.send_signal(signal.SIGKILL)  # the OS drops the lock with the process
            first.wait(timeout=30)
            third = run_cli(args)
        finally:
            first.kill()
            first.wait(timeout=30)
        answered = s.stats()["answered"]
    assert third.returncode == 0, third.stderr
    assert (out / "DONE").exists() and max(answered.values()) <= 2  # only in-flight resent
    graded = (out / "graded.jsonl").read_text().splitlines()
    assert len(graded) == 100


def test_random_bytes_in_the_journal_exit_2_without_a_traceback(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 150)
    out = tmp_path / "run"
    with standin() as s:
        assert run_cli(_args(s.url, questions, out)).returncode == 0
        path = out / "journal.sqlite"
        data = bytearray(path.read_bytes())
        rng = random.Random(1)
        data[4096:] = rng.randbytes(len(data) - 4096)  # every page after the schema page
        path.write_bytes(bytes(data))
        proc = run_cli(_args(s.url, questions, out))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"error: cannot open journal {path}: " in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_an_unreadable_journal_row_is_asked_again(tmp_path: Path, questions: Path) -> None:
    out = tmp_path / "run"
    with standin() as s:
        assert run_cli(_args(s.url, questions, out)).returncode == 0
        with sqlite3.connect(out / "journal.sqlite") as db:
            db.execute("UPDATE replies SET prompt_tokens = 'ten' WHERE rowid = 3")
            db.execute("UPDATE replies SET logprobs = '[1, ' WHERE rowid = 5")
        db.close()
        proc = run_cli(_args(s.url, questions, out, "--format", "json"))
        received = s.stats()["received"]
    assert proc.returncode == 0, proc.stderr
    assert received == 80 + 2
    assert "2 unreadable journal rows were asked again" in proc.stderr
    assert "(2 sent: 2 answered, 0 failed; 78 from the journal)" in proc.stderr
    assert json.loads((out / "summary.json").read_text())["requests"]["unreadable"] == 2
