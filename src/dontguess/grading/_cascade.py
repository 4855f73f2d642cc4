"""The cascade: the rules decide what they can prove, the judge decides the rest.

``CascadeGrader(rules, judge, mode=...)`` grades one reply in one of three modes
(:data:`GRADER_MODES`):

- ``"rules"``: the rules grader alone (what they cannot decide stays ungraded);
- ``"judge"``: the judge alone, for every reply;
- ``"cascade"`` (default): the rules first; a verdict they commit to is final and the
  judge never sees that reply; a reply they leave ungraded goes to the judge.

In every mode a reply that carries a model error (``reply.error``) is ungraded with
``"backend error: …"`` and sent to nobody. Each grade says who decided it
(``Grade.decided_by``), and :class:`CascadeStats` counts records per source and judge
requests, for the run summary.

The rules step of a long reply (over :data:`THREAD_CHARS` characters) runs the rules'
synchronous ``grade_text`` in a worker thread when they have one (as
:class:`~dontguess.grading.DeterministicGrader` does: pure CPU, about 1.8 s per MB), so it
does not hold up the event loop and the judge requests in flight. Results do not depend on
where they were computed.

The cascade trusts every verdict the rules commit to, so hand it a rules grader that
commits only when it is right and leaves the rest ungraded (a reply that matches no gold
answer is not provably wrong: it may be a paraphrase).
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from typing import Literal

from dontguess.grading._base import Grade, Grader
from dontguess.records import Item, Reply

__all__ = ["GRADER_MODES", "THREAD_CHARS", "CascadeGrader", "CascadeStats", "GraderMode"]

GraderMode = Literal["rules", "judge", "cascade"]
#: The grading modes, as ``dontguess run --grader`` spells them.
GRADER_MODES: tuple[GraderMode, ...] = ("rules", "judge", "cascade")
#: Replies longer than this (characters) are graded by the rules in a worker thread.
THREAD_CHARS = 10_000


@dataclass(slots=True)
class CascadeStats:
    """Running counts of one :class:`CascadeGrader` (graded records, not requests).

    Attributes:
        by_rules: verdicts the rules committed to.
        by_judge: verdicts the judge gave.
        ungraded: records left ungraded, for any reason (model error, rules in ``rules``
            mode, judge failure).
        sent_to_judge: records handed to the judge.
        judge_calls: requests sent to the judge backend, retries included.
    """

    by_rules: int = 0
    by_judge: int = 0
    ungraded: int = 0
    sent_to_judge: int = 0
    judge_calls: int = 0

    def add(self, grade: Grade, *, judged: bool) -> None:
        """Count one final ``grade``; ``judged`` when the judge was asked for it."""
        self.sent_to_judge += int(judged)
        self.judge_calls += grade.judge_calls
        if grade.verdict is None:
            self.ungraded += 1
        elif grade.decided_by == "judge":
            self.by_judge += 1
        else:
            self.by_rules += 1


class CascadeGrader:
    """Rules first, the judge for what they leave ungraded (see the module doc).

    Args:
        rules: the rules grader (e.g. :class:`~dontguess.grading.DeterministicGrader`).
        judge: the judge (e.g. :class:`~dontguess.grading.LLMJudge`); may be ``None`` only
            in ``"rules"`` mode.
        mode: ``"rules"``, ``"judge"`` or ``"cascade"``.

    Attributes:
        stats: counts of the grades returned so far (:class:`CascadeStats`).

    Raises:
        ValueError: unknown ``mode``, or no judge for a mode that needs one.

    Example:
        >>> import asyncio
        >>> from dontguess.grading import DeterministicGrader
        >>> from dontguess.records import Verdict
        >>> class AlwaysCorrect:  # a stand-in judge
        ...     async def grade(self, item, reply):
        ...         return Grade(Verdict.CORRECT, method="judge", decided_by="judge")
        >>> cascade = CascadeGrader(DeterministicGrader(no_match="ungraded"), AlwaysCorrect())
        >>> item = Item(id="q1", question="Capital of France?", answers=("Paris",))
        >>> async def both():
        ...     return [await cascade.grade(item, Reply(text=t)) for t in ("Paris", "Paname")]
        >>> [g.decided_by for g in asyncio.run(both())], cascade.stats.sent_to_judge
        (['rules', 'judge'], 1)
    """

    def __init__(
        self, rules: Grader, judge: Grader | None = None, *, mode: str = "cascade"
    ) -> None:
        if mode not in GRADER_MODES:
            raise ValueError(f"mode must be one of {', '.join(GRADER_MODES)}, got {mode!r}")
        if judge is None and mode != "rules":
            raise ValueError(f"grading mode {mode!r} needs a judge")
        self.rules = rules
        self.judge = judge
        self.mode: GraderMode = GRADER_MODES[GRADER_MODES.index(mode)]  # narrowed to the Literal
        self.stats = CascadeStats()

    async def grade(self, item: Item, reply: Reply) -> Grade:
        """Grade ``reply`` by the rules, the judge, or both (see the module doc)."""
        if reply.error is not None:
            grade = Grade(None, f"backend error: {reply.error}")
            self.stats.add(grade, judged=False)
            return grade
        if self.mode != "judge":
            ruled = await self._rules(item, reply)
            if ruled.verdict is not None or self.mode == "rules":
                grade = dataclasses.replace(ruled, decided_by="rules")
                self.stats.add(grade, judged=False)
                return grade
        assert self.judge is not None  # checked in __init__
        grade = dataclasses.replace(await self.judge.grade(item, reply), decided_by="judge")
        self.stats.add(grade, judged=True)
        return grade

    async def _rules(self, item: Item, reply: Reply) -> Grade:
        """The rules' grade; a long reply's synchronous ``grade_text`` in a worker thread."""
        text = reply.text or ""
        grade_text = getattr(self.rules, "grade_text", None)
        if grade_text is not None and len(text) > THREAD_CHARS:
            grade: Grade = await asyncio.to_thread(grade_text, item, text)
            return grade
        return await self.rules.grade(item, reply)
