"""Grading: (Item, Reply) → Grade (correct / incorrect / abstained, or ungraded + reason).

A grader judges; it never calls a model itself. :class:`DeterministicGrader` applies
string, number, date and multiple-choice rules plus a conservative "I don't know"
detector; an LLM judge (later) implements the same :class:`Grader` protocol while
holding a Backend it is handed. See ``docs/grading.md`` for every rule.
"""

from __future__ import annotations

from dontguess.grading._abstain import detect_abstention
from dontguess.grading._base import Grade, Grader
from dontguess.grading._choice import pick_choice
from dontguess.grading._deterministic import DeterministicGrader
from dontguess.grading._match import match_answers
from dontguess.grading._normalize import normalize_answer

__all__ = [
    "DeterministicGrader",
    "Grade",
    "Grader",
    "detect_abstention",
    "match_answers",
    "normalize_answer",
    "pick_choice",
]
