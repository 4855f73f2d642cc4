"""The progress counter (bar on a terminal, counts always)."""

from __future__ import annotations

import pytest

from dontguess.records import Reply
from dontguess.runner._progress import Progress


@pytest.mark.parametrize("enabled", [False, True])
def test_counts_errors_and_tokens(enabled: bool) -> None:
    with Progress(3, enabled=enabled) as p:
        p.update(Reply(text="a", prompt_tokens=5, completion_tokens=2))
        p.update(Reply(text=None, error="HTTP 500"))
        p.update(Reply(text="b"))
    assert (p.done, p.errors, p.prompt_tokens, p.completion_tokens) == (3, 1, 5, 2)
