"""``dontguess grade-check``: compare a grader's verdicts with reference labels."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["register"]

_EPILOG = """\
The grader (--grader) grades every labelled reply; its verdicts are compared with the
reference labels (--reference: people or another judge). Rows it leaves ungraded lower the
coverage and the recall of their class; agreement and Cohen's kappa are on the rows it
committed on. Precision of a class: when the grader says it, how often the reference
agrees. Intervals: cluster bootstrap over questions (--bootstrap N replicates, 0 = none).

shared sets (--set, read from $DONTGUESS_DATA_DIR or --data-dir):
  evouna            EVOUNA NQ, 5 systems, human correct/incorrect labels (15,433 replies)
  czech_simpleqa    Czech SimpleQA, 3 models, LLM-judge A/B/C grades
  simple-evals-ru   SimpleQA answers of 7 models, simple-evals judge (56 with a gold here)
  triviaqa_persona  --reference judge: rq3 LLM-judge verdicts; human: the spot-check
  abstention        SimpleQA answers, GPT-5-nano attempt/abstention label
A grader "abstained" is counted as "incorrect" where the reference has no such class
(evouna, triviaqa_persona), and correct/incorrect/ungraded as "attempted" on abstention.

--file PATH instead: a .jsonl/.csv/.parquet file with columns question, answers (a JSON
list, or one gold answer), reply, and the reference label column (--reference column:NAME,
default column:label; values correct/incorrect/abstained); optional group column (--by).

examples:
  dontguess grade-check --set evouna
  dontguess grade-check --set evouna --by-group --bootstrap 200 --format json
  dontguess grade-check --set triviaqa_persona --reference human
  dontguess grade-check --set evouna --export evouna.jsonl
  dontguess grade-check --file evouna.jsonl --grader column:grader --by group
  dontguess grade-check --set evouna --limit 500 --grader cascade \
      --judge openai:MODEL@http://127.0.0.1:8000/v1
"""


def register(sub: Any) -> None:
    """Add the ``grade-check`` sub-command."""
    p = sub.add_parser(
        "grade-check",
        help="compare a grader's verdicts with reference labels (agreement, kappa, ...)",
        description="Compare a grader's verdicts with human or judge labels on a labelled set.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--set", dest="set_name", metavar="NAME", help="a shared labelled set")
    source.add_argument("--file", type=Path, metavar="PATH", help="a labelled file")
    p.add_argument(
        "--grader",
        default="rules",
        metavar="rules|judge|cascade|column:NAME",
        help="who grades: the rules (default), the --judge alone, the rules then the judge "
        "for what they leave open, or a label column of --file",
    )
    p.add_argument("--judge", metavar="SPEC", help="LLM judge model spec (--grader judge|cascade)")
    p.add_argument(
        "--judge-api-key",
        metavar="KEY",
        help="judge key (prefer $DONTGUESS_JUDGE_API_KEY, else $OPENAI_API_KEY; never stored)",
    )
    p.add_argument(
        "--judge-max-tokens",
        type=int,
        default=64,
        metavar="N",
        help="token budget of one judge reply (default 64)",
    )
    p.add_argument(
        "--concurrency",
        type=int,
        default=16,
        metavar="N",
        help="judge requests in flight (default 16)",
    )
    p.add_argument(
        "--limit",
        type=int,
        metavar="N",
        help="compare only the first N labelled replies (e.g. to bound a judge's cost)",
    )
    p.add_argument(
        "--reference",
        metavar="WHO",
        help="whose labels: human / judge (per set), or column:NAME for --file",
    )
    p.add_argument(
        "--by-group",
        action="store_true",
        help="also report each group (system or model) separately",
    )
    p.add_argument("--by", default="group", metavar="COLUMN", help="group column of --file")
    p.add_argument(
        "--bootstrap",
        type=int,
        default=1000,
        metavar="N",
        help="bootstrap replicates for the intervals (default 1000; 0 = none)",
    )
    p.add_argument(
        "--bootstrap-seed",
        type=int,
        default=0,
        metavar="SEED",
        help="seed of the bootstrap's resampling of questions (default: 0)",
    )
    p.add_argument("--data-dir", type=Path, metavar="DIR", help="shared data folder")
    p.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="table for people, json for scripts (default: table)",
    )
    p.add_argument(
        "--export",
        type=Path,
        metavar="PATH",
        help="also write the compared rows (question, answers, reply, label, group, "
        "grader label) as JSONL, e.g. to grade them with another grader",
    )
    p.set_defaults(func=_run)  # fmt: skip


def _run(args: argparse.Namespace) -> int:
    from dontguess.cli._grade_check_io import labelled_rows, render
    from dontguess.errors import InputError

    if args.bootstrap < 0:
        raise InputError(f"--bootstrap must be >= 0, got {args.bootstrap}")
    rows, labels = labelled_rows(args)
    from dontguess.grading.check import check_grader

    if args.export is not None:
        from dontguess.cli._grade_check_io import export_rows

        export_rows(args, args.export)
    groups: list[tuple[str, Sequence[int]]] = [("all", range(len(rows)))]
    if args.by_group:
        names = sorted({r[3] for r in rows})
        groups += [(g, [i for i, r in enumerate(rows) if r[3] == g]) for g in names]
    reports = []
    for name, index in groups:
        reports.append(
            (
                name,
                check_grader(
                    [rows[i][1] for i in index],
                    [rows[i][2] for i in index],
                    labels=labels,
                    clusters=[rows[i][0] for i in index],
                    n_boot=args.bootstrap,
                    seed=args.bootstrap_seed,
                ),
            )
        )
    out = render(reports, args.format)
    sys.stdout.write(out)
    return 0
