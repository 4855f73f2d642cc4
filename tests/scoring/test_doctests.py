"""The doctest examples in the scoring and metrics docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "dontguess._bootstrap",
    "dontguess._factorize",
    "dontguess._intervals",
    "dontguess._selective",
    "dontguess._undefined",
    "dontguess.metrics._audit",
    "dontguess.metrics._confidence",
    "dontguess.metrics._rates",
    "dontguess.metrics._risk",
    "dontguess.metrics._table",
    "dontguess.scoring._paired",
    "dontguess.scoring._rule",
    "dontguess.scoring._summary",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
