"""Import + re-score of an lm-eval samples file next to ``json.loads`` and a Python loop.

Writes, in a temporary folder, an lm-evaluation-harness ``samples_<task>_<time>.jsonl`` of
--n lines shaped on a real gsm8k file (doc, target, a chat-template few-shot prompt in
``arguments``, ``resps``, ``filtered_resps``, ``filter``, ``metrics``, ``exact_match``,
the three sha256 hashes; about 5 KB a line), with the neighbouring ``results_<time>.json``
naming the model. Answers vary (random numbers in a worked solution); about 4% decline
("I don't know …", "I cannot determine …"; half of these name the question's numbers, so
most refusals are distinct texts) and 2% hedge and then answer. With
``--kind loglik`` the file is an MMLU-style multiple-choice task instead (four
log-likelihood requests, ``acc`` and ``acc_norm``).

Then, --repeat times in turn (the order rotates each round):

* ``baseline`` (in-process): what a user writes by hand: read the file line by line with
  ``json.loads``, count correct / incorrect from the metric per model and compute the
  confidence-target score ``(C − t/(1−t)·W) / N`` at t = 0, 0.5, 0.75, 0.9. It cannot
  see abstentions (a declined answer is just a wrong one), which is part of why
  dontguess exists;
* ``dontguess`` (in-process): ``read_log(path)`` (abstention detection included) +
  ``dontguess.score(table, targets=(0, 0.5, 0.75, 0.9))``;
* ``baseline-proc`` / ``cli``: the same two as whole Python processes: the baseline as a
  script, and ``dontguess score FILE --format json --bootstrap 0``.

Each run is timed by the wall clock and by its CPU time (in-process: ``time.process_time``;
a process: user + system of all its threads, from ``os.wait4``), which a busy shared
machine disturbs less. Prints medians, the ratios baseline / dontguess of both, and the
load average; checks that both sides counted the same correct answers (among those
dontguess did not call abstained).

Bytecode: an installed package has its modules compiled; a source checkout run with
``PYTHONDONTWRITEBYTECODE=1`` would compile dontguess's modules in every process. So the
processes run with a bytecode cache of their own (``PYTHONPYCACHEPREFIX`` in the temporary
folder), and each runs once untimed first.

    .venv/bin/python bench/import_throughput.py --n 100000 --repeat 3
    .venv/bin/python bench/import_throughput.py --n 100000 --repeat 3 --kind loglik
    .venv/bin/python bench/import_throughput.py --n 100000 --profile   # cProfile of read_log
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGETS = (0.0, 0.5, 0.75, 0.9)
STAMP = "2025-09-09T13-31-53.431753"
MODEL = "gemma3:12b-u1"
NAMES = ("Jill", "Bailey", "Farrah", "Jack", "Claire", "Vihaan", "Mara", "Tomas", "Ines", "Ravi")
THINGS = ("apples", "matchboxes", "eggs", "books", "tickets", "marbles", "pencils", "coins")
REFUSALS = (
    "I don't know.",
    "I'm sorry, but I don't know how many {thing} {name} has.",
    "I cannot determine the answer from the information given.",
    "I'm not sure how to solve this problem.",
    "I do not have enough information to answer this question.",
    "Sorry, I can't answer that. The question does not say how many {thing} {name} had.",
    "I'm not sure how many {thing} {name} has after {k} weeks of buying {b} a week.",
    "I cannot determine how many of the {a} {thing} {name} gave away.",
    "I don't know whether {name} still has {a} {thing}.",
)
STEPS = (  # chain-of-thought sentences; one holds a word ("need") that makes
    # the detector read the answer clause by clause: about 40% of the answers, as for the
    # lm-eval answers in ../shared/data/logs
    "{name} buys {b} {thing} each week for {k} weeks.",
    "That is {b}*{k} = <<{b}*{k}>> {thing} in total.",
    "We need to find how many {thing} are left after giving half away.",
    "{name} then gives away half of the {thing}.",
    "Half of the {thing} go to a friend.",
    "First add the {thing} {name} already had.",
    "Then divide by 2.",
    "Each week adds {b} more {thing}.",
)
HEDGES = (
    "I'm not sure, but I think the answer is {c}.\n#### {c}",
    "Probably {c} {thing}, though I am not certain.\n#### {c}",
)

BASELINE = r'''
import json, sys
from collections import Counter
from pathlib import Path

TARGETS = (0.0, 0.5, 0.75, 0.9)

def baseline(path):
    """json.loads + a Python loop: correct / wrong per model and the score at each t."""
    path = Path(path)
    stamp = path.stem.rsplit("_", 1)[-1]
    results = path.with_name(f"results_{stamp}.json")
    model = json.loads(results.read_text())["model_name"] if results.exists() else "unknown"
    correct, total = Counter(), Counter()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            metric = row["metrics"][0]
            total[model] += 1
            correct[model] += row[metric] == 1
    out = {}
    for m, n in total.items():
        c, w = correct[m], n - correct[m]
        out[m] = {"n": n, "correct": c,
                  "scores": {t: (c - t / (1 - t) * w) / n for t in TARGETS}}
    return out

if __name__ == "__main__":
    print(json.dumps(baseline(sys.argv[1])))
'''


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _problem(rng: random.Random) -> tuple[str, str, int]:
    name, thing = rng.choice(NAMES), rng.choice(THINGS)
    a, b, k = rng.randint(2, 400), rng.randint(2, 90), rng.randint(2, 12)
    question = (
        f"{name} has {a} {thing}. {name} buys {b} more every week for {k} weeks and then "
        f"gives half of them away. How many {thing} does {name} have left?"
    )
    c = (a + b * k) // 2
    solution = (
        f"{name} buys {b}*{k} = <<{b}*{k}={b * k}>>{b * k} {thing}.\n{name} then has "
        f"{a}+{b * k} = <<{a}+{b * k}={a + b * k}>>{a + b * k} {thing}.\nHalf of them is "
        f"{a + b * k}/2 = <<{a + b * k}/2={c}>>{c}.\n#### {c}"
    )
    return question, solution, c


def _answer(rng: random.Random, c: int, question: str) -> tuple[str, str, float]:
    """(response, extracted answer, exact_match) for one document."""
    words = question.split(" ")
    name, a, thing, b, k = words[0], words[2], words[3].rstrip("."), words[6], words[11]
    roll = rng.random()
    if roll < 0.04:  # about half of the refusals name the question's numbers: all distinct
        text = rng.choice(REFUSALS).format(name=name, thing=thing, a=a, b=b, k=k)
        return text, "[invalid]", 0.0
    got = c if roll < 0.62 else c + rng.choice((-1, 1)) * rng.randint(1, 30)
    if roll > 0.98:
        text = rng.choice(HEDGES).format(c=got, thing=thing)
    else:
        steps = rng.sample(STEPS, rng.randint(2, 4))
        text = "".join(s.format(name=name, thing=thing, b=b, k=k) + "\n" for s in steps)
        text += f"So {name} has {got} {thing} left.\n#### {got}"
    return text, str(got), float(got == c)


def _generate_line(doc_id: int, rng: random.Random, shots: list[tuple[str, str]]) -> dict[str, Any]:
    question, solution, c = _problem(rng)
    fewshot = "".join(f"Question: {q}\nAnswer: {s}\n\n" for q, s in rng.sample(shots, 8))
    prompt = json.dumps([{"role": "user", "content": f"{fewshot}Question: {question}\nAnswer:",
                          "type": "text"}])  # fmt: skip
    text, extracted, em = _answer(rng, c, question)
    return {
        "doc_id": doc_id,
        "doc": {"question": question, "answer": solution},
        "target": solution,
        "arguments": {
            "gen_args_0": {
                "arg_0": [prompt],
                "arg_1": {
                    "until": ["Question:", "</s>", "<|im_end|>"],
                    "do_sample": False,
                    "temperature": 0.0,
                },
            }
        },
        "resps": [[text]],
        "filtered_resps": [extracted],
        "filter": "strict-match",
        "metrics": ["exact_match"],
        "doc_hash": _sha(question),
        "prompt_hash": _sha(prompt),
        "target_hash": _sha(solution),
        "exact_match": em,
    }


def _loglik_line(doc_id: int, rng: random.Random, shots: list[tuple[str, str]]) -> dict[str, Any]:
    question, _, c = _problem(rng)
    options = [str(c + d) for d in rng.sample((-7, -3, 0, 5, 11), 4)]
    gold = options.index(str(c)) if str(c) in options else 0
    fewshot = "".join(f"{q}\nAnswer: {s.split('#### ')[-1]}\n\n" for q, s in rng.sample(shots, 5))
    prompt = f"{fewshot}{question}\n" + "".join(
        f"{'ABCD'[i]}. {o}\n" for i, o in enumerate(options)
    )
    lls = [-rng.uniform(0.1, 9.0) for _ in options]
    best = max(range(4), key=lls.__getitem__)
    return {
        "doc_id": doc_id,
        "doc": {"question": question, "choices": options, "answer": gold},
        "target": gold,
        "arguments": {
            f"gen_args_{i}": {"arg_0": prompt + "Answer:", "arg_1": f" {'ABCD'[i]}"}
            for i in range(4)
        },
        "resps": [[[f"{ll:.4f}", "False"]] for ll in lls],
        "filtered_resps": [[f"{ll:.4f}", "False"] for ll in lls],
        "filter": "none",
        "metrics": ["acc", "acc_norm"],
        "doc_hash": _sha(question),
        "prompt_hash": _sha(prompt),
        "target_hash": _sha(str(gold)),
        "acc": float(best == gold),
        "acc_norm": float(best == gold or rng.random() < 0.05),
    }


def write_samples(folder: Path, n: int, kind: str, seed: int) -> Path:
    """The samples file and its results file; returns the samples file's path."""
    rng = random.Random(seed)
    shots = [_problem(rng)[:2] for _ in range(40)]
    task = "gsm8k" if kind == "generate" else "mmlu_arith"
    make = _generate_line if kind == "generate" else _loglik_line
    path = folder / f"samples_{task}_{STAMP}.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for doc_id in range(n):
            fh.write(json.dumps(make(doc_id, rng, shots), ensure_ascii=False) + "\n")
    output_type = "generate_until" if kind == "generate" else "multiple_choice"
    results = {"results": {task: {}}, "model_name": MODEL,
               "configs": {task: {"output_type": output_type}}}  # fmt: skip
    (folder / f"results_{STAMP}.json").write_text(json.dumps(results))
    return path


def _dontguess(path: Path) -> Any:
    import dontguess
    from dontguess.importers import read_log

    table = read_log(path)
    return table, dontguess.score(table, targets=TARGETS)


def _time(fn: Callable[[], Any]) -> tuple[float, float]:
    """Wall and CPU seconds of ``fn()`` in this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def _child_env(cache: Path) -> dict[str, str]:
    """The environment of the timed processes: bytecode cached under ``cache``."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def _process(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, all threads) of one process."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=out, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status):
            out.seek(0)
            tail = out.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"{command[:3]} failed: {tail}")
        return wall, usage.ru_utime + usage.ru_stime


def _check(path: Path, base: dict[str, Any], table: Any) -> str:
    import numpy as np

    from dontguess.importers._common import ABSTAINED, CORRECT

    verdict = np.asarray(table.verdict)
    correct = int((verdict == CORRECT).sum())
    abstained = int((verdict == ABSTAINED).sum())
    source = np.asarray(table.groups["source_score"])
    idk_right = int(((verdict == ABSTAINED) & (source == "1")).sum())
    scorer = np.asarray(table.groups["scorer"])
    first = scorer == scorer[0]  # the baseline reads the first metric only
    c_first = int(((verdict == CORRECT) & first).sum())
    i_first = int(((verdict == ABSTAINED) & (source == "1") & first).sum())
    (stats,) = base.values()
    assert stats["correct"] == c_first + i_first, (stats, c_first, i_first)
    return (f"checked: {stats['n']} lines, baseline correct {stats['correct']} = dontguess "
            f"correct {c_first} + abstained-but-scored-1 {i_first}; dontguess: {correct} "
            f"correct, {abstained} abstained ({idk_right} of them scored 1) in {len(verdict)} "
            "records")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="lines in the samples file")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--kind", choices=("generate", "loglik"), default="generate")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--profile", action="store_true", help="cProfile read_log once and stop")
    ap.add_argument("--no-proc", action="store_true", help="skip the whole-process timings")
    args = ap.parse_args()
    namespace: dict[str, Any] = {}
    exec(compile(BASELINE, "baseline", "exec"), namespace)  # the script below, in-process
    baseline = namespace["baseline"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        path = write_samples(folder, args.n, args.kind, args.seed)
        size = path.stat().st_size
        print(f"{path.name}: {args.n:,} lines, {size / 1e6:,.1f} MB "
              f"(written in {time.perf_counter() - t0:.1f} s)")  # fmt: skip
        if args.profile:
            from dontguess.importers import read_log

            read_log(path)  # warm (regex compilation, page cache)
            prof = cProfile.Profile()
            prof.runcall(read_log, path)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
            return
        script = folder / "baseline.py"
        script.write_text(BASELINE)
        cli = [sys.executable, "-m", "dontguess", "score", str(path),
               "--format", "json", "--bootstrap", "0"]  # fmt: skip
        env = _child_env(folder / "pycache")
        runs: dict[str, Callable[[], tuple[float, float]]] = {
            "baseline": lambda: _time(lambda: baseline(path)),
            "dontguess": lambda: _time(lambda: _dontguess(path)),
        }
        if not args.no_proc:
            runs["baseline-proc"] = lambda: _process([sys.executable, str(script), str(path)], env)
            runs["cli"] = lambda: _process(cli, env)
            for name in ("baseline-proc", "cli"):
                runs[name]()  # untimed: fills the bytecode cache
        print(_check(path, baseline(path), _dontguess(path)[0]))  # also warms both
        _report(runs, args.repeat)


def _report(runs: dict[str, Callable[[], tuple[float, float]]], repeat: int) -> None:
    """Run each ``repeat`` times in rotating order; print medians, ratios and the load."""
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in runs}
    names = list(runs)
    for r in range(repeat):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            times[name].append(runs[name]())
    wall = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
    for k, v in times.items():
        each = ", ".join(f"{w:.2f}" for w, _ in v)
        print(f"{k:>14}: median {wall[k]:6.2f} s wall ({each}); {cpu[k]:6.2f} s CPU")
    pairs = [("in-process   ", "baseline", "dontguess"), ("whole-process", "baseline-proc", "cli")]
    for label, base, ours in pairs:
        if ours in times:
            print(f"ratio {label} {base} / {ours}: wall {wall[base] / wall[ours]:.2f}, "
                  f"CPU {cpu[base] / cpu[ours]:.2f}")  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
          f"python {sys.version.split()[0]}")  # fmt: skip


if __name__ == "__main__":
    main()
