"""``summarize``: per-group counts, rates and confidence-target scores of a GradedTable (§4)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess._util.bootstrap import (
    check_n_boot,
    cluster_counts,
    group_patterns,
    group_rng,
    percentile_interval,
    resample_patterns,
)
from dontguess._util.coded import codes_of, stored_codes, table_memo
from dontguess._util.factorize import (
    CHUNK,
    Coder,
    column_coder,
    combine,
    factorize,
    split_key,
)
from dontguess._util.intervals import check_confidence_level
from dontguess._util.undefined import UndefinedMetricWarning, ZeroDivision, check_zero_division
from dontguess.errors import SchemaError
from dontguess.records import GradedTable
from dontguess.scoring._rule import (
    BOUND_KEYS,
    check_target,
    mean_points,
    mean_reward,
    ungraded_bounds,
    verdict_counts,
)

__all__ = ["DEFAULT_TARGETS", "check_table", "group_table", "item_clusters", "summarize"]

DEFAULT_TARGETS = (0.0, 0.5, 0.75, 0.9)
_ROW_KEYS = ("score_target", "penalty", "n", "n_correct", "n_incorrect", "n_abstained",
             "n_ungraded", "accuracy", "error_rate", "abstention_rate", "ungraded_rate",
             "attempted_accuracy", "f_score", "score", "score_ci_low", "score_ci_high",
             "reward_score", *BOUND_KEYS)  # fmt: skip
_DENSE_CELLS = 1 << 16  # (group, verdict) cells counted densely chunk by chunk


@dataclass(frozen=True)
class Groups:
    """Groups of a table: per group its labels and (ungraded, correct, incorrect, abstained)."""

    columns: list[str]  # "model", "stated_target", "style", *by
    labels: list[list[Any]]  # per column, the value of each group
    counts: npt.NDArray[np.int64]  # (G, 4)
    keys: npt.NDArray[np.int64]  # sorted key of each group
    index: Callable[[], npt.NDArray[np.integer[Any]]] = field(repr=False)  # makes `inverse`
    _kept: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def inverse(self) -> npt.NDArray[np.integer[Any]]:
        """Group index (row of ``counts``) of each record, computed on first use."""
        if "inverse" not in self._kept:
            self._kept["inverse"] = self.index()
        out: npt.NDArray[np.integer[Any]] = self._kept["inverse"]
        return out


def check_table(table: GradedTable) -> None:
    """Validate verdict codes and stated targets of ``table`` (raises ValueError)."""
    if not isinstance(table, GradedTable):
        kind = f"{type(table).__module__}.{type(table).__qualname__}"
        raise TypeError(
            f"expected a GradedTable, got {kind}; for a DataFrame, a pyarrow Table, a list of "
            "dicts or a path use dontguess.score(data)"
        )
    v = table.verdict
    if v.size and (v.dtype.kind not in "iu" or v.min() < -1 or v.max() > 2):
        verdict_counts(v)  # raises, naming a bad code
    st = table.stated_target
    known = codes_of(st)  # read from a file: its distinct values are enough
    if known is not None and not _bad_targets(known[0]).any():
        return
    bad = _bad_targets(st)
    if bad.any():
        row = int(np.argmax(bad))
        raise ValueError(f"stated_target must be nan or in [0, 1), got {st[row]} at row {row}")


def _bad_targets(st: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    out: npt.NDArray[np.bool_] = ~np.isnan(st) & ((st < 0) | (st >= 1))
    return out


def group_table(table: GradedTable, by: Sequence[str]) -> Groups:
    """Group records by model, stated_target, style and the ``by`` group columns.

    Each record's cell is its group's mixed-radix key times 4 plus verdict + 1; counting cells
    with ``np.bincount`` gives every (group, verdict) count at once. Records are processed in
    chunks (codes, cell, bincount), so no full-length temporary is made unless the key range
    is too large for dense counts; each record's group (:attr:`Groups.inverse`) is found in a
    second chunked pass when first asked for. A table read from a file keeps its groups
    (:func:`~dontguess._util.coded.table_memo`): the scores and the audit group it once.
    """
    reserved = {"model", "stated_target", "style", *_ROW_KEYS}
    for name in by:
        if name in reserved or list(by).count(name) > 1:
            raise ValueError(f"by column {name!r} repeats or clashes with a score-row key")
        if name not in table.groups:
            have = ", ".join(sorted(table.groups)) or "none"
            raise SchemaError(f"no group column {name!r} in the table (group columns: {have})")
    memo, key = table_memo(table), ("groups", tuple(by))
    if memo is not None and key in memo:
        kept: Groups = memo[key]
        return kept
    groups = _group_table(table, by)
    if memo is not None:
        memo[key] = groups
    return groups


def _group_table(table: GradedTable, by: Sequence[str]) -> Groups:
    coders = [  # rows are sorted by label later; text columns use the reader's codes if any
        _coder(table, "model"),
        column_coder(table.stated_target),
        _coder(table, "style"),
        *(column_coder(table.groups[b]) for b in by),
    ]
    sizes = [*(len(c.uniques) for c in coders), 4]
    radix = math.prod(max(s, 1) for s in sizes)
    if radix > _DENSE_CELLS:
        return _group_sparse(table, coders, sizes, by)
    n = len(table)
    dense = np.zeros(radix, dtype=np.int64)
    for lo in range(0, n, CHUNK):
        hi = min(n, lo + CHUNK)
        digits = [c.codes(lo, hi) for c in coders] + [table.verdict[lo:hi].astype(np.int64) + 1]
        dense += np.bincount(combine(digits, sizes, hi - lo)[0], minlength=radix)
    counts_all = dense.reshape(radix // 4, 4)
    keys = np.flatnonzero(counts_all.any(axis=1))

    def index() -> npt.NDArray[np.int32]:
        lookup = np.zeros(radix // 4, dtype=np.int32)  # group key -> group
        lookup[keys] = np.arange(keys.size, dtype=np.int32)
        out = np.empty(n, dtype=np.int32)
        for lo in range(0, n, CHUNK):
            hi = min(n, lo + CHUNK)
            out[lo:hi] = lookup[combine([c.codes(lo, hi) for c in coders], sizes[:-1], hi - lo)[0]]
        return out

    parts = split_key(keys, sizes[:-1])
    return _groups(coders, parts, counts_all[keys], keys, by, index)


def _coder(table: GradedTable, name: str) -> Coder:
    known = stored_codes(table, name)
    if known is not None:
        return Coder(known[0], _codes=known[1])
    return column_coder(getattr(table, name))


def _group_sparse(
    table: GradedTable, coders: list[Coder], sizes: list[int], by: Sequence[str]
) -> Groups:
    """Many combinations: sort the group keys (or the code rows, past 62 bits of key)."""
    n = len(table)
    digits = [c.codes(0, n) for c in coders]
    verdict = table.verdict.astype(np.int64) + 1
    if math.prod(max(s, 1) for s in sizes) < 2**62:
        key, _ = combine(digits, sizes[:-1], n)
        keys, inv = np.unique(key, return_inverse=True)
        parts = split_key(keys, sizes[:-1])
    else:  # the mixed-radix key would overflow int64
        rows, inv = np.unique(np.stack(digits, axis=1), axis=0, return_inverse=True)
        keys = np.arange(rows.shape[0], dtype=np.int64)
        parts = [rows[:, j] for j in range(rows.shape[1])]
    inv = inv.reshape(-1).astype(np.int64)
    counts = np.bincount(inv * 4 + verdict, minlength=keys.size * 4).reshape(keys.size, 4)
    return _groups(coders, parts, counts, keys, by, lambda: inv)


def _groups(
    coders: list[Coder],
    parts: list[npt.NDArray[np.int64]],
    counts: npt.NDArray[np.int64],
    keys: npt.NDArray[np.int64],
    by: Sequence[str],
    index: Callable[[], npt.NDArray[np.integer[Any]]],
) -> Groups:
    labels = [[c.uniques[i] for i in p.tolist()] for c, p in zip(coders, parts, strict=True)]
    return Groups(
        columns=["model", "stated_target", "style", *by],
        labels=labels,
        counts=counts.astype(np.int64),
        keys=keys,
        index=index,
    )


def item_clusters(
    table: GradedTable, groups: Groups, by: Sequence[str]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Per (group, item_id) cluster of graded records: its group and its (C, I, A) counts.

    Clusters come sorted by group (:func:`~dontguess._util.bootstrap.cluster_counts`);
    ``groups`` is ``group_table(table, by)``. A table read from a file keeps them (the
    bootstrap and the audit's design effects use the same clusters).
    """
    memo, key = table_memo(table), ("clusters", tuple(by))
    if memo is not None and key in memo:
        kept: tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]] = memo[key]
        return kept
    known = stored_codes(table, "item_id")  # the reader's codes: no pass over the item ids
    if known is not None:
        item, n_items = known[1], len(known[0])
    else:
        item = factorize(table.item_id, sort=False)[1]
        n_items = int(item.max()) + 1 if item.size else 0
    clusters = cluster_counts(groups.inverse, item, table.verdict, n_items)  # graded ones
    if memo is not None:
        memo[key] = clusters
    return clusters


def _score_targets(stated: float, targets: Sequence[float], all_targets: bool) -> list[float]:
    if math.isnan(stated):
        return list(targets)
    if all_targets:
        return sorted({stated, *targets})
    return [stated]


def _rates(c: float, i: float, a: float, u: float) -> dict[str, float]:
    n = c + i + a
    nan = math.nan
    acc = c / n if n else nan
    att = c / (c + i) if c + i else nan
    if math.isnan(att):
        f = nan
    else:
        f = 2 * acc * att / (acc + att) if acc + att else 0.0
    return {
        "accuracy": acc,
        "error_rate": i / n if n else nan,
        "abstention_rate": a / n if n else nan,
        "ungraded_rate": u / (n + u) if n + u else nan,
        "attempted_accuracy": att,
        "f_score": f,
    }


def _bootstrap_scores(
    table: GradedTable,
    groups: Groups,
    by: Sequence[str],
    plan: list[tuple[int, list[float]]],
    n_boot: int,
    seed: int,
    level: float,
) -> dict[tuple[int, float], tuple[float, float]]:
    """Percentile CI of the score per (group, score target), items resampled within groups."""
    cgroup, ccounts = item_clusters(table, groups, by)
    patterns = group_patterns(cgroup, ccounts, [g for g, _ in plan])
    out: dict[tuple[int, float], tuple[float, float]] = {}
    for g, ts in plan:
        vectors, freq = patterns[g]
        if freq.size == 0:
            continue
        label = "\x1f".join(repr(col[g]) for col in groups.labels)
        tot = resample_patterns(vectors, freq, n_boot, group_rng(seed, label))  # (B, 3)
        pens = np.array([t / (1 - t) for t in ts])
        scores = (tot[:, [0]] - pens[None, :] * tot[:, [1]]) / tot.sum(axis=1, keepdims=True)
        lo, hi = percentile_interval(scores, level)  # (T,)
        for j, t in enumerate(ts):
            out[(g, t)] = (float(lo[j]), float(hi[j]))
    return out


def _check_args(
    targets: Sequence[float], n_boot: int, level: float, zero_division: ZeroDivision
) -> list[float]:
    ts = [check_target(t, "targets") for t in targets]
    if not ts:
        raise ValueError("targets must name at least one confidence target")
    check_n_boot(n_boot)
    check_confidence_level(level)
    check_zero_division(zero_division)
    return sorted(set(ts))


def _fill_undefined(rows: list[dict[str, Any]], zero_division: ZeroDivision) -> None:
    no_graded = ("accuracy", "error_rate", "abstention_rate", "score", "reward_score")
    no_attempt = ("attempted_accuracy", "f_score")
    n_empty = sum(1 for r in rows if r["n"] == 0)
    n_unattempted = sum(1 for r in rows if r["n_correct"] + r["n_incorrect"] == 0)
    if not (n_empty or n_unattempted):
        return
    if zero_division == "warn":
        warnings.warn(
            f"undefined values set to nan: {n_empty} row(s) have no graded record "
            f"({', '.join(no_graded)}); {n_unattempted} row(s) have no attempted answer "
            f"({', '.join(no_attempt)}). Pass zero_division=math.nan to silence.",
            UndefinedMetricWarning,
            stacklevel=3,
        )
        return
    for r in rows:
        names = (no_graded if r["n"] == 0 else ()) + (
            no_attempt if r["n_correct"] + r["n_incorrect"] == 0 else ()
        )
        for name in names:
            r[name] = float(zero_division)


def summarize(
    table: GradedTable,
    *,
    targets: Sequence[float] = DEFAULT_TARGETS,
    by: Sequence[str] = (),
    all_targets: bool = False,
    bootstrap: int = 0,
    seed: int = 0,
    confidence_level: float = 0.95,
    zero_division: ZeroDivision = "warn",
) -> list[dict[str, Any]]:
    """Counts, rates and confidence-target scores per group (§4).

    Records are grouped by (model, stated_target, style, *by). Closed-rubric groups (stated
    target nan) are re-scored at every ``targets`` t; open-rubric groups at their stated t only,
    or also at every ``targets`` t when ``all_targets`` is true. One row per (group, score_target).

    Denominators: ``n = n_correct + n_incorrect + n_abstained`` (graded records). Ungraded
    records are counted apart: ``ungraded_rate = n_ungraded / (n + n_ungraded)``; they enter no
    other rate. ``accuracy = C/n``, ``error_rate = I/n`` (hallucination rate),
    ``abstention_rate = A/n``, ``attempted_accuracy = C/(C+I)``, ``f_score`` = harmonic mean of
    accuracy and attempted_accuracy (SimpleQA's F-score; 0 when both are 0),
    ``score = (C − t/(1−t)·I)/n`` (``penalty`` = t/(1−t)), ``reward_score = (C + t·A)/n``
    = t + (1 − t)·score. Undefined values (n = 0, or C + I = 0) are nan with one
    :class:`UndefinedMetricWarning`, or ``zero_division`` when it is a number.

    Ungraded ranges: ungraded records are not a random sample (mostly answers only a judge
    could settle), so each row also carries what its score, reward score and error rate would
    be over all ``n + n_ungraded`` records if every ungraded record were wrong or every one
    right (:func:`~dontguess.scoring._rule.ungraded_bounds`): ``score_if_ungraded_wrong`` ≤
    score ≤ ``score_if_ungraded_right``, ``error_rate_if_ungraded_right`` ≤ error_rate ≤
    ``error_rate_if_ungraded_wrong``, and the same for ``reward_score``. With no ungraded
    record both ends equal the value; they stay defined when nothing was graded.

    Bootstrap (``bootstrap`` = B > 0): percentile interval at ``confidence_level``, resampling
    items (clusters: all samples of an item move together) within each group, seeded by
    ``seed`` and the group's labels, so results do not depend on record order.

    Args:
        table: graded records.
        targets: confidence targets at which closed-rubric answers are scored.
        by: extra group columns (names in ``table.groups``).
        all_targets: also score open-rubric answers at every t in ``targets``.
        bootstrap: number of bootstrap replicates (0: no interval; CIs are None).
        seed: bootstrap seed.
        confidence_level: coverage of the two-sided interval.
        zero_division: ``"warn"`` (nan + warning) or the number to report when undefined.

    Returns:
        Rows (dicts) with keys model, stated_target (None for closed), style (None for closed),
        *by, score_target, penalty, n, n_correct, n_incorrect, n_abstained, n_ungraded,
        accuracy, error_rate, abstention_rate, ungraded_rate, attempted_accuracy, f_score,
        score, score_ci_low, score_ci_high, reward_score, score_if_ungraded_wrong,
        score_if_ungraded_right, error_rate_if_ungraded_right, error_rate_if_ungraded_wrong,
        reward_score_if_ungraded_wrong, reward_score_if_ungraded_right.

    >>> from dontguess.records import Graded, GradedTable, Verdict
    >>> recs = [Graded("q1", "m", Verdict.CORRECT), Graded("q2", "m", Verdict.INCORRECT)]
    >>> [r["score"] for r in summarize(GradedTable.from_records(recs), targets=(0.0, 0.5))]
    [0.5, 0.0]
    """
    ts = _check_args(targets, bootstrap, confidence_level, zero_division)
    check_table(table)
    groups = group_table(table, by)
    plan = [
        (g, _score_targets(float(groups.labels[1][g]), ts, all_targets))
        for g in range(groups.counts.shape[0])
    ]
    cis = (
        _bootstrap_scores(table, groups, by, plan, bootstrap, seed, confidence_level)
        if bootstrap
        else {}
    )
    rows = []
    for g, score_ts in plan:
        u, c, i, a = (int(x) for x in groups.counts[g])
        head = _group_head(groups, g)
        rates = _rates(c, i, a, u)
        n = c + i + a
        for t in score_ts:
            pen = t / (1 - t)
            lo, hi = cis.get((g, t), (math.nan, math.nan)) if bootstrap else (None, None)
            rows.append(
                {
                    **head,
                    "score_target": t,
                    "penalty": pen,
                    "n": n,
                    "n_correct": c,
                    "n_incorrect": i,
                    "n_abstained": a,
                    "n_ungraded": u,
                    **rates,
                    "score": mean_points(c, i, a, pen),
                    "score_ci_low": lo,
                    "score_ci_high": hi,
                    "reward_score": mean_reward(c, i, a, t),
                    **ungraded_bounds(c, i, a, u, target=t),
                }
            )
    _fill_undefined(rows, zero_division)
    rows.sort(key=_row_order(by))
    return rows


def _group_head(groups: Groups, g: int) -> dict[str, Any]:
    stated = float(groups.labels[1][g])
    closed = math.isnan(stated)
    head: dict[str, Any] = {
        "model": str(groups.labels[0][g]),
        "stated_target": None if closed else stated,
        "style": None if closed else str(groups.labels[2][g]),
    }
    for name, col in zip(groups.columns[3:], groups.labels[3:], strict=True):
        head[name] = col[g]
    return head


def _row_order(by: Sequence[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """Sort key: model, closed before open, stated t, style, by-columns, score target."""

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        stated = row["stated_target"]
        groups = tuple(str(row[name]) for name in by)
        return (row["model"], stated is not None, stated or 0.0, row["style"] or "", *groups,
                row["score_target"])  # fmt: skip

    return key
