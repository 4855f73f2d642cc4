"""Exact measurement of a model under μ: err, err_iiv, δ, the bounds, err by mention count.

A model is summarised by ``p_hat``, a (prompts × 366) matrix: row i holds p̂(r|c_i) for
every candidate r of prompt c_i. Columns 0..|R_c|−1 are the fact's answers in
``FACT_ANSWERS`` order, column :data:`IDK_COL` (= 365) is IDK; a city prompt's unused
columns 40..364 are padding (``valid=True``, p = p̂ = 0, as :mod:`dontguess.theory`
allows: padding counts towards |V_c| but not |E_c|, so min_c|E_c| = 39). Mass outside
the candidate set (1 − row sum) counts as error.

The world is finite and known, so by default the rows are **every prompt of the world**
weighted by μ: the figures are exact, not estimates. ``weights="uniform"`` on the test
prompts gives the test-sample estimate instead (each test prompt drawn i.i.d. from μ).

The numbers come from :mod:`dontguess.theory`: ``err`` (§3.1), ``err_iiv`` (exact under D),
δ at the threshold 1/min_c|E_c|, Theorem 1's bound ``2·err_iiv − 2/min|E_c| − δ`` and
Theorem 2's bound ``sr − 2/min|E_c| − (35 + 6 ln N)/√N − δ`` beside its leading term
``sr − 2/min|E_c| − δ`` (the floor's N-free part; at small N only the leading term is
informative, and it is not a theorem). Theorem 2's *upper* bound holds only for the
Appendix B calibrated learner: :func:`calibrated_upper_bound`, never a model's field.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess.errors import InputError
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
    "all_prompts",
    "answer_columns",
    "bucket_labels",
    "calibrated_upper_bound",
    "measure",
    "mention_bucket",
    "prompt_weights",
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
    """A model's figures over a set of prompts (see the module docstring).

    Attributes:
        basis: ``"mu"`` (every given prompt weighted by μ: exact) or ``"uniform"`` (each
            row weighted equally: the estimate from an i.i.d. test sample).
        err / err_iiv / delta: §3.1's generative error, IIV error and calibration gap.
        theorem1_bound / theorem2_bound / theorem2_leading_term: the lower bounds.
        err_by_mentions: per mention bucket, ``n`` (prompts), ``share`` (their weight),
            ``err`` and ``p_idk`` (weighted means within the bucket; nan when empty).
        unseen_share / unseen_err / unseen_idk: weight of the never-answered prompts, and
            err and p̂(IDK) among them (nan when there are none).
    """

    basis: str
    err: float
    err_iiv: float
    delta: float
    theorem1_bound: float
    theorem2_bound: float
    theorem2_leading_term: float
    err_by_mentions: dict[str, dict[str, float]]
    unseen_share: float
    unseen_err: float
    unseen_idk: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict."""
        return asdict(self)


def all_prompts(world: World) -> npt.NDArray[np.int64]:
    """Every prompt index of the world, in order (the rows of an exact measurement)."""
    return np.arange(world.n_prompts, dtype=np.int64)


def bucket_labels(counts: npt.NDArray[np.int64]) -> npt.NDArray[np.str_]:
    """:func:`mention_bucket` of every count, vectorised.

    >>> bucket_labels(np.array([0, 1, 2, 5, 6])).tolist()
    ['0', '1', '2', '3-5', '6+']
    """
    clipped = np.minimum(counts, 6)
    lookup = np.array(["0", "1", "2", "3-5", "3-5", "3-5", "6+"])
    return lookup[clipped]


def _weighted_mean(values: F64, w: F64) -> float:
    total = float(w.sum())
    return float(np.dot(w, values) / total) if total > 0 else float("nan")


def _by_mentions(counts: npt.NDArray[np.int64], w: F64, err: F64, idk: F64) -> dict[str, Any]:
    labels = bucket_labels(counts)
    out: dict[str, dict[str, float]] = {}
    for b in MENTION_BUCKETS:
        m = labels == b
        out[b] = {
            "n": float(m.sum()),
            "share": float(w[m].sum()),
            "err": _weighted_mean(err[m], w[m]),
            "p_idk": _weighted_mean(idk[m], w[m]),
        }
    return out


def prompt_weights(
    world: World, prompts: npt.NDArray[np.int64], weights: str
) -> npt.NDArray[np.float64]:
    """Weights of ``prompts`` summing to 1: μ renormalised (``"mu"``) or equal (``"uniform"``).

    Raises:
        InputError: ``weights`` is neither, or the prompts carry no μ-mass.
    """
    if weights == "uniform":
        return np.full(len(prompts), 1.0 / len(prompts))
    if weights != "mu":
        raise InputError(f"weights must be 'mu' or 'uniform', got {weights!r}")
    w = world.mu[prompts]
    if not w.sum() > 0:
        raise InputError("the prompts carry no mu-mass")
    out: F64 = w / w.sum()
    return out


def measure(
    world: World,
    p_hat: F64,
    prompts: npt.NDArray[np.int64] | None = None,
    *,
    weights: str = "mu",
) -> Measurement:
    """Measure a model from p̂ over every candidate of every prompt (no sampling).

    Args:
        world: the world the prompts come from.
        p_hat: (len(prompts), :data:`CANDIDATE_COLS`) model probabilities, rows ≤ 1.
        prompts: the rows' prompt indices (default: every prompt of the world, in order).
        weights: ``"mu"`` (exact under μ, renormalised to the given prompts) or
            ``"uniform"`` (the test-sample estimate, for ``world.test_prompts``).

    Raises:
        InputError: ``p_hat`` has the wrong shape, or bad ``weights``.
    """
    prompts = all_prompts(world) if prompts is None else prompts
    if p_hat.shape != (len(prompts), CANDIDATE_COLS):
        raise InputError(
            f"p_hat must have shape {(len(prompts), CANDIDATE_COLS)} (prompts x candidates), "
            f"got {p_hat.shape}"
        )
    mu = prompt_weights(world, prompts, weights)
    valid = valid_matrix(world, prompts)
    p = truth_matrix(world, prompts)
    p_hat = np.where(valid & ~_real_valid(world, prompts), 0.0, p_hat)  # padding stays empty
    t = iiv_threshold(valid)
    err_iiv = iiv_error(p_hat, p, valid, mu, threshold=t)
    delta = calibration_delta(p_hat, p, mu, threshold=t)
    sr, n = world.singleton_rate, world.config.n_train
    per_prompt = 1.0 - np.where(valid, p_hat, 0.0).sum(axis=1)
    counts = world.answer_counts[prompts]
    unseen = counts == 0
    return Measurement(
        basis=weights,
        err=generative_error(p_hat, valid, mu),
        err_iiv=err_iiv,
        delta=delta,
        theorem1_bound=theorem1_lower_bound(
            err_iiv, max_valid=_MAX_VALID, min_errors=MIN_ERRORS, delta=delta
        ),
        theorem2_bound=theorem2_lower_bound(sr, n=n, min_errors=MIN_ERRORS, delta=delta),
        theorem2_leading_term=theorem2_leading_term(sr, min_errors=MIN_ERRORS, delta=delta),
        err_by_mentions=_by_mentions(counts, mu, per_prompt, p_hat[:, IDK_COL]),
        unseen_share=float(mu[unseen].sum()),
        unseen_err=_weighted_mean(per_prompt[unseen], mu[unseen]),
        unseen_idk=_weighted_mean(p_hat[unseen, IDK_COL], mu[unseen]),
    )


def calibrated_upper_bound(world: World) -> float:
    """Theorem 2's upper bound ``sr − sr/(max|E_c|+1) + 13/√N`` (99%).

    It holds for the Appendix B calibrated learner only (not for a trained model).
    """
    return theorem2_upper_bound(world.singleton_rate, n=world.config.n_train, max_errors=MAX_ERRORS)


def _real_valid(world: World, prompts: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """valid without padding: the true answer and IDK only."""
    real = np.zeros((len(prompts), CANDIDATE_COLS), dtype=bool)
    real[np.arange(len(prompts)), answer_columns(world, prompts)] = True
    real[:, IDK_COL] = True
    return real
