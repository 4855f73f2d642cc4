"""``dontguess demo``: the lab end to end (what ``make demo`` runs)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from dontguess.cli.lab import THREADS_HELP, LabHelpFormatter, preset_help

__all__ = ["register"]

_EPILOG = """\
examples:
  dontguess demo --out demo-out                 # ~1.5 min on 2 idle cores (~140 s CPU)
  dontguess demo --out demo-out --seed 1        # another world
  dontguess demo --out demo-out --incentives --poor-models   # + the two slower sections
  dontguess demo --out gpu-out --device cuda --preset cuda --full-sweep

It draws a synthetic world of people with arbitrary facts (birthdays, cities), writes the
training corpus, measures the Appendix B calibrated learner and trains a small GPT-2 on the
corpus, and measures err, err_iiv, delta, err by how often a fact was stated and the
Theorem 1/2 bounds exactly under mu (a sum over every prompt of the world; the test-sample
estimates are shown beside them), scores answer policies at confidence targets 0, 0.5,
0.75, 0.9 on the test prompts, sweeps the singleton rate, and writes OUT/report.html,
OUT/summary.json and the checkpoint OUT/model (loadable with hf:OUT/model).

What it shows: err by mention count (facts never stated are guessed, facts stated once are
mostly not learned, facts stated 6+ times are); the calibrated learner meeting Theorem 2's
upper bound, which holds for that learner only. At the demo's N = 3,000 Theorem 2's 99%
floor is negative (vacuous) for both models, so it is not a test of Theorem 2 on the
transformer; scripts/gpu_lab.sh is sized for N = 200,000, where the floor can be positive.
--incentives adds post-training under binary vs confidence-target reward (also
`dontguess lab incentives`), --poor-models the Theorem 3 demonstrations (also `dontguess
lab poor-models`); each takes minutes on 2 CPU cores, so both are off by default.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` sub-command."""
    p = subparsers.add_parser(
        "demo",
        help="synthetic-facts lab end to end: train, measure, report",
        description="Hallucination in a synthetic world of arbitrary facts: a calibrated "
        "learner and a GPT-2 trained on the facts, measured exactly against the paper's "
        "bounds.",
        epilog=_EPILOG,
        formatter_class=LabHelpFormatter,
    )
    p.add_argument("--out", default="demo-out", help="output folder (default: demo-out)")
    p.add_argument("--seed", type=int, default=0, help="world and training seed (default 0)")
    p.add_argument(
        "--preset",
        default="cpu",
        choices=["tiny", "cpu", "cuda"],
        help=preset_help("transformer size and epochs (default cpu)"),
    )
    p.add_argument("--device", default=None, help="torch device, e.g. cuda (default: preset's)")
    p.add_argument(
        "--threads", type=int, default=None, help=THREADS_HELP + "; it prints its choice"
    )
    p.add_argument(
        "--full-sweep",
        action="store_true",
        help="also train a transformer at every sweep point (slow on CPU)",
    )
    p.add_argument(
        "--incentives",
        action="store_true",
        help="also post-train the model under binary and confidence-target rewards "
        "(~2 min of CPU time on the demo model; see dontguess lab incentives)",
    )
    p.add_argument(
        "--poor-models",
        action="store_true",
        help="also run the Theorem 3 demonstrations (trigram vs GPT-2, letter counting)",
    )
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from dontguess.errors import InputError
    from dontguess.lab.demo import DEMO_WORLD, DemoConfig, plain_summary, run_demo
    from dontguess.lab.incentives import IncentiveConfig
    from dontguess.lab.sweep import SweepConfig

    if args.threads is not None and args.threads < 1:
        raise InputError(f"--threads must be >= 1, got {args.threads}")
    sweep = SweepConfig(
        seed=args.seed,
        train_preset=args.preset if args.full_sweep else None,
        device=args.device,
    )
    if args.full_sweep and args.preset != "cuda":
        sweep = replace(sweep, n_train=DEMO_WORLD.n_train, n_test=DEMO_WORLD.n_test)
    config = DemoConfig(
        world=replace(DEMO_WORLD, seed=args.seed),
        preset=args.preset,
        device=args.device,
        sweep=sweep,
        threads=args.threads,
        incentives=IncentiveConfig(device=args.device or "cpu") if args.incentives else None,
        poor_models=args.poor_models,
    )
    start = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - start:5.0f}s] {message}", file=sys.stderr, flush=True)

    out = Path(args.out)
    summary = run_demo(config, out, progress=say)
    print()
    for line in plain_summary(summary):
        print("- " + line)
    print(
        f"\nwrote {out / 'report.html'}, {out / 'summary.json'} and {out / 'model'} "
        f"in {summary['seconds']:.0f}s"
    )
    return 0 if all(summary["checks"].values()) else 1
