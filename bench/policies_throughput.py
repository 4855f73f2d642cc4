"""Throughput of dontguess.confidence.score_policies vs a plain numpy loop.

Builds --n closed-rubric records (one sample per question, so --n questions) carrying
--estimators confidence columns (``confidence_e0`` … as text, as a graded file stores them),
read from Parquet with ``read_graded`` (not timed),
re-scores them under every ``threshold:<estimator>`` policy and ``as-is`` at 4 targets
(t = 0, 0.5, 0.75, 0.9) with ``score_policies`` (no bootstrap, then --bootstrap replicates),
and times the plain numpy loop computing the same threshold scores from float arrays
(for each estimator and t: answered = conf > t; C, I by np.count_nonzero). Prints both,
their ratio, and checks that every score agrees.

    .venv/bin/python bench/policies_throughput.py --n 1000000 --estimators 4
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from dontguess.confidence import score_policies
from dontguess.records import GradedTable
from dontguess.tables import read_graded

TARGETS = (0.0, 0.5, 0.75, 0.9)


def make_table(n: int, n_est: int, seed: int) -> tuple[GradedTable, dict[str, np.ndarray]]:
    """Records with calibrated-ish confidences (each estimator a noisy copy of the truth),
    written to Parquet and read back with ``read_graded`` (as ``score --policies`` reads)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    q = rng.random(n)
    verdict = np.where(rng.random(n) < q, "correct", "incorrect").astype(object)
    verdict[rng.random(n) < 0.05] = "abstained"
    confs = {f"e{k}": np.clip(q + rng.normal(0, 0.05 * (k + 1), n), 0, 1).round(4)
             for k in range(n_est)}  # fmt: skip
    columns = {"item_id": [f"q{i}" for i in range(n)], "model": ["m"] * n, "verdict": verdict}
    columns.update({f"confidence_{k}": c.astype(str) for k, c in confs.items()})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graded.parquet"
        pq.write_table(pa.table(columns), path)
        table = read_graded([path])
    rows = np.array([int(x[1:]) for x in table.item_id.tolist()])  # record order as read
    return table, {k: c[rows] for k, c in confs.items()}


def numpy_loop(verdict: np.ndarray, confs: dict[str, np.ndarray]) -> dict[tuple[str, float], float]:
    """The plain way: floats already parsed, one mask per (estimator, t)."""
    out = {}
    right, wrong = verdict == 0, verdict == 1
    n = verdict.size
    for name, c in confs.items():
        for t in TARGETS:
            keep = c > t
            n_c = np.count_nonzero(right & keep)
            n_i = np.count_nonzero(wrong & keep)
            out[(name, t)] = (n_c - t / (1 - t) * n_i) / n
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--estimators", type=int, default=4)
    p.add_argument("--bootstrap", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    table, confs = make_table(args.n, args.estimators, args.seed)
    t0 = time.perf_counter()
    rows = score_policies(table, targets=TARGETS, bootstrap=0)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = numpy_loop(table.verdict, confs)
    t_loop = time.perf_counter() - t0
    t0 = time.perf_counter()
    text = {k.removeprefix("confidence_"): v for k, v in table.groups.items()}
    numpy_loop(
        table.verdict, {k: np.asarray(v, dtype=object).astype(float) for k, v in text.items()}
    )
    t_parse = time.perf_counter() - t0
    got = {(r["policy"].split(":", 1)[1], r["scored_target"]): r["score"]
           for r in rows if r["policy"].startswith("threshold:")}  # fmt: skip
    assert got.keys() == ref.keys() and all(math.isclose(got[k], ref[k]) for k in ref)
    t0 = time.perf_counter()
    score_policies(table, targets=TARGETS, bootstrap=args.bootstrap)
    t_boot = time.perf_counter() - t0
    work = args.n * args.estimators * len(TARGETS)
    print(f"{args.n:,} records x {args.estimators} estimators x {len(TARGETS)} targets "
          f"({os.cpu_count()} CPUs)")  # fmt: skip
    print(f"score_policies (text parsed, first sample per question, every policy and t): "
          f"{t_ours:.2f} s = {work / t_ours / 1e6:.1f} M record-estimator-targets/s")  # fmt: skip
    print(f"plain numpy loop, floats given:            {t_loop:.3f} s "
          f"(score_policies takes {t_ours / t_loop:.0f}x as long)")  # fmt: skip
    print(f"plain numpy loop, text parsed with astype: {t_parse:.3f} s "
          f"(score_policies takes {t_ours / t_parse:.1f}x as long)")  # fmt: skip
    print(f"score_policies with {args.bootstrap} bootstrap replicates and paired tests: "
          f"{t_boot:.2f} s")  # fmt: skip
    print("every threshold score agrees with the numpy loop")


if __name__ == "__main__":
    main()
