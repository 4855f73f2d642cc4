"""dontguess: measure and reduce language-model hallucination.

Implements "Why Language Models Hallucinate" (Kalai, Nachum, Vempala, Zhang, 2025):
confidence-target evaluation (§4), the paper's bounds (§3) and a lab that trains small
language models on synthetic facts. Heavy dependencies load lazily inside the modules
that need them, so ``import dontguess`` stays light.
"""

from __future__ import annotations

from dontguess.errors import DontGuessError
from dontguess.records import Condition, Graded, GradedTable, Item, Reply, Verdict
from dontguess.scoring import score

__version__ = "0.1.0"

__all__ = [
    "Condition",
    "DontGuessError",
    "Graded",
    "GradedTable",
    "Item",
    "Reply",
    "Verdict",
    "__version__",
    "score",
]
