"""The private fast encoder agrees with np.unique(return_inverse=True)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dontguess._util.factorize import factorize


def _obj(values: list[object]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="abc", max_size=3), min_size=1, max_size=60))
def test_strings_match_numpy_unique(values: list[str]) -> None:
    # copies make equal strings distinct objects, as a file reader would
    col = _obj(["".join(list(v)) for v in values])
    uniques, codes = factorize(col)
    ref_u, ref_c = np.unique(col, return_inverse=True)
    assert uniques.tolist() == ref_u.tolist() and codes.tolist() == ref_c.tolist()


def test_many_distinct_objects_use_the_dict_path() -> None:
    col = _obj([f"id{i % 5000}" for i in range(20_000)])  # one object per record
    uniques, codes = factorize(col)
    assert uniques.size == 5000 and (uniques[codes] == col).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([0.0, -0.0, 0.5, 0.75, float("nan"), 0.9]), min_size=1))
def test_floats_merge_nan_and_signed_zero(values: list[float]) -> None:
    col = np.array(values)
    uniques, codes = factorize(col)
    ref = np.unique(col + 0.0)  # np.unique treats all nans as one, -0.0 == 0.0
    assert uniques.size == ref.size
    np.testing.assert_array_equal(uniques[codes], col + 0.0)


def test_unsorted_mode_and_empty() -> None:
    u, c = factorize(_obj(["b", "a", "b"]), sort=False)
    assert (u[c] == _obj(["b", "a", "b"])).all()
    u, c = factorize(np.array([], dtype=object))
    assert u.size == 0 and c.size == 0
    u, c = factorize(np.array([3, 1, 3, 2]))
    assert u.tolist() == [1, 2, 3] and c.tolist() == [2, 0, 2, 1]
