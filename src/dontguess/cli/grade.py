"""``dontguess grade``: re-grade a finished run with another judge or the rules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["register"]

_EPILOG = """\
what it does:
  reads RUNDIR's spec.json and graded.jsonl (the model's answers; RUNDIR must be finished,
  with DONE) and its question set: the run's records keep every question and its golds,
  so the question file is not needed. When the run's question file is still there (or
  --dataset names one) it is loaded and must hash as the run's did; otherwise the
  questions are rebuilt from the records, which must hash the same (runs made before
  records kept the questions need the file). It grades every answer again into --out, a
  complete run directory (spec.json noting regraded_from and the new grading, graded
  files, summary.json, DONE) that `score` and `report` read. The model is never asked;
  RUNDIR is only read, never written. NEW_DIR's journal holds the judge's calls:
  rerunning the same command resumes and asks no judge question twice.

%(judge)s
examples:
  dontguess grade runs/qwen --judge openai:gpt-4o-mini@https://api.openai.com/v1 \\
      --out runs/qwen-judged
  dontguess grade runs/qwen --judge hf:models/judge --grader judge --out runs/qwen-hf
  dontguess grade runs/qwen-judged --grader rules --out runs/qwen-rules
  dontguess score runs/qwen-judged --by method
"""


def register(subparsers: Any) -> None:
    """Add the ``grade`` sub-command."""
    from dontguess.cli._judging import JUDGE_EPILOG, add_judge_arguments

    p = subparsers.add_parser(
        "grade",
        help="re-grade a finished run with an LLM judge or the rules, into a new directory",
        description="Grade a finished run's answers again, without asking the model again.",
        epilog=_EPILOG % {"judge": JUDGE_EPILOG.replace("%", "%%")},
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    a = p.add_argument
    a("rundir", metavar="RUNDIR", help="a finished run directory (read only)")
    a("--out", required=True, metavar="NEW_DIR", help="the new run directory (reruns resume)")
    a("--dataset", metavar="NAME|PATH", help="the run's question set, if not where it was")
    add_judge_arguments(p)
    a("--concurrency", type=int, default=32, metavar="C", help="judge requests in flight")
    a("--timeout", type=float, default=120.0, help="seconds per judge request (default 120)")
    a("--max-reply-mb", type=float, default=8.0, metavar="MIB", help="reply size cap")
    a("--max-retries", type=int, default=6, help="retries of 429/5xx/time-outs (default 6)")
    a("--retry-delay", type=float, default=0.5, help="first backoff in seconds (default 0.5)")
    a("--format", choices=("table", "json", "csv"), default="table", help="summary format")
    p.set_defaults(func=_grade)


def _check(args: argparse.Namespace) -> None:
    from dontguess.cli._judging import grader_mode
    from dontguess.errors import InputError

    if args.concurrency < 1 or args.max_retries < 0 or args.timeout <= 0:
        raise InputError("--concurrency must be >= 1, --max-retries >= 0 and --timeout > 0")
    if not args.max_reply_mb > 0 or args.max_reply_mb == float("inf"):
        raise InputError(f"--max-reply-mb must be a positive number, got {args.max_reply_mb}")
    grader_mode(args)
    if Path(args.out).resolve() == Path(args.rundir).resolve():
        raise InputError("--out must be a new directory: the source run is never modified")


def _file_present(dataset: str) -> bool:
    """Whether ``dataset`` names a question file (or folder) that exists here; built-in,
    ``probe:`` and ``hf:`` names are not files."""
    from dontguess.items import BUILTIN_SETS

    if dataset in BUILTIN_SETS or dataset.startswith(("hf:", "probe:")):
        return False
    return Path(dataset).expanduser().exists()


def _items(args: argparse.Namespace, source: Any) -> list[Any] | None:
    """The run's question set, or ``None``: rebuilt from the records (see the epilog)."""
    from dontguess.errors import InputError
    from dontguess.items import dataset_hash, load_items

    if args.dataset is None and source.self_contained:
        if not _file_present(source.spec.dataset):
            return None
    where = args.dataset or source.spec.dataset
    try:
        items = load_items(where, limit=source.spec.limit)
    except InputError as exc:
        if args.dataset is not None or source.self_contained:
            raise
        raise InputError(
            f"{exc}; {source.path}'s records do not keep their questions (a run made "
            "before they did): give the run's question set with --dataset"
        ) from exc
    if dataset_hash(items) != source.spec.dataset_hash:
        raise InputError(
            f"question set {where!r} is not the one {source.path} was run on (hash "
            f"{dataset_hash(items)}, the run's {source.spec.dataset_hash}); give the run's "
            "set with --dataset"
        )
    return items


def _grade(args: argparse.Namespace) -> int:
    from dontguess.backends.base import FatalBackendError
    from dontguess.cli._judging import build_grader, grading_line
    from dontguess.cli._output import emit_summary
    from dontguess.cli.run import _arguments, _fatal_message
    from dontguess.runner import RunOptions, read_source, regrade
    from dontguess.store import RunDir

    _check(args)
    source = read_source(args.rundir)
    items = _items(args, source)
    grader = build_grader(args, max_reply_bytes=args.max_reply_mb * 2**20)
    options = RunOptions(notes={"arguments": _arguments(args)})
    try:
        result = regrade(source, items, grader, RunDir(args.out), options)
    except KeyboardInterrupt:
        print(
            f"dontguess grade: interrupted; judge replies received are in "
            f"{args.out}/journal.sqlite, rerun the same command to resume",
            file=sys.stderr,
        )
        return 130
    except FatalBackendError as exc:
        _fatal_message(exc, Path(args.out), "grade")
        return 1
    emit_summary(result.summary["rows"], result.summary["audit"], args.format)
    line = grading_line(result.summary.get("grading"))
    print(
        f"{len(result.records)} records re-graded from {args.rundir} -> {args.out}"
        + (f"\n{line}" if line else ""),
        file=sys.stderr,
    )
    return 0
