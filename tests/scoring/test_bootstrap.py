"""The multinomial-over-patterns bootstrap is the cluster bootstrap, in distribution."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dontguess._util.bootstrap import (
    group_patterns,
    percentile_interval,
    resample_patterns,
    resample_totals,
)


def _naive(counts: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, counts.shape[0], size=(n_boot, counts.shape[0]))
    return counts[idx].sum(axis=1)


def test_pattern_bootstrap_matches_index_bootstrap_in_distribution() -> None:
    rng = np.random.default_rng(0)
    samples = rng.integers(1, 4, size=300)  # 1-3 samples per item
    right = rng.binomial(samples, 0.4)
    wrong = rng.binomial(samples - right, 0.5)
    counts = np.stack([right, wrong, samples - right - wrong], axis=1).astype(float)
    fast = resample_totals(counts, 4000, np.random.default_rng(1))
    slow = _naive(counts, 4000, 2)
    assert fast.shape == (4000, 3)
    np.testing.assert_allclose(fast.mean(axis=0), counts.sum(axis=0), rtol=0.01)
    np.testing.assert_allclose(fast.std(axis=0), slow.std(axis=0), rtol=0.08)

    # the score (C - I) / N has the same spread under both
    def score(t: np.ndarray) -> np.ndarray:
        return (t[:, 0] - t[:, 1]) / t.sum(axis=1)

    assert score(fast).std() == pytest.approx(score(slow).std(), rel=0.08)


def test_cluster_order_does_not_matter_and_empty_is_zero() -> None:
    counts = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=float)
    a = resample_totals(counts, 50, np.random.default_rng(3))
    b = resample_totals(counts[::-1].copy(), 50, np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    assert (a.sum(axis=1) == 4).all()
    assert resample_totals(np.zeros((0, 3)), 5, np.random.default_rng(0)).shape == (5, 3)


def test_percentile_interval() -> None:
    lo, hi = percentile_interval(np.arange(101, dtype=float), 0.9)
    assert (float(lo), float(hi)) == pytest.approx((5.0, 95.0))


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 300), st.integers(1, 6), st.integers(1, 12), st.integers(1, 4),
    st.integers(0, 2**16),
)  # fmt: skip
def test_patterns_of_all_groups_at_once_resample_like_each_block(
    m: int, groups: int, high: int, k: int, seed: int
) -> None:
    # group_patterns counts every group's count vectors in one pass (or per block when the
    # vectors are large); the draws must equal resample_totals on each group's block
    rng = np.random.default_rng(seed)
    cluster_group = np.sort(rng.integers(0, groups, m)).astype(np.int64)
    counts = rng.integers(0, high, (m, k)).astype(np.float64)
    wanted = list(range(groups + 1))  # the last group has no cluster
    patterns = group_patterns(cluster_group, counts, wanted)
    for g in wanted:
        block = counts[cluster_group == g]
        vectors, freq = patterns[g]
        assert int(freq.sum()) == block.shape[0]
        a = resample_patterns(vectors, freq, 20, np.random.default_rng(seed + g))
        b = resample_totals(block, 20, np.random.default_rng(seed + g))
        np.testing.assert_array_equal(a, b)
