"""Grading: (Item, Reply) → Grade (correct / incorrect / abstained, or ungraded + reason).

A grader judges; it never calls a model itself. :class:`DeterministicGrader` applies
string, number, date and multiple-choice rules plus a conservative "I don't know"
detector; :class:`LLMJudge` implements the same :class:`Grader` protocol while holding a
Backend it is handed, and :class:`CascadeGrader` lets the rules decide what they can prove
and the judge the rest. See ``docs/grading.md`` for every rule.
"""

from __future__ import annotations

from dontguess.grading._abstain import detect_abstention
from dontguess.grading._base import DECIDED_BY, Grade, Grader
from dontguess.grading._cascade import GRADER_MODES, CascadeGrader, CascadeStats
from dontguess.grading._choice import pick_choice
from dontguess.grading._deterministic import DeterministicGrader
from dontguess.grading._judge import LLMJudge
from dontguess.grading._judge_prompt import (
    JUDGE_TEMPLATE,
    JUDGE_TEMPLATE_HASH,
    judge_prompt,
    parse_label,
)
from dontguess.grading._match import match_answers
from dontguess.grading._normalize import normalize_answer
from dontguess.grading._reference import REFERENCE_SETS, ReferenceRow, read_reference
from dontguess.grading.check import CheckReport, check_grader

__all__ = [
    "CascadeGrader",
    "CascadeStats",
    "CheckReport",
    "DECIDED_BY",
    "DeterministicGrader",
    "GRADER_MODES",
    "Grade",
    "Grader",
    "JUDGE_TEMPLATE",
    "JUDGE_TEMPLATE_HASH",
    "LLMJudge",
    "REFERENCE_SETS",
    "ReferenceRow",
    "check_grader",
    "detect_abstention",
    "judge_prompt",
    "match_answers",
    "normalize_answer",
    "parse_label",
    "pick_choice",
    "read_reference",
]
