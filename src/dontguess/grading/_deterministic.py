"""The deterministic grader: string, number, date and choice rules, no model involved."""

from __future__ import annotations

from typing import Literal

from dontguess.grading._abstain import detect_abstention
from dontguess.grading._base import Grade
from dontguess.grading._choice import gold_letter, pick_choice
from dontguess.grading._match import MatchResult, first_sentence, match_answers
from dontguess.grading._mismatch import NEEDS_JUDGE, prove_wrong
from dontguess.grading._normalize import fold_quotes, normalize_answer, strip_footnotes
from dontguess.records import Item, Reply, Verdict

__all__ = ["DeterministicGrader"]

NoMatch = Literal["judge", "incorrect", "ungraded"]
_NO_MATCH = ("judge", "incorrect", "ungraded")


def _key(text: str) -> str:
    """Exact-match key: the normalised text, or for all-symbol text (an emoji flag, "---")
    the case-folded stripped text itself."""
    return normalize_answer(text) or fold_quotes(text).strip().casefold()


def _declines_first(text: str) -> bool:
    """The reply's first sentence is a refusal ("As an AI language model, I do not have
    access to real-time information.") although later sentences answer."""
    return detect_abstention(first_sentence(text))


def _golds(item: Item) -> tuple[str, ...] | None:
    """The golds the "I don't know" detector may read a free-text reply against (none for
    choice items and items with no right answer: the text alone decides there)."""
    if item.choices or item.kind == "unknowable":
        return None
    return item.answers


def _ungraded(reason: str) -> Grade:
    return Grade(None, reason)


def _closed(item: Item, text: str) -> Grade:
    """A closed world (``kind == "closed"``): the golds are the only right answers, so a
    reply that names none of them is wrong; only an ambiguous match (several candidates)
    stays ungraded.

    >>> item = Item(id="q", question="Where does Ana live?", answers=("Vilnius",), kind="closed")
    >>> _closed(item, "Brussels").verdict, _closed(item, "Vilnius.").verdict
    (<Verdict.INCORRECT: 'incorrect'>, <Verdict.CORRECT: 'correct'>)
    """
    good = match_answers(item.answers, text, question=item.question)
    if good.status == "match":
        return Grade(Verdict.CORRECT, method=good.detail)
    if good.status == "ambiguous":
        return _ungraded(NEEDS_JUDGE + good.detail)
    return Grade(Verdict.INCORRECT, method="closed-world")


class DeterministicGrader:
    """Grade replies by rules: exact / contained / numeric / date match, choices, IDK.

    Order of the rules for one reply:

    1. ``reply.error`` set → ungraded, reason ``"backend error: ..."``.
    2. The normalised reply equals a gold answer → correct (before the IDK check, so a
       gold ``"Unknown"`` can be right); equals a listed incorrect answer → incorrect.
    3. :func:`~dontguess.grading.detect_abstention` → abstained; for a free-text item it
       reads the reply against the gold answers too (a refusal whose other clauses
       cannot be the answer by the gold's type: "I don't know the year; the town lies
       on a river" for a gold ``1850``).
    4. ``kind == "unknowable"`` or no gold answers → incorrect (any specific answer is
       wrong). Choice items → the picked option's letter against the gold letter.
       ``kind == "closed"`` (a closed world, e.g. the lab's) → correct when a gold
       matches, else incorrect.
    5. Free text (footnote digits glued on by a scraper dropped first,
       :func:`~dontguess.grading._normalize.strip_footnotes`) → :func:`match_answers` on
       the gold answers; if the item lists incorrect
       answers (TruthfulQA), on those too: correct or incorrect when exactly one side
       matches, ungraded when both or neither do.
    6. Nothing matches → ``no_match`` (``"incorrect"``, the usual exact-match rule, or
       ``"ungraded"`` to leave undecidable paraphrases to a judge). A match that is only
       ambiguous (short gold in a long reply, alternatives, mixed numbers) → ungraded.

    Args:
        no_match: verdict for a free-text reply that matches no gold answer.

    Example:
        >>> import asyncio
        >>> from dontguess.records import Item, Reply
        >>> item = Item(id="q1", question="Capital of France?", answers=("Paris",))
        >>> asyncio.run(DeterministicGrader().grade(item, Reply(text="It's Paris."))).verdict
        <Verdict.CORRECT: 'correct'>
    """

    def __init__(self, *, no_match: NoMatch = "judge") -> None:
        if no_match not in _NO_MATCH:
            allowed = ", ".join(repr(m) for m in _NO_MATCH)
            raise ValueError(f"no_match must be one of {allowed}, got {no_match!r}")
        self.no_match: NoMatch = no_match

    async def grade(self, item: Item, reply: Reply) -> Grade:
        """Grade ``reply`` as an answer to ``item`` (see the class docstring for the rules)."""
        if reply.error is not None:
            return _ungraded(f"backend error: {reply.error}")
        return self.grade_text(item, reply.text or "")

    def grade_text(self, item: Item, text: str) -> Grade:
        """Synchronous core of :meth:`grade`, for a reply text that arrived without error."""
        key = _key(text)
        if key and any(_key(g) == key for g in item.answers):
            return Grade(Verdict.CORRECT, method="exact")
        if key and any(_key(g) == key for g in item.incorrect_answers):
            return Grade(Verdict.INCORRECT, method="incorrect-answer")
        if detect_abstention(text, _golds(item), question=item.question):
            return Grade(Verdict.ABSTAINED, method="abstention")
        if item.kind == "unknowable" or not item.answers:
            return Grade(Verdict.INCORRECT, method="unknowable")
        if item.choices:
            return self._choice(item, text)
        if item.kind == "closed":
            return _closed(item, text)
        return self._free_text(item, strip_footnotes(text))

    def _choice(self, item: Item, text: str) -> Grade:
        gold = gold_letter(item.answers, item.choices)
        if gold is None:
            return _ungraded(f"item {item.id!r}: gold {item.answers[0]!r} is not an option")
        letter, why = pick_choice(text, item.choices)
        if letter is None:
            return _ungraded(why or "reply names no option")
        return Grade(Verdict.CORRECT if letter == gold else Verdict.INCORRECT, method="choice")

    def _free_text(self, item: Item, text: str) -> Grade:
        good = match_answers(item.answers, text, question=item.question)
        if item.incorrect_answers:
            return self._listed(item, text, good)
        if good.status == "match" and good.detail != "exact" and _declines_first(text):
            return _ungraded(NEEDS_JUDGE + "the reply opens by declining to answer, then answers")
        if good.status == "match":
            return Grade(Verdict.CORRECT, method=good.detail)
        if good.status == "ambiguous":
            return _ungraded(NEEDS_JUDGE + good.detail)
        return self._no_match(item, text, good)

    def _listed(self, item: Item, text: str, good: MatchResult) -> Grade:
        """TruthfulQA-style items: the reply against both the correct and incorrect lists."""
        bad = match_answers(item.incorrect_answers, text, question=item.question)
        if good.status == "match" and bad.status == "match":
            return _ungraded("reply matches both a correct and an incorrect answer")
        if bad.status == "match" and good.status != "ambiguous":
            return Grade(Verdict.INCORRECT, method="incorrect-answer")
        if good.status == "match" and bad.status != "ambiguous":
            return Grade(Verdict.CORRECT, method=good.detail)
        return _ungraded("reply matches no listed correct or incorrect answer")

    def _no_match(self, item: Item, text: str, good: MatchResult) -> Grade:
        if self.no_match == "incorrect":
            return Grade(Verdict.INCORRECT, method="no-match")
        if self.no_match == "ungraded":
            return _ungraded(NEEDS_JUDGE + "reply matches no gold answer")
        wrong = prove_wrong(item.answers, text, item.question, good)
        if wrong.status == "mismatch":
            return Grade(Verdict.INCORRECT, method=wrong.detail)
        return _ungraded(wrong.detail)
