"""Run directories: spec.json, graded files in the score format, DONE last."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from dontguess.errors import StoreError
from dontguess.records import Condition, Graded, RunSpec, Verdict
from dontguess.store import GRADED_COLUMNS, RUN_SCHEMA_VERSION, RunDir
from dontguess.tables import read_graded

SPEC = RunSpec(
    models=("openai:m",),
    dataset="d",
    dataset_hash="h",
    conditions=(Condition(), Condition("open", 0.75, "reward", "abc")),
    generation={"temperature": 0.0},
)
RECORDS = [
    Graded("q1", "openai:m", Verdict.CORRECT, answer="Paris", groups={"topic": "geo"}),
    Graded("q1", "openai:m", Verdict.ABSTAINED, Condition("open", 0.75, "reward"), sample=1),
    Graded("q2", "openai:m", None, ungraded_reason="backend error: HTTP 400: no"),
]


def test_spec_json_and_refusal(tmp_path: Path) -> None:
    rd = RunDir(tmp_path / "run")
    rd.begin(SPEC)
    doc = rd.read_spec()
    assert doc["schema_version"] == RUN_SCHEMA_VERSION
    assert doc["spec"]["conditions"][1] == {
        "rubric": "open", "target": 0.75, "style": "reward", "template_hash": "abc",
    }  # fmt: skip
    assert doc["versions"]["dontguess"] and doc["versions"]["python"]
    rev = doc["git_revision"]
    assert rev is None or (len(rev) == 40 and int(rev, 16) >= 0)
    rd.mark_done()
    rd.begin(SPEC)  # same spec: reopen, DONE removed until the run ends again
    assert not rd.done
    other = RunSpec(models=("openai:n",), dataset="d", dataset_hash="h", conditions=(Condition(),))
    with pytest.raises(StoreError, match="differs in conditions, generation, models"):
        rd.begin(other)


def test_graded_files_read_back_with_read_graded(tmp_path: Path) -> None:
    rd = RunDir(tmp_path)
    rd.write_graded(RECORDS)
    first = json.loads((tmp_path / "graded.jsonl").read_text().splitlines()[0])
    assert list(first) == [*GRADED_COLUMNS, "topic"]
    for name in ("graded.jsonl", "graded.parquet"):
        table = read_graded([tmp_path / name])
        assert list(table.verdict) == [0, 2, -1]
        assert math.isnan(table.stated_target[0]) and table.stated_target[1] == 0.75
        assert list(table.style) == ["", "reward", ""]
        assert list(table.sample) == [0, 1, 0]
        assert list(table.groups["topic"]) == ["geo", "", ""]
    assert len(read_graded([tmp_path])) == 3  # a run directory


def test_summary_nan_is_null_and_done_is_last(tmp_path: Path) -> None:
    rd = RunDir(tmp_path)
    rd.write_summary({"score": float("nan"), "n": np.int64(3)})
    assert json.loads((tmp_path / "summary.json").read_text()) == {"score": None, "n": 3}
    assert not rd.done
    rd.mark_done()
    assert rd.done
