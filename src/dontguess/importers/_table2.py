"""The paper's survey of mainstream benchmarks (Table 2 of Kalai et al. 2025, §4.1).

The paper finds that nine of the ten leaderboard benchmarks it surveys grade binarily and
give no credit for "I don't know" (IDK); WildBench's 1–10 rubric gives partial credit,
though an IDK can still score below a fair answer with hallucinations. ``*`` in the paper
marks grading by a language model. Printed by ``dontguess audit --table2``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TABLE2", "SurveyRow"]


@dataclass(frozen=True, slots=True)
class SurveyRow:
    """One benchmark of the survey.

    Attributes:
        benchmark: the benchmark's name as the paper prints it.
        scoring: how it scores an answer.
        binary: whether scores are only 0 or 1.
        idk_credit: credit an "I don't know" gets: ``"none"`` or ``"partial"``.
        lm_graded: whether a language model grades (the paper's ``*``).
    """

    benchmark: str
    scoring: str
    binary: bool
    idk_credit: str
    lm_graded: bool = False


#: Table 2 of the paper, in its order.
TABLE2: tuple[SurveyRow, ...] = (
    SurveyRow("GPQA", "multiple-choice accuracy", True, "none"),
    SurveyRow("MMLU-Pro", "multiple-choice accuracy", True, "none"),
    SurveyRow("IFEval", "programmatic instruction verification", True, "none"),
    SurveyRow("Omni-MATH", "equivalence grading", True, "none", lm_graded=True),
    SurveyRow("WildBench", "LM-graded rubric", False, "partial", lm_graded=True),
    SurveyRow("BBH", "multiple-choice / exact match", True, "none"),
    SurveyRow("MATH (L5 split)", "equivalence grading", True, "none", lm_graded=True),
    SurveyRow("MuSR", "multiple-choice accuracy", True, "none"),
    SurveyRow("SWE-bench", "patch passes unit tests", True, "none"),
    SurveyRow("HLE", "multiple-choice / equivalence grading", True, "none", lm_graded=True),
)
