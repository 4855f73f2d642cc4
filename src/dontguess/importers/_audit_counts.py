"""Aggregate-only logs that still hold counts, as records the benchmark audit can score.

The adorosario/simple-evals fork's ``quality_benchmark_results.json`` gives, per system
(``results[k].sampler_name``), ``metrics.n_correct``, ``n_incorrect`` and
``n_not_attempted``, and the penalty its own ``quality_score`` charged a wrong answer
(``metrics.penalty_ratio``). A score at a confidence target is a mean over answers, so these
counts fix it exactly; they do not say *which* question each answer was, so no per-question
(paired) bootstrap is possible. :func:`read_counts` makes one stand-in record per counted
answer, with :data:`COUNTS_SCORER` in the ``scorer`` column so the audit can say so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dontguess.errors import InputError
from dontguess.importers._common import (
    ABSTAINED,
    CORRECT,
    GROUP_COLUMNS,
    INCORRECT,
    check_size,
    fmt_score,
    load_json,
)
from dontguess.records import GradedTable

__all__ = ["COUNTS_SCORER", "MAX_COUNTED", "CountsLog", "read_counts"]

#: ``scorer`` value of the stand-in records made from counts.
COUNTS_SCORER = "aggregate counts"
#: Most answers one counts file may stand for (the stand-in records are held in memory).
MAX_COUNTED = 10_000_000
_KEYS = ("n_correct", "n_incorrect", "n_not_attempted")


@dataclass(frozen=True)
class CountsLog:
    """Stand-in records of an aggregate-only log and what the audit should say about them.

    Attributes:
        table: one record per counted answer (``item_id`` ``count-<k>``, not a real question).
        benchmark: the ``benchmark`` value of every record.
        note: the run's stated confidence threshold, when it gives one ("" otherwise).
    """

    table: GradedTable
    benchmark: str
    note: str


def read_counts(path: str | Path) -> CountsLog | None:
    """Stand-in records for the counts in an aggregate-only log; None when it holds none.

    Args:
        path: a JSON file (e.g. ``quality_benchmark_results.json``).

    Returns:
        The records and a note, or None when no ``results`` entry carries all of
        n_correct, n_incorrect and n_not_attempted.

    Raises:
        InputError: unreadable JSON, or a count or name of the wrong type (file and field named).
    """
    path = Path(path)
    check_size(path)
    doc = load_json(path.read_bytes(), str(path))
    results = doc.get("results") if isinstance(doc, dict) else None
    if not isinstance(results, list):
        return None
    entries = [(k, r) for k, r in enumerate(results) if _has_counts(r)]
    if not entries:
        return None
    bench = _benchmark(doc)
    parts = [_entry(path, k, r) for k, r in entries]
    total = sum(sum(c) for _, c, _ in parts)
    if total > MAX_COUNTED:
        raise InputError(f"counts add up to {total:,} answers, over the {MAX_COUNTED:,} read "
                         "from one counts file", path=str(path))  # fmt: skip
    return CountsLog(_table(parts, bench), bench, _told(doc))


def _told(doc: dict[str, Any]) -> str:
    """The threshold the run told its models (``configuration.confidence_threshold``)."""
    conf = doc.get("configuration")
    told = conf.get("confidence_threshold") if isinstance(conf, dict) else None
    value = told.get("threshold") if isinstance(told, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
        return ""
    return (f"the run told its models to answer only above confidence {value:g} (t={value:g}); "
            "the scores below re-score their answers as given")  # fmt: skip


def _has_counts(entry: Any) -> bool:
    metrics = entry.get("metrics") if isinstance(entry, dict) else None
    return isinstance(metrics, dict) and all(k in metrics for k in _KEYS)


def _benchmark(doc: dict[str, Any]) -> str:
    name = doc.get("framework")
    run = doc.get("run_id")
    name = name if isinstance(name, str) and name else "counts"
    return f"{name} run {run}" if isinstance(run, str | int) and str(run) else name


def _entry(path: Path, k: int, entry: dict[str, Any]) -> tuple[str, list[int], float]:
    """(model, [correct, incorrect, not attempted], wrong answers' source score)."""
    where = f"results[{k}]"
    model = entry.get("sampler_name")
    if not isinstance(model, str) or not model.strip():
        raise InputError(f"{where}.sampler_name must be a non-empty text, got {model!r}",
                         path=str(path))  # fmt: skip
    metrics = entry["metrics"]
    counts = []
    for key in _KEYS:
        value = metrics[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InputError(f"{where}.metrics.{key} must be a whole number >= 0, got {value!r}",
                             path=str(path))  # fmt: skip
        counts.append(value)
    ratio = metrics.get("penalty_ratio", 0)
    if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not math.isfinite(ratio):
        raise InputError(f"{where}.metrics.penalty_ratio must be a number, got {ratio!r}",
                         path=str(path))  # fmt: skip
    return model, counts, -float(ratio)


def _table(parts: list[tuple[str, list[int], float]], bench: str) -> GradedTable:
    def obj(values: Any) -> Any:
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out

    models, verdicts, scores, items = [], [], [], []
    for model, counts, wrong in parts:
        n = sum(counts)
        models += [model] * n
        verdicts.append(np.repeat(np.array([CORRECT, INCORRECT, ABSTAINED], np.int8), counts))
        scores += ["1"] * counts[0] + [fmt_score(wrong + 0.0)] * counts[1] + ["0"] * counts[2]
        items += [f"count-{i}" for i in range(n)]
    n = len(models)
    fixed = {"benchmark": bench, "harness": "simple-evals", "scorer": COUNTS_SCORER,
             "abstain_possible": "yes"}  # fmt: skip
    groups = {name: obj([fixed.get(name, "")] * n) for name in GROUP_COLUMNS}
    groups["source_score"] = obj(scores)
    return GradedTable(
        item_id=obj(items), model=obj(models), stated_target=np.full(n, math.nan),
        style=obj([""] * n), sample=np.zeros(n, dtype=np.int64),
        verdict=np.concatenate(verdicts) if verdicts else np.zeros(0, np.int8),
        confidence=np.full(n, math.nan), ungraded_reason=obj([""] * n), answer=obj([""] * n),
        groups=groups,
    )  # fmt: skip
