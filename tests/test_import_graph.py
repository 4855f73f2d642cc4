"""No import cycle among the package's modules (issue 14).

Every import counts, at module level or inside a function (a lazy import only hides a
circle until the function runs), except those under ``if TYPE_CHECKING:``. An edge goes
to the module named: ``from a.b import c`` reaches ``a.b.c`` when that is a module,
else ``a.b``; relative imports are resolved.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def _name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _targets(node: ast.AST, here: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = here.split(".") if is_package else here.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        module = ".".join(base + ([node.module] if node.module else []))
    else:
        module = node.module or ""
    return [module] + [f"{module}.{alias.name}" for alias in node.names]


def _type_checking_only(tree: ast.Module) -> set[int]:
    """ids of the import nodes under ``if TYPE_CHECKING:`` (never run)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(inner) for stmt in node.body for inner in ast.walk(stmt))
    return skip


def import_graph(src: Path = SRC) -> dict[str, set[str]]:
    """module → the package modules it imports anywhere in its text."""
    modules = {_name(p, src): p for p in (src / "dontguess").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_only(tree)
        edges: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            targets = _targets(node, name, path.name == "__init__.py")
            edges.update(t for t in targets if t in modules and t != name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_finder_sees_a_circle(tmp_path: Path) -> None:
    pkg = tmp_path / "src" / "dontguess"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from dontguess.sub import thing\n")
    (pkg / "sub" / "__init__.py").write_text("from .inner import thing\n")
    (pkg / "sub" / "inner.py").write_text("def thing():\n    from dontguess import x\n")
    (pkg / "leaf.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import dontguess\n"
    )
    graph = import_graph(tmp_path / "src")
    assert graph["dontguess.leaf"] == set()  # TYPE_CHECKING imports never run
    assert cycles(graph) == [["dontguess", "dontguess.sub", "dontguess.sub.inner"]]


def test_no_import_cycle_in_the_package() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles (move the shared part to a leaf module): " + "; ".join(
        " <-> ".join(c) for c in found
    )


@pytest.mark.parametrize(
    ("module", "must_not_import"),
    [
        ("dontguess.backends.openai_compat", "dontguess.backends.registry"),
        ("dontguess.importers", "dontguess.tables"),
        ("dontguess.items._download", "dontguess"),
    ],
)
def test_leaf_modules_stay_leaves(module: str, must_not_import: str) -> None:
    assert must_not_import not in import_graph()[module]
