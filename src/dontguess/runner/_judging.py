"""The LLM judge inside a run: journaled judge calls, the grading record, its counts.

A run grades with any :class:`~dontguess.grading.Grader`; when it is a
:class:`~dontguess.grading.CascadeGrader` holding an :class:`~dontguess.grading.LLMJudge`,
the runner grades with a copy of it whose judge talks to a :class:`JournaledBackend`: every
judge reply is written to the run's journal (table ``judge_replies``) under the
:func:`~dontguess.runner.journal.request_key` of the judge request, and a request already
answered there is read back instead of sent. The judge request holds the whole prompt
(question, reference answers, the reply judged, the template) and the judge model's name,
temperature, seed and token budget, so only the very same question is ever answered from
the journal. Replies that ended in an error are journaled but asked again by a rerun, as
model replies are; a :class:`~dontguess.backends.base.FatalBackendError` is never journaled,
and after one the backend sends nothing more (requests waiting for a slot get the same
error), so at most the requests in flight at that moment reach the judge.
"""

from __future__ import annotations

import asyncio
import copy
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from dontguess.backends.base import Backend, FatalBackendError, Request
from dontguess.grading import CascadeGrader, LLMJudge
from dontguess.records import Graded, Reply
from dontguess.runner.journal import Journal, request_key

__all__ = [
    "JournaledBackend",
    "grading_counts",
    "grading_document",
    "journaled",
    "judge_of",
    "raise_if_judge_failed",
]


class JournaledBackend:
    """A judge backend whose replies are journaled; an answered request is never resent.

    Args:
        inner: the judge's backend.
        journal: the run's journal, opened with ``table="judge_replies"``.

    Attributes:
        sent: requests sent to ``inner`` by this object, retries included.
        resumed: replies read from the journal instead of asked.
        shared: requests answered by an identical request already in flight.
    """

    def __init__(self, inner: Backend, journal: Journal) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_concurrency = max(1, inner.max_concurrency)
        self.journal = journal
        self._done = {k: r for k, (r, _) in journal.load().items() if r.error is None}
        self._attempts: Counter[str] = Counter()
        self._flying: dict[str, asyncio.Future[Reply]] = {}
        self._gate = asyncio.Semaphore(self.max_concurrency)
        self._fatal: FatalBackendError | None = None
        self.sent = 0
        self.resumed = 0
        self.shared = 0

    @property
    def unreadable(self) -> int:
        """Journal rows that were not well-formed (they are asked again)."""
        return self.journal.unreadable

    async def complete(self, request: Request) -> Reply:
        """The journaled reply to ``request``, or the inner backend's (then journaled)."""
        key = request_key(self.name, request)
        old = self._done.get(key)
        if old is not None:
            self.resumed += 1
            return old
        flying = self._flying.get(key)
        if flying is not None:  # the same question about the same reply: ask once
            self.shared += 1
            return await asyncio.shield(flying)
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._flying[key] = future
        try:
            reply = await self._send(key, request)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when unshared
            raise
        else:
            future.set_result(reply)
            return reply
        finally:
            del self._flying[key]

    async def _send(self, key: str, request: Request) -> Reply:
        async with self._gate:
            if self._fatal is not None:  # waiting when it happened: send nothing more
                raise self._fatal
            self._attempts[key] += 1
            self.sent += 1
            try:
                reply = await self.inner.complete(request)
            except FatalBackendError as exc:
                self._fatal = exc
                raise
        stored = self.journal.add(key, self.name, reply, self._attempts[key])
        if stored.error is None:
            self._done[key] = stored
        return stored

    async def aclose(self) -> None:
        """Close the inner backend."""
        await self.inner.aclose()


def judge_of(grader: Any) -> Any:
    """The judge a grader holds (a :class:`CascadeGrader` not in ``rules`` mode), or None."""
    if isinstance(grader, CascadeGrader) and grader.mode != "rules":
        return grader.judge
    return None


def grading_document(grader: Any) -> dict[str, Any]:
    """How ``grader`` grades, for spec.json: mode and judge settings (never a URL or key).

    >>> from dontguess.grading import DeterministicGrader
    >>> grading_document(DeterministicGrader())
    {'grader': 'rules', 'judge': None}
    """
    if isinstance(grader, CascadeGrader):
        judge = judge_of(grader)
        spec = getattr(judge, "spec", None)
        named = dict(spec) if isinstance(spec, Mapping) else None
        if judge is not None and named is None:
            named = {"judge": type(judge).__name__}
        return {"grader": grader.mode, "judge": named}
    name = type(grader).__name__
    return {"grader": "rules" if name == "DeterministicGrader" else name, "judge": None}


def journaled(grader: Any, journal: Journal) -> tuple[Any, JournaledBackend | None]:
    """A copy of ``grader`` whose LLM judge journals its calls, and the journaling backend.

    Graders without an :class:`LLMJudge` come back unchanged (and ``None``).
    """
    judge = judge_of(grader)
    if not isinstance(judge, LLMJudge):
        return grader, None
    backend = JournaledBackend(judge.backend, journal)
    twin = copy.copy(judge)
    twin.backend = backend
    return CascadeGrader(grader.rules, twin, mode=grader.mode), backend


def raise_if_judge_failed(grader: Any) -> None:
    """Raise :class:`FatalBackendError` if ``grader``'s judge hit one (it then stopped).

    The message starts with ``judge NAME:`` and carries the backend's own reason (which
    names the endpoint).
    """
    judge = judge_of(grader)
    failure = getattr(judge, "fatal_error", None)
    if failure:
        raise FatalBackendError(f"judge {judge.name}: {failure}")


def grading_counts(
    records: Sequence[Graded], grading: Mapping[str, Any], backend: JournaledBackend | None
) -> dict[str, Any]:
    """The summary's ``grading`` block, counted from the records themselves.

    ``decided``: verdicts per source (rules, judge); ``ungraded``: ungraded records per
    source (``model error`` when the model's request failed and nobody graded);
    ``judge_requests``: records handed to the judge, requests sent to it in this pass
    (retries included), and replies read from the journal instead.
    """
    decided: Counter[str] = Counter()
    ungraded: Counter[str] = Counter()
    for r in records:
        source = r.method or "model error"
        (decided if r.verdict is not None else ungraded)[source] += 1
    judge = grading.get("judge")
    out: dict[str, Any] = {
        "grader": grading.get("grader"),
        "judge": judge.get("judge") if isinstance(judge, Mapping) else judge,
        "decided": {k: decided[k] for k in ("rules", "judge") if k in decided or k == "rules"},
        "ungraded": dict(sorted(ungraded.items())),
    }
    if out["judge"] is not None:
        out["decided"].setdefault("judge", 0)
        out["judge_requests"] = {
            "records": sum(r.method == "judge" for r in records),
            "sent": backend.sent if backend else None,
            "from_journal": backend.resumed if backend else None,
            "shared": backend.shared if backend else None,
        }
    return out
