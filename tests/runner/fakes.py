"""Tiny stand-ins for collaborators the runner tests do not exercise."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from dontguess.backends import Request, TransientBackendError
from dontguess.backends.base import FatalBackendError
from dontguess.records import Item, Reply, Verdict


@dataclass(frozen=True)
class FakeGrade:
    verdict: Verdict | None
    reason: str | None = None


class ExactGrader:
    """Correct iff the text equals the gold answer; "I don't know." is an abstention."""

    async def grade(self, item: Item, reply: Reply) -> FakeGrade:
        if reply.text == "I don't know.":
            return FakeGrade(Verdict.ABSTAINED)
        return FakeGrade(Verdict.CORRECT if reply.text == item.answers[0] else Verdict.INCORRECT)


class FlakyBackend:
    """Fails each request ``fails`` times (transient) before answering; counts calls."""

    def __init__(self, fails: int = 0, retry_after: float | None = None, concurrency: int = 4):
        self.name = "fake:flaky"
        self.max_concurrency = concurrency
        self.fails = fails
        self.retry_after = retry_after
        self.calls: dict[str, int] = {}
        self.in_flight = 0
        self.peak = 0

    async def complete(self, request: Request) -> Reply:
        key = request.messages[-1][1] if request.messages else str(request.prompt)
        key = f"{key}#{request.sample}"
        self.calls[key] = self.calls.get(key, 0) + 1
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(0.001)
        finally:
            self.in_flight -= 1
        if "PERMANENT" in key:
            return Reply(text=None, error="HTTP 400: no")
        if self.calls[key] <= self.fails:
            raise TransientBackendError("HTTP 500: boom", retry_after=self.retry_after)
        return Reply(text=f"ans:{key}", prompt_tokens=3, completion_tokens=1)

    async def aclose(self) -> None:
        pass


class ChoicesFake(FlakyBackend):
    """Answers ``request.n`` samples per call (at most ``max_n``); logs every call.

    Sample ``s`` of prompt ``p`` answers ``ans:p#s``, the same as :class:`FlakyBackend`
    gives a separate request, so records can be compared across the two.
    """

    def __init__(self, max_n: int | None = None) -> None:
        super().__init__()
        self.name = "fake:choices"
        self.max_n = max_n
        self.log: list[tuple[str, int, int, int | None]] = []

    async def complete_choices(self, request: Request) -> list[Reply]:
        prompt = request.messages[-1][1] if request.messages else str(request.prompt)
        self.log.append((prompt, request.sample, request.n, request.seed))
        k = request.n if self.max_n is None else min(request.n, self.max_n)
        return [Reply(text=f"ans:{prompt}#{request.sample + j}") for j in range(k)]


class FatalAfter(FlakyBackend):
    """Answers the first ``ok`` calls, then raises :class:`FatalBackendError` on every call.

    ``check_error``, when given, is raised by :meth:`check` (the preflight).
    """

    def __init__(self, ok: int, concurrency: int = 4, check_error: Exception | None = None) -> None:
        super().__init__(concurrency=concurrency)
        self.ok = ok
        self.check_error = check_error
        self.checked = 0
        self.n_calls = 0
        self.closed = False

    async def check(self) -> None:
        self.checked += 1
        if self.check_error is not None:
            raise self.check_error

    async def complete(self, request: Request) -> Reply:
        self.n_calls += 1
        if self.n_calls > self.ok:
            await asyncio.sleep(0.001)
            raise FatalBackendError("http://127.0.0.1:9/v1: connection refused; is it running?")
        return await super().complete(request)

    async def aclose(self) -> None:
        self.closed = True
