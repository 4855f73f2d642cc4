"""Whole-process cost of ``dontguess score`` next to pyarrow and pandas reading the same file.

Writes one Parquet file of --n graded records (item_id, model, verdict, stated_target,
sample: 4 models, 5 conditions (closed rubric and t = 0.25, 0.5, 0.75, 0.9), 5 samples per
question, about 1% ungraded, rows shuffled), then runs, as separate Python processes, in
turn (the order rotates each round) and --repeat times:

* ``pyarrow``: ``pq.read_table`` + ``Table.group_by(["model", "stated_target",
  "verdict"])`` count: the floor for reading and counting this file in Python (its start-up
  includes ``pyarrow.dataset``, which ``pq.read_table`` imports, and pandas, which that
  imports when installed: about 0.3 s on the 2-core machine of docs/scoring.md);
* ``pyarrow-malloc``: the same with ``ARROW_DEFAULT_MEMORY_POOL=system``, Arrow's switch to
  the C library's allocator, which ``dontguess score`` also uses for its own process (on the
  virtual machine of docs/scoring.md Arrow's default allocator, mimalloc, spends seconds of
  system time at 50 M records); the faster of the two ``pyarrow`` processes is the baseline of
  the ``x best`` column;
* ``pandas``: ``pd.read_parquet`` + ``DataFrame.groupby`` on the same keys, count;
* with ``--floors``, two pyarrow processes that also tell the questions apart, as ``score``
  must (for the duplicate check and the bootstrap's clusters): ``pyarrow-ids`` adds
  ``pc.dictionary_encode`` of ``item_id``, ``pyarrow-dup`` adds a ``Table.group_by`` on the
  duplicate key (item_id, model, stated_target, sample) and checks every count is 1. They
  show what the same work costs with pyarrow's own tools (slow and memory-hungry at 50 M);
* ``score``: ``dontguess score FILE --format json`` (default ``--bootstrap 1000``: checks,
  duplicate check, counts, scores, bootstrap intervals, audit);
* ``score-b0``: the same with ``--bootstrap 0``.

Each process is timed by the wall clock, its CPU time (user + system, all threads; the
system part apart) and peak resident memory read from the kernel (``os.wait4``; the file is
written by another child, so that this parent stays small: a child's peak counts its
parent's memory at fork). Prints the medians and the ratios to the pyarrow process, with the
load average, and checks that every process counted every record.

Bytecode: an installed package has its modules compiled (pip does it; pyarrow's and pandas'
are); a source checkout run with ``PYTHONDONTWRITEBYTECODE=1`` would compile dontguess's
modules again in every process. So the children run with a bytecode cache of their own
(``PYTHONPYCACHEPREFIX`` in the temporary folder) and every command runs once, untimed, on
a small file first, which fills that cache for all of them alike.

    .venv/bin/python bench/score_throughput.py --n 5000000 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

MODELS = ("gpt-large", "llama-8b", "qwen-7b", "mistral-7b")
TARGETS = (math.nan, 0.25, 0.5, 0.75, 0.9)
SAMPLES = 5

PYARROW = """
import sys, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1])
g = t.group_by(["model", "stated_target", "verdict"]).aggregate([([], "count_all")])
print(sum(g.column("count_all").to_pylist()))
"""
PYARROW_IDS = """
import sys, pyarrow.parquet as pq, pyarrow.compute as pc
t = pq.read_table(sys.argv[1])
g = t.group_by(["model", "stated_target", "verdict"]).aggregate([([], "count_all")])
ids = pc.dictionary_encode(t.column("item_id"))
print(sum(g.column("count_all").to_pylist()))
"""
PYARROW_DUP = """
import sys, pyarrow.parquet as pq, pyarrow.compute as pc
t = pq.read_table(sys.argv[1])
g = t.group_by(["model", "stated_target", "verdict"]).aggregate([([], "count_all")])
key = t.group_by(["item_id", "model", "stated_target", "sample"]).aggregate([([], "count_all")])
assert pc.max(key.column("count_all")).as_py() == 1, "a repeated record"
print(sum(g.column("count_all").to_pylist()))
"""
PANDAS = """
import sys, pandas as pd
df = pd.read_parquet(sys.argv[1])
g = df.groupby(["model", "stated_target", "verdict"], dropna=False).size()
print(int(g.sum()))
"""


def write_records(n: int, path: Path, seed: int) -> None:
    """``n`` shuffled graded records, each (item, model, condition, sample) once."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    cells = len(MODELS) * len(TARGETS) * SAMPLES
    k = rng.permutation(n)
    item, rest = k // cells, k % cells
    model, rest = rest // (len(TARGETS) * SAMPLES), rest % (len(TARGETS) * SAMPLES)
    condition, sample = rest // SAMPLES, rest % SAMPLES
    words = pa.array(["correct", "incorrect", "abstained", ""])
    verdict = rng.choice(4, n, p=[0.45, 0.30, 0.24, 0.01]).astype(np.int32)
    ids = pa.array([f"q{i:07d}" for i in range(int(item.max()) + 1)])
    target = np.array(TARGETS)[condition]

    def text(codes: np.ndarray, values: pa.Array) -> pa.Array:
        return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), values).cast(
            pa.string()
        )

    table = pa.table(
        {
            "item_id": text(item, ids),
            "model": text(model, pa.array(MODELS)),
            "verdict": text(verdict, words),
            "stated_target": pa.array(target, mask=np.isnan(target)),
            "sample": pa.array(sample.astype(np.int64)),
        }
    )
    pq.write_table(table, path)


def child_env(cache: Path) -> dict[str, str]:
    """The environment of the timed processes: bytecode cached under ``cache``."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


#: Environment added to one process (Arrow's allocator switch for the second baseline).
EXTRA_ENV = {"pyarrow-malloc": {"ARROW_DEFAULT_MEMORY_POOL": "system"}}


def run(command: list[str], env: dict[str, str]) -> tuple[tuple[float, ...], str]:
    """(wall s, CPU s, of which system s, peak resident MB) and stdout of one process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            message = err.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"{command[:3]} failed ({proc.returncode}): {message}")
        out.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return (wall, cpu, usage.ru_stime, usage.ru_maxrss / 1024), out.read().decode()


def commands(path: Path, pandas: bool, floors: bool = False) -> dict[str, list[str]]:
    score = [sys.executable, "-m", "dontguess", "score", str(path), "--format", "json"]
    out = {
        "pyarrow": [sys.executable, "-c", PYARROW, str(path)],
        "pyarrow-malloc": [sys.executable, "-c", PYARROW, str(path)],
        "score": score,
        "score-b0": [*score, "--bootstrap", "0"],
    }
    if floors:
        out["pyarrow-ids"] = [sys.executable, "-c", PYARROW_IDS, str(path)]
        out["pyarrow-dup"] = [sys.executable, "-c", PYARROW_DUP, str(path)]
    if pandas:
        out["pandas"] = [sys.executable, "-c", PANDAS, str(path)]
    return out


def counted(stdout: str) -> int:
    """Records counted by ``score`` (graded + ungraded, once per group)."""
    seen = {}
    for row in json.loads(stdout)["rows"]:
        key = (row["model"], row["stated_target"], row["style"])
        seen[key] = row["n"] + row["n_ungraded"]
    return sum(seen.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5_000_000, help="records (default 5M)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (medians reported)")
    parser.add_argument("--seed", type=int, default=0, help="data seed")
    parser.add_argument("--file", type=Path, default=None, help="keep the Parquet file here")
    parser.add_argument(
        "--floors",
        action="store_true",
        help="also time pyarrow processes that tell questions apart (pyarrow-ids, pyarrow-dup)",
    )
    parser.add_argument("--write-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_only:
        write_records(args.n, args.file, args.seed)
        return
    try:
        import pandas  # noqa: F401

        have_pandas = True
    except ImportError:
        have_pandas = False
        print("pandas is not installed: no pandas baseline")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / "records.parquet"
        t0 = time.perf_counter()
        write(args.n, path, args.seed)
        size = path.stat().st_size / 1e6
        print(f"wrote {args.n:,} records ({size:.2f} MB) in {time.perf_counter() - t0:.1f} s")
        env = child_env(Path(tmp) / "pycache")
        small = Path(tmp) / "warm-up.parquet"
        write(1000, small, args.seed)
        warm_up = commands(small, have_pandas, args.floors)
        for name, command in warm_up.items():  # fills the bytecode cache
            run(command, env | EXTRA_ENV.get(name, {}))
        print(f"load average at the start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
        runs = commands(path, have_pandas, args.floors)
        results: dict[str, list[tuple[float, ...]]] = {name: [] for name in runs}
        names = list(runs)
        for round_ in range(args.repeat):
            for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
                measured, out = run(runs[name], env | EXTRA_ENV.get(name, {}))
                results[name].append(measured)
                total = counted(out) if name.startswith("score") else int(out.strip())
                assert total == args.n, f"{name} counted {total:,} of {args.n:,} records"
        report(results, args.n)


def write(n: int, path: Path, seed: int) -> None:
    """Write the records in a child: a child's peak memory counts its parent's at fork, so
    this parent stays small."""
    subprocess.run(
        [sys.executable, __file__, "--write-only", "--n", str(n), "--seed", str(seed),
         "--file", str(path)],
        check=True,
    )  # fmt: skip


def report(results: dict[str, list[tuple[float, ...]]], n: int) -> None:
    def median(name: str, k: int) -> float:
        return statistics.median(r[k] for r in results[name])

    base_wall, base_peak = median("pyarrow", 0), median("pyarrow", 3)
    best = min(("pyarrow", "pyarrow-malloc"), key=lambda name: median(name, 0))
    best_wall, best_peak = median(best, 0), median(best, 3)
    rounds = len(results["pyarrow"])
    print(f"\n{n:,} records, median of {rounds} interleaved rounds (every count checked):")
    print(f"{'process':14} {'wall s':>8} {'x pyarrow':>10} {'x best':>7} {'cpu s':>7} "
          f"{'sys s':>7} {'peak MB':>9} {'x pyarrow':>10} {'x best':>7}")  # fmt: skip
    for name in results:
        wall, cpu, system, peak = (median(name, k) for k in range(4))
        print(
            f"{name:14} {wall:8.2f} {wall / base_wall:10.2f} {wall / best_wall:7.2f} "
            f"{cpu:7.2f} {system:7.2f} {peak:9.0f} {peak / base_peak:10.2f} "
            f"{peak / best_peak:7.2f}"
        )
    print(f"x best: ratio to the faster pyarrow process ({best})")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
