"""`dontguess run` against hostile servers (real processes on 127.0.0.1), issue 13.

Every bad reply shape ends that one request with a reason and the run with exit 1 and
one clear message: no traceback, bounded time, bounded requests. Authentication,
not-found and unreachable servers stop the run after the first few requests.
"""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import time
from pathlib import Path

import pytest
from hostile_server import hostile
from standin_fixture import standin

from .conftest import cli_env, graded, run_cli, write_questions

N = 5
FAST = ["--rubric", "closed", "--max-retries", "1", "--retry-delay", "0.01", "--format", "csv",
        "--no-progress", "--concurrency", "2"]  # fmt: skip


def _run(url: str, tmp_path: Path, *extra: str, out: str = "run") -> tuple[int, str, str, float]:
    questions = write_questions(tmp_path / "q.jsonl", N)
    t0 = time.perf_counter()
    proc = run_cli(["--model", f"openai:m@{url}", "--dataset", str(questions),
                    "--out", str(tmp_path / out), *FAST, *extra])  # fmt: skip
    return proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - t0


def _clean(stderr: str) -> None:
    assert "Traceback" not in stderr and not re.search(r"(?m)^\w+(Error|Exception):", stderr)


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("junk", "malformed response body (not JSON"),
        ("nochoices", 'malformed response body (no "choices" list)'),
        ("deep", "malformed response body (nested too deep)"),
        ("infinity", "malformed response body (choice index is float inf)"),
        ("nan", "malformed response body (choice index is float nan)"),
        ("choicesdict", 'malformed response body (no "choices" list)'),
        ("contentnum", "malformed response body (answer text is int 4)"),
    ],
)
def test_unusable_200_fails_each_request_not_the_run(
    mode: str, reason: str, tmp_path: Path
) -> None:
    """Regression (issue 13): 200,000 '[' or an Infinity index killed the whole run."""
    with hostile(mode) as s:
        rc, _, err, took = _run(s.url, tmp_path)
        received = s.stats()["received"]
    assert rc == 1, err
    _clean(err)
    assert f"{N} of {N} requests ended in error" in err and reason in err
    assert received == 2 * N  # one retry each, bounded
    rows = graded(tmp_path / "run")
    assert len(rows) == N and all(reason in r["ungraded_reason"] for r in rows)
    assert (tmp_path / "run" / "DONE").exists() and took < 60


def test_wrong_type_usage_is_not_journaled_and_reruns_work(tmp_path: Path) -> None:
    """Regression (issue 13): "prompt_tokens": "ten" was journaled; every rerun crashed."""
    with hostile("badusage") as s:
        rc, _, err, _ = _run(s.url, tmp_path)
    assert rc == 0, err
    with sqlite3.connect(tmp_path / "run" / "journal.sqlite") as db:
        kinds = set(
            db.execute("SELECT typeof(prompt_tokens), typeof(completion_tokens) FROM replies")
        )
    assert kinds == {("null", "null")}
    with hostile("ok") as s:
        rc, _, err, _ = _run(s.url, tmp_path)
        assert s.stats()["received"] == 0
    assert rc == 0 and "5 from the journal" in err, err


def test_huge_reply_is_capped(tmp_path: Path) -> None:
    """Regression (issue 13): a 50 MB answer took 80 s and 700 MB."""
    with hostile("huge", "--huge-mb", "50") as s:
        rc, _, err, took = _run(s.url, tmp_path, "--max-reply-mb", "1", "--limit", "2")
    assert rc == 1, err
    _clean(err)
    assert "reply body over the 1 MiB limit; raise it with --max-reply-mb" in err
    assert took < 60


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("401", "authentication failed at {url}/chat/completions (HTTP 401"),
        ("403", "authentication failed at {url}/chat/completions (HTTP 403"),
        ("404", "not found (HTTP 404) at {url}/chat/completions"),
        ("redirect", "HTTP 307 from {url}/chat/completions: the server redirects"),
    ],
)
def test_fatal_statuses_stop_the_run(mode: str, message: str, tmp_path: Path) -> None:
    """Regression (issue 13): a 401 or 404 sent all requests, each failing."""
    questions = write_questions(tmp_path / "q.jsonl", 200)
    with hostile(mode) as s:
        proc = run_cli(["--model", f"openai:m@{s.url}", "--dataset", str(questions),
                        "--out", str(tmp_path / "run"), *FAST])  # fmt: skip
        received = s.stats()["received"]
    assert proc.returncode == 1, proc.stderr
    _clean(proc.stderr)
    assert proc.stderr.count(message.format(url=s.url)) == 1, proc.stderr
    assert proc.stderr.count("\n") <= 2 and proc.stdout == ""
    assert received <= 4  # concurrency 2: the first requests in flight, no more
    assert not (tmp_path / "run" / "DONE").exists()


def test_missing_v1_is_named_with_a_hint(tmp_path: Path) -> None:
    """Regression (issue 13): leaving off /v1 gave `HTTP 404: 404: Not Found`, no hint."""
    with standin() as s:
        base = s.url.removesuffix("/v1")
        rc, out, err, _ = _run(base, tmp_path)
        received = s.stats()["received"]
    assert rc == 1 and out == ""
    assert f"not found (HTTP 404) at {base}/chat/completions" in err
    assert f"(try {base}/v1)" in err and received == 0  # 404s are not counted as requests


def test_server_down_is_an_immediate_clear_error(tmp_path: Path) -> None:
    """Regression (issue 13): 43 s of retries, then score tables of dashes and DONE."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    rc, out, err, took = _run(url, tmp_path)
    assert rc == 1 and out == "", out
    _clean(err)
    assert f"cannot connect to {url}" in err and "check that the server is running" in err
    assert not (tmp_path / "run" / "DONE").exists() and took < 30


def test_server_errors_are_retried_then_recorded(tmp_path: Path) -> None:
    with hostile("500") as s:
        rc, _, err, _ = _run(s.url, tmp_path)
        received = s.stats()["received"]
    assert rc == 1 and "gave up after 2 attempts: HTTP 500: 500 echo" in err
    assert received == 2 * N


def test_url_without_scheme_is_refused_before_any_request(tmp_path: Path) -> None:
    """Regression (issue 13): the spec went to api.openai.com (here: OPENAI_BASE_URL,
    standing in for the default host) with the user's key."""
    questions = write_questions(tmp_path / "q.jsonl", N)
    with hostile("ok") as named, hostile("ok") as default:
        env = cli_env(OPENAI_BASE_URL=default.url, OPENAI_API_KEY="sk-never-sent-1234")
        spec = f"openai:m@127.0.0.1:{named.port}/v1"
        proc = run_cli(["--model", spec, "--dataset", str(questions), "--out",
                        str(tmp_path / "run"), *FAST], env=env)  # fmt: skip
        counts = named.stats()["received"], default.stats()["received"]
    assert proc.returncode == 2, proc.stderr
    assert f"'127.0.0.1:{named.port}/v1' after '@' looks like a URL without a scheme" in proc.stderr
    assert proc.stderr.count("\n") == 1 and counts == (0, 0)
    assert not (tmp_path / "run").exists()


def test_pasted_endpoint_is_not_doubled(tmp_path: Path) -> None:
    with hostile("ok") as s:
        rc, _, err, _ = _run(f"{s.url}/chat/completions", tmp_path)
        paths = s.stats()["paths"]
    assert rc == 0, err
    assert paths == {"/v1/chat/completions": N}
    assert json.loads((tmp_path / "run" / "spec.json").read_text())["spec"]["models"] == [
        "openai:m"
    ]
