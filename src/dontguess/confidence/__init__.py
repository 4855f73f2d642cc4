"""Per-answer confidence estimators and the abstention policies built on them.

Estimators give each answer a confidence in [0, 1]: token probabilities from log-probs
(:func:`sequence_probability`, :func:`mean_token_probability`,
:func:`first_token_probability`), a verbalised probability asked with our follow-up prompt
(:data:`VERBAL_TEMPLATE`, parsed strictly by :func:`parse_verbal_confidence`) and the
agreement of K samples (:func:`agreement_confidence`, agreement decided by the rules
grader's matchers). Policies turn answers into answer-or-"I don't know" without new
requests (:func:`threshold_policy`, the authors' :func:`consistency_policy`);
:func:`score_policies` scores them on a closed-rubric run at every t against the model's
own prompted behaviour. See docs/confidence.md.
"""

from __future__ import annotations

from dontguess.confidence._agreement import (
    MAX_SAMPLES,
    agreement_column,
    agreement_confidence,
    answers_agree,
)
from dontguess.confidence._columns import COLUMN_PREFIX, estimator_columns, question_samples
from dontguess.confidence._policies import (
    NO_CONFIDENCE,
    consistency_name,
    consistency_policy,
    parse_consistency,
    threshold_name,
    threshold_policy,
)
from dontguess.confidence._rescore import (
    AS_IS,
    PROMPTED,
    estimator_pairs,
    estimator_report,
    score_policies,
)
from dontguess.confidence._tokens import (
    first_token_probability,
    mean_token_probability,
    sequence_probability,
)
from dontguess.confidence._verbal import (
    VERBAL_TEMPLATE,
    VERBAL_TEMPLATE_HASH,
    VerbalConfidence,
    parse_verbal_confidence,
    verbal_prompt,
)

__all__ = [
    "AS_IS",
    "COLUMN_PREFIX",
    "MAX_SAMPLES",
    "NO_CONFIDENCE",
    "PROMPTED",
    "VERBAL_TEMPLATE",
    "VERBAL_TEMPLATE_HASH",
    "VerbalConfidence",
    "agreement_column",
    "agreement_confidence",
    "answers_agree",
    "consistency_name",
    "consistency_policy",
    "estimator_columns",
    "estimator_pairs",
    "estimator_report",
    "first_token_probability",
    "mean_token_probability",
    "parse_consistency",
    "parse_verbal_confidence",
    "question_samples",
    "score_policies",
    "sequence_probability",
    "threshold_name",
    "threshold_policy",
    "verbal_prompt",
]
