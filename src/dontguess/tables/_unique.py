"""Find records that repeat one key: (item_id, model, condition, sample) (private to tables).

A graded answer is identified by the question, the model, the condition it was asked under
(stated target and style; none for the closed rubric) and the sample index. Two records with
one key would be counted twice by every metric, so reading refuses them unless asked to keep
them.

The check is vectorised and cheap next to reading: the readers hand over the dictionary codes
of ``item_id`` and ``model`` they computed anyway; these are merged across files over the
distinct values only, mixed with the other key columns into one 64-bit hash per record and
sorted. Distinct hashes prove distinct keys; only records whose hashes collide are compared
exactly, so the answer is exact.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess._util.coded import equals
from dontguess._util.factorize import CHUNK, column_coder, combine
from dontguess.records import GradedTable
from dontguess.tables._io import Where

__all__ = ["Codes", "Source", "check_unique"]

U64 = npt.NDArray[np.uint64]


@dataclass(frozen=True)
class Codes:
    """Distinct ``item_id`` / ``model`` values of one file and each record's index into them."""

    items: Sequence[Any] | npt.NDArray[np.object_]
    item_codes: npt.NDArray[np.integer[Any]]
    models: Sequence[Any] | npt.NDArray[np.object_]
    model_codes: npt.NDArray[np.integer[Any]]


@dataclass(frozen=True)
class Source:
    """Rows ``start:stop`` of a concatenated table: their file and key codes."""

    where: Where
    start: int
    stop: int
    codes: Codes


def check_unique(table: GradedTable, sources: Sequence[Source]) -> None:
    """Raise InputError naming both places when two records share one key.

    Args:
        table: the records (several files concatenated, in ``sources`` order).
        sources: where each file's rows are, with their ``item_id`` / ``model`` codes.

    Raises:
        InputError: at the later record of the first repeated key in file order.
    """
    if len(table) < 2:
        return
    if _dense_check(table, sources):
        return
    exact = _exact_columns(table, sources)
    hashed = _hash(exact)
    ordered = np.sort(hashed)
    if not bool((ordered[1:] == ordered[:-1]).any()):
        return
    collide = np.flatnonzero(np.isin(hashed, ordered[1:][ordered[1:] == ordered[:-1]]))
    keys = [c[collide] for c in exact]
    order = np.lexsort([collide, *keys])  # by key, then by file order (least significant)
    same = np.ones(len(order) - 1, dtype=bool)
    for column in keys:
        same &= column[order[1:]] == column[order[:-1]]
    if not same.any():
        return  # only hash collisions
    later = int(collide[order[1:][same]].min())
    match = np.ones(len(collide), dtype=bool)
    for column in keys:
        match &= column == column[int(np.flatnonzero(collide == later)[0])]
    _raise(table, sources, later, int(collide[match].min()))


def _dense_check(table: GradedTable, sources: Sequence[Source]) -> bool:
    """Check by a bitmap over every possible key when there are few (False: key space too big).

    The key columns are small codes (item, model, condition, sample); the mixed-radix key of
    each record marks one cell, chunk by chunk, so no full-length temporary is made. All keys
    are distinct iff as many cells are marked as there are records.
    """
    n = len(table)
    digits = _digits(table, sources)
    if digits is None:
        return False
    sizes = [size for _, size in digits]
    radix = math.prod(sizes)
    if radix > 8 * n + (1 << 16):
        return False
    seen = np.zeros(radix, dtype=bool)
    for lo in range(0, n, CHUNK):
        hi = min(n, lo + CHUNK)
        seen[combine([digit(lo, hi) for digit, _ in digits], sizes, hi - lo)[0]] = True
    if int(np.count_nonzero(seen)) == n:
        return True
    key, _ = combine([digit(0, n) for digit, _ in digits], sizes, n)
    order = np.argsort(key, kind="stable")  # equal keys in file order
    repeat = np.flatnonzero(key[order][1:] == key[order][:-1]) + 1
    later = int(order[repeat].min())
    _raise(table, sources, later, int(np.flatnonzero(key == key[later])[0]))
    return True


Digit = tuple[Callable[[int, int], npt.NDArray[np.int64]], int]


def _digits(table: GradedTable, sources: Sequence[Source]) -> list[Digit] | None:
    """Each key column as (codes of records lo:hi, number of codes); None if sample is large."""
    n = len(table)
    items, n_items = _merged([(s.codes.items, s.codes.item_codes) for s in sources])
    models, n_models = _merged([(s.codes.models, s.codes.model_codes) for s in sources])
    digits: list[Digit] = [
        (lambda lo, hi: items[lo:hi].astype(np.int64), n_items),
        (lambda lo, hi: models[lo:hi].astype(np.int64), n_models),
    ]
    target = table.stated_target
    if not np.isnan(target).all():
        coder = column_coder(target)
        is_reward = equals(table, "style", "reward")

        def condition(lo: int, hi: int) -> npt.NDArray[np.int64]:
            reward = is_reward[lo:hi] & ~np.isnan(target[lo:hi])
            return coder.codes(lo, hi) * 2 + reward

        digits.append((condition, 2 * len(coder.uniques)))
    if table.sample.any():
        high = int(table.sample.max())
        if high >= 8 * n:
            return None
        digits.append((lambda lo, hi: table.sample[lo:hi].astype(np.int64), high + 1))
    return digits


def _exact_columns(table: GradedTable, sources: Sequence[Source]) -> list[npt.NDArray[np.int64]]:
    """The key as int64 columns: item and model code; condition; sample (constant ones left out).

    The condition is the bit pattern of ``stated_target`` (one nan for the closed rubric,
    -0.0 as 0.0) with the sign bit set for the reward style (targets are >= 0, so the sign
    bit is free).
    """
    items = _merged([(s.codes.items, s.codes.item_codes) for s in sources])[0].astype(np.int64)
    models = _merged([(s.codes.models, s.codes.model_codes) for s in sources])[0]
    columns = [items * (int(models.max()) + 1) + models]
    closed = np.isnan(table.stated_target)
    if not closed.all():
        target = np.where(closed, np.nan, table.stated_target + 0.0).view(np.int64)
        reward = equals(table, "style", "reward") & ~closed
        columns.append(np.where(reward, target | np.int64(-(2**63)), target))
    if table.sample.any():
        columns.append(table.sample.astype(np.int64, copy=False))
    return columns


def _merged(
    parts: Sequence[tuple[Any, npt.NDArray[np.integer[Any]]]],
) -> tuple[npt.NDArray[np.integer[Any]], int]:
    """One code per distinct value across files (a dict over the distinct values only).

    Returns the codes and how many there can be.
    """
    if len(parts) == 1:
        return parts[0][1], len(parts[0][0])
    seen: dict[Any, int] = {}
    out = []
    for uniques, codes in parts:
        mapping = np.fromiter(
            (seen.setdefault(u, len(seen)) for u in uniques), np.int64, len(uniques)
        )
        out.append(mapping[codes])
    return np.concatenate(out), len(seen)


def _hash(columns: Sequence[npt.NDArray[np.int64]]) -> U64:
    h = np.zeros(len(columns[0]), dtype=np.uint64)
    for column in columns:
        h = _mix(h ^ column.view(np.uint64))
    return h


def _mix(z: U64) -> U64:
    """splitmix64's finaliser: a fast, well-spread 64-bit hash (wrapping arithmetic)."""
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    out: U64 = z ^ (z >> np.uint64(31))
    return out


def _raise(table: GradedTable, sources: Sequence[Source], later: int, first: int) -> None:
    where, local = _locate(sources, later)
    first_where, first_local = _locate(sources, first)
    raise where.error(
        local,
        f"duplicate record: {_describe(table, later)} (also at {first_where.label(first_local)}); "
        "each (item_id, model, condition, sample) may appear once "
        "(--allow-duplicates / allow_duplicates=True counts every copy)",
    )


def _locate(sources: Sequence[Source], row: int) -> tuple[Where, int]:
    for source in sources:
        if source.start <= row < source.stop:
            return source.where, row - source.start
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
