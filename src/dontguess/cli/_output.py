"""Print score summaries: a rich table, JSON or CSV (shared by ``score`` and ``run``).

Rows come from :func:`dontguess.scoring.summarize`, audit rows from
:func:`dontguess.metrics.calibration_audit`, calibration rows from
:func:`dontguess.report.calibration_summary`. JSON output is one object
``{"rows": [...], "audit": [...]}`` (plus ``"calibration"`` when given) with NaN written as
``null``; CSV prints the score rows only. Every score row carries the range of its score,
reward score and error rate if every ungraded record were wrong or right
(``score_if_ungraded_wrong`` …); the table shows the score and wrong-share ranges in their own
columns when some row has ungraded records.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from typing import Any

from dontguess.report._format import (
    RANGE_NOTE,
    by_columns,
    fmt_num,
    has_ungraded_range,
    jsonable,
    passes_text,
    range_text,
    rubric_label,
    score_header,
    score_text,
)

__all__ = ["FORMATS", "emit_summary", "jsonable"]

FORMATS = ("table", "json", "csv")


#: Characters a terminal acts on or that reorder the text after them: C0/C1 controls (ESC
#: starts colour, title and cursor sequences), DEL, bidi embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def cell(value: Any) -> str:
    """Untrusted text (a model name, a group value) for a rich table cell: rich markup
    escaped, controls and bidi marks shown as codes such as ``<U+001B>``, so a records file
    cannot drive the terminal or reverse the rest of a line.

    >>> print(cell("gpt\u202eevil [bold]x\x1b]0;t\x07"))
    gpt<U+202E>evil \\[bold]x<U+001B>]0;t<U+0007>
    """
    from rich.markup import escape

    return escape(plain(value))


def plain(value: Any) -> str:
    """Untrusted text for plain (non-rich) terminal output: controls and bidi marks shown
    as codes, as in :func:`cell`, without markup escaping.

    >>> print(plain("a\x1b[31mred"))
    a<U+001B>[31mred
    """
    return _UNSAFE.sub(lambda m: f"<U+{ord(m.group()):04X}>", str(value))


def emit_summary(
    rows: list[dict[str, Any]],
    audit: list[dict[str, Any]],
    fmt: str,
    *,
    console: Any = None,
    calibration: list[dict[str, Any]] | None = None,
    policies: list[dict[str, Any]] | None = None,
) -> None:
    """Print ``rows`` (and ``audit`` / ``calibration``) as ``fmt``: table, json or csv.

    Args:
        rows: score rows (one per model, stated target, groups and scoring target).
        audit: behavioural-calibration audit rows; may be empty.
        fmt: ``"table"`` (rich, grouped by model), ``"json"`` or ``"csv"``.
        console: a :class:`rich.console.Console` for the table format (default: stdout).
        calibration: confidence-metric rows (Brier, ECE, ...); omitted when ``None``/empty.
        policies: ``score --policies`` rows: a ``policies`` list in JSON, one more table, or
            the CSV rows in place of the score rows; omitted when ``None``.
    """
    try:
        _emit(rows, audit, fmt, console, calibration, policies)
    except BrokenPipeError:
        # The reader (e.g. `| head`) stopped early: not an error. Silence the final flush.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _emit(
    rows: list[dict[str, Any]],
    audit: list[dict[str, Any]],
    fmt: str,
    console: Any,
    calibration: list[dict[str, Any]] | None,
    policies: list[dict[str, Any]] | None = None,
) -> None:
    from dontguess.cli import _policies_output as pol

    if fmt == "json":
        doc: dict[str, Any] = {"rows": rows, "audit": audit}
        if calibration:
            doc["calibration"] = calibration
        if policies is not None:
            doc["policies"] = policies
        print(json.dumps(jsonable(doc), indent=2, ensure_ascii=False))
    elif fmt == "csv":  # the policy rows replace the score rows when asked for
        _emit_csv(rows if policies is None else policies)
    elif fmt == "table":
        _emit_tables(rows, audit, calibration or [], console)
        pol.print_policies(policies, console)
    else:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, got {fmt!r}")


def _emit_csv(rows: list[dict[str, Any]]) -> None:
    """Rows as CSV on stdout: every key of any row a column, NaN and None empty cells."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    writer = csv.DictWriter(sys.stdout, fieldnames=list(names), lineterminator="\n")
    writer.writeheader()
    for row in jsonable(rows):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})


def _emit_tables(
    rows: list[dict[str, Any]],
    audit: list[dict[str, Any]],
    calibration: list[dict[str, Any]],
    console: Any,
) -> None:
    from rich.console import Console

    if console is None:
        # Piped output has no terminal width; do not squeeze the table into 80 columns.
        wide = not sys.stdout.isatty() and "COLUMNS" not in os.environ
        console = Console(width=160) if wide else Console()
    console.print(score_table(rows))
    if audit:
        console.print(audit_table(audit))
    if calibration:
        console.print(calibration_table(calibration))


def score_table(rows: list[dict[str, Any]]) -> Any:
    """A rich table of score rows, one section per model.

    When some row has ungraded records, the wrong share and the score each get a column with
    their range if every ungraded record were right / wrong (:data:`RANGE_NOTE`, the caption).
    """
    from rich.table import Table

    groups = by_columns(rows)
    ranges = has_ungraded_range(rows)
    table = Table(
        title="Confidence-target scores (+1 right, −t/(1−t) wrong, 0 IDK)",
        caption=RANGE_NOTE if ranges else None,
        caption_justify="left",
    )
    table.add_column("model", min_width=_model_width(rows), no_wrap=True)
    for name in ("rubric", *groups):
        table.add_column(name)
    for name in ("scored at t", "n", "right", "wrong"):
        table.add_column(name, justify="right")
    if ranges:
        table.add_column("wrong if\nungraded\nright…wrong", justify="right", no_wrap=True)
    for name in ("IDK", "ungraded"):
        table.add_column(name, justify="right")
    table.add_column(score_header(rows), justify="right", no_wrap=True)
    if ranges:
        table.add_column("score if\nungraded\nwrong…right", justify="right", no_wrap=True)
    ordered = sorted(rows, key=lambda r: str(r.get("model")))
    for i, row in enumerate(ordered):
        last = i + 1 == len(ordered) or ordered[i + 1].get("model") != row.get("model")
        table.add_row(*_score_cells(row, groups, ranges), end_section=last)
    return table


def _score_cells(row: dict[str, Any], groups: list[str], ranges: bool) -> list[str]:
    """One score-table row's cells (with the two ungraded-range cells when ``ranges``)."""
    wrong_range = range_text(
        row, "error_rate_if_ungraded_right", "error_rate_if_ungraded_wrong", ".1%", "…"
    )
    score_range = range_text(row, "score_if_ungraded_wrong", "score_if_ungraded_right", sep="…")
    return [
        cell(row.get("model")),
        rubric_label(row.get("stated_target"), row.get("style")),
        *(cell(row.get(g, "")) for g in groups),
        f"{row['score_target']:g} (×{fmt_num(row.get('penalty'), 'g')})",
        str(row["n"]),
        _share(row.get("accuracy"), row["n_correct"]),
        _share(row.get("error_rate"), row["n_incorrect"]),
        *([wrong_range] if ranges else []),
        _share(row.get("abstention_rate"), row["n_abstained"]),
        str(row["n_ungraded"]),
        score_text(row),
        *([score_range] if ranges else []),
    ]


def audit_table(audit: list[dict[str, Any]]) -> Any:
    """A rich table of the behavioural-calibration audit (precision among answered ≥ t)."""
    from rich.table import Table

    table = Table(title="Behavioural calibration: precision among answered should be ≥ t")
    table.add_column("model", min_width=_model_width(audit), no_wrap=True)
    for name in ("stated t", "n", "answered", "precision", "lower bound"):
        table.add_column(name, justify="right")
    for name in ("shortfall", "passes", "abstain", "abstain ↑ in t"):
        table.add_column(name, justify="right")
    for row in sorted(audit, key=lambda r: (str(r.get("model")), bool(r.get("summary")))):
        if row.get("summary"):
            table.add_row(
                cell(row.get("model")), "all", "", "", "", "",
                fmt_num(row.get("max_shortfall")), passes_text(row),
                "", _yes_no(row.get("abstention_monotone")), end_section=True,
            )  # fmt: skip
            continue
        table.add_row(
            cell(row.get("model")),
            rubric_label(row.get("stated_target")),
            str(row.get("n", "")),
            str(row.get("n_answered", "")),
            fmt_num(row.get("answered_precision")),
            fmt_num(row.get("precision_lower")),
            fmt_num(row.get("shortfall")),
            passes_text(row),
            fmt_num(row.get("abstention_rate"), ".1%"),
            _yes_no(row.get("abstention_monotone")),
        )
    return table


def calibration_table(calibration: list[dict[str, Any]]) -> Any:
    """A rich table of confidence metrics (answered records with a stated confidence)."""
    from rich.table import Table

    table = Table(title="Confidence metrics on answered records (lower is better)")
    table.add_column("model", min_width=_model_width(calibration), no_wrap=True)
    table.add_column("rubric")
    for name in ("n", "accuracy", "mean conf.", "Brier", "ECE", "AURC"):
        table.add_column(name, justify="right")
    for row in calibration:
        table.add_row(
            cell(row.get("model")),
            rubric_label(row.get("stated_target")),
            str(row.get("n")),
            fmt_num(row.get("accuracy"), ".1%"),
            fmt_num(row.get("mean_confidence")),
            fmt_num(row.get("brier")),
            fmt_num(row.get("ece")),
            fmt_num(row.get("aurc")),
        )
    return table


def _model_width(rows: list[dict[str, Any]]) -> int:
    """Room for the longest model name (up to 48 characters) so names are not cut."""
    return min(48, max((len(str(r.get("model"))) for r in rows), default=5))


def _share(rate: Any, count: Any) -> str:
    return f"{fmt_num(rate, '.1%')} ({count})"


def _yes_no(value: Any) -> str:
    if value is None:
        return "–"
    return "yes" if value else "NO"
