"""The report's sections, from score rows, audit rows and the records (all escaped)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dontguess.records import UNGRADED_CODE, VERDICT_CODES, GradedTable, Verdict
from dontguess.report._format import (
    RANGE_NOTE,
    by_columns,
    fmt_num,
    has_ungraded_range,
    passes_text,
    range_text,
    rubric_label,
    score_header,
    score_text,
)
from dontguess.report._html import Markup, section, shown, table_html

__all__ = [
    "answers_section",
    "audit_section",
    "calibration_section",
    "figure_section",
    "overview_section",
    "runs_table",
    "scores_section",
]

_ANSWER_CHARS = 2000  # an answer shown longer than this is cut (its head in the title)
_VERDICT_ORDER = [
    (VERDICT_CODES[Verdict.CORRECT], "correct"),
    (VERDICT_CODES[Verdict.INCORRECT], "incorrect"),
    (VERDICT_CODES[Verdict.ABSTAINED], "abstained"),
    (UNGRADED_CODE, "ungraded"),
]


def overview_section(table: GradedTable, sources: Sequence[str]) -> Markup:
    """Counts per model and verdict, and where the records came from."""
    rows = []
    for model in sorted(set(table.model.tolist())):
        verdict = table.verdict[table.model == model]
        counts = (int(np.sum(verdict == c)) for c, _ in _VERDICT_ORDER)
        rows.append([shown(model), len(verdict), *counts])
    listed = Markup(", ".join(shown(s, 120) for s in sources))
    parts: list[Markup | str] = [
        Markup(
            f"<p>{len(table)} graded records from {len(rows)} model(s)."
            + (f" Sources: {listed}." if sources else "")
            + "</p>"
        ),
        table_html(["model", "records", "correct", "incorrect", "abstained", "ungraded"], rows),
    ]
    runs = runs_table(sources)
    if runs is not None:
        parts.append(runs)
    parts += [
        "Scoring (Kalai et al. 2025, §4): with a confidence target t, a right answer earns +1, "
        "a wrong one costs t/(1−t) and “I don't know” earns 0, so a model should answer only "
        "when it is more than t confident. t = 0 is the usual binary accuracy grading.",
    ]
    return section("overview", "Overview", *parts)


def runs_table(sources: Sequence[str]) -> Markup | None:
    """For sources that are run directories: what spec.json says, and whether DONE exists."""
    import json
    from pathlib import Path

    rows = []
    for source in sources:
        path = Path(source)
        if not (path / "spec.json").is_file():
            continue
        try:
            doc = json.loads((path / "spec.json").read_text(encoding="utf-8"))
            spec = doc.get("spec", {})
            models: Markup | str = Markup(", ".join(shown(m) for m in spec.get("models", [])))
            dataset = f"{spec.get('dataset', '?')} ({spec.get('dataset_hash', '?')})"
            extra = _set_options(spec)
            revision = str(doc.get("git_revision") or "")[:12]
        except (OSError, ValueError, AttributeError, TypeError) as exc:
            models, dataset, extra, revision = f"spec.json unreadable: {exc}", "", "", ""
        done = "finished" if (path / "DONE").exists() else "NOT finished (no DONE): partial"
        rows.append([shown(source, 120), done, models, shown(dataset, 120), extra, revision])
    if not rows:
        return None
    headers = ["run directory", "status", "models", "dataset (hash)", "options", "git"]
    return table_html(headers, rows)


def _set_options(spec: Mapping[str, Any]) -> str:
    """The run's options that were set (``None`` ones, such as no ``limit``, are left out).

    >>> _set_options({"samples": 1, "limit": None, "generation": {"seed": None, "api": "chat"}})
    'samples=1, api=chat'
    """
    options = {"samples": spec.get("samples"), "limit": spec.get("limit")}
    options.update(spec.get("generation") or {})
    return ", ".join(f"{k}={v}" for k, v in options.items() if v is not None)


def figure_section(svg: str) -> Markup:
    """The paper's figure: right / IDK / wrong shares per model and stated target."""
    return section(
        "figure",
        "Right, wrong and “I don't know” by stated target",
        Markup(f'<div class="figure">{svg}</div>'),
        "Each bar is one rubric condition: “closed” asks the question alone; t=… states the "
        "confidence target in the prompt. Heights are shares of all the condition's records. "
        "Green: right; grey: I don't know; red: wrong; hatched (when there are any): "
        "ungraded, each of which could be right or wrong, so the wrong share lies between the "
        "red segment alone and the red plus the hatched one.",
    )


def scores_section(rows: Sequence[Mapping[str, Any]], curve_svg: str = "") -> Markup:
    """Score-vs-t plot (when given) and table with bootstrap intervals.

    When some row has ungraded records, the error rate, the score and the reward score each
    get a column with their range if every ungraded record were wrong / right.
    """
    groups = by_columns(rows)
    ranges = has_ungraded_range(rows)
    headers = ["model", "rubric", *groups, "scored at t", "penalty", "n", "right", "wrong"]
    headers += ["IDK", "ungraded", "accuracy", "error"]
    headers += ["error if ungraded right … wrong"] if ranges else []
    headers += ["abstain", "attempted acc.", score_header(rows)]
    headers += ["score if ungraded wrong … right"] if ranges else []
    headers += ["reward score"]
    headers += ["reward score if ungraded wrong … right"] if ranges else []
    body = [
        _score_cells(row, groups, ranges) for row in sorted(rows, key=lambda r: str(r.get("model")))
    ]
    plot = Markup(f'<div class="figure">{curve_svg}</div>') if curve_svg else Markup("")
    notes = [
        "Closed-rubric records are scored at every target; open-rubric records at the target "
        "their prompt stated. score: mean points with +1 per right answer, −t/(1−t) per wrong "
        "one and 0 per “I don't know”, over graded records. reward score: the same answers in "
        "the abstention-reward form of the paper's experiments (1 right, 0 wrong, t for “I "
        "don't know”), which equals t + (1 − t) × score, so it ranks models the same way but "
        "lies in [0, 1]. " + _interval_note(rows)
    ]
    if ranges:
        notes.append(RANGE_NOTE + " In the plot, the shaded band is the score's range.")
    return section(
        "scores",
        "Score at each confidence target",
        plot,
        table_html(headers, body, cls="scores"),
        *notes,
    )


def _score_cells(row: Mapping[str, Any], groups: list[str], ranges: bool) -> list[Any]:
    """One score-table row (with the three ungraded-range cells when ``ranges``)."""
    error_range = range_text(
        row, "error_rate_if_ungraded_right", "error_rate_if_ungraded_wrong", ".1%"
    )
    score_range = range_text(row, "score_if_ungraded_wrong", "score_if_ungraded_right")
    reward_range = range_text(
        row, "reward_score_if_ungraded_wrong", "reward_score_if_ungraded_right"
    )
    return [
        shown(row.get("model")),
        rubric_label(row.get("stated_target"), row.get("style")),
        *(shown(row.get(g, "")) for g in groups),
        fmt_num(row.get("score_target"), "g"),
        fmt_num(row.get("penalty"), "g"),
        row.get("n"),
        row.get("n_correct"),
        row.get("n_incorrect"),
        row.get("n_abstained"),
        row.get("n_ungraded"),
        fmt_num(row.get("accuracy"), ".1%"),
        fmt_num(row.get("error_rate"), ".1%"),
        *([error_range] if ranges else []),
        fmt_num(row.get("abstention_rate"), ".1%"),
        fmt_num(row.get("attempted_accuracy"), ".1%"),
        score_text(row),
        *([score_range] if ranges else []),
        fmt_num(row.get("reward_score")),
        *([reward_range] if ranges else []),
    ]


def _interval_note(rows: Sequence[Mapping[str, Any]]) -> str:
    """How the score intervals were computed (docs/scoring.md), or that there are none."""
    if score_header(rows) == "score":
        return "No intervals: the bootstrap was off (--bootstrap 0)."
    return (
        "[95% CI]: percentile bootstrap interval that resamples questions (items) with "
        "replacement; all samples of one question move together, so asking a question "
        "several times adds no false precision (docs/scoring.md)."
    )


def audit_section(audit: Sequence[Mapping[str, Any]]) -> Markup:
    """Behavioural-calibration audit: precision among answered vs the stated target."""
    if not audit:
        return section("audit", "Behavioural calibration", "No open-rubric records to audit.")
    headers = ["model", "stated t", "n", "answered", "precision", "lower bound", "shortfall"]
    headers += ["passes", "abstain", "abstention non-decreasing in t"]
    body = []
    for row in sorted(audit, key=lambda r: (str(r.get("model")), bool(r.get("summary")))):
        summary = bool(row.get("summary"))
        body.append(
            [
                shown(row.get("model")),
                "all targets" if summary else rubric_label(row.get("stated_target")),
                "" if summary else row.get("n"),
                "" if summary else row.get("n_answered"),
                "" if summary else fmt_num(row.get("answered_precision")),
                "" if summary else fmt_num(row.get("precision_lower")),
                fmt_num(row.get("max_shortfall" if summary else "shortfall")),
                passes_text(row),
                "" if summary else fmt_num(row.get("abstention_rate"), ".1%"),
                _yes_no(row.get("abstention_monotone")),
            ]
        )
    return section(
        "audit",
        "Behavioural calibration",
        table_html(headers, body, cls="audit"),
        "A behaviourally calibrated model answers only when its chance of being right exceeds "
        "the stated t, so its precision among answered questions is at least t and it abstains "
        "more as t grows. “lower bound” is a one-sided confidence bound on that precision. "
        "A target where the model answered nothing (or nothing was graded) is “no answered "
        "questions”: undefined, neither a pass nor a failure.",
    )


def calibration_section(
    calibration: Sequence[Mapping[str, Any]], reliability: str, risk_coverage: str
) -> Markup:
    """Reliability and risk–coverage plots plus Brier / ECE / AURC per model and condition."""
    headers = ["model", "rubric", "n", "accuracy", "mean confidence", "Brier", "ECE", "AURC"]
    body = [
        [
            shown(row.get("model")),
            rubric_label(row.get("stated_target")),
            row.get("n"),
            fmt_num(row.get("accuracy"), ".1%"),
            fmt_num(row.get("mean_confidence")),
            fmt_num(row.get("brier")),
            fmt_num(row.get("ece")),
            fmt_num(row.get("aurc")),
        ]
        for row in calibration
    ]
    figures = Markup(
        f'<div class="figures"><div class="figure">{reliability}</div>'
        f'<div class="figure">{risk_coverage}</div></div>'
    )
    return section(
        "calibration",
        "Stated confidence",
        figures,
        table_html(headers, body, cls="calibration"),
        "Computed on answered (right or wrong) records that state a confidence; plots pool all "
        "rubric conditions of a model. Calibration error alone is not a hallucination metric: "
        "read it next to the right / wrong / IDK shares above.",
    )


def answers_section(table: GradedTable, *, per_verdict: int = 3) -> Markup:
    """A few answers per model and verdict, and the ungraded reasons, shown as text."""
    body: list[list[Any]] = []
    for model in sorted(set(table.model.tolist())):
        mine = np.flatnonzero(table.model == model)
        for code, name in _VERDICT_ORDER:
            for i in mine[table.verdict[mine] == code][:per_verdict].tolist():
                text = table.answer[i]
                if code == UNGRADED_CODE:
                    text = f"[{table.ungraded_reason[i]}] {text}".rstrip()
                body.append(
                    [
                        shown(model),
                        name,
                        shown(table.item_id[i]),
                        rubric_label(float(table.stated_target[i]), table.style[i]),
                        fmt_num(float(table.confidence[i]), ".2f"),
                        shown(text, _ANSWER_CHARS),
                    ]
                )
    reasons = Counter(
        (m, r)
        for m, r, v in zip(table.model, table.ungraded_reason, table.verdict, strict=True)
        if v == UNGRADED_CODE
    )
    parts: list[Markup | str] = [
        table_html(
            ["model", "verdict", "item", "rubric", "confidence", "answer"], body, cls="answers"
        )
    ]
    if reasons:
        rows = [[shown(m), shown(r, _ANSWER_CHARS), c] for (m, r), c in sorted(reasons.items())]
        parts += ["Why records are ungraded:", table_html(["model", "reason", "records"], rows)]
    return section("answers", f"Sample answers (up to {per_verdict} per verdict)", *parts)


def _yes_no(value: Any) -> str:
    if value is None:
        return "–"
    return "yes" if value else "NO"
