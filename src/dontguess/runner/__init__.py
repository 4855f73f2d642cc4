"""The runner: prompts per target, concurrency, bounded retries, resume, store.

- :mod:`~dontguess.runner.core`: :func:`run` / :func:`run_async`, :class:`RunOptions`.
- :mod:`~dontguess.runner.execute`: the worker pool and :class:`RetryPolicy`.
- :mod:`~dontguess.runner.journal`: the SQLite (WAL) request journal and :func:`request_key`.
- :mod:`~dontguess.runner._regrade`: :func:`regrade` a finished run with another grader.
"""

from __future__ import annotations

from dontguess.runner._regrade import SourceRun, read_source, regrade, regrade_async
from dontguess.runner.core import RunOptions, RunResult, plan, run, run_async
from dontguess.runner.execute import RetryPolicy
from dontguess.runner.journal import Journal, request_key

__all__ = [
    "Journal",
    "RetryPolicy",
    "RunOptions",
    "RunResult",
    "SourceRun",
    "plan",
    "read_source",
    "regrade",
    "regrade_async",
    "request_key",
    "run",
    "run_async",
]
