"""Throughput of dontguess.scoring.summarize vs a straightforward pure-Python loop.

Builds a synthetic GradedTable of --n records (3 models; closed rubric plus open rubric at
t = 0.5, 0.75, 0.9; about 1% ungraded), times ``summarize`` computing every per-t metric
(closed answers re-scored at t = 0, 0.5, 0.75, 0.9), and times a pure-Python loop that
computes the same rows on the first --loop-n records, extrapolating its per-record rate
to --n. Prints both rates and their ratio; checks the loop and summarize agree on the slice.

    .venv/bin/python bench/score_throughput.py --n 10000000 --seed 0
"""

from __future__ import annotations

import argparse
import math
import os
import time
from typing import Any

import numpy as np

from dontguess.records import GradedTable
from dontguess.scoring import summarize

TARGETS = (0.0, 0.5, 0.75, 0.9)


def _obj(values: list[str]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def make_table(n: int, seed: int) -> GradedTable:
    """Synthetic records; string columns share a pool of str objects (as a reader would make)."""
    rng = np.random.default_rng(seed)
    models = _obj(["gpt-large", "llama-8b", "qwen-7b"])[rng.integers(0, 3, n)]
    stated = np.array([math.nan, 0.5, 0.75, 0.9])[rng.integers(0, 4, n)]
    style = np.where(np.isnan(stated), _obj([""]), _obj(["penalty"]))
    verdict = rng.choice(np.array([-1, 0, 1, 2], dtype=np.int8), n, p=[0.01, 0.4, 0.3, 0.29])
    ids = _obj([f"q{i}" for i in range(min(n, 100_000))])[rng.integers(0, min(n, 100_000), n)]
    reason = np.where(verdict < 0, _obj(["timeout"]), _obj([""]))
    return GradedTable(
        item_id=ids,
        model=models,
        stated_target=stated,
        style=style.astype(object),
        sample=np.zeros(n, dtype=np.int64),
        verdict=verdict,
        confidence=np.full(n, math.nan),
        ungraded_reason=reason.astype(object),
        answer=np.full(n, "", dtype=object),
    )


def python_loop(
    model: list[str], stated: list[float], style: list[str], verdict: list[int]
) -> dict[Any, dict[str, float]]:
    """The straightforward way: one dict update per record, then per-group arithmetic."""
    counts: dict[tuple[str, float, str], list[int]] = {}
    for m, t, s, v in zip(model, stated, style, verdict, strict=True):
        key = (m, -1.0 if t != t else t, s)
        c = counts.get(key)
        if c is None:
            c = counts[key] = [0, 0, 0, 0]
        c[v + 1] += 1
    out: dict[Any, dict[str, float]] = {}
    for (m, t, s), (u, c, i, a) in counts.items():
        n = c + i + a
        for st in TARGETS if t < 0 else (t,):
            pen = st / (1 - st)
            att = c / (c + i) if c + i else math.nan
            acc = c / n if n else math.nan
            out[(m, t, s, st)] = {
                "accuracy": acc, "error_rate": i / n, "abstention_rate": a / n,
                "ungraded_rate": u / (n + u), "attempted_accuracy": att,
                "f_score": 2 * acc * att / (acc + att) if acc + att else 0.0,
                "score": (c - pen * i) / n, "reward_score": (c + st * a) / n,
            }  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="records (default 10M)")
    parser.add_argument("--seed", type=int, default=0, help="data seed")
    parser.add_argument("--loop-n", type=int, default=500_000, help="records for the loop")
    parser.add_argument("--repeat", type=int, default=3, help="summarize timings (best kept)")
    args = parser.parse_args()

    t0 = time.perf_counter()
    table = make_table(args.n, args.seed)
    print(f"built {args.n:,} records in {time.perf_counter() - t0:.1f} s")

    best = math.inf
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        rows = summarize(table, targets=TARGETS)
        best = min(best, time.perf_counter() - t0)
    fast = args.n / best
    print(f"summarize: {len(rows)} rows, {best:.3f} s (best of {args.repeat}) "
          f"-> {fast / 1e6:.2f} M records/s")  # fmt: skip

    k = min(args.loop_n, args.n)
    t0 = time.perf_counter()
    cols = (table.model[:k].tolist(), table.stated_target[:k].tolist(),
            table.style[:k].tolist(), table.verdict[:k].tolist())  # fmt: skip
    convert_s = time.perf_counter() - t0
    slow_s = math.inf
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        ref = python_loop(*cols)
        slow_s = min(slow_s, time.perf_counter() - t0)
    slow = k / slow_s
    print(f"pure-Python loop on the first {k:,} records, columns already Python lists: "
          f"{slow_s:.3f} s (best of {args.repeat}) -> {slow / 1e6:.2f} M records/s; "
          f"extrapolated to {args.n:,}: {args.n / slow:.1f} s")  # fmt: skip
    with_conv = k / (slow_s + convert_s)
    print(f"  the same counting the .tolist() conversion from the table ({convert_s:.3f} s): "
          f"{with_conv / 1e6:.2f} M records/s")  # fmt: skip
    check = summarize(table.take(np.arange(k)), targets=TARGETS)
    for r in check:
        key = (r["model"], r["stated_target"] or -1.0, r["style"] or "", r["score_target"])
        assert math.isclose(r["score"], ref[key]["score"]), key
        assert math.isclose(r["f_score"], ref[key]["f_score"]), key
    print(f"loop and summarize agree on the slice ({len(check)} rows)")
    print(f"speed-up of summarize over the loop: {fast / slow:.1f}x "
          f"({fast / with_conv:.1f}x counting the conversion)")  # fmt: skip
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
