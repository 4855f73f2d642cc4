"""The paper's theory as pure functions (Kalai, Nachum, Vempala, Zhang 2025, §3).

- :mod:`~dontguess.theory.bounds`: Theorems 1–3, the calibrated learner's upper bound,
  Lemma 1 and Corollary 3 widths;
- :mod:`~dontguess.theory.good_turing`: singleton rate (Definition 2), Good–Turing;
- :mod:`~dontguess.theory.estimators`: err, err_iiv (exact under D), δ and δ_z, and the
  sample-based δ estimate;
- :mod:`~dontguess.theory.arbitrary_facts`: the Arbitrary-Facts simulator (Definition 1)
  and the Appendix B calibrated learner.
"""

from __future__ import annotations

from dontguess.theory.arbitrary_facts import (
    ArbitraryFacts,
    TrainingCounts,
    calibrated_learner_error,
    calibrated_learner_probs,
    sample_examples,
    sample_training,
)
from dontguess.theory.bounds import (
    corollary3_width,
    lemma1_width,
    theorem1_lower_bound,
    theorem2_leading_term,
    theorem2_lower_bound,
    theorem2_slack,
    theorem2_upper_bound,
    theorem2_upper_slack,
    theorem3_lower_bound,
)
from dontguess.theory.estimators import (
    DeltaEstimate,
    above_threshold,
    calibration_delta,
    generative_error,
    iiv_error,
    iiv_threshold,
    sample_calibration_delta,
)
from dontguess.theory.good_turing import (
    frequency_of_frequencies,
    good_turing_missing_mass,
    singleton_rate,
    singleton_rate_from_examples,
)

__all__ = [
    "ArbitraryFacts",
    "DeltaEstimate",
    "TrainingCounts",
    "above_threshold",
    "calibrated_learner_error",
    "calibrated_learner_probs",
    "calibration_delta",
    "corollary3_width",
    "frequency_of_frequencies",
    "generative_error",
    "good_turing_missing_mass",
    "iiv_error",
    "iiv_threshold",
    "lemma1_width",
    "sample_calibration_delta",
    "sample_examples",
    "sample_training",
    "singleton_rate",
    "singleton_rate_from_examples",
    "theorem1_lower_bound",
    "theorem2_leading_term",
    "theorem2_lower_bound",
    "theorem2_slack",
    "theorem2_upper_bound",
    "theorem2_upper_slack",
    "theorem3_lower_bound",
]
