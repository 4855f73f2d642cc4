"""The report's policies section: score vs t per policy, and risk–coverage per estimator.

Built from :func:`dontguess.confidence.score_policies` and
:func:`dontguess.confidence.estimator_pairs` on the stored records only (no model is called).
Shown when the records carry a closed-rubric run with at least one confidence or two samples
per question; otherwise the report has no such section.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dontguess.errors import InputError
from dontguess.records import GradedTable
from dontguess.report._calibration import _thin
from dontguess.report._figures import (
    _plain,
    _pyplot,
    _rate,
    _to_svg,
    reliability_svg,
    risk_coverage_svg,
)
from dontguess.report._format import fmt_num, score_text
from dontguess.report._html import Markup, section, shown, table_html

__all__ = ["POLICY_BOOTSTRAP", "estimator_risk_svg", "policies_parts", "policy_curves_svg"]

#: Bootstrap replicates of the policy intervals in the report.
POLICY_BOOTSTRAP = 500


def policy_curves_svg(rows: Sequence[Mapping[str, Any]]) -> str:
    """Score against t, one line per (model, policy); the prompted model wide and pale,
    the answers as given (as-is) dashed grey."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    keys = sorted({(str(r["model"]), str(r["policy"])) for r in rows})
    multi = len({m for m, _ in keys}) > 1
    for model, policy in keys:
        mine = sorted((r for r in rows if (str(r["model"]), str(r["policy"])) == (model, policy)),
                      key=lambda r: float(r["scored_target"]))  # fmt: skip
        x = [float(r["scored_target"]) for r in mine]
        y = [_rate(r.get("score")) for r in mine]
        label = f"{_plain(model, 24)}: {policy}" if multi else policy
        if policy == "prompted":  # wide and pale, so policies that match it stay visible
            ax.plot(x, y, "-", color="black", linewidth=5, alpha=0.25, label=label, zorder=1)
            continue
        dashed = policy == "as-is"
        ax.plot(x, y, "--" if dashed else "-", marker="o", markersize=3, label=label,
                color="#777777" if dashed else None, zorder=2)  # fmt: skip
    ax.axhline(0.0, color="#777777", linewidth=0.8)
    ax.set_xlabel("confidence target t (penalty t/(1−t))")
    ax.set_ylabel("score per question")
    ax.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.02, 0.5))
    return _to_svg(fig)


def estimator_risk_svg(curves: Mapping[str, tuple[Any, Any, float]]) -> str:
    """Risk–coverage per estimator, AURC in the legend.

    Args:
        curves: label → (coverage, risk, AURC).
    """
    return risk_coverage_svg(
        {label: (coverage, risk) for label, (coverage, risk, _) in curves.items()},
        aurc={label: area for label, (_, _, area) in curves.items()},
        xlabel="coverage (share of questions answered)",
    )


def _estimator_curves(
    table: GradedTable,
) -> tuple[dict[str, tuple[Any, Any, float]], dict[str, tuple[list[float], list[float]]]]:
    """Per (model,) estimator: risk–coverage (thinned) with AURC, and reliability points."""
    from dontguess.confidence import estimator_pairs
    from dontguess.metrics import aurc_loss, reliability_table, risk_coverage_curve

    pairs = estimator_pairs(table)
    multi = len({m for m, _ in pairs}) > 1
    risk_curves, reliability = {}, {}
    for (model, estimator), (correct, conf) in pairs.items():
        label = f"{model}: {estimator}" if multi else estimator
        coverage, risk, _ = risk_coverage_curve(correct, conf)
        keep = _thin(len(coverage))
        risk_curves[label] = (coverage[keep], risk[keep], aurc_loss(correct, conf))
        bins = [b for b in reliability_table(correct, conf, n_bins=10) if b["n"] > 0]
        reliability[label] = ([b["mean_confidence"] for b in bins], [b["accuracy"] for b in bins])
    return risk_curves, reliability


def _versus(row: Mapping[str, Any]) -> str:
    diff = row.get("difference")
    if diff is None:
        return "–"
    low = fmt_num(row.get("difference_ci_low"), "+.3f")
    high = fmt_num(row.get("difference_ci_high"), "+.3f")
    return f"{diff:+.3f} [{low}, {high}], p = {fmt_num(row.get('p_value'))}"


def policies_parts(table: GradedTable, score_rows: Sequence[Mapping[str, Any]]) -> list[Markup]:
    """The policies section as a list (empty when the records support no policy).

    Scored at the targets of ``score_rows`` (the report's score table), with intervals and
    paired tests only when those rows have intervals (the report's bootstrap is on).
    """
    from dontguess.confidence import estimator_report, score_policies

    targets = sorted({float(r["score_target"]) for r in score_rows})
    boot = any(r.get("score_ci_low") is not None for r in score_rows)
    try:
        rows = score_policies(table, targets=targets or (0.0,),
                              bootstrap=POLICY_BOOTSTRAP if boot else 0)  # fmt: skip
    except InputError:  # no closed-rubric record, or a table without answers
        return []
    if not any(r["policy"] not in ("as-is", "prompted") for r in rows):
        return []
    headers = ["model", "t", "policy", "questions", "right", "wrong", "IDK", "undecided"]
    headers += ["score [95% CI]", "vs prompted [95% CI]"] if boot else ["score"]
    body = [[shown(r["model"]), f"{r['scored_target']:g}", shown(r["policy"]), r["n_questions"],
             r["n_correct"], r["n_incorrect"], r["n_abstained"], r["n_undecided"],
             score_text(r)] + ([_versus(r)] if boot else []) for r in rows]  # fmt: skip
    calib = estimator_report(table)
    c_headers = ["model", "estimator", "answers", "Brier", "ECE (10 equal-width bins)", "AURC"]
    c_body = [[shown(c["model"]), shown(c["estimator"]), c["n"], fmt_num(c["brier_score"]),
               fmt_num(c["ece_uniform"]), fmt_num(c["aurc"])] for c in calib]  # fmt: skip
    risk_curves, reliability = _estimator_curves(table)
    figures = Markup(
        f'<div class="figures"><div class="figure">{policy_curves_svg(rows)}</div>'
        f'<div class="figure">{estimator_risk_svg(risk_curves)}</div>'
        f'<div class="figure">{reliability_svg(reliability)}</div></div>'
    )
    return [section(
        "policies", "Abstention policies on the closed-rubric answers", figures,
        table_html(headers, body, cls="policies"),
        table_html(c_headers, c_body, cls="estimators"),
        "Each policy decides once per question from the closed-rubric answers, with no new "
        "requests: as-is keeps every answer, threshold:E answers only when estimator E's "
        "confidence exceeds t, consistency@K only when the first K samples agree; prompted is "
        "the model told t in its prompt. “vs prompted” is a paired bootstrap over questions of "
        "policy − prompted: above 0, a post-hoc threshold on the model's own confidence beats "
        "asking it to be careful. See docs/confidence.md.",
    )]  # fmt: skip
