"""Private helpers live in packages, not at the package root (issue 14)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src" / "dontguess"


def test_no_private_module_at_the_package_root() -> None:
    private = [
        p.name for p in ROOT.glob("*.py") if p.name.startswith("_") and not p.name.startswith("__")
    ]
    assert not private, f"move {private} into dontguess/_util/ or beside their one user"


def test_tables_package_keeps_its_public_names() -> None:
    import dontguess.tables as tables

    assert tables.__all__ == sorted(tables.__all__)
    for name in (
        "RUN_FILES",
        "SUFFIXES",
        "concat_graded",
        "read_graded",
        "to_arrow",
        "write_graded",
    ):
        assert callable(getattr(tables, name)) or name.isupper(), name
