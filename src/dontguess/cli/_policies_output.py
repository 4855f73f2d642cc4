"""``score --policies``: re-score a closed-rubric run under abstention policies and print them.

The rows come from :func:`dontguess.confidence.score_policies`; this module adds the options,
builds the rows from parsed arguments and prints them as a rich table or CSV. JSON output
adds them to the score document as its ``policies`` list (:func:`dontguess.cli._output`).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = [
    "POLICIES_EPILOG",
    "add_policy_arguments",
    "policies_table",
    "policy_rows",
    "print_policies",
]

POLICIES_EPILOG = """\
policies (--policies; no new requests, closed-rubric answers re-scored per question):
  as-is                  the answers as given
  threshold:ESTIMATOR    answer iff that confidence > t, else "I don't know" (one per
                         confidence the records carry: confidence, confidence_<name> columns,
                         agreement of K >= 2 samples)
  consistency@K[:TAU]    answer iff the first K samples agree (share >= TAU, default all);
                         consistency@2 is the default when the run asked 2+ samples
  prompted               the model told t in its prompt (open-rubric records at t)
  each at every --targets t with a question bootstrap; "vs prompted" is a paired bootstrap of
  policy - prompted (positive: the post-hoc policy scores higher). Counts are questions.
  dontguess score RUNDIR --policies --consistency consistency@2 --format json
"""


def add_policy_arguments(parser: argparse.ArgumentParser) -> None:
    """``--policies``, ``--estimators``, ``--consistency`` (see :data:`POLICIES_EPILOG`)."""
    parser.add_argument(
        "--policies",
        action="store_true",
        help="also re-score the closed-rubric answers under abstention policies at every t "
        "(table; JSON: a 'policies' list; CSV: the policy rows only); see docs/confidence.md",
    )
    parser.add_argument(
        "--estimators",
        default=None,
        metavar="NAMES",
        help="comma-separated confidences for threshold policies (default: every one the "
        "records carry, e.g. confidence,agreement,verbal)",
    )
    parser.add_argument(
        "--consistency",
        action="append",
        default=None,
        metavar="SPEC",
        help="consistency policy consistency@K or consistency@K:TAU, K in 2..20, TAU in (0, 1] "
        "(repeatable; default consistency@2 when the run has 2+ samples per question)",
    )


def policy_rows(table: Any, targets: list[float], args: argparse.Namespace) -> list[Any] | None:
    """The policy rows asked for by ``args`` (``None`` without ``--policies``)."""
    from dontguess.errors import InputError

    if not getattr(args, "policies", False):
        if getattr(args, "estimators", None) or getattr(args, "consistency", None):
            raise InputError("--estimators and --consistency need --policies")
        return None
    from dontguess.confidence import parse_consistency, score_policies  # imports the grading rules

    estimators = None
    if args.estimators is not None:
        estimators = [e.strip() for e in args.estimators.split(",") if e.strip()]
        if not estimators:
            raise InputError(f"--estimators: no estimator named in {args.estimators!r}")
    for spec in args.consistency or ():
        try:
            parse_consistency(spec)
        except ValueError as exc:
            raise InputError(f"--consistency: {exc}") from None
    return score_policies(
        table,
        targets=targets,
        estimators=estimators,
        consistency=args.consistency,
        bootstrap=args.bootstrap,
        seed=args.seed,
    )


def _versus(row: dict[str, Any]) -> str:
    from dontguess.report._format import fmt_num

    diff = row.get("difference")
    if diff is None:
        return "–"
    return f"{diff:+.3f} (p={fmt_num(row.get('p_value'), '.3f')})"


def policies_table(rows: list[dict[str, Any]]) -> Any:
    """A rich table of policy rows: one section per (model, t)."""
    from rich.table import Table

    from dontguess.report._format import score_text

    table = Table(
        title="Abstention policies re-scored per question (+1 right, −t/(1−t) wrong, 0 IDK)",
        caption="vs prompted: policy − prompted on the questions both decided, p two-sided "
        "(paired bootstrap; intervals in --format json); undecided: no graded answer or no "
        "confidence. Counts are questions.",
        caption_justify="left",
    )
    table.add_column("model", no_wrap=True, max_width=40)
    table.add_column("t", justify="right", no_wrap=True)
    table.add_column("policy", no_wrap=True)
    for name in ("n", "right", "wrong", "IDK", "undecided"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("score [95% CI]", justify="right", no_wrap=True)
    table.add_column("vs prompted", justify="right", no_wrap=True)
    ordered = sorted(rows, key=lambda r: (str(r["model"]), r["scored_target"]))
    for i, r in enumerate(ordered):
        nxt = ordered[i + 1] if i + 1 < len(ordered) else None
        last = nxt is None or (nxt["model"], nxt["scored_target"]) != (
            r["model"],
            r["scored_target"],
        )
        table.add_row(
            str(r["model"]), f"{r['scored_target']:g}", str(r["policy"]), str(r["n_questions"]),
            str(r["n_correct"]), str(r["n_incorrect"]), str(r["n_abstained"]),
            str(r["n_undecided"]), score_text(r), _versus(r), end_section=last,
        )  # fmt: skip
    return table


def print_policies(rows: list[dict[str, Any]] | None, console: Any) -> None:
    """Print the policies table (nothing when ``rows`` is None or empty)."""
    import os

    from rich.console import Console

    if not rows:
        return
    if console is None:  # as the score tables: piped output is not squeezed into 80 columns
        wide = not sys.stdout.isatty() and "COLUMNS" not in os.environ
        console = Console(width=160) if wide else Console()
    console.print(policies_table(rows))
