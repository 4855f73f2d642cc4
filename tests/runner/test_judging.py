"""Journaled judge calls (unit level): asked once, errors asked again, fatal never stored."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from dontguess.backends import Request, TransientBackendError
from dontguess.backends.base import FatalBackendError
from dontguess.grading import CascadeGrader, DeterministicGrader, Grade, LLMJudge
from dontguess.grading._cascade import THREAD_CHARS
from dontguess.records import Item, Reply, Verdict
from dontguess.runner._judging import (
    grading_document,
    journaled,
    raise_if_judge_failed,
)
from dontguess.runner.journal import Journal

ITEM = Item(id="q", question="Capital of France?", answers=("Paris",))


class Judge:
    """Answers CORRECT; ``fail`` decides per call what goes wrong instead."""

    def __init__(self, fail: str | None = None) -> None:
        self.name = "fake:judge"
        self.max_concurrency = 2
        self.fail = fail
        self.calls = 0
        self.peak = self.in_flight = 0

    async def complete(self, request: Request) -> Reply:
        self.calls += 1
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(0.005)
        finally:
            self.in_flight -= 1
        if self.fail == "transient":
            raise TransientBackendError("HTTP 500: busy")
        if self.fail == "fatal":
            raise FatalBackendError("authentication failed at http://127.0.0.1:1/v1")
        if self.fail == "error":
            return Reply(text=None, error="HTTP 400: no")
        return Reply(text="CORRECT")

    async def aclose(self) -> None:
        pass


def _grade(tmp_path: Path, backend: Any, texts: list[str], mode: str = "judge") -> Any:
    async def go() -> Any:
        journal = Journal(tmp_path / "j.sqlite", table="judge_replies")
        grader = CascadeGrader(DeterministicGrader(), LLMJudge(backend, max_retries=0), mode=mode)
        graded_by, wrapped = journaled(grader, journal)
        grades = await asyncio.gather(*(graded_by.grade(ITEM, Reply(text=t)) for t in texts))
        journal.close()
        return grades, wrapped, graded_by

    return asyncio.run(go())


def test_each_distinct_question_is_asked_once_and_a_rerun_asks_nothing(tmp_path: Path) -> None:
    backend = Judge()
    texts = ["Paname", "Paname", "Lutetia", "Paname"]
    grades, wrapped, _ = _grade(tmp_path, backend, texts)
    assert backend.calls == 2 and wrapped.sent == 2 and wrapped.shared == 2
    assert backend.peak <= backend.max_concurrency
    assert {g.verdict for g in grades} == {Verdict.CORRECT}
    again, wrapped, _ = _grade(tmp_path, backend, texts)
    assert backend.calls == 2 and wrapped.resumed == 4 and wrapped.sent == 0
    assert [g.judge_reply for g in again] == ["CORRECT"] * 4


def test_error_replies_are_journaled_and_asked_again(tmp_path: Path) -> None:
    grades, wrapped, _ = _grade(tmp_path, Judge("error"), ["Paname"])
    assert grades[0].reason == "judge error: HTTP 400: no" and wrapped.sent == 1
    backend = Judge()
    grades, wrapped, _ = _grade(tmp_path, backend, ["Paname"])
    assert backend.calls == 1 and grades[0].verdict is Verdict.CORRECT


def test_a_transient_failure_is_not_journaled(tmp_path: Path) -> None:
    grades, _, _ = _grade(tmp_path, Judge("transient"), ["Paname"])
    assert grades[0].reason.startswith("judge error: gave up after 1 attempts")
    backend = Judge()
    _grade(tmp_path, backend, ["Paname"])
    assert backend.calls == 1


def test_a_fatal_judge_error_is_raised_after_grading_and_never_journaled(tmp_path: Path) -> None:
    backend = Judge("fatal")
    grades, _, graded_by = _grade(tmp_path, backend, ["A", "B", "C", "D", "E"])
    assert backend.calls <= 2  # in flight together at most; then the judge stops
    assert all(g.verdict is None for g in grades)
    with pytest.raises(FatalBackendError, match=r"^judge fake:judge: authentication failed"):
        raise_if_judge_failed(graded_by)
    journal = Journal(tmp_path / "j.sqlite", table="judge_replies")
    assert journal.load() == {}
    journal.close()


class _OnlyExact:
    """Rules that decide an exact match and leave everything else to the judge."""

    async def grade(self, item: Item, reply: Reply) -> Grade:
        if reply.text == item.answers[0]:
            return Grade(Verdict.CORRECT, method="exact")
        return Grade(None, "needs a judge: no match")


def test_rules_decide_first_in_cascade_mode(tmp_path: Path) -> None:
    async def go() -> list[Grade]:
        journal = Journal(tmp_path / "j.sqlite", table="judge_replies")
        grader = CascadeGrader(_OnlyExact(), LLMJudge(backend), mode="cascade")
        graded_by, _ = journaled(grader, journal)
        grades = [await graded_by.grade(ITEM, Reply(text=t)) for t in ("Paris", "Paname")]
        journal.close()
        return grades

    backend = Judge()
    grades = asyncio.run(go())
    assert [g.decided_by for g in grades] == ["rules", "judge"] and backend.calls == 1


def test_grading_document_names_the_judge_without_url() -> None:
    judge = LLMJudge(Judge())
    doc = grading_document(CascadeGrader(DeterministicGrader(), judge))
    assert doc["grader"] == "cascade" and doc["judge"]["judge"] == "fake:judge"
    assert doc["judge"]["template_hash"] == judge.template_hash
    assert grading_document(CascadeGrader(DeterministicGrader(), judge, mode="rules")) == {
        "grader": "rules",
        "judge": None,
    }


class _Blocking(DeterministicGrader):
    """Its synchronous grading of a long reply waits for a short one graded meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.short_done = threading.Event()
        self.released: bool | None = None

    def grade_text(self, item: Item, text: str) -> Any:
        if len(text) > THREAD_CHARS:
            self.released = self.short_done.wait(timeout=10)
        else:
            self.short_done.set()
        return super().grade_text(item, text[:50])


def test_the_cascade_grades_a_long_reply_in_a_thread() -> None:
    rules = _Blocking()
    cascade = CascadeGrader(rules, None, mode="rules")

    async def both() -> None:
        await asyncio.gather(
            cascade.grade(ITEM, Reply(text="Paris " * (THREAD_CHARS // 6 + 1))),
            cascade.grade(ITEM, Reply(text="Paris")),
        )

    asyncio.run(both())
    assert rules.released is True  # on the event loop it would have blocked the short one
