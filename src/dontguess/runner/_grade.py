"""Grading a run's replies: the grader per record, long answers in a thread, judge journal.

:func:`grade_journaled` grades every job; with an LLM judge its calls go through the run's
journal (:mod:`~dontguess.runner._judging`). Each record's ``method`` is the grade's
``decided_by`` and ``judge_reply`` its ``judge_reply``; a model error is ungraded with
``backend error: …`` and graded by nobody (``method`` null).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from dontguess.grading import DeterministicGrader, LLMJudge
from dontguess.records import Graded, Item, Reply, Verdict
from dontguess.runner._judging import (
    grading_counts,
    grading_document,
    journaled,
    judge_of,
    raise_if_judge_failed,
)
from dontguess.runner._plan import Job
from dontguess.runner.journal import Journal
from dontguess.store import RunDir

__all__ = [
    "GRADE_IN_THREAD_CHARS",
    "GradeLike",
    "GraderLike",
    "grade_jobs",
    "grade_journaled",
    "sequence_probability",
]

#: Answers longer than this (characters) are graded in a worker thread.
GRADE_IN_THREAD_CHARS = 10_000


class GradeLike(Protocol):
    """What a grader returns (:class:`dontguess.grading.Grade`)."""

    @property
    def verdict(self) -> Verdict | None: ...

    @property
    def reason(self) -> str | None: ...


class GraderLike(Protocol):
    """The :class:`dontguess.grading.Grader` protocol as the runner uses it."""

    async def grade(self, item: Item, reply: Reply) -> Any: ...


async def grade_jobs(
    jobs: Sequence[Job], replies: Mapping[str, Reply], grader: GraderLike
) -> list[Graded]:
    async def one(job: Job) -> Graded:
        reply = replies[job.key]
        groups = {**job.item.groups, "template_hash": job.condition.template_hash or ""}
        base: dict[str, Any] = {
            "confidence": sequence_probability(reply),
            "item_id": job.item.id,
            "model": job.model,
            "condition": job.condition,
            "sample": job.sample,
            "answer": reply.text,
            "groups": groups,
            "item": job.item,
        }
        if reply.error is not None:
            return Graded(verdict=None, ungraded_reason=f"backend error: {reply.error}", **base)
        grade = await _grade_reply(grader, job.item, reply)
        reason = None if grade.verdict is not None else (grade.reason or "ungraded")
        return Graded(
            verdict=grade.verdict,
            ungraded_reason=reason,
            method=getattr(grade, "decided_by", None),
            judge_reply=getattr(grade, "judge_reply", None),
            **base,
        )

    return list(await asyncio.gather(*(one(j) for j in jobs)))


async def _grade_reply(grader: GraderLike, item: Item, reply: Reply) -> Any:
    """``grader.grade(item, reply)``; a long answer's rule-based grading in a thread.

    :meth:`DeterministicGrader.grade` of an answer without error is its synchronous
    ``grade_text`` (pure CPU, about 1.8 s per MB), which would stall every other coroutine;
    in a worker thread it does not. Results do not depend on where they were computed.
    """
    text = reply.text or ""
    if isinstance(grader, DeterministicGrader) and len(text) > GRADE_IN_THREAD_CHARS:
        return await asyncio.to_thread(grader.grade_text, item, text)
    return await grader.grade(item, reply)


def sequence_probability(reply: Reply) -> float | None:
    """exp(Σ log p) over the answer's tokens: the model's probability of its whole answer.

    Only when log-probabilities were asked for (``--logprobs``) and returned, else ``None``.

    >>> sequence_probability(Reply(text="a", logprobs=(-0.5, -0.5)))  # e^-1
    0.36787944117144233
    """
    if not reply.logprobs:
        return None
    return min(1.0, math.exp(sum(reply.logprobs)))


async def grade_journaled(
    jobs: Sequence[Job], replies: Mapping[str, Reply], grader: GraderLike, out: RunDir
) -> tuple[list[Graded], dict[str, Any]]:
    """Grade every job, journaling judge calls in ``out``'s journal; the grading counts.

    Raises:
        FatalBackendError: the judge cannot be used (after every record was tried; the
            judge sends nothing more after its first fatal error).
    """
    if not isinstance(judge_of(grader), LLMJudge):  # nothing to journal
        records = await grade_jobs(jobs, replies, grader)
        raise_if_judge_failed(grader)
        return records, grading_counts(records, grading_document(grader), None)
    judge_journal = Journal(out.journal_path, table="judge_replies")
    try:
        graded_by, backend = journaled(grader, judge_journal)
        records = await grade_jobs(jobs, replies, graded_by)
    finally:
        judge_journal.close()
    raise_if_judge_failed(graded_by)
    return records, grading_counts(records, grading_document(grader), backend)
