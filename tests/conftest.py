"""Shared fixtures.

``shared_data`` points at ../shared/data (the real data of the project's README). Tests that
need it skip when it is absent, but fail when DONTGUESS_REQUIRE_SHARED=1 (as .ci/run sets).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("DONTGUESS_SHARED_DATA", ROOT.parent / "shared" / "data"))


def _require(flag: str) -> bool:
    return os.environ.get(flag, "") == "1"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path of ../shared/data; skip (or fail under DONTGUESS_REQUIRE_SHARED=1) if absent."""
    if not SHARED_DATA.is_dir():
        msg = f"shared data not found at {SHARED_DATA}"
        if _require("DONTGUESS_REQUIRE_SHARED"):
            pytest.fail(msg + " and DONTGUESS_REQUIRE_SHARED=1")
        pytest.skip(msg)
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _no_dataset_downloads(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Built-in sets never download from the internet in tests (DONTGUESS_OFFLINE=1) and
    never touch the user's cache; tests/items/mirror_fixture.py serves them from 127.0.0.1."""
    monkeypatch.setenv("DONTGUESS_OFFLINE", "1")
    monkeypatch.setenv("DONTGUESS_CACHE", str(tmp_path_factory.getbasetemp() / "dataset-cache"))
    monkeypatch.delenv("DONTGUESS_DATASETS_MIRROR", raising=False)


def require_or_skip(condition: bool, why: str, flag: str) -> None:
    """Skip when ``condition`` is false, unless env ``flag``=1, then fail."""
    if not condition:
        if _require(flag):
            pytest.fail(f"{why} and {flag}=1")
        pytest.skip(why)
