"""``dontguess audit``: the paper's benchmark audit (§4, Table 2) on the user's own logs."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register"]

_EPILOG = """\
For each benchmark in the logs: whether its grading was binary (every score 0 or 1 and no
credit for "I don't know"; Observation 1 of the paper then says guessing always pays), how
many answers were abstentions and what the benchmark gave them, each model's score at the
confidence targets (+1 right, -t/(1-t) wrong, 0 IDK; t=0 is the benchmark's own accuracy),
the ranking at each t, and the pairs of models whose order differs from the ranking at the
lowest t, each with a paired bootstrap p-value (questions resampled, same draw for both).

LOG: lm-eval samples_*.jsonl, inspect .eval / .json logs, simple-evals reports (detected
from the content; docs/import.md gives each mapping), or graded-records files and run
directories. A file of aggregate metrics is skipped with a note, unless it holds counts of
right / wrong / not-attempted answers per model (the simple-evals fork's
quality_benchmark_results.json): those give exact scores, but no p-values (the counts do not
say which question each answer was). As in `dontguess score`, a record that repeats an
(item_id, model, condition, sample) already read is an error naming both places (the same
run given twice, or one run in two formats); --allow-duplicates counts every copy.

examples:
  dontguess audit --table2
  dontguess audit logs/*.eval --format json
  dontguess audit samples_gsm8k_*.jsonl --targets 0,0.9 --bootstrap 2000
"""


def register(subparsers: Any) -> None:
    """Add the ``audit`` sub-command."""
    parser = subparsers.add_parser(
        "audit",
        help="audit benchmarks in lm-eval / inspect / simple-evals logs (binary grading, IDK)",
        description="The paper's benchmark audit on your own logs: binary grading, abstentions, "
        "scores and rankings at confidence targets.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="LOG", help="log files (see below)")
    parser.add_argument(
        "--table2", action="store_true", help="print the paper's survey of benchmarks and exit"
    )
    parser.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="table for people, json for scripts (default: table)",
    )
    parser.add_argument(
        "--targets", default="0,0.5,0.75,0.9", help="confidence targets (default 0,0.5,0.75,0.9)"
    )
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=1000,
        metavar="N",
        help="paired bootstrap replicates per swapped pair (default 1000; 0: no p-values)",
    )
    parser.add_argument(
        "--bootstrap-seed",
        dest="seed",
        type=int,
        default=0,
        metavar="S",
        help="seed of the paired bootstrap's resampling (default: 0)",
    )
    parser.add_argument(
        "--from",
        dest="log_format",
        choices=("lm-eval", "inspect", "simple-evals"),
        default=None,
        help="read every LOG as this harness's log (default: detected from the content)",
    )
    parser.add_argument(
        "--allow-duplicates",
        action="store_true",
        help="count every record even when several share one (item_id, model, condition, "
        "sample); by default a repeat is an error naming both places",
    )
    parser.add_argument(
        "--partial-threshold",
        type=float,
        default=None,
        metavar="X",
        help="a score neither 0 nor 1 counts as correct when >= X (default: ungraded)",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from dontguess.cli._audit_output import emit_audit, emit_table2
    from dontguess.cli.score import parse_targets
    from dontguess.errors import InputError
    from dontguess.importers import audit_benchmarks

    if args.table2:
        emit_table2(args.format)
        return 0
    if not args.paths:
        raise InputError("give at least one LOG (or --table2)")
    if args.bootstrap < 0:
        raise InputError(f"--bootstrap must be >= 0, got {args.bootstrap}")
    targets = parse_targets(args.targets)
    table, skipped, notes = _read(args)
    for path, reason in skipped:
        print(f"dontguess audit: note: skipped {path}: {reason}", file=sys.stderr)
    result = audit_benchmarks(
        table, targets=targets, bootstrap=args.bootstrap, seed=args.seed, notes=notes
    )
    emit_audit(result, targets, skipped, args.format)
    return 0


def _read(args: argparse.Namespace) -> tuple[Any, list[tuple[str, str]], dict[str, str]]:
    """The records of every LOG (checked for repeats), the skipped files and counts' notes."""
    from dontguess.errors import InputError
    from dontguess.importers import AggregateOnlyError, detect_format, read_log
    from dontguess.importers._audit_counts import read_counts
    from dontguess.tables import read_graded

    parts, skipped, notes = [], [], {}
    for path in args.paths:
        try:
            if args.log_format or detect_format(path):
                parts.append(
                    (
                        path,
                        read_log(
                            path, fmt=args.log_format, partial_threshold=args.partial_threshold
                        ),
                    )
                )
            else:
                parts.append((path, read_graded(path, allow_duplicates=args.allow_duplicates)))
        except AggregateOnlyError as exc:
            counts = read_counts(path)
            if counts is None:
                skipped.append((path, str(exc).removeprefix(f"{path}: ")))
                continue
            parts.append((path, counts.table))
            if counts.note:
                notes[counts.benchmark] = counts.note
    if not parts:
        raise InputError("none of the files holds per-answer records (all aggregate-only)")
    return _concat(parts, args.allow_duplicates), skipped, notes


def _concat(parts: list[tuple[str, Any]], allow_duplicates: bool) -> Any:
    """Concatenate the files' records; unless allowed, refuse a repeated key as `score` does
    (the error names the file and row of both copies).

    The key is (item_id, model, condition, sample) within a benchmark: harnesses number
    each task's questions from 0, so one model's gsm8k and arc logs share item ids without
    repeating an answer.
    """
    from dontguess._util.factorize import factorize
    from dontguess.importers._keys import benchmark_items
    from dontguess.tables import concat_graded
    from dontguess.tables._io import Where
    from dontguess.tables._unique import Codes, Source, check_unique

    table = concat_graded([t for _, t in parts])
    if allow_duplicates:
        return table
    sources, start = [], 0
    for path, part in parts:
        models, model_codes = factorize(part.model, sort=False)
        items, item_codes = benchmark_items(part)
        codes = Codes(items, item_codes, list(models), model_codes)
        sources.append(Source(Where(str(path), None), start, start + len(part), codes))
        start += len(part)
    check_unique(table, sources)
    return table
