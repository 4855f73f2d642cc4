"""Estimators of err, err_iiv and δ from a model's conditional probabilities (§3.1).

The finite setting: P prompts, each with R candidate responses. Arrays are P × R:

- ``p_hat[c, r]`` = p̂(r|c), the model's probability of candidate r (rows may sum to < 1;
  the mass outside the candidate set counts as error);
- ``p[c, r]`` = p(r|c), the training distribution, supported on the valid candidates;
- ``valid[c, r]`` = True iff r ∈ V_c; the other candidates of c form E_c;
- ``mu[c]`` = μ(c), the prompt distribution (normalised here).

Candidate slots that do not exist for a prompt can be padded with ``valid=True`` and
``p = p_hat = 0``, except that they then count towards |V_c|.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dontguess.errors import InputError
from dontguess.theory._checks import as_matrix, check_unit, check_vector

__all__ = [
    "DeltaEstimate",
    "above_threshold",
    "calibration_delta",
    "generative_error",
    "iiv_error",
    "iiv_threshold",
    "sample_calibration_delta",
]

_TOL = 1e-9

F64 = npt.NDArray[np.float64]


def _probs(name: str, value: npt.ArrayLike) -> F64:
    arr = as_matrix(name, value).astype(np.float64)
    if np.any(arr < 0) or np.any(arr.sum(axis=1) > 1.0 + 1e-6):
        raise InputError(f"{name} must be non-negative with rows summing to at most 1")
    return arr


def _mu(mu: npt.ArrayLike, size: int) -> F64:
    arr = check_vector("mu", mu, size=size)
    total = float(arr.sum())
    if total <= 0:
        raise InputError("mu must have positive total mass")
    return arr / total


def _valid(valid: npt.ArrayLike, shape: tuple[int, ...]) -> npt.NDArray[np.bool_]:
    arr = np.asarray(valid)
    if arr.shape != shape:
        raise InputError(f"valid must have shape {shape}, got {arr.shape}")
    if arr.dtype != np.bool_:
        if not np.all((arr == 0) | (arr == 1)):
            raise InputError("valid must be boolean (True = r is a valid response to c)")
        arr = arr.astype(bool)
    return arr


def _same_shape(name: str, arr: F64, shape: tuple[int, ...]) -> None:
    if arr.shape != shape:
        raise InputError(f"{name} must have shape {shape}, got {arr.shape}")


def iiv_threshold(valid: npt.ArrayLike) -> float:
    """The IIV classification threshold ``1 / min_c |E_c|`` (§3.1).

    >>> iiv_threshold([[True, False, False], [True, True, False]])
    1.0
    """
    arr = _valid(valid, np.shape(valid))
    if arr.ndim != 2 or arr.size == 0:
        raise InputError(f"valid must be a non-empty 2-D array, got shape {arr.shape}")
    n_errors = (~arr).sum(axis=1)
    if int(n_errors.min()) < 1:
        bad = int(np.argmin(n_errors))
        raise InputError(
            f"every prompt needs at least one erroneous candidate; prompt {bad} has |E_c| = 0"
        )
    return 1.0 / int(n_errors.min())


def generative_error(p_hat: npt.ArrayLike, valid: npt.ArrayLike, mu: npt.ArrayLike) -> float:
    """Generative error ``err = Σ_c μ(c) Σ_{r∉V_c} p̂(r|c)`` (§3.1), mass off the set included.

    ``err = Σ_c μ(c) (1 − Σ_{r∈V_c} p̂(r|c))``.

    >>> generative_error([[0.5, 0.3, 0.2]], [[True, False, False]], [1.0])
    0.5
    """
    ph = _probs("p_hat", p_hat)
    v = _valid(valid, ph.shape)
    m = _mu(mu, ph.shape[0])
    valid_mass = np.where(v, ph, 0.0).sum(axis=1)
    return float(np.clip(np.dot(m, 1.0 - valid_mass), 0.0, 1.0))


def iiv_error(
    p_hat: npt.ArrayLike,
    p: npt.ArrayLike,
    valid: npt.ArrayLike,
    mu: npt.ArrayLike,
    *,
    threshold: float | None = None,
) -> float:
    """Exact IIV misclassification rate ``err_iiv = Pr_{x~D}[f̂(x) ≠ f(x)]`` (§3.1).

    D puts ``μ(c)p(r|c)/2`` on each valid (c, r) and ``μ(c)/(2|E_c|)`` on each error;
    f̂(c, r) = + iff p̂(r|c) > threshold (default ``1/min_c|E_c|``). So

    ``err_iiv = ½ Σ_c μ(c) [Σ_{r∈V_c} p(r|c)·1{p̂(r|c) ≤ t} + |E_c ∩ A| / |E_c|]``.

    Raises:
        InputError: shapes differ, p puts mass on an error, a prompt has no error.

    >>> iiv_error([[0.6, 0.4]], [[1.0, 0.0]], [[True, False]], [1.0])
    0.5
    """
    ph = _probs("p_hat", p_hat)
    pr = _probs("p", p)
    _same_shape("p", pr, ph.shape)
    v = _valid(valid, ph.shape)
    m = _mu(mu, ph.shape[0])
    if np.any(np.where(v, 0.0, pr) > _TOL):
        raise InputError("p must put zero mass on erroneous candidates (p(V) = 1)")
    t = iiv_threshold(v) if threshold is None else check_unit("threshold", threshold)
    n_errors = (~v).sum(axis=1)
    if int(n_errors.min()) < 1:
        iiv_threshold(v)  # raises with the offending prompt
    above = ph > t
    missed_valid = np.where(v & ~above, pr, 0.0).sum(axis=1)
    false_pos = (~v & above).sum(axis=1) / n_errors
    return float(0.5 * np.dot(m, missed_valid + false_pos))


def calibration_delta(
    p_hat: npt.ArrayLike,
    p: npt.ArrayLike,
    mu: npt.ArrayLike,
    *,
    threshold: float | None = None,
    valid: npt.ArrayLike | None = None,
) -> float:
    """Calibration gap at one threshold ``δ_z = |p̂(A) − p(A)|``, A = {(c,r): p̂(r|c) > z} (§3.1).

    ``p̂(A) = Σ_c μ(c) Σ_r p̂(r|c)·1{p̂(r|c) > z}`` and likewise p(A). The paper's δ uses
    z = 1/min_c|E_c|; with ``threshold=None`` that is computed from ``valid``, or, when
    ``valid`` is not given, with V_c read as the support of p(·|c) (so |E_c| = number of
    candidates with p(r|c) = 0; pass ``valid`` when a valid response may have p = 0).

    >>> calibration_delta([[0.6, 0.4]], [[1.0, 0.0]], [1.0], threshold=0.5)
    0.4
    """
    ph = _probs("p_hat", p_hat)
    pr = _probs("p", p)
    _same_shape("p", pr, ph.shape)
    m = _mu(mu, ph.shape[0])
    if threshold is None:
        # Without ``valid``, V_c is read as the support of p(.|c) (p(V) = 1 makes it a subset).
        support = pr > 0 if valid is None else _valid(valid, ph.shape)
        t = iiv_threshold(support)
    else:
        t = check_unit("threshold", threshold)
    above = ph > t
    model_mass = np.where(above, ph, 0.0).sum(axis=1)
    train_mass = np.where(above, pr, 0.0).sum(axis=1)
    return float(abs(np.dot(m, model_mass - train_mass)))


def above_threshold(
    p_hat: npt.ArrayLike, samples: npt.ArrayLike, *, threshold: float
) -> npt.NDArray[np.bool_]:
    """For sampled (prompt, candidate) index pairs, whether p̂(r|c) > threshold.

    Args:
        p_hat: P × R model probabilities.
        samples: K × 2 integer array of (prompt index, candidate index).
        threshold: z in [0, 1].

    >>> above_threshold([[0.6, 0.4]], [[0, 0], [0, 1]], threshold=0.5).tolist()
    [True, False]
    """
    ph = _probs("p_hat", p_hat)
    t = check_unit("threshold", threshold)
    idx = np.asarray(samples)
    if idx.ndim != 2 or idx.shape[1] != 2 or idx.dtype.kind not in "iu":
        raise InputError(f"samples must be a K x 2 integer array, got shape {idx.shape}")
    rows, cols = idx[:, 0], idx[:, 1]
    if (
        np.any(rows < 0)
        or np.any(rows >= ph.shape[0])
        or np.any(cols < 0)
        or np.any(cols >= ph.shape[1])
    ):
        raise InputError(f"samples index outside p_hat of shape {ph.shape}")
    return np.asarray(ph[rows, cols] > t, dtype=np.bool_)


@dataclass(frozen=True, slots=True)
class DeltaEstimate:
    """Sample estimate of δ (§3.1).

    Attributes:
        delta: |difference|, the estimate of δ = |p̂(A) − p(A)|.
        difference: fraction of model samples in A minus fraction of training samples in A.
        std_error: standard error of ``difference`` (independent binomial samples).
        n_model: number of model samples.
        n_training: number of training samples.
    """

    delta: float
    difference: float
    std_error: float
    n_model: int
    n_training: int


def sample_calibration_delta(
    model_above: npt.ArrayLike, training_above: npt.ArrayLike
) -> DeltaEstimate:
    """Estimate δ from samples: ``p̂(A) − p(A) ≈ mean(model_above) − mean(training_above)``.

    Standard error ``sqrt(a(1−a)/n₁ + b(1−b)/n₂)`` with a, b the two fractions.

    Args:
        model_above: booleans, one per sample drawn from the model, True if it falls in A
            (see :func:`above_threshold`).
        training_above: booleans, one per training sample, True if it falls in A.

    >>> est = sample_calibration_delta([True, True, False, False], [True, False, False, False])
    >>> est.delta, round(est.std_error, 4)
    (0.25, 0.3307)
    """
    a = np.asarray(model_above, dtype=bool).ravel()
    b = np.asarray(training_above, dtype=bool).ravel()
    if a.size == 0 or b.size == 0:
        raise InputError(
            "sample_calibration_delta needs at least one model sample and one "
            f"training sample, got {a.size} and {b.size}"
        )
    fa, fb = float(a.mean()), float(b.mean())
    se = math.sqrt(fa * (1 - fa) / a.size + fb * (1 - fb) / b.size)
    diff = fa - fb
    return DeltaEstimate(abs(diff), diff, se, int(a.size), int(b.size))
