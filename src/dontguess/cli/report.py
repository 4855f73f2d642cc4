"""``dontguess report``: write a self-contained HTML report of graded records."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register"]

_EPILOG = """\
Writes DIR/report.html (one self-contained file: inline CSS and SVG figures, no scripts, no
network needed to view it) and DIR/summary.json (score rows, audit, confidence metrics).
The page shows the paper's figure (right / "I don't know" / wrong shares per model and
stated target), the score at each target with bootstrap intervals, the behavioural-
calibration audit, reliability and risk-coverage plots when the records carry confidences,
and a few answers per verdict (HTML-escaped). Inputs as for `dontguess score`.

examples:
  dontguess example --out example.jsonl
  dontguess report example.jsonl --out example-report
  dontguess report runs/a runs/b --out report --by topic --bootstrap 2000
"""


def register(subparsers: Any) -> None:
    """Add the ``report`` sub-command."""
    from dontguess.cli.score import add_scoring_arguments

    parser = subparsers.add_parser(
        "report",
        help="write a self-contained HTML report (figure, scores, audit, sample answers)",
        description="Write DIR/report.html and DIR/summary.json for graded records.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_scoring_arguments(parser)
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    parser.add_argument("--title", default="dontguess report", help="page title")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from dontguess.cli.score import load_and_check
    from dontguess.report import write_report

    table, targets = load_and_check(args)
    path = write_report(
        table,
        args.out,
        targets=targets,
        by=args.by,
        all_targets=args.all_targets,
        bootstrap=args.bootstrap,
        seed=args.seed,
        sources=[str(p) for p in args.paths],
        title=args.title,
    )
    print(f"wrote {path} and {path.with_name('summary.json')} ({len(table)} records)")
    return 0
