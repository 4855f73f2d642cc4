"""run() when things go wrong: a dead endpoint, a failing rerun, bad journal rows, slow grading."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from dontguess.backends.base import FatalBackendError, TransientBackendError
from dontguess.errors import InputError
from dontguess.grading import DeterministicGrader
from dontguess.prompts import build_conditions
from dontguess.records import Item, Reply, RunSpec
from dontguess.runner import Journal, RetryPolicy, RunOptions, run
from dontguess.runner import core as core_mod
from dontguess.store import DONE, OUTPUTS, RunDir

from .fakes import ExactGrader, FatalAfter, FlakyBackend

ITEMS = [Item(id=f"i{n}", question=f"question {n}", answers=(f"gold {n}",)) for n in range(30)]
FAST = RunOptions(policy=RetryPolicy(max_retries=1, base_delay=0.0))


@pytest.fixture(autouse=True)
def _no_scoring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core_mod, "_score", lambda table, targets: ([{"n": len(table)}], []))


def _spec(model: str, targets: tuple[float, ...] = (0.5,)) -> RunSpec:
    conditions = tuple(build_conditions(targets, ["closed", "open"], "penalty"))
    return RunSpec(models=(model,), dataset="unit", dataset_hash="h", conditions=conditions)


def _rows(out: Path) -> int:
    with sqlite3.connect(out / "journal.sqlite") as db:
        n = int(db.execute("SELECT COUNT(*) FROM replies").fetchone()[0])
    db.close()
    return n


def test_a_fatal_error_stops_the_run_and_keeps_what_arrived(tmp_path: Path) -> None:
    b = FatalAfter(ok=5, concurrency=4)
    with pytest.raises(FatalBackendError, match="connection refused"):
        run(_spec(b.name), ITEMS, [b], ExactGrader(), RunDir(tmp_path), FAST)
    assert b.n_calls <= 5 + 4  # the 60 requests were not all sent: in flight at most
    assert _rows(tmp_path) == 5  # answers kept, the fatal error never journaled
    assert not any((tmp_path / n).exists() for n in (*OUTPUTS, DONE))
    assert b.closed
    fixed = FlakyBackend()
    result = run(_spec(b.name), ITEMS, [fixed], ExactGrader(), RunDir(tmp_path), FAST)
    assert len(fixed.calls) == 55 and result.summary["requests"]["resumed"] == 5


def test_a_fatal_error_stops_the_other_backends_too(tmp_path: Path) -> None:
    bad = FatalAfter(ok=0)
    slow = FlakyBackend(fails=100, retry_after=0.05)  # retries, slowly, until cancelled
    slow.name = "fake:slow"
    spec = RunSpec(
        models=(bad.name, slow.name),
        dataset="unit",
        dataset_hash="h",
        conditions=tuple(build_conditions((0.5,), ["closed"], "penalty")),
    )
    opts = RunOptions(policy=RetryPolicy(max_retries=100, base_delay=0.0))
    with pytest.raises(FatalBackendError):
        run(spec, ITEMS, [bad, slow], ExactGrader(), RunDir(tmp_path / "run"), opts)
    assert sum(slow.calls.values()) <= 2 * slow.max_concurrency
    assert not (tmp_path / "run").exists()  # nothing journaled: nothing left behind


def test_the_preflight_check_stops_before_any_request(tmp_path: Path) -> None:
    b = FatalAfter(ok=100, check_error=FatalBackendError("http://x/v1: 401, check your key"))
    with pytest.raises(FatalBackendError, match="401"):
        run(_spec(b.name), ITEMS, [b], ExactGrader(), RunDir(tmp_path / "run"), FAST)
    assert b.checked == 1 and b.n_calls == 0
    assert not (tmp_path / "run").exists()


def test_a_transient_preflight_failure_is_left_to_the_retries(tmp_path: Path) -> None:
    b = FatalAfter(ok=100, check_error=TransientBackendError("HTTP 503"))
    result = run(_spec(b.name), ITEMS[:3], [b], ExactGrader(), RunDir(tmp_path), FAST)
    assert b.checked == 1 and result.n_errors == 0 and len(result.records) == 6


def test_nothing_to_send_needs_no_preflight(tmp_path: Path) -> None:
    run(_spec("fake:flaky"), ITEMS[:3], [FlakyBackend()], ExactGrader(), RunDir(tmp_path))
    b = FatalAfter(ok=0, check_error=FatalBackendError("down"))
    b.name = "fake:flaky"
    result = run(_spec(b.name), ITEMS[:3], [b], ExactGrader(), RunDir(tmp_path))
    assert b.checked == 0 and result.summary["requests"]["resumed"] == 6


def test_a_failing_rerun_keeps_the_finished_set(tmp_path: Path) -> None:
    opts = RunOptions(policy=RetryPolicy(max_retries=0, base_delay=0.0))
    first = run(_spec("fake:flaky"), ITEMS[:4], [FlakyBackend(fails=1)], ExactGrader(),
                RunDir(tmp_path), opts)  # fmt: skip
    assert first.n_errors == 8 and (tmp_path / DONE).exists()
    before = {n: (tmp_path / n).read_bytes() for n in (*OUTPUTS, DONE)}
    down = FatalAfter(ok=0)
    down.name = "fake:flaky"
    with pytest.raises(FatalBackendError):
        run(_spec(down.name), ITEMS[:4], [down], ExactGrader(), RunDir(tmp_path), opts)
    assert {n: (tmp_path / n).read_bytes() for n in (*OUTPUTS, DONE)} == before


class _Refuses(FlakyBackend):
    async def complete(self, request: Any) -> Reply:
        raise InputError("prompt of 40 tokens exceeds the model's 32 positions")


def test_a_run_that_fails_before_any_answer_leaves_no_directory(tmp_path: Path) -> None:
    out = tmp_path / "runs" / "lab"
    with pytest.raises(InputError, match="32 positions"):
        run(_spec("fake:flaky"), ITEMS[:2], [_Refuses()], ExactGrader(), RunDir(out))
    assert not (tmp_path / "runs").exists()
    # the same directory with other options is not "a different run"
    result = run(_spec("fake:flaky", (0.9,)), ITEMS[:2], [FlakyBackend()], ExactGrader(),
                 RunDir(out))  # fmt: skip
    assert len(result.records) == 4


def test_unreadable_journal_rows_are_asked_again(tmp_path: Path) -> None:
    run(_spec("fake:flaky"), ITEMS[:3], [FlakyBackend()], ExactGrader(), RunDir(tmp_path))
    with sqlite3.connect(tmp_path / "journal.sqlite") as db:
        db.execute("UPDATE replies SET prompt_tokens = 'ten' WHERE rowid IN (1, 2)")
    db.close()
    b = FlakyBackend()
    result = run(_spec(b.name), ITEMS[:3], [b], ExactGrader(), RunDir(tmp_path))
    assert len(b.calls) == 2 and result.summary["requests"]["unreadable"] == 2
    assert result.summary["tokens"]["prompt"] == 6 * 3
    assert Journal(tmp_path / "journal.sqlite").load().keys() == {j.key for j in _jobs(b)}


def _jobs(b: FlakyBackend) -> list[Any]:
    return core_mod.plan(b, ITEMS[:3], _spec(b.name))[0]


class _Malformed(FlakyBackend):
    async def complete(self, request: Any) -> Reply:
        return Reply(text="ok", prompt_tokens="ten")  # type: ignore[arg-type]


def test_a_malformed_reply_is_an_error_not_a_success(tmp_path: Path) -> None:
    result = run(_spec("fake:flaky"), ITEMS[:2], [_Malformed()], ExactGrader(), RunDir(tmp_path))
    assert result.n_errors == 4
    reasons = {r.ungraded_reason for r in result.records}
    assert reasons == {"backend error: unusable reply: prompt_tokens is str, not a count"}
    b = FlakyBackend()
    again = run(_spec(b.name), ITEMS[:2], [b], ExactGrader(), RunDir(tmp_path))
    assert len(b.calls) == 4 and again.n_errors == 0


class _SlowOnHuge(DeterministicGrader):
    """Blocks (synchronously, like real CPU work) on the huge answer until the others are done."""

    def __init__(self, n_small: int) -> None:
        super().__init__()
        self.n_small = n_small
        self.order: list[str] = []
        self.others_done = threading.Event()

    def grade_text(self, item: Item, text: str) -> Any:
        if len(text) > core_mod.GRADE_IN_THREAD_CHARS:
            released = self.others_done.wait(timeout=10)
            self.order.append(f"huge released={released}")
        else:
            self.order.append(item.id)
            if len(self.order) == self.n_small:
                self.others_done.set()
        return super().grade_text(item, text[:100])


class _OneHuge(FlakyBackend):
    async def complete(self, request: Any) -> Reply:
        if request.question == ITEMS[0].question:
            return Reply(text="x" * (core_mod.GRADE_IN_THREAD_CHARS + 1))
        return Reply(text="gold")


def test_a_slow_grade_of_one_huge_answer_does_not_block_the_others(tmp_path: Path) -> None:
    spec = RunSpec(
        models=("fake:flaky",),
        dataset="unit",
        dataset_hash="h",
        conditions=tuple(build_conditions((), ["closed"], "penalty")),
    )
    grader = _SlowOnHuge(n_small=5)
    result = run(spec, ITEMS[:6], [_OneHuge()], grader, RunDir(tmp_path))
    assert grader.order[-1] == "huge released=True"  # graded last, after the others finished
    assert sorted(grader.order[:-1]) == [f"i{n}" for n in range(1, 6)]
    assert [r.item_id for r in result.records] == [f"i{n}" for n in range(6)]  # order kept


def test_run_together_cancels_the_rest_on_the_first_failure() -> None:
    from dontguess.runner.execute import run_together

    finished: list[str] = []

    async def fail() -> None:
        await asyncio.sleep(0)
        raise FatalBackendError("stop")

    async def slow() -> None:
        await asyncio.sleep(10)
        finished.append("slow")

    with pytest.raises(FatalBackendError, match="stop"):
        asyncio.run(run_together([slow(), fail()]))
    assert finished == []
