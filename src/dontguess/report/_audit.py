"""The report's "Benchmark audit" section: the paper's §4 audit of imported harness logs.

The numbers are those of ``dontguess audit`` (one computation,
:func:`dontguess.importers.audit_benchmarks`; two renderings): per benchmark, whether the
grading was binary (Observation 1), the abstentions and what they scored, each model's score
at the report's targets, the ranking at each t and the pairs that swap order, with paired
bootstrap p-values. The section appears when some record came from a harness log (its
``harness`` column, set by :mod:`dontguess.importers`, is not empty); graded-records files
of dontguess's own runs have no such column and get no section.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dontguess.records import GradedTable
from dontguess.report._format import fmt_num
from dontguess.report._html import Markup, esc, section, shown, table_html

__all__ = ["AUDIT_BOOTSTRAP", "audit_parts", "from_harness_logs", "tied_groups"]

#: Paired bootstrap replicates per swapped pair (``dontguess audit``'s default, seed 0 too).
AUDIT_BOOTSTRAP = 1000
_NAME = 60  # longest model / benchmark name shown in full


def from_harness_logs(table: GradedTable) -> bool:
    """Whether some record was imported from a harness log (a non-empty ``harness`` column).

    >>> from dontguess.records import Graded, Verdict
    >>> from_harness_logs(GradedTable.from_records([Graded("q", "m", Verdict.CORRECT)]))
    False
    """
    harness = table.groups.get("harness")
    return harness is not None and any(h != "" for h in set(harness.tolist()))


def audit_parts(table: GradedTable, score_rows: Sequence[Mapping[str, Any]]) -> list[Markup]:
    """The benchmark-audit section as a list (empty unless the records come from harness logs).

    Scored at the targets of ``score_rows`` (the report's score table); p-values only when
    those rows have intervals (the report's bootstrap is on).
    """
    from dontguess.importers import audit_benchmarks
    from dontguess.scoring import DEFAULT_TARGETS

    if not from_harness_logs(table):
        return []
    targets = sorted({float(r["score_target"]) for r in score_rows}) or list(DEFAULT_TARGETS)
    boot = any(r.get("score_ci_low") is not None for r in score_rows)
    result = audit_benchmarks(table, targets=targets, bootstrap=AUDIT_BOOTSTRAP if boot else 0)
    if not result:
        return []
    parts: list[Markup | str] = [
        "The paper's benchmark audit (§4, Observation 1) on the logs read: a benchmark grades "
        "binarily when every score it gave was 0 or 1 and an “I don't know” got nothing; then "
        "guessing always scores at least as well as abstaining. Below, each model's answers "
        "are re-scored at confidence targets t (+1 right, −t/(1−t) wrong, 0 for IDK; t = 0 is "
        "the benchmark's own accuracy), and pairs of models whose order at t differs from the "
        "lowest t are listed with a paired bootstrap p-value (questions resampled, the same "
        "draw for both models; small p: the swap is unlikely to be noise). The same numbers, "
        "as JSON: dontguess audit LOG… --format json.",
    ]
    for bench in result:
        parts.extend(_benchmark(bench))
    return [section("benchmark-audit", "Benchmark audit", *parts)]


def _benchmark(bench: Mapping[str, Any]) -> list[Markup | str]:
    seen = ", ".join(f"{v:g}" for v in bench["scores_seen"])
    if bench["n_score_values"] > len(bench["scores_seen"]):
        seen += ", …"
    harness = ", ".join(bench["harnesses"]) or "graded records"
    out: list[Markup | str] = [
        Markup(f"<h3>{shown(bench['benchmark'], _NAME)}</h3>"),
        Markup(
            f"<p>{esc(harness)}, {bench['n']} records: <strong>{esc(bench['observation1'])}"
            f"</strong>. Scores the log gave: {esc(seen or 'none')}; credit for IDK: "
            f"{esc(bench['idk_credit'])}; abstaining possible: {esc(bench['abstain_possible'])}."
            "</p>"
        ),
    ]
    out += [Markup(f'<p class="note">Note: {esc(note)}.</p>') for note in bench["notes"]]
    out.append(_models_table(bench))
    if len(bench["models"]) > 1:
        out += [_rankings_table(bench), _swaps_table(bench)]
    return out


def _models_table(bench: Mapping[str, Any]) -> Markup:
    keys = list(bench["models"][0]["scores"]) if bench["models"] else []
    headers = ["model", "n", "right", "wrong", "IDK", "IDK scored", "ungraded"]
    headers += [f"score at t={k}" for k in keys]
    body = [
        [shown(m["model"], _NAME), m["n"], m["n_correct"], m["n_incorrect"], m["n_abstained"],
         fmt_num(m["abstained_source_score"], "g"), m["n_ungraded"],
         *(fmt_num(m["scores"][k]) for k in keys)]
        for m in bench["models"]
    ]  # fmt: skip
    return table_html(headers, body, cls="benchmark-scores")


def tied_groups(bench: Mapping[str, Any], ranking: Mapping[str, Any]) -> list[list[str]]:
    """A ranking's models in groups of equal score (best first), so ties read as ties.

    >>> bench = {"models": [{"model": m, "scores": {"0.5": s}} for m, s in
    ...          (("a", 0.5), ("b", 0.2), ("c", 0.5))]}
    >>> tied_groups(bench, {"target": 0.5, "order": ["a", "c", "b"]})
    [['a', 'c'], ['b']]
    """
    key = f"{ranking['target']:g}"
    score = {m["model"]: m["scores"][key] for m in bench["models"]}
    groups: list[list[str]] = []
    for model in ranking["order"]:
        if groups and score[groups[-1][0]] == score[model]:  # nan never ties
            groups[-1].append(model)
        else:
            groups.append([model])
    return groups


def _rankings_table(bench: Mapping[str, Any]) -> Markup:
    body = []
    for r in bench["rankings"]:
        groups = tied_groups(bench, r)
        text = " &gt; ".join(" = ".join(shown(m, _NAME) for m in g) for g in groups)
        body.append([f"{r['target']:g}", Markup(text)])
    return table_html(["t", "ranking (best first; = ties)"], body, cls="benchmark-rankings")


def _swaps_table(bench: Mapping[str, Any]) -> Markup:
    headers = ["t", "ahead at lowest t", "ahead at t", "score gap at t", "p (paired)", "questions"]
    body = []
    for s in bench["swaps"]:
        p = fmt_num(s["p_value"], ".3g") if s["p_value"] is not None else (s["note"] or "–")
        body.append([
            f"{s['target']:g}", shown(s["above_at_base"], _NAME),
            shown(s["above_at_target"], _NAME), fmt_num(s["difference_at_target"]), p,
            s["n_items"] if s["n_items"] is not None else "–",
        ])  # fmt: skip
    if not body:
        return Markup("<p>No pair of models changes order between the lowest t and any other.</p>")
    return table_html(headers, body, cls="benchmark-swaps")
