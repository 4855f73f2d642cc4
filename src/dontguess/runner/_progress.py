"""Progress display for the request phase: bar, rate, ETA, errors, tokens (rich, on stderr)."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from dontguess.records import Reply


class Progress:
    """Counts replies; draws a rich progress bar when ``enabled`` (stderr is a terminal)."""

    def __init__(self, total: int, *, enabled: bool | None = None, label: str = "requests"):
        self.total = total
        self.done = 0
        self.errors = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._bar: Any = None
        self._task: Any = None
        self._label = label

    def __enter__(self) -> Progress:
        if self.enabled and self.total:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as Bar

            self._bar = Bar(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                TextColumn("errors {task.fields[errors]}  tokens {task.fields[tokens]}"),
                console=Console(stderr=True),
                transient=False,
            )
            self._bar.start()
            self._task = self._bar.add_task(
                self._label, total=self.total, errors=0, tokens=0, rate=""
            )
        return self

    def update(self, reply: Reply) -> None:
        """Count one finished request."""
        self.done += 1
        if reply.error is not None:
            self.errors += 1
        self.prompt_tokens += reply.prompt_tokens or 0
        self.completion_tokens += reply.completion_tokens or 0
        if self._bar is not None:
            task = self._bar.tasks[0]
            speed = task.speed
            self._bar.update(
                self._task,
                advance=1,
                errors=self.errors,
                tokens=self.prompt_tokens + self.completion_tokens,
                rate=f"{speed:.0f}/s" if speed else "",
            )

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
