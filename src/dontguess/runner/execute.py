"""The request phase: a worker pool per backend, bounded retries, journal writes.

Retry policy (:class:`RetryPolicy`): a :class:`~dontguess.backends.base.TransientBackendError`
(429, 5xx, time-out, dropped connection, malformed body) is retried up to ``max_retries``
times. The wait is the server's ``Retry-After`` when given (capped at ``max_delay``), else
``base_delay · 2**attempt`` capped at ``max_delay``, times a uniform jitter in [0.5, 1.5).
Any other failure the backend reports (a 4xx) ends that request at once with the server's
message in ``Reply.error``.

A :class:`Pending` request may ask for ``n`` samples at once (``Request.n``, sent only to a
:class:`~dontguess.backends.base.ChoicesBackend`): its ``n`` replies are journaled under the
``n`` sample keys, and samples the server left out (fewer choices than asked) are recorded
as errors, ``"server returned k of n choices"``, so a rerun asks for them again.

A :class:`~dontguess.backends.base.FatalBackendError` (authentication refused, no such
endpoint, server unreachable from the start) is never retried and never journaled: it
cancels every request in flight or waiting (:func:`run_together`), so nothing more is sent,
and propagates to the caller. Replies that arrived before it stay journaled.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from dontguess.backends.base import Backend, ChoicesBackend, Request, TransientBackendError
from dontguess.errors import StoreError
from dontguess.records import Reply
from dontguess.runner.journal import Journal

__all__ = [
    "Pending",
    "RetryPolicy",
    "complete_samples",
    "complete_with_retries",
    "execute",
    "run_together",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded exponential backoff with jitter (see the module doc)."""

    max_retries: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {self.max_retries}")
        if self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("retry delays must be >= 0")

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait before retry number ``attempt + 1`` (``attempt`` from 0)."""
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        return min(self.base_delay * 2.0**attempt, self.max_delay) * rng.uniform(0.5, 1.5)


@dataclass(frozen=True, slots=True)
class Pending:
    """One request to send and the journal key of each sample it answers.

    Attributes:
        keys: one journal key per sample, in choice order (``len(keys) == request.n``).
        request: the request itself.
    """

    keys: tuple[str, ...]
    request: Request

    def __post_init__(self) -> None:
        if len(self.keys) != self.request.n:
            raise ValueError(f"{len(self.keys)} keys for a request with n={self.request.n}")


async def complete_with_retries(
    backend: Backend, request: Request, policy: RetryPolicy, rng: random.Random
) -> tuple[Reply, int]:
    """Send ``request`` until it succeeds, fails permanently, or retries run out.

    Returns:
        The reply (text, or an error message) and the number of attempts made.
    """
    replies, attempts = await complete_samples(backend, request, policy, rng)
    return replies[0], attempts


async def complete_samples(
    backend: Backend, request: Request, policy: RetryPolicy, rng: random.Random
) -> tuple[list[Reply], int]:
    """Like :func:`complete_with_retries` for the ``request.n`` samples of one request.

    Returns:
        Exactly ``request.n`` replies in choice order (missing choices as error replies)
        and the number of attempts made.
    """
    attempt = 0
    while True:
        try:
            return _fill(await _call(backend, request), request.n), attempt + 1
        except TransientBackendError as exc:
            if attempt >= policy.max_retries:
                error = Reply(text=None, error=f"gave up after {attempt + 1} attempts: {exc}")
                return [error] * request.n, attempt + 1
            await asyncio.sleep(policy.delay(attempt, exc.retry_after, rng))
            attempt += 1


async def _call(backend: Backend, request: Request) -> list[Reply]:
    if request.n == 1:
        return [await backend.complete(request)]
    if not isinstance(backend, ChoicesBackend):
        raise TypeError(f"{backend.name} cannot answer n={request.n} choices in one request")
    return await backend.complete_choices(request)


def _fill(replies: list[Reply], n: int) -> list[Reply]:
    """The first ``n`` replies; choices the server left out become error replies.

    >>> [r.error for r in _fill([Reply(text="a")], 2)]
    [None, 'server returned 1 of 2 choices']
    """
    if len(replies) >= n:
        return replies[:n]
    missing = Reply(text=None, error=f"server returned {len(replies)} of {n} choices")
    return replies + [missing] * (n - len(replies))


async def run_together(coros: Iterable[Awaitable[T]]) -> list[T]:
    """Await ``coros`` concurrently; on the first failure cancel the rest and raise it.

    Unlike :func:`asyncio.gather`, a failure does not leave the others running: they are
    cancelled and awaited before the exception propagates (a cancellation of the caller
    cancels them the same way).

    >>> async def ok(x): return x
    >>> asyncio.run(run_together([ok(1), ok(2)]))
    [1, 2]
    """
    tasks = [asyncio.ensure_future(c) for c in coros]
    if not tasks:
        return []
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in tasks:
        failure = None if task.cancelled() else task.exception()
        if failure is not None:
            raise failure
    return [task.result() for task in tasks]


async def execute(
    backend: Backend,
    todo: Sequence[Pending],
    journal: Journal,
    *,
    policy: RetryPolicy,
    on_done: Callable[[Reply], None] | None = None,
    seed: int = 0,
) -> dict[str, Reply]:
    """Send every pending request with ``backend.max_concurrency`` workers.

    Each completed request (success or final error) is added to ``journal`` as soon as it
    completes, one row per sample, as :meth:`Journal.add` stored it (a malformed reply
    becomes an error). Returns replies by sample key.

    Raises:
        FatalBackendError: from the backend; every other request is cancelled first.
    """
    results: dict[str, Reply] = {}
    queue: Iterator[Pending] = iter(todo)
    rng = random.Random(seed)

    async def worker() -> None:
        for job in queue:
            replies, attempts = await complete_samples(backend, job.request, policy, rng)
            for key, reply in zip(job.keys, replies, strict=True):
                stored = journal.add(key, backend.name, reply, attempts)
                results[key] = stored
                if on_done is not None:
                    on_done(stored)

    n_workers = max(1, min(backend.max_concurrency, len(todo)))
    try:
        await run_together(worker() for _ in range(n_workers))
    except BaseException:
        with contextlib.suppress(StoreError):  # keep the first failure, not a follow-up
            journal.flush()
        raise
    journal.flush()
    return results
