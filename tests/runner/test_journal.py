"""The SQLite journal: keys, batching, reload."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from dontguess.backends import Request
from dontguess.errors import StoreError
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


def _journal_with_rows(path: Path, n: int) -> None:
    j = Journal(path)
    for i in range(n):
        j.add(f"k{i}", "m", Reply(text="answer " * 20), 1)
    j.close()


def test_random_bytes_inside_the_journal_are_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    _journal_with_rows(path, 300)
    data = bytearray(path.read_bytes())
    rng = random.Random(0)
    data[20_000:24_096] = bytes(rng.randrange(256) for _ in range(4096))
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=f"cannot open journal {path}: .*malformed"):
        Journal(path).load()


def test_a_file_that_is_no_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    path.write_bytes(b"\x00garbage" * 1000)
    with pytest.raises(StoreError, match=f"cannot open journal {path}: file is not a database"):
        Journal(path).load()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("prompt_tokens", "ten"),
        ("completion_tokens", -3),
        ("logprobs", "[-0.5, "),
        ("logprobs", '{"a": 1}'),
        ("logprobs", "[NaN]"),
        ("logprobs", "[" * 100_000),
        ("text", b"\xff\xfe"),
        ("attempts", "two"),
    ],
)
def test_an_unreadable_row_is_skipped_and_counted(
    tmp_path: Path, column: str, value: object
) -> None:
    path = tmp_path / "j.sqlite"
    _journal_with_rows(path, 3)
    with sqlite3.connect(path) as db:
        db.execute(f"UPDATE replies SET {column} = ? WHERE key = 'k1'", (value,))
    db.close()
    j = Journal(path)
    got = j.load()
    assert sorted(got) == ["k0", "k2"] and j.unreadable == 1


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        (Reply(text="x", prompt_tokens="ten"), "prompt_tokens is str, not a count"),  # type: ignore[arg-type]
        (Reply(text="x", completion_tokens=2**70), "completion_tokens is out of range"),
        (Reply(text="x", prompt_tokens=True), "prompt_tokens is bool, not a count"),  # type: ignore[arg-type]
        (Reply(text="x", logprobs=(float("inf"),)), "logprobs hold a non-finite value"),
        (Reply(text="x", logprobs=("a",)), "logprobs are not a list of numbers"),  # type: ignore[arg-type]
        (Reply(text="bad \ud800 text"), "text is not valid Unicode"),
        (Reply(text=["a"]), "text is list, not text"),  # type: ignore[arg-type]
    ],
)
def test_an_unusable_reply_is_journaled_as_an_error(
    tmp_path: Path, reply: Reply, problem: str
) -> None:
    j = Journal(tmp_path / "j.sqlite")
    stored = j.add("k", "m", reply, 1)
    j.close()
    assert stored.text is None and stored.error is not None
    assert stored.error.startswith(f"unusable reply: {problem}")
    again = Journal(tmp_path / "j.sqlite")
    assert again.load() == {"k": (stored, 1)} and again.unreadable == 0
