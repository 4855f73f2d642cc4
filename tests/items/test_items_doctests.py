"""Run the doctest examples of dontguess.items and dontguess.grading."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "dontguess.items",
    "dontguess.items._builtin",
    "dontguess.items._generic",
    "dontguess.grading._abstain",
    "dontguess.grading._choice",
    "dontguess.grading._dates",
    "dontguess.grading._deterministic",
    "dontguess.grading._match",
    "dontguess.grading._normalize",
    "dontguess.grading._numbers",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
