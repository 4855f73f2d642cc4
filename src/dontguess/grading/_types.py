"""The result type shared by the matchers."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MatchResult"]


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Outcome of matching a reply against gold answers.

    Attributes:
        status: ``"match"`` (the reply states a gold answer), ``"mismatch"`` (the reply
            provably states something else), ``"ambiguous"`` (a match the rules cannot
            trust) or ``"none"`` (no match, and nothing proves the reply wrong).
        detail: for a match or mismatch, how it was found (``"exact"``, ``"contains"``,
            ``"number"``, ``"date"``, ``"other-answer"``); otherwise why it is undecided.
    """

    status: str
    detail: str
