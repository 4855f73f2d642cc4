"""Throughput of ``detect_abstention`` on the 17,550 EVOUNA NQ answers (../shared/data).

Times the detector of the working tree and, with ``--rev``, the one at a git revision
(its ``src/dontguess/grading/_abstain.py`` loaded as a module), each best of ``--repeat``
passes over every answer, interleaved so that load on a shared machine hits both alike.
Also prints how many answers each calls abstentions.

    .venv/bin/python bench/abstain_throughput.py --rev ebfb4ba --repeat 3
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dontguess.grading import detect_abstention

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("DONTGUESS_SHARED_DATA", ROOT.parent / "shared" / "data"))


def _answers() -> list[str]:
    rows = json.loads((DATA / "graded_answers/evouna/NQ.json").read_text(encoding="utf-8"))
    systems = ("fid", "gpt35", "chatgpt", "gpt4", "newbing")
    return [r[f"answer_{s}"] for r in rows for s in systems if r[f"answer_{s}"] is not None]


def _at_revision(rev: str) -> Callable[[str], bool]:
    source = subprocess.run(
        ["git", "show", f"{rev}:src/dontguess/grading/_abstain.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location("abstain_at_rev", f.name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.detect_abstention  # type: ignore[no-any-return]


def _best(detect: Callable[[str], bool], answers: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    hits = sum(detect(a) for a in answers)
    return time.perf_counter() - start, hits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="also time the detector at this git revision")
    parser.add_argument("--repeat", type=int, default=3, help="passes per detector (best)")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"shared data not found at {DATA}", file=sys.stderr)
        return 2
    answers = _answers()
    detectors = {"working tree": detect_abstention}
    if args.rev:
        detectors[f"rev {args.rev}"] = _at_revision(args.rev)
    best = {name: (float("inf"), 0) for name in detectors}
    for _ in range(args.repeat):
        for name, detect in detectors.items():
            best[name] = min(best[name], _best(detect, answers))
    for name, (seconds, hits) in best.items():
        rate = len(answers) / seconds
        print(
            f"{name:16s} {rate:8.0f} answers/s  ({len(answers)} in {seconds:.2f} s, "
            f"{hits} called abstentions)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
