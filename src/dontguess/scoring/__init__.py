"""Confidence-target scoring (§4 of Kalai et al. 2025): pure numpy, no I/O.

Under an explicit confidence target t a correct answer earns +1, a wrong one −t/(1−t) and
"I don't know" 0; the equivalent reward form pays 1 / 0 / t. This package scores verdict
arrays (:func:`confidence_target_score`, :func:`reward_score`), whole graded tables per group
with bootstrap intervals (:func:`summarize`), paired comparisons (:func:`paired_bootstrap`),
makes Observation 1 concrete (:func:`observation1`), and scores DataFrames, Arrow tables,
lists of dicts or files in one call (:func:`score`). See docs/scoring.md.
"""

from __future__ import annotations

from dontguess._util.undefined import UndefinedMetricWarning
from dontguess.scoring._api import score
from dontguess.scoring._paired import paired_bootstrap
from dontguess.scoring._rule import (
    confidence_target_score,
    expected_score,
    observation1,
    penalty,
    reward_score,
    verdict_counts,
)
from dontguess.scoring._summary import DEFAULT_TARGETS, summarize

__all__ = [
    "DEFAULT_TARGETS",
    "UndefinedMetricWarning",
    "confidence_target_score",
    "expected_score",
    "observation1",
    "paired_bootstrap",
    "penalty",
    "reward_score",
    "score",
    "summarize",
    "verdict_counts",
]
