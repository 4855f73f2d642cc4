"""Vectorised, seeded bootstrap over clusters (items), for confidence intervals and paired tests.

Private. Records are first reduced to per-item count vectors (correct, incorrect, abstained);
a replicate draws items with replacement and sums their counts. Since only the distinct count
vectors matter, each replicate is one multinomial draw over them (see :func:`resample_totals`):
no Python loop per replicate, and no per-item work per replicate.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess._util.factorize import CHUNK

__all__ = [
    "block_bounds",
    "check_n_boot",
    "cluster_counts",
    "group_patterns",
    "group_rng",
    "percentile_interval",
    "resample_patterns",
    "resample_totals",
]


def check_n_boot(n_boot: int, name: str = "bootstrap") -> int:
    """Return ``n_boot`` or raise ValueError unless it is an int >= 0."""
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {n_boot!r}")
    return int(n_boot)


def group_rng(seed: int, label: str) -> np.random.Generator:
    """A generator seeded by ``seed`` and a stable hash of ``label`` (the group's identity).

    So a group's interval depends on the seed and its own data only, not on which other
    groups share the table or on record order.
    """
    return np.random.default_rng(
        np.random.SeedSequence([seed & 0xFFFFFFFF, zlib.crc32(label.encode())])
    )


def resample_totals(
    counts: npt.NDArray[np.float64], n_boot: int, rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    """Column totals of ``n_boot`` bootstrap resamples of the rows (clusters) of ``counts``.

    A replicate draws m clusters with replacement and sums their count vectors. Clusters with
    the same count vector are interchangeable, so only how many draws land on each distinct
    vector matters, and that is Multinomial(m, share of clusters with that vector). Drawing
    those multinomials is exactly the cluster bootstrap, at a cost independent of m (there are
    only a few distinct vectors: (1,0,0), (0,1,0), (0,0,1) with one sample per item).

    Args:
        counts: (m, k) per-cluster counts (small non-negative integers).
        n_boot: number of replicates B.
        rng: the random generator.

    Returns:
        (B, k) array of resampled column totals.
    """
    patterns, freq = _patterns(counts.astype(np.int64))
    return resample_patterns(patterns, freq, n_boot, rng)


def resample_patterns(
    patterns: npt.NDArray[np.int64],
    freq: npt.NDArray[np.int64],
    n_boot: int,
    rng: np.random.Generator,
) -> npt.NDArray[np.float64]:
    """:func:`resample_totals` of clusters given as distinct count vectors and their numbers.

    Args:
        patterns: (P, k) distinct count vectors, in the order :func:`group_patterns` gives.
        freq: (P,) how many clusters have each.
        n_boot: number of replicates B.
        rng: the random generator.

    Returns:
        (B, k) array of resampled column totals.
    """
    m = int(freq.sum())
    if m == 0:
        return np.zeros((n_boot, patterns.shape[1]), dtype=np.float64)
    draws = rng.multinomial(m, freq / m, size=n_boot)  # (B, P) draws per pattern
    return np.asarray(draws @ patterns, dtype=np.float64)


def _patterns(ints: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Distinct rows of ``ints`` (sorted by their last column, then the one before, ...) and
    how many times each occurs."""
    m, k = ints.shape
    if m == 0:
        return np.zeros((0, k), dtype=np.int64), np.zeros(0, dtype=np.int64)
    # one integer per count vector (mixed radix), so finding the distinct vectors is a 1-D sort
    base = int(ints.max()) + 1
    if k * math.log2(base) < 62:
        code = ints @ (base ** np.arange(k, dtype=np.int64))
        _, first, freq = np.unique(code, return_index=True, return_counts=True)  # order-free
        return ints[first], freq
    patterns, freq = np.unique(ints, axis=0, return_counts=True)  # huge counts: the rows
    return patterns, freq


def group_patterns(
    cluster_group: npt.NDArray[np.int64], counts: npt.NDArray[np.float64], groups: Sequence[int]
) -> dict[int, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    """Per group: the distinct count vectors of its clusters and how many clusters have each.

    The same as :func:`_patterns` of each group's block of clusters, counted for all groups at
    once when the count vectors are small (one ``bincount`` over every (group, vector) cell)
    instead of one sort per group. ``cluster_group`` must be sorted (as
    :func:`cluster_counts` gives it).

    >>> group, counts = np.array([0, 0, 0, 1]), np.array([[1, 0], [0, 1], [1, 0], [2, 0]])
    >>> [(p.tolist(), f.tolist()) for p, f in group_patterns(group, counts, [0, 1]).values()]
    [([[1, 0], [0, 1]], [2, 1]), ([[2, 0]], [1])]
    """
    ints = counts.astype(np.int64)
    m, k = ints.shape
    base = int(ints.max()) + 1 if m else 1
    span = int(cluster_group.max()) + 1 if m else 0
    cells = base**k if k * math.log2(base) < 62 else 0
    if not cells or span * cells > 4 * m + (1 << 16):
        blocks = block_bounds(cluster_group, groups)
        return {int(g): _patterns(ints[blocks[int(g)]]) for g in groups}
    code = ints @ (base ** np.arange(k, dtype=np.int64))
    freq = np.bincount(cluster_group * cells + code, minlength=span * cells).reshape(span, cells)
    out = {}
    for g in map(int, groups):
        row = freq[g] if g < span else np.zeros(0, dtype=np.int64)
        used = np.flatnonzero(row)
        patterns = (used[:, None] // base ** np.arange(k, dtype=np.int64)) % base
        out[g] = (patterns.astype(np.int64), row[used].astype(np.int64))
    return out


def percentile_interval(
    replicates: npt.NDArray[np.float64], confidence_level: float, axis: int = 0
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Two-sided percentile interval of bootstrap ``replicates`` at ``confidence_level``."""
    alpha = 1.0 - confidence_level
    lo, hi = np.quantile(replicates, [alpha / 2, 1 - alpha / 2], axis=axis)
    return np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)


def cluster_counts(
    group: npt.NDArray[np.integer[Any]],
    item: npt.NDArray[np.integer[Any]],
    verdict: npt.NDArray[np.int8],
    n_items: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Per (group, item) cluster: its group and its (correct, incorrect, abstained) counts.

    Ungraded records (verdict < 0) are left out; a cluster needs a graded record. Clusters
    come sorted by group, then item, so each group's clusters are one contiguous block. When
    the (group, item) range is at most a third of the records, clusters are counted densely:
    each record's cell (cluster times 4 plus verdict + 1) is written chunk by chunk into one
    array and counted by one ``bincount`` (no sort, no full-length temporaries).
    """
    size = max(n_items, 1)
    n = len(verdict)
    span = (int(group.max()) + 1) * size if n else 0
    if 3 * span > max(n, 1 << 16):  # sparse: sort the keys of the graded records
        graded = verdict >= 0
        key = group[graded].astype(np.int64) * size + item[graded]
        keys, inverse = np.unique(key, return_inverse=True)
        verdicts = verdict[graded].astype(np.int64)
        counts = np.bincount(inverse.reshape(-1) * 3 + verdicts, minlength=keys.size * 3)
        return keys // size, counts.reshape(keys.size, 3).astype(np.float64)
    cell: npt.NDArray[np.signedinteger[Any]] = np.empty(
        n, dtype=np.int32 if 4 * span < 2**31 else np.int64
    )
    part: npt.NDArray[np.signedinteger[Any]] = np.empty(min(n, CHUNK), dtype=cell.dtype)
    for lo in range(0, n, CHUNK):  # cell = (group * size + item) * 4 + verdict + 1, in place
        hi = min(n, lo + CHUNK)
        out: npt.NDArray[np.signedinteger[Any]] = cell[lo:hi]
        np.multiply(group[lo:hi], 4 * size, out=out, casting="unsafe")  # fits: 4 * span does
        np.multiply(item[lo:hi], 4, out=part[: hi - lo], casting="unsafe")
        out += part[: hi - lo]
        out += verdict[lo:hi]
        out += 1
    cells = np.bincount(cell, minlength=4 * span).reshape(span, 4)[:, 1:]  # drop the ungraded
    keys = np.flatnonzero(cells.any(axis=1))
    return keys // size, cells[keys].astype(np.float64)


def block_bounds(cluster_group: npt.NDArray[np.int64], groups: Sequence[int]) -> dict[int, slice]:
    """Slice of each group's block in a cluster array sorted by group."""
    lo = np.searchsorted(cluster_group, groups, side="left")
    hi = np.searchsorted(cluster_group, groups, side="right")
    return {int(g): slice(int(a), int(b)) for g, a, b in zip(groups, lo, hi, strict=True)}
