"""``score`` and ``report`` pick Arrow's C allocator and no numpy huge-page advice for their
own process, unless the user chose (``_util/memory.py``); each case runs in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = """
import io, json, os
from dontguess._util.memory import tune_for_tables
tune_for_tables()
import pyarrow as pa, pyarrow.parquet as pq
from numpy._core import multiarray
sink = io.BytesIO()
pq.write_table(pa.table({"x": list(range(100_000))}), sink)
table = pq.ParquetFile(io.BytesIO(sink.getvalue())).read()  # C++ code's own allocations
print(json.dumps({
    "pool": pa.default_memory_pool().backend_name,
    "reader_uses_malloc": pa.system_memory_pool().bytes_allocated() >= 800_000,
    "hugepage": bool(multiarray._get_madvise_hugepage()),
    "left": "ARROW_DEFAULT_MEMORY_POOL" in os.environ,
}))
"""


def _probe(**env: str) -> dict[str, object]:
    chosen = ("ARROW_DEFAULT_MEMORY_POOL", "NUMPY_MADVISE_HUGEPAGE")
    clean = {k: v for k, v in os.environ.items() if k not in chosen}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=clean | env, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_defaults_for_a_table_command() -> None:
    got = _probe()
    assert got == {"pool": "system", "reader_uses_malloc": True, "hugepage": False, "left": False}


@pytest.mark.parametrize("pool", ["mimalloc", "jemalloc"])
def test_the_users_choice_wins(pool: str) -> None:
    import pyarrow as pa

    try:
        getattr(pa, f"{pool}_memory_pool")()
    except NotImplementedError:
        pytest.skip(f"pyarrow built without {pool}")
    got = _probe(ARROW_DEFAULT_MEMORY_POOL=pool, NUMPY_MADVISE_HUGEPAGE="1")
    assert got == {"pool": pool, "reader_uses_malloc": False, "hugepage": True, "left": True}
