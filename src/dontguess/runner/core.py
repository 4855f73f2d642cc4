"""One evaluation run: plan requests, send what the journal lacks, grade, score, store.

The runner is the only place where a backend, a grader and the scorer meet (STYLE rule 2).
Each (model, item, condition, sample) has a journal key, a hash of the model identity,
messages, generation parameters and sample index; items whose requests are identical share
one request. Each sample is one request, unless ``generation["n_per_request"]`` is N > 1
and the backend is a :class:`~dontguess.backends.base.ChoicesBackend`: then samples
``i .. i+N-1`` are asked in one request with ``n = N`` (choice ``j`` is sample ``i + j``).
A rerun into the same run directory sends only the samples the journal lacks (or that ended
in error), so nothing finished is sent again: the missing samples of a multi-choice request
are asked again in requests of their own contiguous runs (``n`` = the run's length).

A backend with a ``check_requests(requests)`` method sees every planned request before the
run directory is created and may refuse them with an ``InputError`` (e.g. a prompt longer
than an ``hf:`` model's context): then nothing is created or sent.

Failure behaviour: every request is planned (prompts rendered) before the run directory is
created. Before sending, a backend with an ``async check()`` method is asked once whether
its endpoint answers. A :class:`~dontguess.backends.base.FatalBackendError` (from ``check``
or any request) stops the run at once: requests in flight are cancelled, answers already
received stay journaled, no graded file, summary or DONE is written, and the error
propagates. Any failure of a run that journaled nothing removes the directory it created
(:meth:`~dontguess.store.RunDir.discard`). Grading a long answer with the
:class:`~dontguess.grading.DeterministicGrader` runs in a worker thread, so it does not hold
up the event loop.

Grading with an LLM judge (a :class:`~dontguess.grading.CascadeGrader` holding an
:class:`~dontguess.grading.LLMJudge`): the judge's endpoint is checked with the models'
before any model request is sent; judge calls are journaled (table ``judge_replies``, see
:mod:`~dontguess.runner._judging`) so a rerun or a resumed crash asks no judge question
twice; each record's ``method`` says who decided (``rules`` / ``judge``) and
``judge_reply`` keeps the judge's raw reply; a judge
:class:`~dontguess.backends.base.FatalBackendError` stops the run like a model one (no
graded file, no DONE). spec.json's ``grading`` names the mode and the judge (model name,
template hash, temperature, seed, max tokens; never a URL or key); a rerun into the same
directory with another grading is refused. The runner closes the judge's backend with the
model backends.

Self-contained records: every record keeps its item (question, golds, grading fields) and
spec.json keeps the text of every prompt template (``templates``), so the graded files
alone rebuild each prompt and re-grade the run (:mod:`~dontguess.runner._selfcontained`).
An item group named like a record column is refused before anything is created.

Response cache (``RunOptions.cache``, :mod:`~dontguess.runner._cache`): requests the
journal lacks are looked up in a cache shared by runs first; cached answers are journaled
in this run (attempts 0) and counted apart (``requests.cached``, ``cache`` in the summary);
only what the cache lacks is sent, and every answer received is cached as it is journaled.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dontguess.backends.base import Backend, TransientBackendError
from dontguess.errors import InputError, StoreError
from dontguess.records import Graded, GradedTable, Item, Reply, RunSpec
from dontguess.runner._cache import ResponseCache, serve
from dontguess.runner._confidence import add_confidences
from dontguess.runner._grade import (
    GRADE_IN_THREAD_CHARS,
    GradeLike,
    GraderLike,
    grade_journaled,
)
from dontguess.runner._judging import grading_document, judge_of
from dontguess.runner._plan import Job, Planned, partition, plan
from dontguess.runner._progress import Progress
from dontguess.runner._selfcontained import RECORD_COLUMNS, TEMPLATES_KEY, templates_document
from dontguess.runner.execute import Pending, RetryPolicy, execute, run_together
from dontguess.runner.journal import Journal
from dontguess.store import RunDir

__all__ = [
    "GRADE_IN_THREAD_CHARS",
    "GradeLike",
    "GraderLike",
    "Job",
    "RunOptions",
    "RunResult",
    "close_all",
    "plan",
    "run",
    "run_async",
]

DEFAULT_SCORE_TARGETS = (0.0, 0.5, 0.75, 0.9)


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How to run (as opposed to what to ask, which is the :class:`RunSpec`).

    Attributes:
        policy: retry policy for transient failures.
        template: user template text for the open rubric, or ``None`` for the built-ins.
        progress: draw a progress bar (``None``: when stderr is a terminal).
        score_targets: targets at which the summary scores; ``None``: the open-rubric
            targets plus 0, or (0, 0.5, 0.75, 0.9) for a closed-only run.
        notes: extra JSON fields for spec.json (e.g. the command line); not part of the
            run's identity. Must hold no secret.
        cache: folder of the response cache shared by runs (see the module doc), or
            ``None`` (the default): no cache is read or written.
    """

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    template: str | None = None
    progress: bool | None = None
    score_targets: tuple[float, ...] | None = None
    notes: Mapping[str, Any] = field(default_factory=dict)
    cache: str | Path | None = None


@dataclass
class RunResult:
    """What a finished run produced (also written to the run directory)."""

    records: list[Graded]
    summary: dict[str, Any]

    @property
    def n_errors(self) -> int:
        """Requests that ended in error."""
        return int(self.summary["requests"]["errors"])


def _score_targets(spec: RunSpec, options: RunOptions) -> tuple[float, ...]:
    if options.score_targets is not None:
        return options.score_targets
    open_t = {c.target for c in spec.conditions if c.target is not None}
    return tuple(sorted(open_t | {0.0})) if open_t else DEFAULT_SCORE_TARGETS


def _score(table: GradedTable, targets: Sequence[float]) -> tuple[list[Any], list[Any]]:
    from dontguess.metrics import calibration_audit
    from dontguess.scoring import summarize

    # Undefined rates (a group whose requests all failed) are null in the summary; the
    # error count already says why, so no warning is raised on top.
    return summarize(table, targets=targets, zero_division=math.nan), calibration_audit(table)


async def _send(
    backends: Sequence[Backend],
    todo: Mapping[str, list[Pending]],
    journal: Journal,
    options: RunOptions,
) -> dict[str, Reply]:
    total = sum(len(p.keys) for v in todo.values() for p in v)
    replies: dict[str, Reply] = {}
    with Progress(total, enabled=options.progress) as progress:
        parts = await run_together(
            execute(b, todo[b.name], journal, policy=options.policy, on_done=progress.update)
            for b in backends
            if todo[b.name]
        )
    for part in parts:
        replies.update(part)
    return replies


async def _preflight(backends: Sequence[Any]) -> None:
    """Call each backend's optional ``async check()`` once, all at once.

    A :class:`FatalBackendError` propagates; a transient failure is left to the bounded
    retries of the requests themselves.
    """

    async def one(backend: Any) -> None:
        check = getattr(backend, "check", None)
        if check is not None:
            with contextlib.suppress(TransientBackendError):
                await check()

    await run_together(one(b) for b in backends)


@dataclass(frozen=True, slots=True)
class _Counts:
    """What the request phase did: samples sent (answered / failed), calls, resumed, cached."""

    sent: int
    answered: int
    calls: int
    resumed: int
    unreadable: int
    cached: int = 0


def _summary(
    table: GradedTable,
    replies: Mapping[str, Reply],
    counts: _Counts,
    targets: Sequence[float],
) -> dict[str, Any]:
    rows, audit = _score(table, targets)
    errors = Counter(r.error for r in replies.values() if r.error is not None)
    return {
        "rows": rows,
        "audit": audit,
        "requests": {
            "total": len(replies),
            "sent": counts.sent,
            "answered": counts.answered,
            "failed": counts.sent - counts.answered,
            "calls": counts.calls,
            "resumed": counts.resumed,
            "cached": counts.cached,
            "unreadable": counts.unreadable,
            "errors": sum(errors.values()),
            "error_reasons": dict(errors.most_common()),
        },
        "records": len(table),
        "ungraded": int((table.verdict < 0).sum()),
        "tokens": {
            "prompt": sum(r.prompt_tokens or 0 for r in replies.values()),
            "completion": sum(r.completion_tokens or 0 for r in replies.values()),
        },
    }


async def run_async(
    spec: RunSpec,
    items: Sequence[Item],
    backends: Sequence[Backend],
    grader: GraderLike,
    out: RunDir,
    options: RunOptions | None = None,
) -> RunResult:
    """Run ``spec`` over ``items`` with ``backends`` into ``out`` (resuming from its journal).

    The directory is locked for the whole run; spec.json is written first, the journal as
    requests complete, then graded.jsonl, graded.parquet and summary.json are replaced
    together and DONE is written last (:meth:`RunDir.commit`). Backends are closed at the end.

    Raises:
        FatalBackendError: a backend cannot be used at all (see the module doc); nothing
            is graded and DONE is not written.
        StoreError: ``out`` is locked by another run, holds a different run, or its
            journal cannot be read.
    """
    options = options or RunOptions()
    cache: ResponseCache | None = None
    try:
        t0 = time.perf_counter()
        _check_groups(items)
        planned: Planned = [(b, *plan(b, items, spec, options.template)) for b in backends]
        for backend, _, pending in planned:  # e.g. hf: prompts longer than its context
            check_requests = getattr(backend, "check_requests", None)
            if check_requests is not None:
                check_requests([p.request for p in pending])
        if options.cache is not None:
            cache = ResponseCache(options.cache)
            cache.bind(backends)
        templates = templates_document(spec.conditions, options.template)
        extra = {**options.notes, TEMPLATES_KEY: templates}
        out.begin(spec, extra=extra, grading=grading_document(grader))
        try:
            return await _run_locked(planned, spec, grader, out, options, t0, cache)
        except Exception:
            out.discard()  # a failure that journaled nothing leaves nothing behind
            raise
        finally:
            out.release()
    finally:
        if cache is not None:
            cache.close()
        await close_all([*backends, getattr(judge_of(grader), "backend", None)])


def _check_groups(items: Sequence[Item]) -> None:
    """Refuse an item group that would overwrite a column of the records.

    Raises:
        InputError: a group is named like a record column (``question``, ``model``, ...).
    """
    names = {k for item in items for k in item.groups}
    clash = sorted(names & set(RECORD_COLUMNS))
    if clash:
        raise InputError(
            f"group column {clash[0]!r} has the name of a column of the graded records "
            f"({', '.join(RECORD_COLUMNS)}); rename it in the question set"
        )


async def close_all(backends: Sequence[Any]) -> None:
    """Close every backend given (``None`` entries skipped)."""
    for backend in backends:
        if backend is not None:
            await backend.aclose()


async def _collect(
    planned: Planned,
    journal: Journal,
    options: RunOptions,
    judge: Any = None,
    cache: ResponseCache | None = None,
) -> tuple[list[Job], dict[str, Reply], _Counts]:
    """Load the journal, take what the cache holds, check the endpoints (the judge's too),
    send the rest."""
    jobs, todo, replies = partition(planned, journal.load())
    backends = [b for b, _, _ in planned]
    n_resumed = len(replies)
    hits: dict[str, Reply] = {}
    if cache is not None:
        hits, todo = serve(cache, todo, journal)
        replies.update(hits)
    if any(todo.values()):
        judge_backend = [judge.backend] if hasattr(judge, "backend") else []
        await _preflight([*(b for b in backends if todo[b.name]), *judge_backend])
    fresh = await _send(backends, todo, journal, options)
    replies.update(fresh)
    counts = _Counts(
        sent=sum(len(p.keys) for v in todo.values() for p in v),
        answered=sum(r.error is None for r in fresh.values()),
        calls=sum(len(v) for v in todo.values()),
        resumed=n_resumed,
        unreadable=journal.unreadable,
        cached=len(hits),
    )
    return jobs, replies, counts


async def _run_locked(
    planned: Planned,
    spec: RunSpec,
    grader: GraderLike,
    out: RunDir,
    options: RunOptions,
    t0: float,
    cache: ResponseCache | None = None,
) -> RunResult:
    journal = Journal(out.journal_path)
    t1 = time.perf_counter()
    try:
        judge = judge_of(grader)
        jobs, replies, counts = await _collect(planned, journal, options, judge, cache)
    except BaseException:
        with contextlib.suppress(StoreError):  # keep the first failure
            journal.close()
        raise
    journal.close()
    t2 = time.perf_counter()
    records, grading = await grade_journaled(jobs, replies, grader, out)
    records = await add_confidences(  # run --confidence: confidence_* columns
        spec, [b for b, _, _ in planned], jobs, replies, records, out.journal_path, options.policy
    )
    t3 = time.perf_counter()
    table = GradedTable.from_records(records)
    summary = _summary(table, replies, counts, _score_targets(spec, options))
    summary["grading"] = grading
    if cache is not None:
        summary["cache"] = cache.summary()
    summary["timing"] = {"plan_s": t1 - t0, "request_s": t2 - t1, "grade_s": t3 - t2}
    summary["timing"]["total_s"] = time.perf_counter() - t0
    out.commit(records, summary)
    return RunResult(records, summary)


def run(
    spec: RunSpec,
    items: Sequence[Item],
    backends: Sequence[Backend],
    grader: GraderLike,
    out: RunDir,
    options: RunOptions | None = None,
) -> RunResult:
    """Synchronous wrapper of :func:`run_async`."""
    return asyncio.run(run_async(spec, items, backends, grader, out, options))
