"""Concatenating graded tables (a leaf: the importers use it without the readers).

``dontguess.tables`` reads logs through :mod:`dontguess.importers`, and the importers
join the tables of several logs; keeping this function apart means neither package
imports the other's ``__init__`` in a circle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dontguess.records import GradedTable

__all__ = ["concat_graded"]


def concat_graded(tables: Sequence[GradedTable]) -> GradedTable:
    """Concatenate tables; a grouping column absent from some table is ``""`` there."""
    if len(tables) == 1:
        return tables[0]
    names = sorted({k for t in tables for k in t.groups})

    def cat(name: str) -> Any:
        return np.concatenate([getattr(t, name) for t in tables])

    def group(name: str) -> Any:
        parts = []
        for t in tables:
            if name in t.groups:
                parts.append(t.groups[name])
            else:
                parts.append(np.full(len(t), "", dtype=object))
        return np.concatenate(parts)

    return GradedTable(
        item_id=cat("item_id"),
        model=cat("model"),
        stated_target=cat("stated_target"),
        style=cat("style"),
        sample=cat("sample"),
        verdict=cat("verdict"),
        confidence=cat("confidence"),
        ungraded_reason=cat("ungraded_reason"),
        answer=cat("answer"),
        groups={k: group(k) for k in names},
    )
