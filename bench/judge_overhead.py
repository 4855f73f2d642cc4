"""Judge overhead: the cascade (rules first) against judging every answer, on real answers.

Reads the first --limit EVOUNA NQ questions (../shared/data/graded_answers/evouna/NQ.json:
each answered by five systems, FiD to New Bing), replays each system's answers as a
``scripted`` model, and runs ``dontguess.runner.run`` with ``--grader cascade`` and
``--grader judge`` against the stand-in judge server process (tests/standin/judge_server.py,
OpenAI chat API on 127.0.0.1) at each --latency-ms. Prints, per (grader, latency): records,
the share sent to the judge, judge requests sent, and the wall time of the grading phase
and of the whole run (fresh run directory each time, so nothing comes from a journal).

    .venv/bin/python bench/judge_overhead.py --limit 500 --latency-ms 0,50

Skips (exit 0, with a message) when the shared data is absent. The stand-in judge labels by
substring match, so its verdicts say nothing about a real judge's quality; only the counts
and times are the point here.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from dontguess.backends.openai_compat import OpenAIBackend
from dontguess.backends.scripted import ScriptedBackend
from dontguess.grading import CascadeGrader, DeterministicGrader, LLMJudge
from dontguess.items import dataset_hash
from dontguess.prompts import build_conditions
from dontguess.records import Item, RunSpec
from dontguess.runner import RunOptions, run
from dontguess.store import RunDir

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("DONTGUESS_SHARED_DATA", ROOT.parent / "shared" / "data"))
EVOUNA = DATA / "graded_answers" / "evouna" / "NQ.json"
JUDGE_SERVER = ROOT / "tests" / "standin" / "judge_server.py"
SYSTEMS = ("fid", "gpt35", "chatgpt", "gpt4", "newbing")


def load(limit: int) -> tuple[list[Item], list[ScriptedBackend]]:
    """EVOUNA NQ items (gold split at '/') and one table model per answering system."""
    rows = json.loads(EVOUNA.read_text(encoding="utf-8"))[:limit]
    items, tables = [], {s: {} for s in SYSTEMS}
    for i, row in enumerate(rows):
        golds = tuple(g.strip() for g in str(row["golden_answer"]).split("/") if g.strip())
        items.append(Item(id=f"nq{i}", question=row["question"].strip(), answers=golds))
        for s in SYSTEMS:
            answer = row.get(f"answer_{s}")
            if isinstance(answer, str) and answer.strip():
                tables[s][row["question"].strip()] = answer
    backends = []
    for s in SYSTEMS:
        backend = ScriptedBackend("table", table=tables[s], concurrency=64)
        backend.name = f"scripted:evouna-{s}"
        backends.append(backend)
    return items, backends


def start_judge(latency_ms: float) -> tuple[subprocess.Popen[str], str]:
    """The stand-in judge process and its base URL."""
    cmd = [sys.executable, str(JUDGE_SERVER), "--port", "0", "--latency-ms", str(latency_ms)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        raise SystemExit(f"stand-in judge did not start: {line!r}")
    return proc, f"http://127.0.0.1:{int(line.split()[1])}/v1"


def one(mode: str, latency_ms: float, limit: int, concurrency: int) -> dict[str, Any]:
    """One fresh run of every system's answers graded by ``mode``; its counts and times."""
    items, backends = load(limit)
    spec = RunSpec(
        models=tuple(b.name for b in backends),
        dataset="evouna-nq",
        dataset_hash=dataset_hash(items),
        conditions=tuple(build_conditions((), ["closed"], "penalty")),
    )
    proc, url = start_judge(latency_ms)
    try:
        judge = LLMJudge(OpenAIBackend("standin-judge", [url], concurrency=concurrency))
        grader = CascadeGrader(DeterministicGrader(), judge, mode=mode)
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            result = run(spec, items, backends, grader, RunDir(Path(tmp) / "run"),
                         RunOptions(progress=False))  # fmt: skip
            wall = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    grading = result.summary["grading"]
    n = len(result.records)
    asked = grading["judge_requests"]
    return {
        "grader": mode,
        "latency_ms": latency_ms,
        "records": n,
        "to_judge": asked["records"],
        "share": asked["records"] / n if n else float("nan"),
        "judge_requests": asked["sent"],
        "decided_rules": grading["decided"].get("rules", 0),
        "decided_judge": grading["decided"].get("judge", 0),
        "ungraded": sum(grading["ungraded"].values()),
        "grade_s": result.summary["timing"]["grade_s"],
        "total_s": wall,
    }


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--limit", type=int, default=500, help="EVOUNA questions (x5 answers)")
    p.add_argument("--latency-ms", default="0,50", help="stand-in judge latencies, comma-separated")
    p.add_argument("--concurrency", type=int, default=32, help="judge requests in flight")
    p.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    args = p.parse_args()
    if not EVOUNA.is_file():
        print(f"skipped: {EVOUNA} not found (the shared data is absent)")
        return
    latencies = [float(x) for x in args.latency_ms.split(",") if x.strip()]
    rows = [
        one(m, lat, args.limit, args.concurrency) for lat in latencies for m in ("cascade", "judge")
    ]
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return
    print("| grader | judge latency | records | sent to judge | judge requests | by rules | "
          "by judge | ungraded | grading s | run s |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['grader']} | {r['latency_ms']:g} ms | {r['records']} | "
              f"{r['to_judge']} ({100 * r['share']:.1f}%) | {r['judge_requests']} | "
              f"{r['decided_rules']} | {r['decided_judge']} | {r['ungraded']} | "
              f"{r['grade_s']:.2f} | {r['total_s']:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
