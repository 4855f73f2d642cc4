"""The SQLite journal: keys, batching, reload."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from pathlib import Path

from dontguess.backends import Request
from dontguess.records import Reply
from dontguess.runner.journal import BATCH_ROWS, Journal, request_key


def test_key_separates_samples_models_params_and_messages() -> None:
    r = Request(messages=(("user", "q"),))
    keys = {
        request_key("m", r),
        request_key("m", Request(messages=(("user", "q"),), sample=1)),
        request_key("n", r),
        request_key("m", r, {"api": "completions"}),
        request_key("m", Request(messages=(("user", "q2"),))),
        request_key("m", Request(messages=(("user", "q"),), temperature=0.7)),
    }
    assert len(keys) == 6
    hint = Request(messages=(("user", "q"),), question="q", target=0.5)
    assert request_key("m", hint) == request_key("m", r)


def test_choices_of_one_request_have_their_own_keys() -> None:
    r = Request(messages=(("user", "q"),), seed=3, n=2)
    one = Request(messages=(("user", "q"),), seed=3)
    keys = {request_key("m", r), request_key("m", replace(r, sample=1)), request_key("m", one)}
    assert len(keys) == 3  # sample 0 of an n = 2 request is not the separate request
    # n = 1 stays out of the key: journals written before n existed still resume
    # (the value was computed by the code before n was added)
    old = "9e75a3a178354713324ca312c149b3ad8520c6b1c1ab776d705df521aa29c1f3"
    req = Request(messages=(("user", "q"),), seed=3, sample=2)
    assert request_key("m", req, {"api": "chat"}) == old


def test_roundtrip_and_replace(tmp_path: Path) -> None:
    j = Journal(tmp_path / "j.sqlite")
    j.add("a", "m", Reply(text=None, error="HTTP 500"), 7)
    j.add("b", "m", Reply(text="x", logprobs=(-0.5,), prompt_tokens=2, completion_tokens=1), 1)
    j.add("a", "m", Reply(text="y"), 2)
    j.close()
    got = Journal(tmp_path / "j.sqlite").load()
    assert got["a"] == (Reply(text="y"), 2)
    assert got["b"] == (Reply("x", None, (-0.5,), 2, 1), 1)
    mode = sqlite3.connect(tmp_path / "j.sqlite").execute("PRAGMA journal_mode").fetchone()
    assert mode == ("wal",)


def test_batches_commit_by_size_and_by_time(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"

    def visible() -> int:
        return sqlite3.connect(path).execute("SELECT COUNT(*) FROM replies").fetchone()[0]

    async def go() -> tuple[int, int, int]:
        j = Journal(path)
        for i in range(BATCH_ROWS - 1):
            j.add(str(i), "m", Reply(text="t"), 1)
        before = visible()
        j.add("last", "m", Reply(text="t"), 1)
        at_size = visible()
        j.add("late", "m", Reply(text="t"), 1)
        await asyncio.sleep(0.12)
        after_timer = visible()
        j.close()
        return before, at_size, after_timer

    assert asyncio.run(go()) == (0, BATCH_ROWS, BATCH_ROWS + 1)
