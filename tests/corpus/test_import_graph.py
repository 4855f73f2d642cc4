"""The corpus engines import the shared GroupRow from a leaf module, never stats (issue 14)."""

from __future__ import annotations

import ast
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "src" / "dontguess" / "corpus"


def _imports(path: Path) -> set[str]:
    """Every dontguess module ``path`` imports, at the top or inside a function."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return {name for name in out if name.startswith("dontguess.corpus")}


def test_no_import_cycle_among_corpus_modules() -> None:
    graph = {f"dontguess.corpus.{p.stem}": _imports(p) for p in CORPUS.glob("*.py")}
    graph["dontguess.corpus"] = graph.pop("dontguess.corpus.__init__")

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, set()) - seen:
            if nxt == goal or reaches(nxt, goal, seen | {nxt}):
                return True
        return False

    cycles = [m for m in graph if reaches(m, m, set())]
    assert not cycles, f"import cycle through {sorted(cycles)}"
    assert graph["dontguess.corpus._rows"] == set()  # the leaf
    for engine in ("dontguess.corpus._duckdb", "dontguess.corpus._spark"):
        assert "dontguess.corpus.stats" not in graph[engine]


def test_group_row_keeps_its_public_names() -> None:
    from dontguess.corpus import GroupRow
    from dontguess.corpus.stats import GroupRow as FromStats

    assert GroupRow is FromStats
    assert GroupRow("r", 1, True, False, 2, 3).examples == 3
