"""The Appendix B calibrated learner: exact and instant.

For a prompt c whose fact was stated in training it has memorised the answer:
p̂(a_c|c) = α, p̂(IDK|c) = 1 − α (so p̂ = p there). For a prompt never answered in
training it says IDK with probability 1 − α and otherwise answers uniformly over R_c.
It is calibrated (δ = 0) and its error is α·|E_c|/(|E_c| + 1) on never-answered prompts
and 0 elsewhere, so err ≈ MM·(1 − 1/|R_c|) ≈ sr − sr/(max|E_c| + 1): Theorem 2's upper
bound ``err ≤ sr − sr/(max_c|E_c|+1) + 13/√N`` (99%), a bound that holds for this
learner only (:func:`~dontguess.lab.measure.calibrated_upper_bound`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dontguess.lab.measure import CANDIDATE_COLS, IDK_COL, all_prompts, answer_columns
from dontguess.lab.world import FACT_ANSWERS, FACTS, World

__all__ = ["calibrated_p_hat"]


def calibrated_p_hat(
    world: World, prompts: npt.NDArray[np.int64] | None = None
) -> npt.NDArray[np.float64]:
    """p̂ of the calibrated learner over the candidate columns of ``prompts`` (default: all).

    >>> from dontguess.lab.world import WorldConfig, make_world
    >>> w = make_world(WorldConfig(people=20, n_train=200, n_test=5, seed=0))
    >>> bool(np.allclose(calibrated_p_hat(w).sum(axis=1), 1.0))
    True
    """
    prompts = all_prompts(world) if prompts is None else prompts
    alpha = world.config.answer_prob
    p_hat = np.zeros((len(prompts), CANDIDATE_COLS))
    seen = world.answer_counts[prompts] > 0
    rows = np.arange(len(prompts))
    p_hat[rows[seen], answer_columns(world, prompts)[seen]] = alpha
    facts = world.fact_of(prompts)
    for f, fact in enumerate(FACTS):
        size = len(FACT_ANSWERS[fact])
        p_hat[np.ix_(~seen & (facts == f), np.arange(size))] = alpha / size
    p_hat[:, IDK_COL] = 1.0 - alpha
    return p_hat
