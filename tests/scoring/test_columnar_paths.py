"""The fast paths (reader codes, dense counts) give the same answers as the plain ones."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dontguess._util import bootstrap as _bootstrap
from dontguess.records import GradedTable
from dontguess.scoring import summarize
from dontguess.tables import read_graded, write_graded


def _sparse_cluster_counts(group, item, verdict, n_items):  # type: ignore[no-untyped-def]
    graded = verdict >= 0
    group, item, verdict = group[graded], item[graded], verdict[graded]
    key = group * max(n_items, 1) + item
    keys, inverse = np.unique(key, return_inverse=True)
    counts = np.bincount(inverse * 3 + verdict.astype(np.int64), minlength=keys.size * 3)
    return keys // max(n_items, 1), counts.reshape(keys.size, 3).astype(np.float64)


def _records(
    seed: int,
    n: int,
    item: Callable[[int], str],
    n_items: int,
    models: list[str],
    targets: list[float],
    p: list[float],
    groups: dict[str, list[str]] | None = None,
) -> GradedTable:
    """Random graded records: ``item(i)`` names record i's question, sample = i // n_items;
    a nan target is closed rubric (style ""), others "penalty"; groups drawn from values."""
    rng = np.random.default_rng(seed)
    objects = lambda values: np.array(values, dtype=object)  # noqa: E731
    stated = np.array(targets)[rng.integers(0, len(targets), n)]
    verdict = rng.choice(np.array([-1, 0, 1, 2], dtype=np.int8), n, p=p)
    return GradedTable(
        item_id=objects([item(i) for i in range(n)]),
        model=objects(models)[rng.integers(0, len(models), n)],
        stated_target=stated,
        style=np.where(np.isnan(stated), objects([""]), objects(["penalty"])).astype(object),
        sample=(np.arange(n) // n_items).astype(np.int64),
        verdict=verdict,
        confidence=np.full(n, math.nan),
        ungraded_reason=np.where(verdict < 0, objects(["timeout"]), objects([""])).astype(object),
        answer=objects([""] * n),
        groups={k: objects(v)[rng.integers(0, len(v), n)] for k, v in (groups or {}).items()},
    )


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 400), st.integers(1, 5), st.integers(1, 300), st.integers(0, 2**16))
def test_dense_cluster_counts_match_the_sorting_ones(
    n: int, groups: int, items: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    group = rng.integers(0, groups, n).astype(np.int64)
    item = rng.integers(0, items, n).astype(np.int64)
    verdict = rng.integers(-1, 3, n).astype(np.int8)  # ungraded records are left out
    for n_items in (items, 10**6):  # dense counting, then a key range that forces the sort
        got = _bootstrap.cluster_counts(group, item, verdict, n_items)
        want = _sparse_cluster_counts(group, item, verdict, n_items)
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])


def test_read_table_scores_like_the_same_records_in_memory(tmp_path: Path) -> None:
    plain = _records(
        5, 3000, lambda i: f"q{i % 400}", 400, ["a", "b", "c"], [math.nan, 0.5, 0.9],
        [0.05, 0.4, 0.3, 0.25], {"topic": ["x", "y"]},
    )  # fmt: skip
    read = read_graded(write_graded(plain, tmp_path / "g.parquet"))
    kwargs = {"by": ["topic"], "bootstrap": 200, "seed": 3, "zero_division": math.nan}
    want, got = summarize(plain, **kwargs), summarize(read, **kwargs)  # type: ignore[arg-type]
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        assert a.keys() == b.keys()
        for key in a:
            same = a[key] == b[key] or (a[key] != a[key] and b[key] != b[key])
            assert same, (key, a[key], b[key])


def test_audit_of_a_read_table_equals_the_audit_in_memory(tmp_path: Path) -> None:
    # The audit clusters by the reader's item codes when it has them (no pass over the
    # item ids); a question's samples must form the same clusters as in memory.
    from dontguess.metrics import calibration_audit

    plain = _records(
        11, 2000, lambda i: f"q{(i * 7) % 250}", 250, ["a", "b"], [0.5, 0.75],
        [0.05, 0.5, 0.2, 0.25],
    )  # fmt: skip
    read = read_graded(write_graded(plain, tmp_path / "g.parquet"))
    from dontguess._util.coded import stored_codes

    assert stored_codes(read, "item_id") is not None  # the fast path is the one tested
    want, got = calibration_audit(plain), calibration_audit(read)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.keys() == w.keys()
        for key, value in w.items():
            if isinstance(value, float):  # clusters summed in another order: last-bit noise
                assert math.isclose(g[key], value, rel_tol=1e-12) or (
                    math.isnan(g[key]) and math.isnan(value)
                ), key
            else:
                assert g[key] == value, key


def test_audit_after_bootstrapped_scores_uses_their_clusters(tmp_path: Path) -> None:
    # A table read from a file keeps its groups and clusters: the audit then takes the
    # clusters the bootstrap made over every group (closed rubric too) and must still give
    # the audit of the open-rubric records alone.
    from dontguess._util.coded import table_memo
    from dontguess.metrics import calibration_audit

    plain = _records(
        12, 3000, lambda i: f"q{(i * 7) % 300}", 300, ["a", "b"], [math.nan, 0.5, 0.75],
        [0.05, 0.5, 0.2, 0.25],
    )  # fmt: skip
    read = read_graded(write_graded(plain, tmp_path / "g.parquet"))
    first = summarize(read, bootstrap=100, seed=1, zero_division=math.nan)
    memo = table_memo(read)
    assert memo is not None and {("groups", ()), ("clusters", ())} <= set(memo)
    assert table_memo(plain) is None  # a table whose arrays can change keeps nothing
    again = summarize(read, bootstrap=100, seed=1, zero_division=math.nan)
    assert repr(again) == repr(first)  # the kept groups and clusters give the same rows
    want, got = calibration_audit(plain), calibration_audit(read)
    assert len(got) == len(want) and len(want) > 2
    for g, w in zip(got, want, strict=True):
        assert g.keys() == w.keys()
        for key, value in w.items():
            if isinstance(value, float):
                assert math.isclose(g[key], value, rel_tol=1e-12) or (
                    math.isnan(g[key]) and math.isnan(value)
                ), key
            else:
                assert g[key] == value, key
