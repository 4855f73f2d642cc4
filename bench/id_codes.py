"""Codes of the id and stated-target columns: hashing as text / doubles against the reader's
shortcuts (ids of one width hashed as integers; a few targets looked up in a small table).

Reads ``item_id`` and ``stated_target`` of a Parquet file written by
``bench/score_throughput.py --file PATH`` and times, --repeat times each (medians):

* ids: ``_dictionary_encode`` of the text (pyarrow's hash, one piece per CPU, the reader's
  path for text of mixed widths) against ``encode`` (which packs one-width ids into
  integers first); both give the same dictionary and codes, which is checked;
* targets: ``pc.dictionary_encode`` of the doubles against ``few_values``; the codes are
  checked to give the same values.

    .venv/bin/python bench/score_throughput.py --n 50000000 --file /tmp/50m.parquet --write-only
    .venv/bin/python bench/id_codes.py /tmp/50m.parquet
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="a Parquet file from bench/score_throughput.py")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (median)")
    args = parser.parse_args()

    from dontguess._util.memory import tune_for_tables

    tune_for_tables()  # as `dontguess score` runs
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from dontguess.tables._buffers import numpy_values
    from dontguess.tables._codes import _dictionary_encode, _shared_codes, encode
    from dontguess.tables._few import few_values
    from dontguess.tables._io import Where

    with pq.ParquetFile(args.file) as parquet:
        table = parquet.read(columns=["item_id", "stated_target"])
    ids, targets = table.column("item_id"), table.column("stated_target")
    print(f"{len(ids):,} records, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")

    text_s, text = timed(lambda: _shared_codes(_dictionary_encode(ids)), args.repeat)
    packed_s, packed = timed(lambda: encode(ids, "item_id", Where("x", 1)), args.repeat)
    assert packed.dictionary.equals(text.dictionary) and np.array_equal(packed.codes, text.codes)
    print(f"ids     hash text {text_s:6.2f} s   as integers {packed_s:6.2f} s   "
          f"ratio {text_s / packed_s:5.2f}   ({len(text.dictionary):,} distinct)")  # fmt: skip

    values = numpy_values(targets, np.float64, np.nan)
    hash_s, _ = timed(lambda: pc.dictionary_encode(targets), args.repeat)
    few_s, few = timed(lambda: few_values(values), args.repeat)
    assert few is not None, "more than a few distinct targets"
    uniques, codes = few
    assert np.array_equal(uniques[codes], values, equal_nan=True)
    print(f"targets hash      {hash_s:6.2f} s   table lookup {few_s:6.2f} s   "
          f"ratio {hash_s / few_s:5.2f}   ({len(uniques)} distinct)")  # fmt: skip


if __name__ == "__main__":
    main()
