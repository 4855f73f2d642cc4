"""Retries: bounded, exponential with jitter, Retry-After honoured, 4xx not retried."""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

import pytest

from dontguess.backends import Request
from dontguess.runner.execute import Pending, RetryPolicy, execute
from dontguess.runner.journal import Journal

from .fakes import FlakyBackend


def _pending(n: int, text: str = "q") -> list[Pending]:
    return [Pending((f"k{i}",), Request(messages=(("user", f"{text}{i}"),))) for i in range(n)]


def _run(backend: FlakyBackend, todo: list[Pending], policy: RetryPolicy, path: Path) -> dict:
    journal = Journal(path)
    try:
        return asyncio.run(execute(backend, todo, journal, policy=policy))
    finally:
        journal.close()


def test_retries_until_success_within_bound(tmp_path: Path) -> None:
    b = FlakyBackend(fails=2, concurrency=3)
    out = _run(b, _pending(20), RetryPolicy(max_retries=2, base_delay=0.001), tmp_path / "j")
    assert all(r.text for r in out.values()) and len(out) == 20
    assert set(b.calls.values()) == {3}
    assert b.peak <= 3
    stored = Journal(tmp_path / "j").load()
    assert {a for _, a in stored.values()} == {3}


def test_gives_up_after_max_retries(tmp_path: Path) -> None:
    b = FlakyBackend(fails=10)
    out = _run(b, _pending(3), RetryPolicy(max_retries=2, base_delay=0.001), tmp_path / "j")
    assert all(r.error == "gave up after 3 attempts: HTTP 500: boom" for r in out.values())
    assert set(b.calls.values()) == {3}


def test_permanent_error_is_not_retried(tmp_path: Path) -> None:
    b = FlakyBackend()
    out = _run(b, _pending(2, "PERMANENT"), RetryPolicy(base_delay=0.001), tmp_path / "j")
    assert [r.error for r in out.values()] == ["HTTP 400: no"] * 2
    assert set(b.calls.values()) == {1}


def test_retry_after_is_honoured(tmp_path: Path) -> None:
    b = FlakyBackend(fails=1, retry_after=0.2)
    t0 = time.perf_counter()
    _run(b, _pending(1), RetryPolicy(base_delay=0.0), tmp_path / "j")
    assert time.perf_counter() - t0 >= 0.2


def test_backoff_is_exponential_capped_and_jittered() -> None:
    p = RetryPolicy(base_delay=1.0, max_delay=5.0)
    rng = random.Random(0)
    d = [p.delay(a, None, rng) for a in range(6)]
    for attempt, value in enumerate(d):
        nominal = min(2.0**attempt, 5.0)
        assert 0.5 * nominal <= value < 1.5 * nominal
    assert len(set(d)) == 6
    assert p.delay(0, 99.0, rng) == 5.0
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
