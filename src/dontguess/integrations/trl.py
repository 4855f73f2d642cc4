"""A TRL reward function that pays for "I don't know" the way a confidence target does.

``confidence_target_reward(t)`` returns a function with TRL's reward signature
``(prompts, completions, **kwargs) -> list[float]`` for ``GRPOTrainer(reward_funcs=…)``:
each completion is graded by :class:`~dontguess.grading.DeterministicGrader` against the
gold answers in the dataset column ``answer_column`` (a string, or a list of aliases),
and earns the §4 points of :func:`dontguess.scoring.confidence_target_score` for that one
verdict: +1 right, −t/(1−t) wrong, 0 for "I don't know" (``style="reward"``: 1 / 0 / t,
:func:`dontguess.scoring.reward_score`). Completions may be plain text or chat messages
(the last message's ``content``). A reply the rules cannot decide (it offers
alternatives, say) earns ``ungraded`` (default: as a wrong answer, so hedging never pays).

The function needs no third-party package; ``pip install 'dontguess[trl]'`` installs TRL
for the trainer (docs/integrations.md has a GRPO example).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dontguess.errors import InputError
from dontguess.grading import DeterministicGrader
from dontguess.integrations._common import check_targets
from dontguess.records import VERDICT_CODES, Item, Verdict
from dontguess.scoring import confidence_target_score, reward_score

__all__ = ["RewardFunc", "completion_text", "confidence_target_reward"]

RewardFunc = Callable[..., list[float]]


def completion_text(completion: Any) -> str:
    """The answer text of a TRL completion: a string, or chat messages (last content).

    >>> completion_text("Paris"), completion_text([{"role": "assistant", "content": "Paris"}])
    ('Paris', 'Paris')
    """
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Sequence) and completion:
        last = completion[-1]
        content = last.get("content") if isinstance(last, Mapping) else None
        if isinstance(content, str):
            return content
        if isinstance(content, list):  # [{"type": "text", "text": ...}, ...]
            return "".join(p.get("text", "") for p in content if isinstance(p, Mapping))
    raise InputError(
        "a completion must be text or a list of chat messages with 'content', got "
        f"{type(completion).__name__}"
    )


def _answers(value: Any, column: str, i: int) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise InputError(
        f"column {column!r}, row {i}: gold answers must be text or a list of text, "
        f"got {value!r:.60}"
    )


def _question(prompt: Any) -> str:
    try:
        return completion_text(prompt)
    except InputError:
        return ""


def confidence_target_reward(
    target: float,
    answer_column: str = "answer",
    *,
    style: str = "penalty",
    ungraded: float | None = None,
) -> RewardFunc:
    """A reward function ``(prompts, completions, **kwargs) -> list[float]`` for TRL.

    Args:
        target: the confidence target t in [0, 1).
        answer_column: the dataset column holding the gold answer (or a list of aliases);
            TRL passes each column as a keyword argument.
        style: ``"penalty"`` (+1 / −t/(1−t) / 0) or ``"reward"`` (1 / 0 / t).
        ungraded: the reward of a reply the rules cannot decide; ``None`` pays it as a
            wrong answer.

    Raises:
        InputError: a target outside [0, 1), an unknown style; when called, a missing
            answer column or a completion of the wrong shape.

    >>> reward = confidence_target_reward(0.75)
    >>> reward(["Capital of France?"] * 3, ["Paris", "Lyon", "I don't know."],
    ...        answer=["Paris"] * 3)
    [1.0, -3.0, 0.0]
    >>> confidence_target_reward(0.75, style="reward")(
    ...     ["Q"] * 2, [[{"role": "assistant", "content": "I don't know"}], "Lyon"],
    ...     answer=["Paris", "Paris"])
    [0.75, 0.0]
    """
    t = check_targets([target])[0]
    if style not in ("penalty", "reward"):
        raise InputError(f"style must be penalty or reward, got {style!r}")
    score = confidence_target_score if style == "penalty" else reward_score
    points = {v: score([VERDICT_CODES[v]], target=t) for v in Verdict}
    if ungraded is not None and not math.isfinite(ungraded):
        raise InputError(f"ungraded must be a finite number, got {ungraded!r}")
    undecided = points[Verdict.INCORRECT] if ungraded is None else float(ungraded)
    grader = DeterministicGrader(no_match="incorrect")

    def reward(prompts: Sequence[Any], completions: Sequence[Any], **kwargs: Any) -> list[float]:
        if answer_column not in kwargs:
            have = ", ".join(sorted(kwargs)) or "none"
            raise InputError(f"no column {answer_column!r} in the batch (columns: {have})")
        gold = kwargs[answer_column]
        out = []
        for i, completion in enumerate(completions):
            question = _question(prompts[i]) if i < len(prompts) else ""
            item = Item(id=str(i), question=question, answers=_answers(gold[i], answer_column, i))
            grade = grader.grade_text(item, completion_text(completion))
            out.append(undecided if grade.verdict is None else points[grade.verdict])
        return out

    reward.__name__ = f"confidence_target_t{t:g}" + ("_reward" if style == "reward" else "")
    return reward
