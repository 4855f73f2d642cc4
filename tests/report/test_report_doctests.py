"""The doctest examples of the report and example modules hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "dontguess.example",
    "dontguess.report._format",
    "dontguess.report._html",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
