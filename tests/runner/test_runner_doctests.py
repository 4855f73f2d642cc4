"""The doctest examples in the backends, prompts, runner and store docstrings hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "dontguess.backends.openai_compat",
    "dontguess.backends.registry",
    "dontguess.backends.scripted",
    "dontguess.cli.run",
    "dontguess.prompts",
    "dontguess.runner.core",
    "dontguess.runner.execute",
    "dontguess.runner.journal",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"no doctest in {name}"
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
