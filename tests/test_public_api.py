"""Every package's ``__all__`` is sorted and names things that exist (STYLE rule 1)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import dontguess


def _modules() -> list[str]:
    names = ["dontguess"]
    for info in pkgutil.walk_packages(dontguess.__path__, "dontguess."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf.startswith("_") or ".cli." in info.name:
            continue
        names.append(info.name)
    return names


@pytest.mark.parametrize("name", _modules())
def test_all_is_sorted_and_real(name: str) -> None:
    try:
        module = importlib.import_module(name)
    except ImportError as exc:  # optional extra not installed
        pytest.skip(f"{name}: {exc}")
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert list(exported) == sorted(exported), f"{name}.__all__ is not sorted"
    for attr in exported:
        assert hasattr(module, attr), f"{name}.__all__ names missing {attr!r}"
