"""Builders of GradedTables for the scoring and metrics tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dontguess.records import GradedTable


def _obj(values: Sequence[object]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def make_table(
    verdict: Sequence[int] | np.ndarray,
    *,
    model: str | Sequence[str] = "m",
    item_id: Sequence[str] | None = None,
    stated_target: float | Sequence[float] = float("nan"),
    style: str | Sequence[str] | None = None,
    sample: Sequence[int] | None = None,
    confidence: Sequence[float] | None = None,
    groups: dict[str, Sequence[str]] | None = None,
) -> GradedTable:
    """A GradedTable from columns; scalars are broadcast, ids default to q0, q1, ..."""
    v = np.asarray(verdict, dtype=np.int8)
    n = v.size

    def col(x: object) -> np.ndarray:
        return _obj([x] * n) if isinstance(x, str) else _obj(list(x))  # type: ignore[call-overload]

    st = np.broadcast_to(np.asarray(stated_target, dtype=np.float64), (n,)).copy()
    if style is None:
        style = _obj(["" if np.isnan(t) else "penalty" for t in st])
    return GradedTable(
        item_id=col(item_id if item_id is not None else [f"q{i}" for i in range(n)]),
        model=col(model),
        stated_target=st,
        style=col(style) if not isinstance(style, np.ndarray) else style,
        sample=np.asarray(sample if sample is not None else np.zeros(n), dtype=np.int64),
        verdict=v,
        confidence=np.asarray(
            confidence if confidence is not None else np.full(n, np.nan), dtype=np.float64
        ),
        ungraded_reason=_obj(["backend error" if x < 0 else "" for x in v]),
        answer=_obj([""] * n),
        groups={k: col(vals) for k, vals in (groups or {}).items()},
    )


def concat(*tables: GradedTable) -> GradedTable:
    """Rows of several tables, in order (same group columns)."""
    names = list(tables[0].groups)
    return GradedTable(
        item_id=np.concatenate([t.item_id for t in tables]),
        model=np.concatenate([t.model for t in tables]),
        stated_target=np.concatenate([t.stated_target for t in tables]),
        style=np.concatenate([t.style for t in tables]),
        sample=np.concatenate([t.sample for t in tables]),
        verdict=np.concatenate([t.verdict for t in tables]),
        confidence=np.concatenate([t.confidence for t in tables]),
        ungraded_reason=np.concatenate([t.ungraded_reason for t in tables]),
        answer=np.concatenate([t.answer for t in tables]),
        groups={k: np.concatenate([t.groups[k] for t in tables]) for k in names},
    )


def simpleqa_table(model: str, abstain: int, right: int, wrong: int) -> GradedTable:
    """A 100-record closed-rubric table with the given percentages (OpenAI blog, SimpleQA)."""
    assert abstain + right + wrong == 100
    verdict = [2] * abstain + [0] * right + [1] * wrong
    return make_table(verdict, model=model)
