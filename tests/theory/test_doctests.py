"""Run the doctest examples of dontguess.theory (they carry hand-worked values)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "dontguess.theory.arbitrary_facts",
    "dontguess.theory.bounds",
    "dontguess.theory.estimators",
    "dontguess.theory.good_turing",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
