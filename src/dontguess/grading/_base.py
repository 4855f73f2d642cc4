"""The grader interface: ``async grade(item, reply) -> Grade``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from dontguess.records import Item, Reply, Verdict

__all__ = ["Grade", "Grader"]


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
            ``"no-match"``, ``"incorrect-answer"``), or ``None``.
    """

    verdict: Verdict | None
    reason: str | None = None
    method: str | None = None

    def __post_init__(self) -> None:
        if self.verdict is None and not self.reason:
            raise ValueError("an ungraded Grade needs a reason")
        if self.verdict is not None and self.reason is not None:
            raise ValueError(f"a {self.verdict.value} Grade has no reason, got {self.reason!r}")


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
