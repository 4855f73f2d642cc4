"""The LLM-judge options shared by ``dontguess run`` and ``dontguess grade``."""

from __future__ import annotations

import argparse
import os
from typing import Any

__all__ = [
    "GRADER_MODES",
    "JUDGE_EPILOG",
    "JUDGE_KEY_ENV",
    "add_judge_arguments",
    "build_grader",
    "grading_line",
    "judge_hint",
]

#: The --grader choices: :data:`dontguess.grading.GRADER_MODES`, spelled out here so that
#: building the CLI parser does not import the grading rules (a test checks they agree).
GRADER_MODES = ("rules", "judge", "cascade")

#: Environment variable read for the judge's key when --judge-api-key is not given.
JUDGE_KEY_ENV = "DONTGUESS_JUDGE_API_KEY"

JUDGE_EPILOG = """\
grading (--judge, --grader):
  without --judge the rules grade alone (--grader rules); what they cannot decide stays
  ungraded, counted apart. --judge SPEC adds an LLM judge (any model spec: openai:MODEL@URL,
  hf:PATH, scripted:table=FILE) asked for CORRECT / INCORRECT / NOT_ATTEMPTED at
  temperature 0, seed 0:
    --grader cascade  (default with --judge) the rules decide what they can prove, the
                      judge decides the rest
    --grader judge    the judge grades every answer
    --grader rules    the rules alone
  Each record's method column says who decided (rules / judge) and judge_reply keeps the
  judge's raw reply; a reply with no clear label, or a judge error, leaves the record
  ungraded with a reason starting "judge". Judge calls are journaled with the model's
  answers: a rerun asks no judge question twice. The judge's key: --judge-api-key, else
  $DONTGUESS_JUDGE_API_KEY, else $OPENAI_API_KEY (never --api-key, which is the model's;
  never stored). spec.json names the judge model and the template hash, never its URL
  or key. A judge that cannot be used (401, unreachable) stops the run (exit 1, no DONE).
"""


def add_judge_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --judge, --grader, --judge-api-key and --judge-max-tokens to ``parser``."""
    a = parser.add_argument
    a("--judge", metavar="SPEC", help="LLM judge model spec (see 'grading' below)")
    a(
        "--grader",
        choices=GRADER_MODES,
        help="rules | judge | cascade (default: cascade with --judge, rules without)",
    )
    a("--judge-api-key", metavar="KEY", help=f"judge key (prefer ${JUDGE_KEY_ENV}; never stored)")
    a(
        "--judge-max-tokens",
        type=int,
        default=64,
        metavar="N",
        help="token budget of one judge reply (default 64; more for models that reason first)",
    )


def grader_mode(args: argparse.Namespace) -> str:
    """The grading mode asked for; ``--grader judge|cascade`` without ``--judge`` is an error."""
    from dontguess.errors import InputError

    mode = str(args.grader or ("cascade" if args.judge else "rules"))
    if mode != "rules" and not args.judge:
        raise InputError(f"--grader {mode} needs a judge: add --judge SPEC")
    if mode == "rules" and args.judge:
        raise InputError(
            "--grader rules asks no judge: drop --judge, or choose --grader judge|cascade"
        )
    if args.judge_max_tokens < 1:
        raise InputError(f"--judge-max-tokens must be >= 1, got {args.judge_max_tokens}")
    return mode


def build_grader(args: argparse.Namespace, *, max_reply_bytes: float | None = None) -> Any:
    """The grader ``args`` ask for: the rules alone, or a cascade with an LLM judge.

    Uses ``args.concurrency``, ``args.timeout``, ``args.max_retries`` and
    ``args.retry_delay`` for the judge as for the model.
    """
    from dontguess.backends import make_backend
    from dontguess.grading import CascadeGrader, DeterministicGrader, LLMJudge

    mode = grader_mode(args)
    if mode == "rules":
        return DeterministicGrader()
    key = args.judge_api_key or os.environ.get(JUDGE_KEY_ENV) or None
    backend = make_backend(
        args.judge,
        api_key=key,
        api="chat",
        concurrency=args.concurrency,
        timeout=args.timeout,
        max_reply_bytes=max_reply_bytes,
    )
    judge = LLMJudge(
        backend,
        max_tokens=args.judge_max_tokens,
        max_retries=args.max_retries,
        base_delay=args.retry_delay,
    )
    return CascadeGrader(DeterministicGrader(), judge, mode=mode)


def judge_hint(message: str) -> str:
    """A judge failure's message with the judge's key options in place of the model's.

    >>> judge_hint("judge openai:j: refused: check --api-key / OPENAI_API_KEY").split(": ")[-1]
    'check --judge-api-key / DONTGUESS_JUDGE_API_KEY / OPENAI_API_KEY'
    """
    if not message.startswith("judge "):
        return message
    return message.replace(
        "check --api-key / OPENAI_API_KEY",
        f"check --judge-api-key / {JUDGE_KEY_ENV} / OPENAI_API_KEY",
    )


def grading_line(grading: Any) -> str | None:
    """One line on who graded what, or ``None`` for a rules-only run.

    >>> print(grading_line({"grader": "cascade", "judge": "openai:j",
    ...     "decided": {"rules": 7, "judge": 2}, "ungraded": {"judge": 1},
    ...     "judge_requests": {"records": 3, "sent": 4, "from_journal": 0}}))
    graded by cascade, judge openai:j: 7 by the rules, 2 by the judge, 1 ungraded (judge 1);
      judge asked about 3 records: 4 requests sent, 0 from the journal
    """
    if not isinstance(grading, dict) or grading.get("judge") is None:
        return None
    decided, ungraded = grading.get("decided", {}), grading.get("ungraded", {})
    left = sum(ungraded.values())
    why = ", ".join(f"{k} {v}" for k, v in ungraded.items())
    line = (
        f"graded by {grading['grader']}, judge {grading['judge']}: "
        f"{decided.get('rules', 0)} by the rules, {decided.get('judge', 0)} by the judge, "
        f"{left} ungraded" + (f" ({why})" if left else "")
    )
    asked = grading.get("judge_requests")
    if isinstance(asked, dict):
        line += (
            f";\n  judge asked about {asked.get('records')} records: {asked.get('sent')} requests "
            f"sent, {asked.get('from_journal')} from the journal"
        )
    return line
