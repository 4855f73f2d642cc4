"""The doctest examples of the lab modules hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "dontguess.lab.calibrated",
    "dontguess.lab.corpus",
    "dontguess.lab.measure",
    "dontguess.lab.world",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
