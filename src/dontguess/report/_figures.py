"""Matplotlib figures rendered to inline SVG text (Agg/SVG backends, imported lazily)."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from dontguess.errors import MissingDependencyError
from dontguess.report._html import visible_text

__all__ = ["outcome_bars_svg", "reliability_svg", "risk_coverage_svg", "score_curve_svg"]

_COLORS = {"accuracy": "#2e7d32", "abstention_rate": "#9e9e9e", "error_rate": "#c62828"}
_LABELS = {"accuracy": "right", "abstention_rate": "I don't know", "error_rate": "wrong"}
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as exc:
        raise MissingDependencyError("matplotlib", "report") from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _to_svg(fig: Any) -> str:
    """The figure as an ``<svg>`` element (XML prologue and DOCTYPE removed)."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "dontguess"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    _pyplot().close(fig)
    return _PROLOGUE.sub("", buf.getvalue(), count=1)


def _plain(text: str, limit: int = 40) -> str:
    """Text shown literally by matplotlib: no mathtext, no hidden ``_``-prefixed labels.

    Cut to ``limit`` characters (a 3,000-character model name would otherwise squeeze the
    figure to nothing), with bidi controls made visible.

    >>> print(_plain("_x$1"), _plain("m" * 50, limit=5))
     _x\\$1 mmmm…
    """
    text, _ = visible_text(text, limit)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = text.replace("$", r"\$")
    return " " + text if text.startswith("_") else text


def _condition_key(stated: Any) -> float:
    return -1.0 if stated is None or (isinstance(stated, float) and math.isnan(stated)) else stated


def outcome_bars_svg(rows: Sequence[Mapping[str, Any]]) -> str:
    """The paper's figure: stacked right / IDK / wrong bars per model and stated target.

    One panel per model; one bar per rubric condition (closed, then each stated t). Rates are
    the rows' ``accuracy``, ``abstention_rate`` and ``error_rate``: shares of the graded
    records (ungraded records are counted apart, in the tables).
    """
    plt = _pyplot()
    by_model: dict[str, dict[float, Mapping[str, Any]]] = {}
    for row in rows:
        conditions = by_model.setdefault(str(row["model"]), {})
        conditions.setdefault(_condition_key(row.get("stated_target")), row)
    models = sorted(by_model)
    fig, axes = plt.subplots(
        1, len(models), figsize=(3.0 + 2.6 * len(models), 4.4), sharey=True, squeeze=False
    )
    for ax, model in zip(axes[0], models, strict=True):
        conditions = by_model[model]
        keys = sorted(conditions)
        labels = ["closed" if k < 0 else f"t={k:g}" for k in keys]
        bottom = [0.0] * len(keys)
        for metric, color in _COLORS.items():
            values = [_rate(conditions[k].get(metric)) for k in keys]
            ax.bar(labels, values, bottom=bottom, color=color, label=_LABELS[metric], width=0.7)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_title(_plain(model, 28), fontsize=10)
        ax.set_ylim(0, 1)
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    axes[0][0].set_ylabel("share of records")
    axes[0][-1].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)
    return _to_svg(fig)


def _rate(value: Any) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0.0
    return float(value)


def reliability_svg(curves: Mapping[str, tuple[Sequence[float], Sequence[float]]]) -> str:
    """Reliability diagram: per model, accuracy against mean confidence of each bin.

    Args:
        curves: model → (mean confidence per non-empty bin, accuracy per bin).
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.4, 5.0))
    ax.plot([0, 1], [0, 1], color="#777777", linestyle=":", label="perfect calibration")
    for model, (conf, acc) in sorted(curves.items()):
        ax.plot(list(conf), list(acc), marker="o", markersize=3, label=_plain(model))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("stated confidence (bin mean)")
    ax.set_ylabel("share right")
    ax.legend(fontsize=8, frameon=False)
    return _to_svg(fig)


def risk_coverage_svg(curves: Mapping[str, tuple[Sequence[float], Sequence[float]]]) -> str:
    """Risk–coverage: error among the answers kept when answering only the most confident.

    Args:
        curves: model → (coverage values, risk values).
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.4, 5.0))
    for model, (coverage, risk) in sorted(curves.items()):
        ax.plot(list(coverage), list(risk), label=_plain(model))
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("coverage (share answered)")
    ax.set_ylabel("risk (share of answers wrong)")
    ax.legend(fontsize=8, frameon=False)
    return _to_svg(fig)


def score_curve_svg(rows: Sequence[Mapping[str, Any]]) -> str:
    """Score against t per model: closed rubric re-scored at each t (dashed) and open rubric
    at its stated t (solid), with bootstrap intervals as error bars when present."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    models = sorted({str(r["model"]) for r in rows})
    for k, model in enumerate(models):
        color = colors[k % len(colors)]
        mine = [r for r in rows if str(r["model"]) == model]
        closed = sorted(
            (r for r in mine if _condition_key(r.get("stated_target")) < 0),
            key=lambda r: float(r["score_target"]),
        )
        told = sorted(
            (r for r in mine if r.get("stated_target") is not None
             and _condition_key(r.get("stated_target")) == r["score_target"]),
            key=lambda r: float(r["score_target"]),
        )  # fmt: skip
        for part, style, label in ((closed, "--", "closed"), (told, "-", "told t")):
            if not part:
                continue
            x = [float(r["score_target"]) for r in part]
            y = [_rate(r.get("score")) for r in part]
            ax.plot(x, y, style, marker="o", markersize=3, color=color,
                    label=f"{_plain(model, 32)} ({label})")  # fmt: skip
            if all(r.get("score_ci_low") is not None for r in part):
                low = [yi - float(r["score_ci_low"]) for yi, r in zip(y, part, strict=True)]
                high = [float(r["score_ci_high"]) - yi for yi, r in zip(y, part, strict=True)]
                ax.errorbar(x, y, yerr=[low, high], fmt="none", ecolor=color, capsize=2)
    ax.axhline(0.0, color="#777777", linewidth=0.8)
    ax.set_xlabel("confidence target t (penalty t/(1−t))")
    ax.set_ylabel("score")
    ax.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.02, 0.5))
    return _to_svg(fig)
