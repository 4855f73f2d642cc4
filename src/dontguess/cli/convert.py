"""``dontguess convert``: turn other projects' graded answers into graded-records files."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register"]

_EPILOG = """\
formats (the mapping is documented in docs/score.md and dontguess.convert):
  simple-evals-ru   kuk/simple-evals-ru SimpleQA results, one .jsonl per model
                    (judge_pred correct / incorrect / not_attempted -> correct / incorrect /
                    abstained; model = file name without its NN_ prefix)
  triviaqa-persona  persona-hallucination-study rq3_responses.csv (judge_verdict -> verdict,
                    model_actual -> model, certainty_score -> confidence)

examples:
  dontguess convert simple-evals-ru ../shared/data/logs/simple_evals_ru/simpleqa/*.jsonl \\
      --out ru.jsonl
  dontguess convert triviaqa-persona \\
      ../shared/data/graded_answers/triviaqa_persona_study/rq3_responses.csv --out persona.parquet
  dontguess score persona.parquet --by condition
"""


def register(subparsers: Any) -> None:
    """Add the ``convert`` sub-command."""
    parser = subparsers.add_parser(
        "convert",
        help="convert published graded answers (simple-evals-ru, triviaqa-persona)",
        description="Convert graded answers from another project into a graded-records file.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "format",
        choices=(
            *("simple-evals-ru", "triviaqa-persona"),
            *("lm-eval", "inspect", "simple-evals", "log"),
        ),
        help="source format; lm-eval / inspect / simple-evals read harness logs (docs/import.md), "
        "log detects which from each file's content",
    )
    parser.add_argument("paths", nargs="+", metavar="FILE", help="source file(s)")
    parser.add_argument("--out", required=True, help="output file: .jsonl, .csv or .parquet")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from dontguess.convert import from_simple_evals_ru, from_triviaqa_persona
    from dontguess.errors import InputError
    from dontguess.tables import write_graded

    if args.format in ("lm-eval", "inspect", "simple-evals", "log"):
        from dontguess.importers import read_logs

        fmt = None if args.format == "log" else args.format
        table = read_logs(args.paths, fmt=fmt, allow_duplicates=True)  # score checks repeats
    elif args.format == "simple-evals-ru":
        table = from_simple_evals_ru(args.paths)
    else:
        if len(args.paths) != 1:
            raise InputError(f"triviaqa-persona takes one file, got {len(args.paths)}")
        table = from_triviaqa_persona(args.paths[0])
    path = write_graded(table, args.out)
    models = len(set(table.model.tolist()))
    print(f"wrote {len(table)} records of {models} model(s) to {path}")
    return 0
