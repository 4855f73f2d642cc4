"""The paper's benchmark audit (§4, Observation 1 and Table 2) on imported records.

Per benchmark: was the grading binary (every score the log gave is 0 or 1, and no answer
that declined got credit)? Then Observation 1 holds: guessing always scores at least as
well as "I don't know". How many answers were abstentions and what did the benchmark give
them? What does each model score at confidence targets t (abstentions 0, wrong answers
−t/(1−t), the rule of :mod:`dontguess.scoring`)? And with several models: the ranking at
each t, the pairs whose order differs from the ranking at the lowest t (binary grading
when t = 0), and a paired bootstrap p-value for each such swap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dontguess.importers._audit_counts import COUNTS_SCORER
from dontguess.records import GradedTable
from dontguess.scoring._paired import paired_bootstrap
from dontguess.scoring._rule import check_target
from dontguess.scoring._summary import DEFAULT_TARGETS, summarize

__all__ = ["audit_benchmarks"]

_ABSTAINED = 2
#: What the audit says of a benchmark known from an aggregate log's counts only.
COUNTS_NOTE = (
    "from the log's aggregate counts: the scores are exact, but the log does not say which "
    "question each answer was, so no per-question paired bootstrap (no p-values)"
)
_SHOWN_VALUES = 8


def audit_benchmarks(
    table: GradedTable,
    *,
    targets: Sequence[float] = DEFAULT_TARGETS,
    bootstrap: int = 1000,
    seed: int = 0,
    notes: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Audit each benchmark of ``table`` (imported logs; closed-rubric records only).

    Args:
        table: graded records; the ``benchmark`` group column splits them (one benchmark
            named ``(all)`` when absent), ``source_score`` holds the log's own scores and
            ``abstain_possible`` whether the task could record an abstention.
        targets: confidence targets t in [0, 1); swaps are against the lowest t.
        bootstrap: paired bootstrap replicates per swap (0: no p-values).
        seed: bootstrap seed.
        notes: benchmark → a sentence to add to its ``notes`` (e.g. a run's stated threshold).

    Returns:
        One dict per benchmark: benchmark, harnesses, n, binary (True / False / None when
        the log gave no scores), scores_seen, idk_credit (``none`` / ``partial`` / ``full``
        / ``not observed``), abstain_possible, observation1 (one sentence), per_question
        (False when the records stand in for an aggregate log's counts: see
        :mod:`~dontguess.importers._audit_counts`), notes, models (counts, abstentions' mean
        source score, score per t), rankings (per t, best first) and swaps (pairs whose
        order at t differs from the lowest t, with the paired bootstrap p-value at t; None
        with a note when the records cannot be paired by question).

    >>> from dontguess.records import Graded, GradedTable, Verdict
    >>> recs = [Graded(f"q{i}", "m", Verdict.CORRECT if i else Verdict.INCORRECT,
    ...                groups={"source_score": "1" if i else "0"}) for i in range(4)]
    >>> out = audit_benchmarks(GradedTable.from_records(recs), targets=(0.0, 0.5))
    >>> out[0]["binary"], out[0]["models"][0]["scores"]
    (True, {'0': 0.75, '0.5': 0.5})
    """
    ts = sorted({check_target(t, "targets") for t in targets})
    if not ts:
        raise ValueError("targets must name at least one confidence target")
    if bootstrap < 0:
        raise ValueError(f"bootstrap must be >= 0, got {bootstrap}")
    closed = table.take(np.isnan(table.stated_target))
    names = _column(closed, "benchmark", "(all)")
    names = np.where(names == "", "(all)", names)  # a file without the column, among logs
    out = []
    for bench in sorted(set(names.tolist())):
        sub = closed.take(names == bench)
        row = _audit_one(str(bench), sub, ts, bootstrap, seed)
        if notes and notes.get(str(bench)):
            row["notes"].append(notes[str(bench)])
        out.append(row)
    return out


def _column(table: GradedTable, name: str, default: str) -> Any:
    values = table.groups.get(name)
    if values is None:
        values = np.full(len(table), default, dtype=object)
    return values


def _values(table: GradedTable) -> Any:
    """The log's own score per record as float (nan where it gave none)."""
    raw = _column(table, "source_score", "")
    out = np.full(len(table), math.nan)
    for k, text in enumerate(raw.tolist()):
        try:
            out[k] = float(text) if text != "" else math.nan
        except ValueError:
            out[k] = math.nan
    return out


def _grading(table: GradedTable, values: Any) -> dict[str, Any]:
    graded = table.verdict >= 0
    known = values[graded & ~np.isnan(values)]
    seen = sorted({float(v) for v in known.tolist()})
    idk = values[(table.verdict == _ABSTAINED) & ~np.isnan(values)]
    if idk.size == 0:
        credit = "not observed"
    elif np.all(idk == 0):
        credit = "none"
    else:
        credit = "full" if np.all(idk >= 1) else "partial"
    binary = None if not seen else (set(seen) <= {0.0, 1.0} and credit in ("none", "not observed"))
    possible = sorted(set(_column(table, "abstain_possible", "yes").tolist()) - {""})
    return {
        "binary": binary,
        "scores_seen": seen[:_SHOWN_VALUES],
        "n_score_values": len(seen),
        "idk_credit": credit,
        "abstain_possible": possible[0] if len(possible) == 1 else "mixed",
        "observation1": _observation(binary, seen, credit),
    }


def _observation(binary: bool | None, seen: list[float], credit: str) -> str:
    """One sentence on what the grading rewards (Observation 1 when it is binary).

    >>> _observation(False, [-4.0, 0.0, 1.0], "none")
    'not binary: a wrong answer costs 4 and IDK scores 0, so abstaining can pay'
    """
    if binary is None:
        return "unknown: the log gave no scores"
    if binary:
        return "binary grading: guessing is optimal (Observation 1), IDK never pays"
    if seen and seen[0] < 0 and credit in ("none", "not observed"):
        return (
            f"not binary: a wrong answer costs {-seen[0]:g} and IDK scores 0, so abstaining can pay"
        )
    return "not binary: some answers got partial or IDK credit"


def _audit_one(
    bench: str, table: GradedTable, ts: list[float], bootstrap: int, seed: int
) -> dict[str, Any]:
    values = _values(table)
    per_question = not bool((_column(table, "scorer", "") == COUNTS_SCORER).any())
    rows = summarize(table, targets=ts, zero_division=math.nan)
    models = sorted({r["model"] for r in rows})
    scores = {(r["model"], r["score_target"]): r["score"] for r in rows}
    per_model = []
    for model in models:
        mask = table.model == model
        first = next(r for r in rows if r["model"] == model)
        idk = values[mask & (table.verdict == _ABSTAINED) & ~np.isnan(values)]
        per_model.append({
            "model": model,
            **{k: first[k] for k in ("n", "n_correct", "n_incorrect", "n_abstained", "n_ungraded")},
            "abstained_source_score": float(idk.mean()) if idk.size else None,
            "scores": {f"{t:g}": scores[(model, t)] for t in ts},
        })  # fmt: skip
    rankings = [{"target": t, "order": _order(models, scores, t)} for t in ts]
    harness = sorted(set(_column(table, "harness", "").tolist()) - {""})
    return {
        "benchmark": bench,
        "harnesses": harness,
        "n": len(table),
        **_grading(table, values),
        "per_question": per_question,
        "notes": [] if per_question else [COUNTS_NOTE],
        "models": per_model,
        "rankings": rankings,
        "swaps": _swaps(table, models, scores, ts, (bootstrap, seed) if per_question else None),
    }


def _order(models: list[str], scores: dict[tuple[str, float], float], t: float) -> list[str]:
    def key(model: str) -> tuple[bool, float, str]:
        s = scores[(model, t)]
        return (math.isnan(s), -s if not math.isnan(s) else 0.0, model)

    return sorted(models, key=key)


def _swaps(
    table: GradedTable,
    models: list[str],
    scores: dict[tuple[str, float], float],
    ts: list[float],
    boot: tuple[int, int] | None,
) -> list[dict[str, Any]]:
    """Pairs whose order at t differs from the lowest t; ``boot`` = (replicates, seed), or
    None when the records are not paired by question (counts)."""
    base = ts[0]
    out = []
    for t in ts[1:]:
        for a in models:
            for b in models:
                sa0, sb0 = scores[(a, base)], scores[(b, base)]
                sa, sb = scores[(a, t)], scores[(b, t)]
                if not (sa0 > sb0 and sb > sa):  # nan compares False: no swap claimed
                    continue
                row = {"target": t, "base_target": base, "above_at_base": a}
                row.update({"above_at_target": b, "difference_at_target": sb - sa})
                out.append({**row, **_pvalue(table, b, a, t, boot)})
    return out


def _pvalue(
    table: GradedTable, a: str, b: str, t: float, boot: tuple[int, int] | None
) -> dict[str, Any]:
    if boot is None:
        return {"p_value": None, "n_items": None, "note": "counts only: no paired test"}
    bootstrap, seed = boot
    if bootstrap == 0:
        return {"p_value": None, "n_items": None, "note": "no bootstrap (--bootstrap 0)"}
    try:
        res = paired_bootstrap(table.take(table.model == a), table.take(table.model == b),
                               target=t, n_boot=bootstrap, seed=seed)  # fmt: skip
    except ValueError as exc:  # e.g. no item in common: a p-value is undefined
        return {"p_value": None, "n_items": 0, "note": str(exc)}
    return {"p_value": res["p_value"], "n_items": res["n_items"], "note": ""}
