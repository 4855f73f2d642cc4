"""Functions the dontguess lm-eval task YAMLs name (``!function utils.…``).

lm-eval loads this file by path; everything here forwards to
:mod:`dontguess.integrations.lm_eval`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dontguess.integrations.lm_eval import aggregate, grade_doc, load_docs, prompt

__all__ = [
    "abstention_rate", "closed_prompt", "dataset", "error_rate", "open_prompt_t0",
    "open_prompt_t0_5", "open_prompt_t0_75", "open_prompt_t0_9", "process_results",
    "score_t0", "score_t0_5", "score_t0_75", "score_t0_9", "target",
]  # fmt: skip

dataset = load_docs
process_results = grade_doc


def target(doc: Mapping[str, Any]) -> str:
    answers = doc.get("answers") or [""]
    return str(answers[0])


def closed_prompt(doc: Mapping[str, Any]) -> str:
    return prompt(doc)


def open_prompt_t0(doc: Mapping[str, Any]) -> str:
    return prompt(doc, 0.0)


def open_prompt_t0_5(doc: Mapping[str, Any]) -> str:
    return prompt(doc, 0.5)


def open_prompt_t0_75(doc: Mapping[str, Any]) -> str:
    return prompt(doc, 0.75)


def open_prompt_t0_9(doc: Mapping[str, Any]) -> str:
    return prompt(doc, 0.9)


def score_t0(items: Sequence[Any]) -> float:
    return aggregate("score_t0", items)


def score_t0_5(items: Sequence[Any]) -> float:
    return aggregate("score_t0.5", items)


def score_t0_75(items: Sequence[Any]) -> float:
    return aggregate("score_t0.75", items)


def score_t0_9(items: Sequence[Any]) -> float:
    return aggregate("score_t0.9", items)


def abstention_rate(items: Sequence[Any]) -> float:
    return aggregate("abstention_rate", items)


def error_rate(items: Sequence[Any]) -> float:
    return aggregate("error_rate", items)
