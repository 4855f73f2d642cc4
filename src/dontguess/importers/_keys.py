"""Record keys of imported logs: a question is (benchmark, item_id), not item_id alone.

Harnesses number each task's questions from 0 (lm-eval's ``doc_id``, inspect's sample ids),
so one model's gsm8k and arc logs share item ids without repeating an answer. The
duplicate check of ``score``, ``report`` and ``audit`` keys records by both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dontguess._util.factorize import factorize
from dontguess.records import GradedTable

__all__ = ["benchmark_items", "check_repeats"]


def benchmark_items(table: GradedTable) -> tuple[list[Any], Any]:
    """Distinct (benchmark, item_id) pairs of ``table`` and each record's index into them.

    Without a ``benchmark`` column every pair has benchmark ``""``.
    """
    items, item_codes = factorize(table.item_id, sort=False)
    bench = table.groups.get("benchmark")
    if bench is None:
        return [("", i) for i in items], item_codes
    benches, bench_codes = factorize(bench, sort=False)
    if len(benches) == 1:  # one benchmark (one log): the item codes are the pair codes
        return [(benches[0], i) for i in items], item_codes
    pairs, codes = np.unique(bench_codes * len(items) + item_codes, return_inverse=True)
    return [(benches[k // len(items)], items[k % len(items)]) for k in pairs.tolist()], codes


def check_repeats(table: GradedTable, parts: Sequence[tuple[str, GradedTable]]) -> None:
    """Refuse a record whose (item_id, model, condition, sample) repeats within a benchmark.

    ``table`` is the files' records concatenated in ``parts`` order (file name, records).
    The same check as ``read_graded`` makes on logs it detects, so ``--from`` keeps it.

    Raises:
        InputError: naming the file and row of the later copy and of the first.
    """
    from dontguess.tables._io import Where
    from dontguess.tables._unique import Codes, Source, check_unique

    sources, start = [], 0
    for name, part in parts:
        models, model_codes = factorize(part.model, sort=False)
        items, item_codes = benchmark_items(part)
        codes = Codes(items, item_codes, list(models), model_codes)
        sources.append(Source(Where(name, None), start, start + len(part), codes))
        start += len(part)
    check_unique(table, sources)
