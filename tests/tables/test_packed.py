"""Short ids of one width are hashed as integers: same dictionary and codes as hashing text."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from dontguess.tables._codes import _dictionary_encode, _shared_codes, encode
from dontguess.tables._io import Where
from dontguess.tables._packed import pack

WHERE = Where("ids.parquet", 1)


def _ids(rng: np.random.Generator, width: int, n: int, distinct: int) -> list[str]:
    alphabet = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789é"))
    pool: set[str] = set()
    while len(pool) < distinct:
        word = "".join(rng.choice(alphabet[:-1], width))
        pool.add(word)
    words = sorted(pool)
    return [words[k] for k in rng.integers(0, len(words), n)]


def _as_text(column: pa.ChunkedArray | pa.Array) -> tuple[list[str], list[int]]:
    """Dictionary and codes from hashing the text (the reference)."""
    ref = _shared_codes(_dictionary_encode(column))
    return ref.dictionary.to_pylist(), ref.codes.tolist()


@pytest.mark.parametrize("width", range(1, 9))
@pytest.mark.parametrize("large", [False, True])
def test_packed_codes_equal_text_codes(width: int, large: bool) -> None:
    rng = np.random.default_rng(width)
    ids = _ids(rng, width, 3000, min(300, 36**width // 2))
    kind = pa.large_string() if large else pa.string()
    column = pa.chunked_array([ids[:1000], ids[1000:1001], ids[1001:]], kind)
    got = encode(column, "item_id", WHERE)
    assert pack(column) is not None
    assert (got.dictionary.to_pylist(), got.codes.tolist()) == _as_text(column)


def test_sliced_unaligned_chunks() -> None:
    """A chunk that starts inside its buffer (offset, data not 8-byte aligned) reads right."""
    rng = np.random.default_rng(7)
    ids = _ids(rng, 8, 500, 50)
    whole = pa.array(["x", *ids])  # one 1-byte value first: the rest start at byte 1
    column = pa.chunked_array([whole.slice(1, 250), whole.slice(251)])
    packed = pack(column)
    assert packed is not None
    keys, width = packed
    assert width == 8 and len(keys) == 500
    got = encode(column, "item_id", WHERE)
    assert (got.dictionary.to_pylist(), got.codes.tolist()) == _as_text(column)


@pytest.mark.parametrize(
    "values",
    [
        ["ab", "abc"],  # two widths
        ["ab", None],  # null
        ["abcdefghi", "abcdefghj"],  # wider than 8 bytes
        ["", ""],  # empty text
    ],
)
def test_what_does_not_pack(values: list[str | None]) -> None:
    assert pack(pa.array(values, pa.string())) is None


def test_width_is_counted_in_bytes() -> None:
    """'é' and 'ab' are both 2 bytes: they pack, and decode to the same text."""
    column = pa.array(["é", "ab", "é"])
    packed = pack(column)
    assert packed is not None
    got = encode(column, "item_id", WHERE)
    assert (got.dictionary.to_pylist(), got.codes.tolist()) == (["é", "ab"], [0, 1, 0])


def test_chunks_of_different_widths_do_not_pack() -> None:
    column = pa.chunked_array([["aa", "bb"], ["ccc"]])
    assert pack(column) is None
    got = encode(column, "item_id", WHERE)
    assert got.dictionary.to_pylist() == ["aa", "bb", "ccc"]
    assert got.codes.tolist() == [0, 1, 2]


def test_many_rows_in_parallel_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parallel path (pieces merged) gives the one-pass codes for packed ids too."""
    import dontguess.tables._codes as codes

    monkeypatch.setattr(codes, "PARALLEL_ROWS", 1000)
    monkeypatch.setattr(codes, "_threads", lambda: 3)
    rng = np.random.default_rng(3)
    ids = _ids(rng, 6, 9000, 700)
    column = pa.chunked_array([ids[:4000], ids[4000:]])
    got = encode(column, "item_id", WHERE)
    one = pc.dictionary_encode(pa.array(ids))
    assert got.dictionary.to_pylist() == one.dictionary.to_pylist()
    assert got.codes.tolist() == one.indices.to_pylist()


def test_a_dictionary_that_repeats_a_value_is_merged() -> None:
    """An Arrow dictionary column made by another tool may repeat a value: 'a' at codes 0 and
    2 is one model (pyarrow's Parquet writer re-encodes, so this comes through Python)."""
    from dontguess.tables._check import to_graded_table

    model = pa.DictionaryArray.from_arrays(pa.array([0, 1, 2, 2]), pa.array(["a", "b", "a"]))
    table = pa.table({"item_id": ["1", "2", "3", "4"], "model": model, "verdict": ["correct"] * 4})
    got, _ = to_graded_table(table, WHERE)
    assert sorted(set(got.model.tolist())) == ["a", "b"]
    codes = got.model._codes  # type: ignore[attr-defined]
    assert codes[0] == codes[2] == codes[3] != codes[1]
