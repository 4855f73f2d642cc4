"""Rows and rendering for ``dontguess grade-check`` (kept apart so the command stays small)."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from dontguess.cli._grade_check_judge import JUDGE_MODES
from dontguess.cli._output import plain
from dontguess.errors import InputError
from dontguess.grading.check import UNGRADED, CheckReport
from dontguess.records import Item

__all__ = ["export_rows", "labelled_rows", "render"]

#: (cluster, reference label, grader label, group) per compared reply.
Row = tuple[str, str, str, str]
_VERDICTS = ("correct", "incorrect", "abstained")
_KNOWN = (*_VERDICTS, "attempted")


def _grader_label(grader: str, item: Item, reply: str, row: dict[str, Any] | None) -> str:
    if grader == "rules":
        from dontguess.grading import DeterministicGrader

        verdict = DeterministicGrader().grade_text(item, reply).verdict
        return UNGRADED if verdict is None else verdict.value
    column = grader.removeprefix("column:")
    value = "" if row is None else str(row.get(column) or "").strip().lower()
    return value if value else UNGRADED


def _check_grader(spec: str, has_file: bool) -> str:
    if spec == "rules" or spec in JUDGE_MODES:
        return spec
    if spec.startswith("column:") and len(spec) > len("column:"):
        if not has_file:
            raise InputError(f"--grader {spec} needs --file (shared sets have no grader column)")
        return spec
    raise InputError(f"--grader must be 'rules', 'judge', 'cascade' or 'column:NAME', got {spec!r}")


def _grader_labels(
    grader: str,
    args: argparse.Namespace,
    pairs: list[tuple[Item, str]],
    rows: list[dict[str, Any] | None],
) -> list[str]:
    """The grader's label of every ``(item, reply)``; the judge is asked in one batch."""
    if grader in JUDGE_MODES:
        from dontguess.cli._grade_check_judge import judge_labels

        return judge_labels(args, grader, pairs)
    return [_grader_label(grader, i, t, r) for (i, t), r in zip(pairs, rows, strict=True)]


def _limited(rows: list[Any], args: argparse.Namespace) -> list[Any]:
    """The first ``--limit`` rows (all without it)."""
    limit = getattr(args, "limit", None)
    if limit is not None and limit < 1:
        raise InputError(f"--limit must be >= 1, got {limit}")
    return rows if limit is None else rows[:limit]


def labelled_rows(args: argparse.Namespace) -> tuple[list[Row], tuple[str, ...]]:
    """The compared rows and the label set, from ``--set`` or ``--file``."""
    grader = _check_grader(args.grader, args.file is not None)
    if args.file is not None:
        return _file_rows(args, grader)
    from dontguess.grading._reference import REFERENCE_SETS, read_reference

    rows = read_reference(args.set_name, reference=args.reference, data_dir=args.data_dir)
    rows = _limited(rows, args)
    spec = REFERENCE_SETS[args.set_name]
    labels = _grader_labels(grader, args, [(r.item, r.reply) for r in rows], [None] * len(rows))
    out = [
        (r.item.id, r.label, spec.fold.get(label, label), r.group)
        for r, label in zip(rows, labels, strict=True)
    ]
    return out, spec.labels


def _answers(value: Any, path: str, line: int) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    text = "" if value is None else str(value).strip()
    if text.startswith("["):
        try:
            return tuple(str(v) for v in json.loads(text))
        except json.JSONDecodeError as exc:
            raise InputError(
                f"answers is not a JSON list: {text[:40]!r}", path=path, line=line
            ) from exc
    return (text,) if text else ()


def _file_rows(args: argparse.Namespace, grader: str) -> tuple[list[Row], tuple[str, ...]]:
    from dontguess.items._rows import read_rows

    column = (args.reference or "column:label").removeprefix("column:")
    path = str(args.file)
    read = []
    for line, row in read_rows(args.file):
        for key in ("question", "reply", column):
            if key not in row:
                raise InputError(f"missing column {key!r}", path=path, line=line)
        label = str(row[column]).strip().lower()
        if label not in _KNOWN:
            raise InputError(
                f"{column} must be one of {', '.join(_KNOWN)}, got {label!r}", path=path, line=line
            )
        item = Item(id=str(row.get("item_id", line)), question=str(row["question"]),
                    answers=_answers(row.get("answers"), path, line))  # fmt: skip
        read.append((line, row, item, label))
    read = _limited(read, args)
    if not read:
        raise InputError("no rows", path=path)
    pairs = [(item, str(row["reply"] or "")) for _, row, item, _ in read]
    preds = _grader_labels(grader, args, pairs, [row for _, row, _, _ in read])
    out = []
    for (line, row, item, label), pred in zip(read, preds, strict=True):
        if pred not in (*_KNOWN, UNGRADED):
            raise InputError(
                f"grader label must be one of {', '.join(_KNOWN)} or empty, got {pred!r}",
                path=path,
                line=line,
            )
        out.append((item.id, label, pred, str(row.get(args.by, "all"))))
    seen = {r[1] for r in out} | {r[2] for r in out} - {UNGRADED}
    return out, tuple(label for label in _KNOWN if label in seen)


def export_rows(args: argparse.Namespace, out: Any) -> None:
    """Write the shared set's rows with the grader's (folded) label as JSONL."""
    from dontguess.grading._reference import REFERENCE_SETS, read_reference

    if args.set_name is None:
        raise InputError("--export works with --set (a --file already has its rows)")
    spec = REFERENCE_SETS[args.set_name]
    rows = read_reference(args.set_name, reference=args.reference, data_dir=args.data_dir)
    rows = _limited(rows, args)
    grader = _check_grader(args.grader, False)
    labels = _grader_labels(grader, args, [(r.item, r.reply) for r in rows], [None] * len(rows))
    lines = []
    for r, label in zip(rows, labels, strict=True):
        lines.append(json.dumps({
            "item_id": r.item.id, "question": r.item.question, "answers": list(r.item.answers),
            "reply": r.reply, "label": r.label, "group": r.group,
            "grader": spec.fold.get(label, label), "fold": spec.fold,
        }, ensure_ascii=False))  # fmt: skip
    try:
        with open(out, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", path=str(out)) from exc


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{100 * value:.1f}%"


def _ci(interval: tuple[float, float]) -> str:
    lo, hi = interval
    return "" if math.isnan(lo) else f" [{100 * lo:.1f}, {100 * hi:.1f}]"


def _table(name: str, r: CheckReport) -> list[str]:
    kappa = "n/a" if math.isnan(r.kappa) else f"{r.kappa:.3f}"
    k_ci = "" if math.isnan(r.kappa_ci[0]) else f" [{r.kappa_ci[0]:.3f}, {r.kappa_ci[1]:.3f}]"
    lines = [
        f"== {plain(name)}: {r.n} replies, coverage {_pct(r.coverage)} "
        f"(committed {int(r.confusion[:, :-1].sum())}, ungraded {int(r.confusion[:, -1].sum())})",
        f"agreement {_pct(r.agreement)}{_ci(r.agreement_ci)}   Cohen's kappa {kappa}{k_ci}",
        "confusion (rows: reference, columns: grader):",
    ]
    head = ["", *map(plain, r.labels), UNGRADED]
    width = max(12, *(len(h) + 2 for h in head))
    lines.append("".join(h.rjust(width) for h in head))
    for label, counts in zip(r.labels, r.confusion, strict=True):
        lines.append(plain(label).rjust(width) + "".join(str(int(c)).rjust(width) for c in counts))
    lines.append(f"{'class':>12} {'said':>6} {'precision':>22} {'support':>8} {'recall':>22}")
    for c in r.classes:
        precision = _pct(c.precision) + _ci(c.precision_ci)
        recall = _pct(c.recall) + _ci(c.recall_ci)
        lines.append(
            f"{plain(c.label):>12} {c.predicted:>6} {precision:>22} {c.support:>8} {recall:>22}"
        )
    return lines


def _nan_none(value: float) -> float | None:
    return None if math.isnan(value) else value


def _as_json(name: str, r: CheckReport) -> dict[str, Any]:
    def ci(pair: tuple[float, float]) -> list[float | None]:
        return [_nan_none(pair[0]), _nan_none(pair[1])]

    return {
        "group": name, "n": r.n, "coverage": _nan_none(r.coverage),
        "agreement": _nan_none(r.agreement), "agreement_ci": ci(r.agreement_ci),
        "kappa": _nan_none(r.kappa), "kappa_ci": ci(r.kappa_ci),
        "labels": list(r.labels), "grader_labels": [*r.labels, UNGRADED],
        "confusion": r.confusion.tolist(), "confidence_level": r.confidence_level,
        "classes": [
            {"label": c.label, "said": c.predicted, "support": c.support,
             "precision": _nan_none(c.precision), "precision_ci": ci(c.precision_ci),
             "recall": _nan_none(c.recall), "recall_ci": ci(c.recall_ci)}
            for c in r.classes
        ],
    }  # fmt: skip


def render(reports: list[tuple[str, CheckReport]], fmt: str) -> str:
    """The reports as a text table or one JSON object ``{"groups": [...]}``."""
    if fmt == "json":
        body = {"groups": [_as_json(name, r) for name, r in reports]}
        return json.dumps(body, indent=2, allow_nan=False) + "\n"
    return "\n".join(line for name, r in reports for line in [*_table(name, r), ""])
