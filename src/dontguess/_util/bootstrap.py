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

import numpy as np
import numpy.typing as npt

__all__ = [
    "block_bounds",
    "check_n_boot",
    "cluster_counts",
    "group_rng",
    "percentile_interval",
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
    m, k = counts.shape
    if m == 0:
        return np.zeros((n_boot, k), dtype=np.float64)
    # one integer per count vector (mixed radix), so finding the distinct vectors is a 1-D sort
    ints = counts.astype(np.int64)
    base = int(ints.max()) + 1
    if k * math.log2(base) < 62:
        code = ints @ (base ** np.arange(k, dtype=np.int64))
        _, first, freq = np.unique(code, return_index=True, return_counts=True)  # order-free
        patterns = ints[first]
    else:  # huge counts: compare the rows themselves
        patterns, freq = np.unique(ints, axis=0, return_counts=True)
    draws = rng.multinomial(m, freq / m, size=n_boot)  # (B, P) draws per pattern
    return np.asarray(draws @ patterns, dtype=np.float64)


def percentile_interval(
    replicates: npt.NDArray[np.float64], confidence_level: float, axis: int = 0
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Two-sided percentile interval of bootstrap ``replicates`` at ``confidence_level``."""
    alpha = 1.0 - confidence_level
    lo, hi = np.quantile(replicates, [alpha / 2, 1 - alpha / 2], axis=axis)
    return np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)


def cluster_counts(
    group: npt.NDArray[np.int64],
    item: npt.NDArray[np.int64],
    verdict: npt.NDArray[np.int8],
    n_items: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Per (group, item) cluster: its group and its (correct, incorrect, abstained) counts.

    Only graded records (verdict 0/1/2) should be passed. Clusters come sorted by group, then
    item, so each group's clusters are one contiguous block. When the (group, item) range is
    at most a third of the records, clusters are counted densely (no sort).
    """
    key = group * max(n_items, 1) + item
    span = (int(group.max()) + 1) * max(n_items, 1) if key.size else 0
    if 3 * span <= max(key.size, 1 << 16):  # dense: count every possible cluster, keep the used
        cells = np.bincount(key * 3 + verdict, minlength=3 * span).reshape(span, 3)
        keys = np.flatnonzero(cells.any(axis=1))
        return keys // max(n_items, 1), cells[keys].astype(np.float64)
    keys, inverse = np.unique(key, return_inverse=True)
    counts = np.bincount(inverse * 3 + verdict.astype(np.int64), minlength=keys.size * 3)
    return keys // max(n_items, 1), counts.reshape(keys.size, 3).astype(np.float64)


def block_bounds(cluster_group: npt.NDArray[np.int64], groups: Sequence[int]) -> dict[int, slice]:
    """Slice of each group's block in a cluster array sorted by group."""
    lo = np.searchsorted(cluster_group, groups, side="left")
    hi = np.searchsorted(cluster_group, groups, side="right")
    return {int(g): slice(int(a), int(b)) for g, a, b in zip(groups, lo, hi, strict=True)}
