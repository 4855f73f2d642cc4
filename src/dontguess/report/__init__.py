"""Render graded records as a self-contained HTML report (never calls a model).

:func:`write_report` writes ``report.html`` (inline CSS and SVG figures, no scripts, no
network) and ``summary.json`` (score rows, audit, confidence metrics) into a folder, each
atomically. Everything that comes from a model is HTML-escaped.
"""

from __future__ import annotations

import json
import math
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dontguess.errors import InputError
from dontguess.records import GradedTable
from dontguess.report._calibration import calibration_curves, calibration_summary
from dontguess.report._format import jsonable
from dontguess.report._html import Markup, page

__all__ = [
    "build_html",
    "calibration_curves",
    "calibration_summary",
    "write_report",
]

DEFAULT_TARGETS = (0.0, 0.5, 0.75, 0.9)


def build_html(
    table: GradedTable,
    rows: list[dict[str, Any]],
    audit: list[dict[str, Any]],
    *,
    figure_rows: list[dict[str, Any]] | None = None,
    sources: Sequence[str] = (),
    title: str = "dontguess report",
    per_verdict: int = 3,
) -> str:
    """The report page as text.

    Args:
        table: the graded records (for counts, sample answers and confidence plots).
        rows: score rows of :func:`dontguess.scoring.summarize` (the score table).
        audit: rows of :func:`dontguess.metrics.calibration_audit`.
        figure_rows: score rows without ``by`` groups for the figure (default ``rows``).
        sources: input paths, shown in the overview.
        title: page title.
        per_verdict: sample answers shown per model and verdict.
    """
    from dontguess.report import _figures as fig
    from dontguess.report import _render as r
    from dontguess.report._audit import audit_parts
    from dontguess.report._policies import policies_parts

    parts: list[Markup] = [
        r.overview_section(table, sources),
        r.figure_section(fig.outcome_bars_svg(figure_rows if figure_rows is not None else rows)),
        r.scores_section(
            rows, fig.score_curve_svg(figure_rows if figure_rows is not None else rows)
        ),
        r.audit_section(audit),
    ]
    calibration = calibration_summary(table)
    if calibration:
        reliability, risk = calibration_curves(table)
        parts.append(
            r.calibration_section(
                calibration, fig.reliability_svg(reliability), fig.risk_coverage_svg(risk)
            )
        )
    parts.extend(policies_parts(table, rows))  # issue 11: abstention policies, if any
    parts.extend(audit_parts(table, rows))  # issue 9: benchmark audit of harness logs, if any
    parts.append(r.answers_section(table, per_verdict=per_verdict))
    return page(title, parts)


def write_report(
    table: GradedTable,
    out_dir: str | Path,
    *,
    targets: Sequence[float] = DEFAULT_TARGETS,
    by: Sequence[str] = (),
    all_targets: bool = False,
    bootstrap: int = 1000,
    seed: int = 0,
    sources: Sequence[str] = (),
    title: str = "dontguess report",
) -> Path:
    """Score ``table`` and write ``out_dir/report.html`` and ``out_dir/summary.json``.

    Args:
        table: graded records (see :func:`dontguess.tables.read_graded`).
        out_dir: output folder, created if needed.
        targets: confidence targets at which closed-rubric records are scored.
        by: grouping columns for the score table.
        all_targets: also score open-rubric records at targets other than the stated one.
        bootstrap: bootstrap resamples for the score intervals (0: none).
        seed: bootstrap seed.
        sources: input paths, shown in the report.
        title: page title.

    Returns:
        The path of ``report.html``.
    """
    from dontguess.metrics import calibration_audit
    from dontguess.scoring import summarize

    # Undefined rates (no graded or no attempted record) are shown as "–", stored as null.
    rows = summarize(
        table,
        targets=targets,
        by=by,
        all_targets=all_targets,
        bootstrap=bootstrap,
        seed=seed,
        zero_division=math.nan,
    )
    figure_rows = rows if not by else summarize(table, targets=targets, zero_division=math.nan)
    audit = calibration_audit(table)
    text = build_html(table, rows, audit, figure_rows=figure_rows, sources=sources, title=title)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError("--out must be a folder, and this is a file", path=str(out))
    out.mkdir(parents=True, exist_ok=True)
    summary = {
        "n_records": len(table),
        "sources": list(sources),
        "rows": rows,
        "audit": audit,
        "calibration": calibration_summary(table),
    }
    _atomic_write(out / "summary.json", json.dumps(jsonable(summary), indent=2, ensure_ascii=False))
    _atomic_write(out / "report.html", text)
    return out / "report.html"


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
