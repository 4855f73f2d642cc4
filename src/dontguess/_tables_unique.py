"""Find records that repeat one key: (item_id, model, condition, sample) (private to tables).

A graded answer is identified by the question, the model, the condition it was asked under
(stated target and style; none for the closed rubric) and the sample index. Two records with
one key would be counted twice by every metric, so reading refuses them unless asked to keep
them. The check is vectorised: each key column is factorised, the codes are combined into one
integer per record and sorted; only when a repeat exists does a slower pass find the first one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from dontguess._factorize import factorize
from dontguess._tables_io import Where
from dontguess.records import GradedTable

__all__ = ["Source", "check_unique"]

#: Where rows ``start:stop`` of a concatenated table came from.
Source = tuple[Where, int, int]
_KEY_LIMIT = 1 << 62


def check_unique(table: GradedTable, sources: Sequence[Source]) -> None:
    """Raise InputError naming both places when two records share one key.

    Args:
        table: the records (several files concatenated).
        sources: ``(where, start, stop)`` of each file's rows in ``table``.

    Raises:
        InputError: at the later record of the first repeated key in file order.
    """
    if len(table) < 2:
        return
    key = _record_keys(table)
    ordered = np.sort(key)
    if not bool((ordered[1:] == ordered[:-1]).any()):
        return
    order = np.argsort(key, kind="stable")
    repeats = order[1:][key[order[1:]] == key[order[:-1]]]
    later = int(repeats.min())
    first = int(np.flatnonzero(key == key[later])[0])
    where, local = _locate(sources, later)
    first_where, first_local = _locate(sources, first)
    raise where.error(
        local,
        f"duplicate record: {_describe(table, later)} (also at {first_where.label(first_local)}); "
        "each (item_id, model, condition, sample) may appear once "
        "(--allow-duplicates / allow_duplicates=True counts every copy)",
    )


def _record_keys(table: GradedTable) -> npt.NDArray[np.int64]:
    """One int64 per record; equal exactly when the records share a key."""
    columns = (table.item_id, table.model, table.stated_target, table.style, table.sample)
    key = np.zeros(len(table), dtype=np.int64)
    size = 1
    for column in columns:
        uniques, codes = factorize(column, sort=False)
        if size * max(len(uniques), 1) >= _KEY_LIMIT:
            distinct, key = factorize(key, sort=False)
            size = len(distinct)
        key = key * max(len(uniques), 1) + codes
        size *= max(len(uniques), 1)
    return key


def _locate(sources: Sequence[Source], row: int) -> tuple[Where, int]:
    for where, start, stop in sources:
        if start <= row < stop:
            return where, row - start
    raise AssertionError(f"row {row} is in no source")


def _describe(table: GradedTable, row: int) -> str:
    target = float(table.stated_target[row])
    if math.isnan(target):
        condition = "closed rubric"
    else:
        condition = f"stated_target {target:g} ({table.style[row]})"
    return (
        f"item_id {_short(table.item_id[row])}, model {_short(table.model[row])}, "
        f"{condition}, sample {int(table.sample[row])}"
    )


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
