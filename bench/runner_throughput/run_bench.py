"""Throughput of `dontguess run` against other harnesses on one loopback stand-in server.

    .venv/bin/python bench/runner_throughput/run_bench.py [--n 2000] [--latencies 0,50]
        [--repeats 3] [--concurrency 64] [--out bench/out]

For each latency a fresh stand-in server (``server.py``) answers instantly after the fixed
latency. Each harness sends the same N questions once, ``--repeats`` times; the script
reports medians of

- wall: whole-process wall time (start-up, loading, requests, grading, scoring, writing);
- cpu: user + system CPU seconds of the harness process (its children included), a
  yardstick that a busy machine disturbs less than wall time;
- requests: the server-side request phase (first request in → last response out), the same
  yardstick for every harness; and each ratio to lm-eval's wall and raw aiohttp's requests.

Harnesses: raw asyncio+aiohttp (``raw_client.py``, the ceiling), ``dontguess run`` (closed
rubric, grading and scoring included, into a fresh run directory each time), inspect-ai
(``openai-api`` provider) and lm-eval (``local-chat-completions``). inspect-ai and lm-eval are
taken from ``bench/.venv`` (``pip install 'dontguess[bench]'`` there); a harness that is not
installed is skipped with a message.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BENCH_VENV = ROOT / "bench" / ".venv" / "bin"
PY = sys.executable

LM_EVAL_TASK = """\
task: dontguess_throughput
dataset_path: json
dataset_kwargs:
  data_files:
    test: {path}
test_split: test
output_type: generate_until
doc_to_text: "{{{{question}}}}"
doc_to_target: "{{{{answer}}}}"
generation_kwargs:
  until: ["\\n"]
  max_gen_toks: 16
  do_sample: false
metric_list:
  - metric: exact_match
"""

INSPECT_TASK = """\
import os
import resource
from inspect_ai import Task, task
from inspect_ai.dataset import FieldSpec, json_dataset
from inspect_ai.scorer import match
from inspect_ai.solver import generate


@task
def dontguess_throughput():
    spec = FieldSpec(input="question", target="answer", id="id")
    return Task(dataset=json_dataset(os.environ["BENCH_QUESTIONS"], spec), solver=generate(),
                scorer=match())
"""


class Server:
    def __init__(self, latency_ms: float) -> None:
        self.proc = subprocess.Popen(
            [PY, str(HERE / "server.py"), "--latency-ms", str(latency_ms)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline().split()[1])
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = self.base + "/v1"

    def call(self, path: str, method: str = "GET") -> dict[str, Any]:
        req = urllib.request.Request(self.base + path, method=method)
        with urllib.request.urlopen(req, timeout=30) as r:
            doc: dict[str, Any] = json.loads(r.read())
        return doc

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def write_questions(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            a, b = 3 * i + 1, 7 * i + 2
            row = {"id": f"q{i}", "question": f"What is {a} plus {b}?", "answer": "42"}
            fh.write(json.dumps(row) + "\n")


def cmd_raw(s: Server, q: Path, work: Path, c: int) -> list[str]:
    return [PY, str(HERE / "raw_client.py"), str(q), s.url, str(c)]


def cmd_dontguess(s: Server, q: Path, work: Path, c: int) -> list[str]:
    out = work / f"dg-{time.monotonic_ns()}"
    return [PY, "-m", "dontguess", "run", "--model", f"openai:m@{s.url}", "--dataset", str(q),
            "--rubric", "closed", "--concurrency", str(c), "--max-tokens", "16",
            "--no-progress", "--format", "csv", "--out", str(out)]  # fmt: skip


def cmd_inspect(s: Server, q: Path, work: Path, c: int) -> list[str]:
    task = work / "inspect_task.py"
    task.write_text(INSPECT_TASK)
    return [str(BENCH_VENV / "inspect"), "eval", task.name, "--model", "openai-api/standin/m",
            "--max-connections", str(c), "--max-tokens", "16", "--display", "none",
            "--log-dir", str(work / f"inspect-{time.monotonic_ns()}")]  # fmt: skip


def cmd_lm_eval(s: Server, q: Path, work: Path, c: int) -> list[str]:
    tasks = work / "lm_eval_tasks"
    tasks.mkdir(exist_ok=True)
    (tasks / "dontguess_throughput.yaml").write_text(LM_EVAL_TASK.format(path=q))
    args = (f"model=m,base_url={s.url}/chat/completions,num_concurrent={c},max_retries=1,"
            "tokenized_requests=False,tokenizer_backend=None")  # fmt: skip
    return [str(BENCH_VENV / "lm_eval"), "--model", "local-chat-completions", "--model_args",
            args, "--tasks", "dontguess_throughput", "--include_path", str(tasks),
            "--apply_chat_template"]  # fmt: skip


HARNESSES: dict[str, tuple[Callable[[Server, Path, Path, int], list[str]], Path | None]] = {
    "raw aiohttp": (cmd_raw, None),
    "dontguess": (cmd_dontguess, None),
    "inspect-ai": (cmd_inspect, BENCH_VENV / "inspect"),
    "lm-eval": (cmd_lm_eval, BENCH_VENV / "lm_eval"),
}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(
    name: str, s: Server, q: Path, work: Path, c: int, n: int
) -> tuple[float, float, float]:
    make, _ = HARNESSES[name]
    env = {**os.environ, "STANDIN_BASE_URL": s.url, "STANDIN_API_KEY": "x",
           "OPENAI_API_KEY": "x", "BENCH_QUESTIONS": str(q), "HF_DATASETS_OFFLINE": "1",
           "TOKENIZERS_PARALLELISM": "false"}  # fmt: skip
    s.call("/reset", "POST")
    cpu0, t0 = _cpu(), time.perf_counter()
    proc = subprocess.run(make(s, q, work, c), capture_output=True, text=True, env=env, cwd=work)
    wall, cpu = time.perf_counter() - t0, _cpu() - cpu0
    stats = s.call("/stats")
    if proc.returncode != 0 or stats["requests"] < n:
        tail = (proc.stderr or proc.stdout)[-800:]
        raise RuntimeError(f"{name}: exit {proc.returncode}, {stats['requests']} requests\n{tail}")
    return wall, float(stats["request_phase_s"]), cpu


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--latencies", default="0,50")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument(
        "--concurrency",
        default="64",
        help="in-flight requests; several (64,256) are each tried and the best wall is kept",
    )
    p.add_argument("--only", default="", help="comma-separated harness names to run")
    args = p.parse_args()
    chosen = [h for h in HARNESSES if not args.only or h in args.only.split(",")]
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="dg-bench-") as tmp:
        work = Path(tmp)
        q = work / "questions.jsonl"
        write_questions(q, args.n)
        for latency in [float(x) for x in args.latencies.split(",")]:
            server = Server(latency)
            try:
                for name in chosen:
                    exe = HARNESSES[name][1]
                    if exe is not None and not exe.exists():
                        print(f"skip {name}: not installed in bench/.venv", file=sys.stderr)
                        continue
                    best = _best(name, server, q, work, args, latency)
                    if best is not None:
                        results.append(best)
            finally:
                server.close()
        shutil.rmtree(work, ignore_errors=True)
    report(results, args)


def _best(
    name: str, server: Server, q: Path, work: Path, args: argparse.Namespace, latency: float
) -> dict[str, Any] | None:
    """Medians at each ``--concurrency`` value; the one with the lowest median wall wins."""
    best: dict[str, Any] | None = None
    for c in [int(x) for x in str(args.concurrency).split(",")]:
        try:
            runs = [run_once(name, server, q, work, c, args.n) for _ in range(args.repeats)]
        except RuntimeError as exc:
            print(f"skip {name} at {latency:g} ms, concurrency {c}: {exc}", file=sys.stderr)
            continue
        row = {"harness": name, "latency_ms": latency, "concurrency": c,
               "wall_s": statistics.median(r[0] for r in runs),
               "requests_s": statistics.median(r[1] for r in runs),
               "cpu_s": statistics.median(r[2] for r in runs)}  # fmt: skip
        print(f"{name:12s} {latency:4g} ms  c={c:<4d} wall {row['wall_s']:7.2f} s  requests "
              f"{row['requests_s']:6.2f} s  cpu {row['cpu_s']:6.2f} s", file=sys.stderr,
              flush=True)  # fmt: skip
        if best is None or row["wall_s"] < best["wall_s"]:
            best = row
    return best


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(f"\n{args.n} questions, concurrency {args.concurrency}, medians of {args.repeats}")
    head = ("harness", "latency", "conc", "wall s", "requests s", "cpu s", "wall/lm-eval",
            "req/raw")  # fmt: skip
    print("{:12s} {:>7s} {:>5s} {:>8s} {:>10s} {:>7s} {:>12s} {:>8s}".format(*head))
    for r in results:
        same = {x["harness"]: x for x in results if x["latency_ms"] == r["latency_ms"]}
        lm = same.get("lm-eval")
        raw = same.get("raw aiohttp")
        w_ratio = f"{r['wall_s'] / lm['wall_s']:.2f}" if lm else "-"
        r_ratio = f"{r['requests_s'] / raw['requests_s']:.2f}" if raw else "-"
        print(
            f"{r['harness']:12s} {r['latency_ms']:5g}ms {r['concurrency']:5d} {r['wall_s']:8.2f} "
            f"{r['requests_s']:10.3f} {r['cpu_s']:7.2f} {w_ratio:>12s} {r_ratio:>8s}"
        )


if __name__ == "__main__":
    main()
