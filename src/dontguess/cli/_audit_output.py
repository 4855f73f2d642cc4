"""Print the benchmark audit and the paper's Table 2: rich tables or JSON (NaN as null)."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from typing import Any

from dontguess.cli._output import cell
from dontguess.report._format import fmt_num, jsonable

__all__ = ["emit_audit", "emit_table2"]


def _console() -> Any:
    from rich.console import Console

    wide = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return Console(width=160) if wide else Console()


def emit_table2(fmt: str) -> None:
    """The paper's survey (Table 2): benchmark → scoring → binary → credit for IDK."""
    from rich.table import Table

    from dontguess.importers import TABLE2

    if fmt == "json":
        print(json.dumps([asdict(row) for row in TABLE2], indent=2))
        return
    table = Table(
        title="Table 2 of Kalai et al. (2025): how mainstream benchmarks grade",
        caption="* graded by a language model. Binary grading with no IDK credit rewards "
        "guessing (Observation 1).",
    )
    for name in ("benchmark", "scoring method", "binary grading", "IDK credit"):
        table.add_column(name)
    for row in TABLE2:
        scoring = row.scoring + ("*" if row.lm_graded else "")
        table.add_row(row.benchmark, scoring, "yes" if row.binary else "no", row.idk_credit)
    _console().print(table)


def emit_audit(
    result: list[dict[str, Any]],
    targets: list[float],
    skipped: list[tuple[str, str]],
    fmt: str,
) -> None:
    """Print the audit of each benchmark as rich tables, or one JSON object."""
    if fmt == "json":
        doc = {
            "targets": sorted(set(targets)),
            "benchmarks": result,
            "skipped": [{"path": p, "reason": r} for p, r in skipped],
        }
        print(json.dumps(jsonable(doc), indent=2, ensure_ascii=False))
        return
    console = _console()
    for bench in result:
        console.print(_summary_line(bench))
        console.print(_models_table(bench))
        if len(bench["models"]) > 1:
            console.print(_rankings_text(bench))
            console.print(_swaps_table(bench))


def _summary_line(bench: dict[str, Any]) -> str:
    seen = ", ".join(f"{v:g}" for v in bench["scores_seen"])
    if bench["n_score_values"] > len(bench["scores_seen"]):
        seen += ", …"
    harness = ", ".join(bench["harnesses"]) or "graded records"
    lines = [
        f"[bold]{cell(bench['benchmark'])}[/bold] ({cell(harness)}, {bench['n']} records): "
        f"{cell(bench['observation1'])}",
        f"  scores the log gave: {seen or 'none'}; credit for IDK: {bench['idk_credit']}; "
        f"abstaining possible: {bench['abstain_possible']}",
    ]
    lines += [f"  note: {cell(note)}" for note in bench.get("notes", ())]
    return "\n".join(lines)


def _models_table(bench: dict[str, Any]) -> Any:
    from rich.table import Table

    table = Table(title="score at t: +1 right, −t/(1−t) wrong, 0 IDK", title_justify="left")
    table.add_column("model", no_wrap=True)
    for name in ("n", "right", "wrong", "IDK", "IDK scored", "ungraded"):
        table.add_column(name, justify="right")
    keys = list(bench["models"][0]["scores"]) if bench["models"] else []
    for key in keys:
        table.add_column(f"t={key}", justify="right")
    for m in bench["models"]:
        table.add_row(
            cell(m["model"]), str(m["n"]), str(m["n_correct"]), str(m["n_incorrect"]),
            str(m["n_abstained"]), fmt_num(m["abstained_source_score"], "g"),
            str(m["n_ungraded"]), *(fmt_num(m["scores"][k]) for k in keys),
        )  # fmt: skip
    return table


def _rankings_text(bench: dict[str, Any]) -> str:
    from dontguess.report._audit import tied_groups

    lines = ["ranking (best first; = ties):"]
    for r in bench["rankings"]:
        text = " > ".join(" = ".join(g) for g in tied_groups(bench, r))
        lines.append(f"  t={r['target']:g}: " + cell(text))
    return "\n".join(lines)


def _swaps_table(bench: dict[str, Any]) -> Any:
    from rich.table import Table

    table = Table(title="pairs whose order changes from the lowest t", title_justify="left")
    for name in ("t", "ahead at lowest t", "ahead at t", "score gap at t", "p (paired)", "items"):
        table.add_column(name, justify="right" if name in ("t", "items") else "left")
    for s in bench["swaps"]:
        p = fmt_num(s["p_value"], ".3g") if s["p_value"] is not None else cell(s["note"] or "–")
        table.add_row(
            f"{s['target']:g}", cell(s["above_at_base"]), cell(s["above_at_target"]),
            fmt_num(s["difference_at_target"]), p, str(s["n_items"] or "–"),
        )  # fmt: skip
    if not bench["swaps"]:
        table.add_row("–", "no pair changes order", "", "", "", "")
    return table
