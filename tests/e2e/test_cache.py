"""The response cache across runs (--cache), against the stand-in server process.

Request counts are the server's own (/stats ``received``), so "sent nothing" is measured
where the requests would arrive.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from standin_fixture import Standin, standin

from .conftest import cli_env, graded, run_cli, write_questions

KEY = "sk-cachetest-9f8e7d6c5b4a39281706"


def _run(server: Standin, questions: Path, out: Path, *extra: str, env: Any = None) -> Any:
    done = run_cli(["--model", f"openai:standin@{server.url}", "--dataset", str(questions),
                    "--targets", "0.5", "--out", str(out), *extra], env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done


def _summary(out: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((out / "summary.json").read_text())
    return doc


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_new_run_directory_reuses_answers_and_another_seed_or_prompt_does_not(
    tmp_path: Path, questions: Path
) -> None:
    cache = tmp_path / "cache"
    template = tmp_path / "t.txt"
    template.write_text("Answer only above {percent}% (t = {target}). {question}")
    with standin() as server:
        first = _run(server, questions, tmp_path / "a", "--cache", str(cache))
        assert server.stats()["received"] == 80  # 40 questions, closed and t=0.5
        assert ", 0 from the cache)" in first.stderr
        second = _run(server, questions, tmp_path / "b", "--cache", str(cache))
        assert server.stats()["received"] == 80  # nothing sent
        assert "(none sent, 0 from the journal, 80 from the cache)" in second.stderr
        _run(server, questions, tmp_path / "c", "--cache", str(cache), "--seed", "7")
        assert server.stats()["received"] == 160  # another seed: every request sent
        _run(server, questions, tmp_path / "d", "--cache", str(cache), "--template", str(template))
        assert server.stats()["received"] == 200  # another open prompt; closed ones cached
    req, used = _summary(tmp_path / "b")["requests"], _summary(tmp_path / "b")["cache"]
    assert (req["cached"], req["sent"], req["total"]) == (80, 0, 80)
    assert (used["hits"], used["stored"], used["write_errors"]) == (80, 0, 0)
    assert used["path"] == str(cache / "responses.sqlite")
    assert _summary(tmp_path / "d")["requests"]["cached"] == 40
    assert [(r["verdict"], r["answer"]) for r in graded(tmp_path / "b")] == [
        (r["verdict"], r["answer"]) for r in graded(tmp_path / "a")
    ]
    assert _summary(tmp_path / "a")["rows"] == _summary(tmp_path / "b")["rows"]


def test_without_cache_nothing_is_read_or_written(tmp_path: Path, questions: Path) -> None:
    home = tmp_path / "home"
    env = cli_env(DONTGUESS_CACHE=str(home))
    with standin() as server:
        _run(server, questions, tmp_path / "plain", env=env)
        assert not home.exists()  # no cache folder made
        _run(server, questions, tmp_path / "a", "--cache", env=env)  # the default folder
        stored = _files(home)
        assert set(stored) >= {"responses.sqlite"} and server.stats()["received"] == 160
        plain = _run(server, questions, tmp_path / "b", env=env)
        assert server.stats()["received"] == 240  # not served from the cache
        assert _files(home) == stored  # not written either
    assert "from the cache" not in plain.stderr and "cache" not in _summary(tmp_path / "b")


def test_the_cache_never_holds_the_key(tmp_path: Path, questions: Path) -> None:
    cache = tmp_path / "cache"
    env = cli_env(OPENAI_API_KEY=KEY)
    with standin() as server:
        _run(server, questions, tmp_path / "a", "--cache", str(cache), env=env)
        _run(server, questions, tmp_path / "b", "--cache", str(cache), env=env)
        assert server.stats()["auth"] == {"Bearer ": 80}  # the key was sent, then cached answers
    blob = b"".join(_files(cache).values())
    assert blob and all(KEY[i : i + 8].encode() not in blob for i in range(len(KEY) - 7))
    assert b"127.0.0.1" not in blob  # the server URL is hashed into the key, not stored


def test_two_runs_at_once_share_one_cache(tmp_path: Path, questions: Path) -> None:
    cache = tmp_path / "cache"
    with standin("--latency-ms", "20") as server:
        command = [sys.executable, "-m", "dontguess", "run", "--model",
                   f"openai:standin@{server.url}", "--dataset", str(questions), "--targets",
                   "0.5", "--cache", str(cache), "--out"]  # fmt: skip
        procs = [
            subprocess.Popen(
                [*command, str(tmp_path / name)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=cli_env(),
            )
            for name in ("a", "b")
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        sent = server.stats()["received"]
        assert 80 <= sent <= 160
        third = _run(server, questions, tmp_path / "c", "--cache", str(cache))
        assert server.stats()["received"] == sent
    assert "80 from the cache" in third.stderr


def test_a_cache_folder_that_cannot_be_used_is_bad_input(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 3)
    (tmp_path / "f").write_text("x")
    with standin() as server:
        done = run_cli(["--model", f"openai:standin@{server.url}", "--dataset", str(questions),
                        "--out", str(tmp_path / "a"), "--cache", str(tmp_path / "f")])  # fmt: skip
        assert server.stats()["received"] == 0
    assert done.returncode == 2 and "cannot open the response cache" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "a").exists()
