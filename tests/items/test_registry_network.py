"""The real registry against the real upstream files (marker ``network``, off by default).

``pytest -m network tests/items/test_registry_network.py`` downloads every built-in set
(about 7 MB) from its pinned URL, or from ``$DONTGUESS_TEST_DATASETS_MIRROR`` when set (a
server holding the upstream files under their GitHub paths), checks each sha256 and row
count, and loads each set with its parser: ids unique, row count as pinned.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dontguess.items import DATASETS, dataset_hash, fetch_builtin, load_items


@pytest.fixture
def online(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DONTGUESS_OFFLINE", raising=False)
    monkeypatch.delenv("DONTGUESS_DATA_DIR", raising=False)
    monkeypatch.setenv("DONTGUESS_CACHE", str(tmp_path / "cache"))
    mirror = os.environ.get("DONTGUESS_TEST_DATASETS_MIRROR", "")
    if mirror:
        monkeypatch.setenv("DONTGUESS_DATASETS_MIRROR", mirror)


@pytest.mark.network
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_pinned_file_loads_in_full(online: None, name: str) -> None:
    got = fetch_builtin(name)
    entry = DATASETS[name]
    assert got.verified and got.sha256 == entry.sha256 and got.bytes == entry.size
    items = load_items(name)
    assert len(items) == entry.rows == got.rows
    assert len({i.id for i in items}) == len(items)
    assert all(i.answers or i.kind == "unknowable" for i in items)
    assert len(dataset_hash(items)) == 16
