"""The grader interface: ``async grade(item, reply) -> Grade``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from dontguess.records import Item, Reply, Verdict

__all__ = ["DECIDED_BY", "Grade", "Grader"]

#: The graders a :class:`Grade` can come from (its ``decided_by``).
DECIDED_BY: tuple[str, ...] = ("rules", "judge")


@dataclass(frozen=True, slots=True)
class Grade:
    """The outcome of grading one reply.

    Attributes:
        verdict: correct / incorrect / abstained, or ``None`` when the grader could not
            decide (then ``reason`` says why; it is never a guess).
        reason: why the reply is ungraded; required when ``verdict`` is ``None``, and
            ``None`` otherwise (so it maps onto ``Graded.ungraded_reason`` unchanged).
        method: how the verdict was reached, for audits (``"exact"``, ``"contains"``,
            ``"number"``, ``"date"``, ``"choice"``, ``"abstention"``, ``"unknowable"``,
            ``"no-match"``, ``"incorrect-answer"``, ``"closed-world"``, ``"judge"``), or
            ``None``.
        decided_by: which grader produced this grade: ``"rules"`` (the deterministic
            grader) or ``"judge"`` (an LLM judge, also when it left the reply ungraded).
            The run's ``method`` column.
        judge_reply: the judge's raw reply text, kept for audits whenever the judge
            answered (also when it was unparsable); ``None`` when no judge replied.
        judge_calls: requests sent to the judge for this grade, retries included (0 when
            the judge was not asked).
    """

    verdict: Verdict | None
    reason: str | None = None
    method: str | None = None
    decided_by: str = "rules"
    judge_reply: str | None = None
    judge_calls: int = 0

    def __post_init__(self) -> None:
        if self.verdict is None and not self.reason:
            raise ValueError("an ungraded Grade needs a reason")
        if self.verdict is not None and self.reason is not None:
            raise ValueError(f"a {self.verdict.value} Grade has no reason, got {self.reason!r}")
        if self.decided_by not in DECIDED_BY:
            raise ValueError(f"decided_by must be one of {DECIDED_BY}, got {self.decided_by!r}")
        if self.judge_calls < 0:
            raise ValueError(f"judge_calls must be >= 0, got {self.judge_calls}")


@runtime_checkable
class Grader(Protocol):
    """Anything that grades one reply to one item.

    The deterministic grader needs nothing else; an LLM judge holds a Backend it was
    given (it never builds one) and awaits it inside ``grade``. A backend error in the
    reply (``reply.error``) must come back ungraded with reason ``"backend error: ..."``.
    """

    async def grade(self, item: Item, reply: Reply) -> Grade:
        """Grade ``reply`` as an answer to ``item``."""
        ...
