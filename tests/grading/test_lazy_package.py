"""``dontguess.grading`` loads a module on first use of one of its names: reading a log
(the "I don't know" detector only) does not import the judge, the cascade or the reference
sets (about 0.1 s of every such command before)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import dontguess.grading as grading

PROBE = """
import sys
from dontguess.importers._abstain_batch import declined_many
assert declined_many(["I don't know.", "Paris"]).tolist() == [True, False]
heavy = ["_judge", "_cascade", "_reference", "check", "_deterministic"]
print(" ".join(m for m in heavy if f"dontguess.grading.{m}" in sys.modules))
"""


def test_reading_logs_loads_only_the_detector() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("name", grading.__all__)
def test_every_public_name_resolves_and_is_listed(name: str) -> None:
    value = getattr(grading, name)
    assert getattr(value, "__module__", grading.__name__).startswith("dontguess")
    assert name in dir(grading)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        grading.nope  # noqa: B018
