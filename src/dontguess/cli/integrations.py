"""``dontguess integrations``: where the adapters for other tools live."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register"]

_EPILOG = """\
lm-eval-path prints the folder of the lm-evaluation-harness tasks shipped with dontguess,
for lm_eval --include_path (tasks dontguess_simpleqa_closed, dontguess_simpleqa_t0,
_t0.5, _t0.75, _t0.9 and the group dontguess_simpleqa; see docs/integrations.md).

example:
  TASKS=$(dontguess integrations lm-eval-path)
  lm_eval --model local-chat-completions --apply_chat_template \\
      --model_args model=MODEL,base_url=http://127.0.0.1:8000/v1/chat/completions \\
      --include_path "$TASKS" --tasks dontguess_simpleqa \\
      --metadata '{"dataset": "questions.jsonl"}' --log_samples --output_path out
"""


def register(subparsers: Any) -> None:
    """Add the ``integrations`` sub-command."""
    p = subparsers.add_parser(
        "integrations",
        help="adapters for inspect_ai, lm-evaluation-harness and TRL (paths, help)",
        description="Adapters that run dontguess grading and scoring inside other tools.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    path = sub.add_parser(
        "lm-eval-path",
        help="print the folder of the shipped lm-eval tasks (for --include_path)",
        description="Print the folder of the shipped lm-eval task YAMLs.",
    )
    path.set_defaults(func=_lm_eval_path)


def _lm_eval_path(args: argparse.Namespace) -> int:
    from dontguess.integrations.lm_eval import tasks_path

    print(tasks_path())
    return 0
