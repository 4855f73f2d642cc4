"""Policy verdicts per question → score rows: counts, score, bootstrap interval, paired test.

Pure numpy over verdict-code arrays (one entry per question). The rule, its bootstrap and the
paired test are :mod:`dontguess.scoring`'s (``confidence_target_score``, ``totals_score``,
``paired_counts``); the resampling is the shared question bootstrap of ``_bootstrap``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess._util.bootstrap import group_rng, percentile_interval, resample_totals
from dontguess.scoring import confidence_target_score, verdict_counts
from dontguess.scoring._paired import paired_counts, totals_score

__all__ = ["NO_PAIRED", "paired_fields", "score_row"]

#: The paired-test fields of a row without a prompted baseline or without a bootstrap.
NO_PAIRED: dict[str, Any] = {"prompted_score": None, "difference": None,
                             "difference_ci_low": None, "difference_ci_high": None,
                             "p_value": None, "n_paired": 0}  # fmt: skip


def _onehot(verdict: npt.NDArray[np.int8]) -> npt.NDArray[np.float64]:
    """(m, 3) per-question (correct, incorrect, abstained) counts of the graded entries."""
    v = verdict[verdict >= 0].astype(np.int64)
    out = np.zeros((v.size, 3))
    out[np.arange(v.size), v] = 1.0
    return out


def score_row(
    model: str, policy: str, t: float, verdict: npt.NDArray[np.int8],
    boot: int, seed: int, level: float,
) -> dict[str, Any]:  # fmt: skip
    """One policy's row at t: question counts, score and its percentile bootstrap interval.

    ``score = (C − t/(1−t)·I) / (C + I + A)`` over decided questions
    (:func:`dontguess.scoring.confidence_target_score`; nan when none). The interval resamples
    questions (``boot`` replicates, seeded by ``seed`` and the row's labels); ``None`` when
    ``boot`` is 0, nan when no question was decided.
    """
    c, i, a, u = verdict_counts(verdict)
    score = confidence_target_score(verdict, target=t, zero_division=math.nan)
    low: float | None = None
    high: float | None = None
    if boot:
        low = high = math.nan
        if c + i + a:
            rng = group_rng(seed, f"{model}\x1f{policy}\x1f{t!r}")
            reps = resample_totals(_onehot(verdict), boot, rng)
            lo, hi = percentile_interval(totals_score(reps, t), level)
            low, high = float(lo), float(hi)
    return {"model": model, "policy": policy, "scored_target": t, "n_questions": c + i + a + u,
            "n_correct": c, "n_incorrect": i, "n_abstained": a, "score": score,
            "score_ci_low": low, "score_ci_high": high, "n_undecided": u}  # fmt: skip


def paired_fields(
    label: str, t: float, policy_v: npt.NDArray[np.int8], prompted_v: npt.NDArray[np.int8],
    boot: int, seed: int, level: float,
) -> dict[str, Any]:  # fmt: skip
    """Paired bootstrap of policy − prompted on aligned questions decided by both.

    ``policy_v[k]`` and ``prompted_v[k]`` are the same question. Questions undecided by either
    are left out (``n_paired`` counts the rest); positive ``difference`` means the policy
    scores higher. :data:`NO_PAIRED` when ``boot`` is 0 or no question is shared.
    """
    keep = (policy_v >= 0) & (prompted_v >= 0)
    if boot < 1 or not keep.any():
        return dict(NO_PAIRED)
    both = np.hstack([_onehot(policy_v[keep]), _onehot(prompted_v[keep])])
    out = paired_counts(both, t / (1 - t), boot, group_rng(seed, label + "\x1fpaired"), level)
    return {"prompted_score": out["score_b"], "difference": out["difference"],
            "difference_ci_low": out["ci_low"], "difference_ci_high": out["ci_high"],
            "p_value": out["p_value"], "n_paired": out["n_items"]}  # fmt: skip
