"""Plain-text formatting of score rows, shared by the report and the CLI tables."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from dontguess.scoring._rule import BOUND_KEYS

__all__ = [
    "RANGE_NOTE",
    "by_columns",
    "fmt_num",
    "has_ungraded_range",
    "jsonable",
    "passes_text",
    "range_text",
    "rubric_label",
    "score_header",
    "score_text",
]

#: Score-row keys that are not ``--by`` group columns.
ROW_KEYS = frozenset(
    "model stated_target style score_target penalty n n_correct n_incorrect n_abstained "
    "n_ungraded accuracy error_rate abstention_rate ungraded_rate attempted_accuracy f_score "
    "score score_ci_low score_ci_high reward_score".split()
) | frozenset(BOUND_KEYS)

#: What the ungraded ranges mean, for table captions and the report (docs/scoring.md).
RANGE_NOTE = (
    "Ungraded records are left out of the scores and rates and are not a random sample "
    "(mostly answers only a judge could settle). Each “if ungraded …” range gives the value "
    "over all records, graded and ungraded, if every ungraded record were wrong and if every "
    "one were right; the graded-only value lies inside it. One value: nothing was ungraded."
)


def jsonable(value: Any) -> Any:
    """``value`` with numpy scalars made plain and NaN / ±inf made ``None`` (JSON null).

    >>> jsonable({"a": float("nan"), "b": [1.5, float("inf")]})
    {'a': None, 'b': [1.5, None]}
    """
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def by_columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The ``--by`` group columns present in score rows, in first-seen order."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(k for k in row if k not in ROW_KEYS))
    return list(names)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_num(value: Any, spec: str = ".3f") -> str:
    """Format a number; ``None``/NaN → ``"–"``.

    >>> fmt_num(0.25, ".1%"), fmt_num(None)
    ('25.0%', '–')
    """
    if _missing(value):
        return "–"
    return format(value, spec)


def rubric_label(stated: Any, style: Any = None) -> str:
    """``closed`` or ``t=0.75`` (``t=0.75 reward`` for the reward style).

    >>> rubric_label(None), rubric_label(0.75), rubric_label(0.5, "reward")
    ('closed', 't=0.75', 't=0.5 reward')
    """
    if _missing(stated):
        return "closed"
    label = f"t={stated:g}"
    return f"{label} reward" if style == "reward" else label


def score_text(row: Mapping[str, Any]) -> str:
    """Score with its interval when known: ``0.123 [0.101, 0.145]``."""
    text = fmt_num(row.get("score"))
    low, high = row.get("score_ci_low"), row.get("score_ci_high")
    if not _missing(low) and not _missing(high):
        text += f" [{fmt_num(low)}, {fmt_num(high)}]"
    return text


def has_ungraded_range(rows: Sequence[Mapping[str, Any]]) -> bool:
    """Whether some row has ungraded records and carries their range (``*_if_ungraded_*``).

    >>> has_ungraded_range([{"n_ungraded": 0, "score_if_ungraded_wrong": 0.5}])
    False
    >>> has_ungraded_range([{"n_ungraded": 2, "score_if_ungraded_wrong": 0.1}])
    True
    """
    return any(r.get("n_ungraded") and BOUND_KEYS[0] in r for r in rows)


def range_text(
    row: Mapping[str, Any], low: str, high: str, spec: str = ".3f", sep: str = " … "
) -> str:
    """``row[low] … row[high]`` formatted with ``spec``; one value when both ends agree.

    >>> range_text({"a": 0.1, "b": 0.25}, "a", "b"), range_text({"a": 0.5, "b": 0.5}, "a", "b")
    ('0.100 … 0.250', '0.500')
    >>> range_text({}, "a", "b", ".1%")
    '–'
    """
    lo, hi = fmt_num(row.get(low), spec), fmt_num(row.get(high), spec)
    return lo if lo == hi else f"{lo}{sep}{hi}"


def score_header(rows: Sequence[Mapping[str, Any]]) -> str:
    """``score [95% CI]`` when some row carries an interval, else plain ``score``.

    >>> score_header([{"score": 0.5}]), score_header([{"score_ci_low": 0.1, "score_ci_high": 0.2}])
    ('score', 'score [95% CI]')
    """
    has_ci = any(
        not _missing(r.get("score_ci_low")) and not _missing(r.get("score_ci_high")) for r in rows
    )
    return "score [95% CI]" if has_ci else "score"


def passes_text(row: Mapping[str, Any]) -> str:
    """An audit row's verdict: ``yes``, ``NO``, or why it is undefined.

    >>> passes_text({"passes": True}), passes_text({"passes": False})
    ('yes', 'NO')
    >>> passes_text({"passes": None, "reason": "no answered questions"})
    'no answered questions'
    >>> passes_text({"passes": True, "reason": "1 of 4 targets: no answered questions"})
    'yes (1 of 4 targets: no answered questions)'
    """
    passes, reason = row.get("passes"), row.get("reason")
    if passes is None:
        return str(reason or "–")
    text = "yes" if passes else "NO"
    return f"{text} ({reason})" if reason else text
