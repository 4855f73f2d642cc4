"""Hugging Face datasets saved to disk (no hub access)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dontguess.errors import InputError, MissingDependencyError
from dontguess.items import load_items


def test_load_from_disk(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    data = datasets.Dataset.from_dict(
        {"id": ["x1", "x2"], "question": ["Q1?", "Q2?"], "answer": ["a", "b"], "cat": ["u", "v"]}
    )
    data.save_to_disk(str(tmp_path / "ds"))
    items = load_items(f"hf:{tmp_path / 'ds'}", group_cols=["cat"])
    assert [(i.id, i.answers, dict(i.groups)) for i in items] == [
        ("x1", ("a",), {"cat": "u"}),
        ("x2", ("b",), {"cat": "v"}),
    ]
    splits = datasets.DatasetDict({"train": data, "validation": data.select([0])})
    splits.save_to_disk(str(tmp_path / "dd"))
    with pytest.raises(InputError, match="has splits"):
        load_items(f"hf:{tmp_path / 'dd'}")
    assert len(load_items(f"hf:{tmp_path / 'dd'}:validation")) == 1
    with pytest.raises(InputError, match="no split 'test'"):
        load_items(f"hf:{tmp_path / 'dd'}:test")


def test_bad_row_names_row(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    data = datasets.Dataset.from_dict(
        {"id": ["a", "a"], "question": ["q", "r"], "answer": ["x", "y"]}
    )
    data.save_to_disk(str(tmp_path / "ds"))
    with pytest.raises(InputError, match=r":2: duplicate id 'a'"):
        load_items(f"hf:{tmp_path / 'ds'}")


def test_missing_datasets_names_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasets", None)
    with pytest.raises(MissingDependencyError, match=r"dontguess\[datasets\]"):
        load_items("hf:some/dataset")


def test_bad_specs(tmp_path: Path) -> None:
    pytest.importorskip("datasets")
    with pytest.raises(InputError, match="needs a dataset name"):
        load_items("hf:")
    (tmp_path / "not_a_dataset").mkdir()
    with pytest.raises(InputError, match="cannot load Hugging Face dataset"):
        load_items(f"hf:{tmp_path / 'not_a_dataset'}")
