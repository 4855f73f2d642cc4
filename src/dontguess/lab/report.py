"""The demo's self-contained HTML report: tables and inline SVG figures (matplotlib).

Every string that comes from a model or the world (names, answers, model names) goes
through :func:`html.escape`. No external files, scripts or fonts.
"""

from __future__ import annotations

import html
import io
import math
from typing import Any

from dontguess.lab.measure import MENTION_BUCKETS
from dontguess.theory import theorem2_slack, theorem2_upper_slack

__all__ = ["render_report", "sweep_figure"]

_CSS = """body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;
text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
.note{color:#555;font-size:90%}pre{background:#f6f6f6;padding:8px}"""


def _fmt(value: Any) -> str:
    if value is None:
        return "undefined"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return "–" if math.isnan(value) else f"{value:.3f}"
    return html.escape(str(value))


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_fmt(v)}</td>" for v in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _svg(fig: Any) -> str:
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = "dontguess"  # stable element ids: same seed, same page
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]


def sweep_figure(rows: list[dict[str, Any]], min_errors: int, max_errors: int) -> str:
    """SVG: measured err vs singleton rate, Theorem 2's leading term, floor and ceiling."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    xs = [i / 100 for i in range(0, 71)]
    ax.plot(
        xs,
        [x - 2 / min_errors for x in xs],
        "k--",
        lw=1,
        label="Thm 2 leading term sr − 2/min|E_c| (δ=0)",
    )
    n = max(int(r["n_train"]) for r in rows if r["model"] == "calibrated")
    slack, upper = theorem2_slack(n), theorem2_upper_slack(n)
    ax.plot(
        xs,
        [x - 2 / min_errors - slack for x in xs],
        "r:",
        lw=1,
        label=f"Thm 2 floor, 99% (N={n}): −{slack:.2f} slack",
    )
    ax.plot(
        xs,
        [x - x / (max_errors + 1) + upper for x in xs],
        "g-.",
        lw=1,
        label="calibrated learner ceiling (Thm 2 upper bound)",
    )
    for model, marker in (("calibrated", "o"), ("transformer", "s")):
        pts = [r for r in rows if r["model"] == model]
        ns = {str(p["n_train"]) for p in pts}
        if pts:
            ax.scatter(
                [p["singleton_rate"] for p in pts],
                [p["err"] for p in pts],
                marker=marker,
                zorder=3,
                label=f"{model}: measured err (N={'/'.join(sorted(ns))})",
            )
    ax.set_xlabel("training singleton rate sr")
    ax.set_ylabel("generative error err")
    ax.set_xlim(0, 0.7)
    ax.set_ylim(-0.05, 1.0)
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(alpha=0.3)
    out = _svg(fig)
    plt.close(fig)
    return out


def _mentions_figure(models: dict[str, Any]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    width = 0.8 / max(1, len(models))
    for k, (name, m) in enumerate(models.items()):
        errs = [m["err_by_mentions"][b]["err"] for b in MENTION_BUCKETS]
        ax.bar(
            [i + k * width for i in range(len(MENTION_BUCKETS))],
            [0 if math.isnan(e) else e for e in errs],
            width,
            label=str(name),
        )
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(MENTION_BUCKETS))], list(MENTION_BUCKETS))
    ax.set_xlabel("times the fact was stated in training")
    ax.set_ylabel("err on test prompts")
    ax.legend(fontsize=8)
    out = _svg(fig)
    plt.close(fig)
    return out


def _model_rows(models: dict[str, Any]) -> list[list[Any]]:
    keys = (
        "err",
        "err_iiv",
        "delta",
        "theorem1_bound",
        "theorem2_leading_term",
        "theorem2_bound",
        "theorem2_upper_bound",
        "unseen_err",
        "unseen_idk",
    )
    return [[name, *[m.get(k, "–") for k in keys]] for name, m in models.items()]


def _sample_rows(models: dict[str, Any]) -> list[list[Any]]:
    keys = ("err", "err_iiv", "delta", "unseen_share", "unseen_err")
    return [
        [name, *[m.get("test_sample", {}).get(k, float("nan")) for k in keys]]
        for name, m in models.items()
    ]


def _policy_rows(models: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for name, m in models.items():
        for policy, by_t in m["scores_by_target"].items():
            rows.append(
                [
                    f"{name} · {policy}",
                    *[by_t.get(k, float("nan")) for k in ("0", "0.5", "0.75", "0.9")],
                ]
            )
    return rows


_INC_KEYS = ("right", "wrong", "idk", "err_never_stated", "idk_never_stated",
             "right_often_stated", "delta")  # fmt: skip


def _incentives_section(inc: dict[str, Any]) -> list[str]:
    """The incentives table (held-out people, then post-training people) and observations."""
    targets = ("0", "0.5", "0.75", "0.9")
    header = ["reward", "right", "wrong", "IDK", "err never stated", "IDK never stated",
              "right stated 6+", "δ", *[f"score t={t}" for t in targets]]  # fmt: skip

    def rows(split: str | None) -> list[list[Any]]:
        picked = [r if split is None else r[split] for r in inc["rows"]]
        return [[r["reward"], *[r[k] for k in _INC_KEYS],
                 *[r["scores_by_target"][t] for t in targets]] for r in picked]  # fmt: skip

    return [
        "<h2>Incentives: post-training under binary vs confidence-target reward</h2>",
        "<p class='note'>Each row is a copy of the trained model post-trained to maximise "
        "the exact expected reward (dontguess.scoring's rule: +1 right, −t/(1−t) wrong, 0 IDK; "
        "binary is t=0) with a KL penalty, on questions about half of the people; figures are "
        "exact under μ over the <b>held-out</b> people:</p>",
        _table(header, rows(None)),
        "<p class='note'>The same on the people it was post-trained on:</p>",
        _table(header, rows("post_training_people")),
        "<ul>",
        *[f"<li>{html.escape(x)}</li>" for x in inc.get("observed", [])],
        "</ul>",
    ]


def _poor_section(poor: dict[str, Any]) -> list[str]:
    tri = poor["trigram_example"]
    let = poor["letter_counting"]
    return [
        "<h2>Theorem 3: poor models</h2>",
        "<p class='note'>“She/He lost it and was completely out of her/his mind”: err exact "
        "under a uniform μ over the two prompts, opt(G) over each model's thresholded "
        "classifiers, bound 2(1 − 1/C)·opt(G) with C = 2.</p>",
        _table(
            ["model", "err", "err from samples", "± s.e.", "opt(G)", "Thm 3 bound"],
            [
                [
                    m["model"],
                    m["err"],
                    m["err_sampled"],
                    m["err_sampled_se"],
                    m["opt_thresholds"],
                    m["theorem3_bound"],
                ]
                for m in tri["models"]
            ],
        ),
        "<p class='note'>Letter counting on held-out words (mean p̂ of the right count; "
        "how often the most likely count is right):</p>",
        _table(
            ["tokenizer", "p̂(right count)", "most likely count right"],
            [
                [lvl, let[lvl]["p_right"], let[lvl]["argmax_accuracy"]]
                for lvl in ("word", "character")
            ]
            + [
                ["always the most common count", let["majority_baseline"], let["majority_baseline"]]
            ],
        ),
    ]


def render_report(summary: dict[str, Any], lines: list[str]) -> str:
    """The full HTML page from the demo's summary dict and its plain-language lines."""
    models = summary["models"]
    w = summary["world"]
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>dontguess lab demo</title>",
        f"<style>{_CSS}</style></head><body><h1>Why language models hallucinate: the lab</h1>",
        "<h2>In plain words</h2><ul>",
        *[f"<li>{html.escape(line)}</li>" for line in lines],
        "</ul><h2>The world</h2>",
        _table(
            ["quantity", "value"],
            [
                [k, v]
                for k, v in [
                    ("people", w["people"]),
                    ("training examples N", summary["n_train"]),
                    ("Zipf exponent", w["zipf_exponent"]),
                    ("answer probability α", w["answer_prob"]),
                    ("singleton rate sr", summary["singleton_rate"]),
                    ("missing mass MM (exact, from μ)", summary["missing_mass"]),
                    ("Lemma 1 width, γ=0.01", summary["lemma1_width"]),
                    ("μ-mass never answered in training (exact)", summary["unseen_mass"]),
                    ("test prompts never answered in training", summary["test_unseen_fraction"]),
                ]
            ],
        ),
        "<h2>Models: err and the bounds (exact under μ)</h2>",
        _table(
            [
                "model",
                "err",
                "err_iiv",
                "δ",
                "Thm 1 bound",
                "Thm 2 leading term",
                "Thm 2 bound (99%)",
                "Thm 2 upper bound (calibrated learner only)",
                "err on unseen",
                "p(IDK) unseen",
            ],
            _model_rows(models),
        ),
        "<p class='note'>Every figure is a sum over all prompts of the world weighted by μ "
        "(exact, no sampling). Theorem 2's bound is the leading term minus (35 + 6 ln N)/√N; "
        "at this small N that slack makes the floor vacuous (negative), so the leading term "
        "sr − 2/min|E_c| − δ is shown beside it; the leading term is not a theorem at finite "
        "N. The upper bound holds for the Appendix B calibrated learner only. What this demo "
        "shows on the transformer is err by mention count, below.</p>",
        "<p class='note'>The same figures estimated on the test sample (each test prompt "
        "drawn i.i.d. from μ), for comparison:</p>",
        _table(
            ["model", "err", "err_iiv", "δ", "share unseen", "err on unseen"],
            _sample_rows(models),
        ),
        "<h2>Error by how often the fact was stated in training</h2>",
        _mentions_figure(models),
        _table(
            ["model (err under μ)", *MENTION_BUCKETS],
            [
                [n, *[m["err_by_mentions"][b]["err"] for b in MENTION_BUCKETS]]
                for n, m in models.items()
            ],
        ),
        "<h2>Confidence-target scores on the test prompts (penalty t/(1−t))</h2>",
        _table(["model · policy", "t=0", "t=0.5", "t=0.75", "t=0.9"], _policy_rows(models)),
        "<p class='note'>always: answer the most likely candidate (what binary grading "
        "rewards); sample: one answer sampled from p̂, IDK included; threshold: a rule applied "
        "after the fact (nothing is stated to the model): at each t, answer iff the model's "
        "own p̂ of its answer being right exceeds t, else IDK; optimal for every t only if p̂ "
        "is calibrated. Behavioural-calibration audit of the threshold rule "
        "(dontguess.metrics; undefined when it answered nothing):</p>",
        _table(
            ["model", "max precision shortfall", "passes"],
            [
                [
                    n,
                    m.get("audit", {}).get("max_shortfall", float("nan")),
                    m.get("audit", {}).get("passes"),
                ]
                for n, m in models.items()
            ],
        ),
        "<h2>Sweep: err vs singleton rate</h2>",
        sweep_figure(summary["sweep"], summary["min_errors"], summary["max_errors"]),
        _table(
            ["model", "target sr", "sr", "MM", "err", "Thm 2 leading", "Thm 2 upper"],
            [
                [
                    r["model"],
                    r["target_sr"] if r["target_sr"] is not None else "–",
                    r["singleton_rate"],
                    r["missing_mass"],
                    r["err"],
                    r["theorem2_leading_term"],
                    r.get("theorem2_upper_bound", "–"),
                ]
                for r in summary["sweep"]
            ],
        ),
        *(_incentives_section(summary["incentives"]) if "incentives" in summary else []),
        *(_poor_section(summary["poor_models"]) if "poor_models" in summary else []),
        "<h2>Training</h2>",
        _table(["quantity", "value"], [[k, v] for k, v in summary.get("training", {}).items()]),
        "</body></html>",
    ]
    return "\n".join(parts)
