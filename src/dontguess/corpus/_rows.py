"""The one record every corpus engine returns (a leaf module: engines and stats import it).

Kept apart from :mod:`dontguess.corpus.stats` so that the engines (:mod:`._duckdb`,
:mod:`._spark`) never import the module that calls them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GroupRow"]


@dataclass(frozen=True, slots=True)
class GroupRow:
    """One aggregate row returned by an engine (see :mod:`dontguess.corpus.stats`).

    Attributes:
        relation: the relation, or None when the input has none.
        answered: a prompt's number of answered (non-IDK) examples.
        once: whether the prompt occurs exactly once in total.
        dropped: rows with an empty or missing prompt or answer.
        prompts: how many such prompts.
        examples: their examples.
    """

    relation: str | None
    answered: int
    once: bool
    dropped: bool
    prompts: int
    examples: int
