"""Stated targets that take a few values get exact codes by table lookup, else by hashing."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dontguess.tables import read_graded
from dontguess.tables._few import FEW, PREFIX, few_values


def _check(values: np.ndarray) -> None:
    got = few_values(values)
    assert got is not None
    uniques, codes = got
    assert uniques[codes].view(np.uint64).tolist() == values.view(np.uint64).tolist()
    assert len(set(uniques.view(np.uint64).tolist())) == len(uniques)


@pytest.mark.parametrize("k", [1, 2, 5, 17, FEW])
def test_codes_are_exact(k: int) -> None:
    rng = np.random.default_rng(k)
    pool = np.concatenate([[np.nan, -0.0, 0.0], rng.random(k)])[:k]
    _check(pool[rng.integers(0, k, 3 * PREFIX + 11)])


def test_too_many_values_or_a_late_new_one() -> None:
    rng = np.random.default_rng(0)
    assert few_values(rng.random(FEW + 1)) is None
    values = np.full(2 * PREFIX, 0.5)
    values[-1] = 0.75  # after the prefix: found by the check, not trusted
    assert few_values(values) is None
    values[-1] = 0.5
    _check(values)


def test_nan_payloads_and_signed_zero_are_told_apart() -> None:
    other_nan = np.array([0x7FF8000000000001], dtype=np.uint64).view(np.float64)[0]
    values = np.array([np.nan, 0.0, 0.5] * 10 + [-0.0, other_nan])
    _check(values)


def test_empty() -> None:
    uniques, codes = few_values(np.empty(0))  # type: ignore[misc]
    assert len(uniques) == 0 and len(codes) == 0


def test_a_target_first_seen_late_in_a_big_file(tmp_path: Path) -> None:
    """A target past the prefix falls back to hashing: groups and counts stay right."""
    n = PREFIX + 1000
    targets = np.full(n, 0.5)
    targets[::3] = np.nan
    targets[-5:] = 0.9
    path = tmp_path / "late.parquet"
    pq.write_table(
        pa.table(
            {
                "item_id": [f"q{i}" for i in range(n)],
                "model": ["m"] * n,
                "verdict": ["correct"] * n,
                "stated_target": pa.array(targets, mask=np.isnan(targets)),
            }
        ),
        path,
    )
    table = read_graded([path])
    got = table.stated_target
    assert np.array_equal(got, targets, equal_nan=True)
    assert int(np.sum(got == 0.9)) == 5
    assert math.isnan(float(got[0]))


def test_negative_zero_target_reads_as_zero(tmp_path: Path) -> None:
    """-0.0 and 0.0 are one target: the column holds +0.0 (the values are rebuilt then)."""
    path = tmp_path / "zeros.parquet"
    targets = [-0.0, 0.0, 0.5, None]
    pq.write_table(
        pa.table(
            {
                "item_id": ["a", "b", "c", "d"],
                "model": ["m"] * 4,
                "verdict": ["correct"] * 4,
                "stated_target": pa.array(targets, pa.float64()),
            }
        ),
        path,
    )
    got = read_graded([path]).stated_target
    assert got[:3].view(np.uint64).tolist() == np.array([0.0, 0.0, 0.5]).view(np.uint64).tolist()
    assert math.isnan(float(got[3]))


def test_no_slot_table_found_means_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """If no multiplier separates the values (every try collides), the caller hashes."""
    import dontguess.tables._few as few

    monkeypatch.setattr(few, "_slots", lambda patterns: None)
    assert few.few_values(np.array([0.5, 0.9])) is None
