"""Benchmark ``dontguess corpus stats``: DuckDB vs a collections.Counter baseline vs Spark.

Generates synthetic fact-mention CSV (or Parquet) files (prompt, answer; 10% IDK; a Zipf head plus a
long uniform tail so that many prompts are singletons), then times each engine in its own
subprocess while polling the resident memory of that process tree (JVM included for
Spark) and summing its CPU time (on a shared machine CPU seconds depend less on other
load than wall time). Every engine must report the same N, prompts, singletons and
doubletons.

    .venv/bin/python bench/corpus_stats/run.py --rows 10000000 100000000
    .venv/bin/python bench/corpus_stats/run.py --rows 10000000 --format parquet

Files go to bench/out/corpus_stats/ (git-ignored) unless --out-dir says otherwise.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def generate(path: Path, rows: int, seed: int = 0) -> None:
    """Write ``rows`` mention rows to ``path`` (CSV or Parquet by suffix), in chunks."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    chunk = 5_000_000
    tmp = path.with_suffix(".tmp")
    schema = pa.schema([("prompt", pa.string()), ("answer", pa.string())])
    parquet = path.suffix == ".parquet"
    with pq.ParquetWriter(tmp, schema) if parquet else pacsv.CSVWriter(tmp, schema) as writer:
        done = 0
        while done < rows:
            k = min(chunk, rows - done)
            head = rng.zipf(1.3, size=k) % 1_000_000
            tail = 1_000_000 + rng.integers(0, max(rows // 2, 1), size=k)
            ids = np.where(rng.random(k) < 0.3, head, tail)
            prompt = pc.binary_join_element_wise("p", pc.cast(pa.array(ids), pa.string()), "")
            answer = pc.binary_join_element_wise("a", pc.cast(pa.array(ids % 365), pa.string()), "")
            idk = pa.array(rng.random(k) < 0.1)
            answer = pc.if_else(idk, pa.scalar("IDK"), answer)
            writer.write_table(pa.table([prompt, answer], schema=schema))
            done += k
    os.replace(tmp, path)


def _parquet_rows(path: Path) -> Iterator[tuple[str, str]]:
    """(prompt, answer) rows of a Parquet file, via pyarrow batches."""
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(path).iter_batches(batch_size=65536):
        yield from zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(), strict=True)


def count_with_counter(path: Path, idk: str = "IDK") -> dict[str, int]:
    """The pure-Python baseline: read the rows, count with two collections.Counter."""
    total: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    n = 0
    with path.open(newline="", encoding="utf-8") as fh:
        rows: Iterable[Sequence[str]]
        if path.suffix == ".parquet":
            rows = _parquet_rows(path)
        else:
            reader = csv.reader(fh)
            next(reader)  # header
            rows = reader
        for prompt, answer in rows:
            n += 1
            total[prompt] += 1
            if answer != idk:
                answered[prompt] += 1
    values = list(answered.values())
    return {
        "n": n,
        "n_prompts": len(total),
        "n_singletons": values.count(1),
        "n_doubletons": values.count(2),
    }


def measure(engine: str, path: Path, memory_limit: str, threads: int | None) -> dict[str, int]:
    """Run one engine in this process and return its counts."""
    if engine == "counter":
        return count_with_counter(path)
    from dontguess.corpus import EngineSpec, corpus_stats

    spec = (
        EngineSpec(engine="spark", spark_master="local[2]")
        if engine == "spark"
        else EngineSpec(memory_limit=memory_limit, threads=threads)
    )
    s = corpus_stats([path], engine=spec)
    return {
        "n": s.n,
        "n_prompts": s.n_prompts,
        "n_singletons": s.n_singletons,
        "n_doubletons": s.n_doubletons,
    }


def _tree_usage(root: int, cpu_ticks: dict[int, int]) -> int:
    """Resident bytes of ``root`` and all its descendants (from /proc).

    Also records in ``cpu_ticks`` the user + system clock ticks of every process of the tree.
    """
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        ticks[pid] = int(fields[11]) + int(fields[12])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        cpu_ticks[pid] = max(cpu_ticks.get(pid, 0), ticks.get(pid, 0))
        stack.extend(children.get(pid, []))
    return total


def run_one(engine: str, path: Path, args: argparse.Namespace) -> dict[str, object]:
    cmd = [
        sys.executable,
        __file__,
        "--measure",
        engine,
        str(path),
        "--memory-limit",
        args.memory_limit,
    ]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", PYTHONWARNINGS="ignore")
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = 0
    cpu_ticks: dict[int, int] = {}
    while proc.poll() is None:
        peak = max(peak, _tree_usage(proc.pid, cpu_ticks))
        time.sleep(0.1)
    elapsed = time.perf_counter() - start
    cpu_s = sum(cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"{engine} failed on {path}:\n{err[-2000:]}")
    counts = json.loads(out.strip().splitlines()[-1])
    return {
        "engine": engine,
        "file": path.name,
        "rows": counts["n"],
        "seconds": round(elapsed, 1),
        "rows_per_s": round(counts["n"] / elapsed),
        "cpu_s": round(cpu_s, 1),
        "rows_per_cpu_s": round(counts["n"] / max(cpu_s, 1e-9)),
        "peak_rss_mib": round(peak / 2**20),
        "load_avg_1m": round(os.getloadavg()[0], 1),
        "counts": counts,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rows", type=lambda s: int(float(s)), nargs="+", default=[10_000_000, 100_000_000]
    )
    parser.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "out" / "corpus_stats")
    parser.add_argument("--engines", default="duckdb,counter,spark")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--measure", nargs=2, metavar=("ENGINE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        engine, file = args.measure
        counts = measure(engine, Path(file), args.memory_limit, args.threads)
        print(json.dumps(counts))
        return 0
    args.out_dir.mkdir(parents=True, exist_ok=True)
    engines = args.engines.split(",")
    smallest = min(args.rows)
    results = []
    for rows in sorted(args.rows):
        path = args.out_dir / f"mentions_{rows}.{args.format}"
        if not path.exists():
            t = time.perf_counter()
            generate(path, rows)
            print(
                f"generated {path} ({path.stat().st_size / 2**20:.0f} MiB) in "
                f"{time.perf_counter() - t:.0f}s",
                flush=True,
            )
        for engine in engines:
            if engine in ("counter", "spark") and rows != smallest:
                continue  # the baselines run on the smaller file only
            result = run_one(engine, path, args)
            print(json.dumps(result), flush=True)
            results.append(result)
        same = {json.dumps(r["counts"], sort_keys=True) for r in results if r["file"] == path.name}
        print(f"engines agree on {path.name}: {len(same) == 1}", flush=True)
    print()
    print(f"cores: {os.cpu_count()}")
    print(
        f"{'engine':<8} {'rows':>12} {'seconds':>8} {'rows/s':>10} {'CPU s':>8} "
        f"{'rows/CPU s':>11} {'peak RSS MiB':>13} {'load':>5}"
    )
    for r in results:
        print(
            f"{r['engine']:<8} {r['rows']:>12} {r['seconds']:>8} {r['rows_per_s']:>10} "
            f"{r['cpu_s']:>8} {r['rows_per_cpu_s']:>11} {r['peak_rss_mib']:>13} "
            f"{r['load_avg_1m']:>5}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
