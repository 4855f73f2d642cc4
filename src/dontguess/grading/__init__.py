"""Grading: (Item, Reply) → Grade (correct / incorrect / abstained, or ungraded + reason).

A grader judges; it never calls a model itself. :class:`DeterministicGrader` applies
string, number, date and multiple-choice rules plus a conservative "I don't know"
detector; :class:`LLMJudge` implements the same :class:`Grader` protocol while holding a
Backend it is handed, and :class:`CascadeGrader` lets the rules decide what they can prove
and the judge the rest. See ``docs/grading.md`` for every rule.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Where each public name lives. The package loads a module on first use of one of its
#: names: a log importer needs only the "I don't know" detector, and importing the judge,
#: the cascade and the reference sets with it cost every such command about 0.1 s.
_HOME = {
    "CascadeGrader": "_cascade",
    "CascadeStats": "_cascade",
    "CheckReport": "check",
    "DECIDED_BY": "_base",
    "DeterministicGrader": "_deterministic",
    "GRADER_MODES": "_cascade",
    "Grade": "_base",
    "Grader": "_base",
    "JUDGE_TEMPLATE": "_judge_prompt",
    "JUDGE_TEMPLATE_HASH": "_judge_prompt",
    "LLMJudge": "_judge",
    "REFERENCE_SETS": "_reference",
    "ReferenceRow": "_reference",
    "check_grader": "check",
    "detect_abstention": "_abstain",
    "judge_prompt": "_judge_prompt",
    "match_answers": "_match",
    "normalize_answer": "_normalize",
    "parse_label": "_judge_prompt",
    "pick_choice": "_choice",
    "read_reference": "_reference",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # found directly next time
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
