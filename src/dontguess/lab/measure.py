"""Exact measurement of a model on the test prompts: err, err_iiv, δ and the bounds.

A model is summarised by ``p_hat``, a (n_test × 366) matrix: row i holds p̂(r|c_i) for
every candidate r of test prompt c_i. Columns 0..|R_c|−1 are the fact's answers in
``FACT_ANSWERS`` order, column :data:`IDK_COL` (= 365) is IDK; a city prompt's unused
columns 40..364 are padding (``valid=True``, p = p̂ = 0, as :mod:`dontguess.theory`
allows: padding counts towards |V_c| but not |E_c|, so min_c|E_c| = 39). Mass outside
the candidate set (1 − row sum) counts as error. μ is the empirical distribution of the
test prompts (drawn i.i.d. from the world's μ).

The numbers come from :mod:`dontguess.theory`: ``err`` (§3.1), ``err_iiv`` (exact under D),
δ at the threshold 1/min_c|E_c|, Theorem 1's bound ``2·err_iiv − 2/min|E_c| − δ`` and
Theorem 2's bound ``sr − 2/min|E_c| − (35 + 6 ln N)/√N − δ`` beside its leading term
``sr − 2/min|E_c| − δ`` (the floor's N-free part; at small N only the leading term is
informative).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess.lab.world import FACT_ANSWERS, FACTS, World
from dontguess.theory import (
    calibration_delta,
    generative_error,
    iiv_error,
    iiv_threshold,
    theorem1_lower_bound,
    theorem2_leading_term,
    theorem2_lower_bound,
    theorem2_upper_bound,
)

__all__ = [
    "CANDIDATE_COLS",
    "IDK_COL",
    "MAX_ERRORS",
    "MENTION_BUCKETS",
    "MIN_ERRORS",
    "Measurement",
    "answer_columns",
    "measure",
    "mention_bucket",
    "truth_matrix",
    "valid_matrix",
]

F64 = npt.NDArray[np.float64]
#: Number of candidate columns (the largest |R_c| plus IDK) and the IDK column.
CANDIDATE_COLS = max(len(a) for a in FACT_ANSWERS.values()) + 1
IDK_COL = CANDIDATE_COLS - 1
#: Mention buckets: how many training examples stated the prompt's fact.
MENTION_BUCKETS: tuple[str, ...] = ("0", "1", "2", "3-5", "6+")
_MAX_VALID = 2  # V_c = {a_c, IDK}
#: min_c|E_c| and max_c|E_c| of the world (39 and 364).
MIN_ERRORS = min(len(a) for a in FACT_ANSWERS.values()) - 1
MAX_ERRORS = max(len(a) for a in FACT_ANSWERS.values()) - 1


def mention_bucket(count: int) -> str:
    """Bucket label of a mention count.

    >>> [mention_bucket(k) for k in (0, 1, 2, 4, 9)]
    ['0', '1', '2', '3-5', '6+']
    """
    if count <= 2:
        return str(count)
    return "3-5" if count <= 5 else "6+"


def answer_columns(world: World, prompts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Column of the true answer of each prompt."""
    return world.answers[world.person_of(prompts), world.fact_of(prompts)]


def valid_matrix(world: World, prompts: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """valid[i, r]: r ∈ V_c (true answer, IDK, or a padding column)."""
    valid = np.zeros((len(prompts), CANDIDATE_COLS), dtype=bool)
    rows = np.arange(len(prompts))
    valid[rows, answer_columns(world, prompts)] = True
    valid[:, IDK_COL] = True
    for f, fact in enumerate(FACTS):
        valid[np.ix_(world.fact_of(prompts) == f, np.arange(len(FACT_ANSWERS[fact]), IDK_COL))] = (
            True
        )
    return valid


def truth_matrix(world: World, prompts: npt.NDArray[np.int64]) -> F64:
    """p(r|c): α on the true answer, 1 − α on IDK."""
    alpha = world.config.answer_prob
    p = np.zeros((len(prompts), CANDIDATE_COLS))
    p[np.arange(len(prompts)), answer_columns(world, prompts)] = alpha
    p[:, IDK_COL] = 1.0 - alpha
    return p


@dataclass(frozen=True)
class Measurement:
    """A model's figures on the test prompts (see the module docstring)."""

    err: float
    err_iiv: float
    delta: float
    theorem1_bound: float
    theorem2_bound: float
    theorem2_leading_term: float
    theorem2_upper_bound: float
    err_by_mentions: dict[str, dict[str, float]]
    unseen_err: float
    unseen_idk: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict."""
        return asdict(self)


def _by_mentions(
    world: World, prompts: npt.NDArray[np.int64], per_prompt_err: F64, idk: F64
) -> dict[str, dict[str, float]]:
    counts = world.answer_counts[prompts]
    labels = np.array([mention_bucket(int(k)) for k in counts.tolist()], dtype=object)
    out: dict[str, dict[str, float]] = {}
    for b in MENTION_BUCKETS:
        m = labels == b
        n = int(m.sum())
        out[b] = {
            "n": float(n),
            "test_share": n / len(prompts),
            "err": float(per_prompt_err[m].mean()) if n else float("nan"),
            "p_idk": float(idk[m].mean()) if n else float("nan"),
        }
    return out


def measure(world: World, p_hat: F64) -> Measurement:
    """Measure a model given p̂ over every candidate of every test prompt (exact, no sampling).

    Args:
        world: the world (its test prompts are the rows of ``p_hat``).
        p_hat: (n_test, :data:`CANDIDATE_COLS`) model probabilities, rows summing to ≤ 1.
    """
    prompts = world.test_prompts
    valid = valid_matrix(world, prompts)
    p = truth_matrix(world, prompts)
    p_hat = np.where(valid & ~_real_valid(world, prompts), 0.0, p_hat)  # padding stays empty
    mu = np.full(len(prompts), 1.0 / len(prompts))
    t = iiv_threshold(valid)
    err = generative_error(p_hat, valid, mu)
    err_iiv = iiv_error(p_hat, p, valid, mu, threshold=t)
    delta = calibration_delta(p_hat, p, mu, threshold=t)
    sr, n = world.singleton_rate, world.config.n_train
    per_prompt = 1.0 - np.where(valid, p_hat, 0.0).sum(axis=1)
    unseen = world.answer_counts[prompts] == 0
    return Measurement(
        err=err,
        err_iiv=err_iiv,
        delta=delta,
        theorem1_bound=theorem1_lower_bound(
            err_iiv, max_valid=_MAX_VALID, min_errors=MIN_ERRORS, delta=delta
        ),
        theorem2_bound=theorem2_lower_bound(sr, n=n, min_errors=MIN_ERRORS, delta=delta),
        theorem2_leading_term=theorem2_leading_term(sr, min_errors=MIN_ERRORS, delta=delta),
        theorem2_upper_bound=theorem2_upper_bound(sr, n=n, max_errors=MAX_ERRORS),
        err_by_mentions=_by_mentions(world, prompts, per_prompt, p_hat[:, IDK_COL]),
        unseen_err=float(per_prompt[unseen].mean()) if unseen.any() else float("nan"),
        unseen_idk=float(p_hat[unseen, IDK_COL].mean()) if unseen.any() else float("nan"),
    )


def _real_valid(world: World, prompts: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """valid without padding: the true answer and IDK only."""
    real = np.zeros((len(prompts), CANDIDATE_COLS), dtype=bool)
    real[np.arange(len(prompts)), answer_columns(world, prompts)] = True
    real[:, IDK_COL] = True
    return real
