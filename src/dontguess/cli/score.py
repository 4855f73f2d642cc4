"""``dontguess score``: score graded-records files at confidence targets."""

from __future__ import annotations

import argparse
from typing import Any

from dontguess.cli import _policies_output

__all__ = ["add_scoring_arguments", "load_and_check", "parse_targets", "register"]

_EPILOG = """\
input columns: item_id, model, verdict (correct / incorrect / abstained; empty or "ungraded"
for records that could not be graded, with an optional ungraded_reason); optional
stated_target (the t stated in the prompt; empty = closed rubric), style, sample,
confidence (in [0, 1]), answer; any other column can be used with --by.
PATH may be a .jsonl, .csv or .parquet file or a run directory (holding graded.parquet or
graded.jsonl). Closed-rubric records are scored at every --targets value; open-rubric
records at the target their prompt stated (or at every target with --all-targets).

score at target t: +1 per right answer, -t/(1-t) per wrong one, 0 per "I don't know",
averaged over graded records (t=0 is plain accuracy; penalties 0, 1, 3, 9 at t=0, .5, .75, .9).

examples:
  dontguess example --out example.jsonl
  dontguess score example.jsonl
  dontguess score example.jsonl --by topic --bootstrap-seed 7 --format json
  dontguess score example.jsonl --targets 0,0.9 --bootstrap 0 --format csv
"""


def parse_targets(text: str) -> list[float]:
    """Parse ``"0,0.5,0.75"`` into floats, each in [0, 1)."""
    from dontguess.errors import InputError

    targets: list[float] = []
    for part in text.split(","):
        try:
            t = float(part)
        except ValueError:
            raise InputError(f"--targets: {part.strip()!r} is not a number") from None
        if not 0.0 <= t < 1.0:
            raise InputError(
                f"--targets: {t:g} is outside [0, 1) (t=1 would be an infinite penalty)"
            )
        targets.append(t)
    return targets


class _DeprecatedSeed(argparse.Action):
    """``--seed`` of ``score``/``report``: the bootstrap seed, now ``--bootstrap-seed``."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option: Any = None) -> None:
        import sys

        print(f"{parser.prog}: note: --seed is deprecated, use --bootstrap-seed", file=sys.stderr)
        setattr(namespace, self.dest, values)


def add_scoring_arguments(parser: argparse.ArgumentParser) -> None:
    """The options shared by ``score`` and ``report``."""
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="graded-records file, run dir or harness log"
    )
    parser.add_argument(
        "--from",
        dest="log_format",
        choices=("lm-eval", "inspect", "simple-evals"),
        default=None,
        help="read every PATH as a log of this harness (default: logs are detected from their "
        "content; see docs/import.md)",
    )
    parser.add_argument(
        "--partial-threshold",
        type=float,
        default=None,
        metavar="X",
        help="logs: a score that is neither 0 nor 1 (inspect P = 0.5, an F1) counts as correct "
        "when >= X, else wrong (default: such answers are ungraded)",
    )
    parser.add_argument(
        "--targets",
        default="0,0.5,0.75,0.9",
        help="comma-separated confidence targets in [0, 1) (default 0,0.5,0.75,0.9)",
    )
    parser.add_argument(
        "--by", action="append", default=[], metavar="COLUMN", help="group by COLUMN (repeatable)"
    )
    parser.add_argument(
        "--all-targets",
        action="store_true",
        help="also score open-rubric records at targets other than the one they were told",
    )
    parser.add_argument(
        "--allow-duplicates",
        action="store_true",
        help="count every record even when several share one (item_id, model, condition, "
        "sample); by default a repeat is an error naming both lines",
    )
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=1000,
        metavar="N",
        help="bootstrap resamples (of questions) for the 95%% score intervals "
        "(default 1000; 0: none, faster)",
    )
    parser.add_argument(
        "--bootstrap-seed",
        dest="seed",
        type=int,
        default=0,
        metavar="S",
        help="seed of the bootstrap resampling (default 0)",
    )
    # Old spelling, easily confused with `run --seed` (the server's sampling seed): hidden.
    parser.add_argument(
        "--seed", dest="seed", type=int, action=_DeprecatedSeed, help=argparse.SUPPRESS
    )


def register(subparsers: Any) -> None:
    """Add the ``score`` sub-command."""
    parser = subparsers.add_parser(
        "score",
        help="score graded records at confidence targets (table, JSON or CSV)",
        description="Score graded records: counts, rates and confidence-target scores per "
        "model, stated target and group, plus the behavioural-calibration audit.",
        epilog=_EPILOG + "\n" + _policies_output.POLICIES_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_scoring_arguments(parser)
    parser.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="table (default), json ({rows, audit, calibration}; NaN as null) or csv (rows)",
    )
    _policies_output.add_policy_arguments(parser)
    parser.set_defaults(func=_run)


def load_and_check(args: argparse.Namespace) -> tuple[Any, list[float]]:
    """Read the records, parse ``--targets`` and check ``--by`` / ``--bootstrap``."""
    import sys
    from pathlib import Path

    from dontguess._util.memory import tune_for_tables
    from dontguess.errors import InputError
    from dontguess.tables import read_graded

    tune_for_tables()  # this command's own process: see _util/memory.py
    targets = parse_targets(args.targets)
    if getattr(args, "bootstrap", 0) < 0:
        raise InputError(f"--bootstrap must be >= 0, got {args.bootstrap}")
    fmt, threshold = getattr(args, "log_format", None), getattr(args, "partial_threshold", None)
    if fmt is not None or threshold is not None:
        from dontguess.importers import read_logs

        table = read_logs(
            args.paths,
            fmt=fmt,
            partial_threshold=threshold,
            allow_duplicates=args.allow_duplicates,
        )
    else:
        table = read_graded(args.paths, allow_duplicates=args.allow_duplicates)
    for path in map(Path, args.paths):
        if path.is_dir() and (path / "spec.json").is_file() and not (path / "DONE").exists():
            print(
                f"dontguess {args.command}: note: {path} has no DONE marker; the run did not "
                "finish and these results may be partial",
                file=sys.stderr,
            )
    for name in args.by:
        if name not in table.groups:
            have = ", ".join(sorted(table.groups)) or "none"
            raise InputError(f"--by {name}: no such column in the input (group columns: {have})")
    return table, targets


def _run(args: argparse.Namespace) -> int:
    import math

    from dontguess.cli._output import emit_summary
    from dontguess.metrics import calibration_audit
    from dontguess.report import calibration_summary
    from dontguess.scoring import summarize

    table, targets = load_and_check(args)
    rows = summarize(
        table,
        targets=targets,
        by=args.by,
        all_targets=args.all_targets,
        bootstrap=args.bootstrap,
        seed=args.seed,
        zero_division=math.nan,  # undefined (no graded / no attempted record): JSON null, "–"
    )
    audit = calibration_audit(table)
    policies = _policies_output.policy_rows(table, targets, args)  # None without --policies
    calibration = calibration_summary(table)
    emit_summary(rows, audit, args.format, calibration=calibration, policies=policies)
    return 0
