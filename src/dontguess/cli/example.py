"""``dontguess example``: write a synthetic graded-records file to try the other commands on."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register"]

_EPILOG = """\
The records are simulated, not from any real model (see docs/score.md): three models
(always-guess, calibrated-abstainer, overconfident) answer N items in four topics under the
closed rubric and under stated targets t = 0, 0.5, 0.75, 0.9, with confidences.

examples:
  dontguess example --out example.jsonl
  dontguess example --out example.parquet --n 1000 --seed 7
  dontguess score example.jsonl --by topic
  dontguess report example.jsonl --out example-report
"""


def register(subparsers: Any) -> None:
    """Add the ``example`` sub-command."""
    parser = subparsers.add_parser(
        "example",
        help="write a synthetic graded-records file (simulated models, seeded)",
        description="Write a seeded synthetic graded-records file (.jsonl, .csv or .parquet).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", required=True, help="output file: .jsonl, .csv or .parquet")
    parser.add_argument("--n", type=int, default=200, help="number of items (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from dontguess.errors import InputError
    from dontguess.example import simulate_graded
    from dontguess.tables import write_graded

    if args.n < 1:
        raise InputError(f"--n must be >= 1, got {args.n}")
    table = simulate_graded(args.n, seed=args.seed)
    path = write_graded(table, args.out)
    print(f"wrote {len(table)} simulated records ({args.n} items) to {path}")
    return 0
