"""The LLM judge as the grader of ``dontguess grade-check`` (``--grader judge|cascade``).

Every labelled reply is graded through :class:`~dontguess.grading.CascadeGrader` with the
judge the ``--judge`` spec names, at most ``--concurrency`` requests in flight. A judge that
cannot be used (401, unreachable) stops the check with one clear error; a reply the judge
leaves without a clear label is ungraded, as in a run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dontguess.errors import BackendError, InputError
from dontguess.grading.check import UNGRADED
from dontguess.records import Item, Reply

if TYPE_CHECKING:
    from dontguess.backends import Backend
    from dontguess.grading import CascadeGrader, Grade

__all__ = ["JUDGE_MODES", "judge_labels"]

#: ``--grader`` values that ask the judge.
JUDGE_MODES = ("judge", "cascade")


def _grader(args: argparse.Namespace, mode: str) -> tuple[CascadeGrader, Backend]:
    from dontguess.backends import make_backend
    from dontguess.cli._judging import JUDGE_KEY_ENV
    from dontguess.grading import CascadeGrader, DeterministicGrader, LLMJudge

    if not args.judge:
        raise InputError(f"--grader {mode} needs a judge: add --judge SPEC")
    if args.concurrency < 1:
        raise InputError(f"--concurrency must be >= 1, got {args.concurrency}")
    key = args.judge_api_key or os.environ.get(JUDGE_KEY_ENV) or None
    backend = make_backend(args.judge, api_key=key, api="chat", concurrency=args.concurrency)
    judge = LLMJudge(backend, max_tokens=args.judge_max_tokens)
    return CascadeGrader(DeterministicGrader(), judge, mode=mode), backend


async def _grade_all(
    grader: CascadeGrader, backend: Backend, pairs: Sequence[tuple[Item, str]]
) -> list[Grade]:
    limit = asyncio.Semaphore(max(1, backend.max_concurrency))
    done = 0

    async def one(item: Item, text: str) -> Grade:
        nonlocal done
        async with limit:
            grade = await grader.grade(item, Reply(text=text))
        done += 1
        if sys.stderr.isatty() and (done % 50 == 0 or done == len(pairs)):
            print(f"\rjudged {done}/{len(pairs)}", end="", file=sys.stderr, flush=True)
        return grade

    try:
        return list(await asyncio.gather(*(one(i, t) for i, t in pairs)))
    finally:
        await backend.aclose()


def judge_labels(
    args: argparse.Namespace, mode: str, pairs: Sequence[tuple[Item, str]]
) -> list[str]:
    """The grader's label (or ``ungraded``) of each ``(item, reply)`` with the judge asked."""
    grader, backend = _grader(args, mode)
    grades = asyncio.run(_grade_all(grader, backend, pairs))
    fatal = getattr(grader.judge, "fatal_error", None)
    if fatal is not None:
        raise BackendError(f"the judge cannot be used: {fatal}")
    return [UNGRADED if g.verdict is None else g.verdict.value for g in grades]
