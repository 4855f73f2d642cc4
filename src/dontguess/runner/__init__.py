"""The runner: prompts per target, concurrency, bounded retries, resume, store.

- :mod:`~dontguess.runner.core`: :func:`run` / :func:`run_async`, :class:`RunOptions`.
- :mod:`~dontguess.runner.execute`: the worker pool and :class:`RetryPolicy`.
- :mod:`~dontguess.runner.journal`: the SQLite (WAL) request journal and :func:`request_key`.
- :mod:`~dontguess.runner._regrade`: :func:`regrade` a finished run with another grader.
- :mod:`~dontguess.runner._selfcontained`: :func:`rebuild_prompt` of a record; the question
  set rebuilt from a run's own records.
- :mod:`~dontguess.runner._cache`: the :class:`ResponseCache` shared by runs.
"""

from __future__ import annotations

from dontguess.runner._cache import ResponseCache, default_cache_dir
from dontguess.runner._regrade import SourceRun, read_source, regrade, regrade_async
from dontguess.runner._selfcontained import rebuild_prompt
from dontguess.runner.core import RunOptions, RunResult, plan, run, run_async
from dontguess.runner.execute import RetryPolicy
from dontguess.runner.journal import Journal, request_key

__all__ = [
    "Journal",
    "ResponseCache",
    "RetryPolicy",
    "RunOptions",
    "RunResult",
    "SourceRun",
    "default_cache_dir",
    "plan",
    "read_source",
    "rebuild_prompt",
    "regrade",
    "regrade_async",
    "request_key",
    "run",
    "run_async",
]
