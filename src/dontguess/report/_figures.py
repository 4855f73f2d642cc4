"""Matplotlib figures rendered to inline SVG text (Agg/SVG backends, imported lazily)."""

from __future__ import annotations

import io
import math
import numbers
import re
from collections.abc import Mapping, Sequence
from typing import Any

from dontguess.errors import MissingDependencyError
from dontguess.report._html import visible_text

__all__ = ["outcome_bars_svg", "reliability_svg", "risk_coverage_svg", "score_curve_svg"]

_COLORS = {"n_correct": "#2e7d32", "n_abstained": "#9e9e9e", "n_incorrect": "#c62828"}
_LABELS = {"n_correct": "right", "n_abstained": "I don't know", "n_incorrect": "wrong"}
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
    """The paper's figure: stacked right / IDK / wrong / ungraded bars per model and stated t.

    One panel per model; one bar per rubric condition (closed, then each stated t). Heights
    are shares of all the condition's records; ungraded records are a hatched segment on top
    of the red (wrong) one, so the wrong share could be anywhere from the red segment alone
    to red plus hatched (the legend shows "ungraded" only when there are some).
    """
    plt = _pyplot()
    by_model: dict[str, dict[float, Mapping[str, Any]]] = {}
    for row in rows:
        conditions = by_model.setdefault(str(row["model"]), {})
        conditions.setdefault(_condition_key(row.get("stated_target")), row)
    models = sorted(by_model)
    any_ungraded = any(_count(r, "n_ungraded") for r in rows)
    fig, axes = plt.subplots(
        1, len(models), figsize=(3.0 + 2.6 * len(models), 4.4), sharey=True, squeeze=False
    )
    for ax, model in zip(axes[0], models, strict=True):
        conditions = by_model[model]
        keys = sorted(conditions)
        labels = ["closed" if k < 0 else f"t={k:g}" for k in keys]
        bottom = [0.0] * len(keys)
        for metric, color in _COLORS.items():
            values = [_share(conditions[k], metric) for k in keys]
            ax.bar(labels, values, bottom=bottom, color=color, label=_LABELS[metric], width=0.7)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        if any_ungraded:
            values = [_share(conditions[k], "n_ungraded") for k in keys]
            ax.bar(labels, values, bottom=bottom, color="white", edgecolor="#c62828",
                   hatch="///", linewidth=0.5, label="ungraded", width=0.7)  # fmt: skip
        ax.set_title(_plain(model, 28), fontsize=10)
        ax.set_ylim(0, 1)
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    axes[0][0].set_ylabel("share of records")
    axes[0][-1].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)
    return _to_svg(fig)


def _count(row: Mapping[str, Any], key: str) -> int:
    value = row.get(key)
    if isinstance(value, numbers.Real) and math.isfinite(count := float(value)):
        return int(count)
    return 0


def _share(row: Mapping[str, Any], key: str) -> float:
    """``row[key]`` as a share of all the row's records (graded and ungraded); 0 when none."""
    total = _count(row, "n") + _count(row, "n_ungraded")
    return _count(row, key) / total if total else 0.0


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


def risk_coverage_svg(
    curves: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    *,
    aurc: Mapping[str, float] | None = None,
    xlabel: str = "coverage (share answered)",
) -> str:
    """Risk–coverage: error among the answers kept when answering only the most confident.

    Args:
        curves: label (a model, an estimator) → (coverage values, risk values).
        aurc: label → area under the curve, shown in the legend when given.
        xlabel: the coverage axis's label.
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.4, 5.0))
    for label, (coverage, risk) in sorted(curves.items()):
        area = f" (AURC {aurc[label]:.3f})" if aurc is not None else ""
        ax.plot(list(coverage), list(risk), label=_plain(label) + area)
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("risk (share of answers wrong)")
    ax.legend(fontsize=8, frameon=False)
    return _to_svg(fig)


def score_curve_svg(rows: Sequence[Mapping[str, Any]]) -> str:
    """Score against t per model: closed rubric re-scored at each t (dashed) and open rubric
    at its stated t (solid), with bootstrap intervals as error bars when present and, where
    records are ungraded, a shaded band from "all ungraded wrong" to "all ungraded right"."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    models = sorted({str(r["model"]) for r in rows})
    banded = False  # the first band drawn carries the legend entry
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
            banded = _ungraded_band(ax, x, part, color, banded)
    ax.axhline(0.0, color="#777777", linewidth=0.8)
    ax.set_xlabel("confidence target t (penalty t/(1−t))")
    ax.set_ylabel("score")
    ax.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.02, 0.5))
    return _to_svg(fig)


def _ungraded_band(
    ax: Any, x: list[float], part: Sequence[Mapping[str, Any]], color: str, banded: bool
) -> bool:
    """Shade each point's score range if every ungraded record were wrong … right.

    Returns whether a band has been drawn so far (``banded`` or this one), so that only the
    first one gets a legend entry.
    """
    keys = ("score_if_ungraded_wrong", "score_if_ungraded_right")
    if not any(_count(r, "n_ungraded") for r in part):
        return banded
    if any(r.get(k) is None for r in part for k in keys):
        return banded
    low = [_rate(r.get(keys[0])) for r in part]
    high = [_rate(r.get(keys[1])) for r in part]
    label = None if banded else "range if ungraded wrong … right"
    if len(x) > 1:
        ax.fill_between(x, low, high, color=color, alpha=0.12, linewidth=0, label=label)
    else:
        ax.vlines(x, low, high, color=color, alpha=0.25, linewidth=6, label=label)
    return True
