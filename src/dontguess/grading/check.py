"""Grader check: how far a grader's verdicts agree with reference labels.

The reference is people (EVOUNA) or another grader (an LLM judge). Rows the grader left
*ungraded* are not counted as agreement or disagreement: they lower **coverage** (the share
of rows the grader committed on) and the **recall** of the class they belong to, and they
appear as their own column of the confusion matrix.

- ``agreement_score``: share of committed rows where grader and reference agree.
- ``cohen_kappa_score``: (p_o − p_e) / (1 − p_e) on the committed rows, where p_o is the
  agreement and p_e = Σ_k p_ref(k)·p_grader(k) the agreement expected by chance from the two
  label distributions; nan when p_e = 1 (both always say one label).
- per class k: **precision** P(reference = k | grader = k) ("when the grader says k, the
  reference agrees"), **recall** P(grader = k | reference = k) over all rows with that
  reference label (ungraded rows count as misses).

Intervals come from a cluster bootstrap over items (every reply to one question is drawn
together), percentile method, seeded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dontguess._util.bootstrap import check_n_boot, percentile_interval, resample_totals
from dontguess._util.intervals import check_confidence_level

__all__ = [
    "CheckReport",
    "ClassStats",
    "UNGRADED",
    "agreement_score",
    "check_grader",
    "cohen_kappa_score",
    "confusion_matrix",
]

#: The grader's label for a row it did not decide.
UNGRADED = "ungraded"
Interval = tuple[float, float]
_NAN_INTERVAL: Interval = (math.nan, math.nan)


def _check_lengths(y_ref: Sequence[str], y_pred: Sequence[str]) -> None:
    if len(y_ref) != len(y_pred):
        raise ValueError(f"y_ref and y_pred differ in length: {len(y_ref)} != {len(y_pred)}")


def confusion_matrix(
    y_ref: Sequence[str], y_pred: Sequence[str], *, labels: Sequence[str]
) -> npt.NDArray[np.int64]:
    """Counts of (reference label, grader label): rows follow ``labels``, columns follow
    ``labels`` then :data:`UNGRADED`.

    Raises:
        ValueError: lengths differ, or a label is not in ``labels`` (nor ungraded).

    >>> confusion_matrix(["a", "a", "b"], ["a", "ungraded", "a"], labels=["a", "b"]).tolist()
    [[1, 0, 1], [1, 0, 0]]
    """
    _check_lengths(y_ref, y_pred)
    index = {label: i for i, label in enumerate(labels)}
    cols = {**index, UNGRADED: len(labels)}
    out = np.zeros((len(labels), len(labels) + 1), dtype=np.int64)
    for ref, pred in zip(y_ref, y_pred, strict=True):
        if ref not in index:
            raise ValueError(f"reference label {ref!r} is not one of {list(labels)}")
        if pred not in cols:
            raise ValueError(f"grader label {pred!r} is not one of {[*labels, UNGRADED]}")
        out[index[ref], cols[pred]] += 1
    return out


def _agreement(matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Agreement of (..., K, K+1) confusion matrices on their committed columns."""
    committed = matrix[..., :-1]
    n = committed.sum(axis=(-1, -2))
    diag = np.trace(committed, axis1=-2, axis2=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, diag / np.where(n > 0, n, 1), np.nan)


def _kappa(matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    committed = matrix[..., :-1]
    n = committed.sum(axis=(-1, -2))
    safe = np.where(n > 0, n, 1)
    p_o = np.trace(committed, axis1=-2, axis2=-1) / safe
    p_e = (committed.sum(axis=-1) * committed.sum(axis=-2)).sum(axis=-1) / safe**2
    with np.errstate(invalid="ignore", divide="ignore"):
        kappa = (p_o - p_e) / (1 - p_e)
    return np.where((n > 0) & (p_e < 1), kappa, np.nan)


def agreement_score(y_ref: Sequence[str], y_pred: Sequence[str]) -> float:
    """Share of committed rows (grader label not ungraded) where the two labels agree.

    nan when the grader committed on no row.

    >>> agreement_score(["a", "b", "b", "a"], ["a", "b", "a", "ungraded"])
    0.6666666666666666
    """
    labels = sorted(set(y_ref) | (set(y_pred) - {UNGRADED}))
    matrix = confusion_matrix(y_ref, y_pred, labels=labels).astype(np.float64)
    return float(_agreement(matrix))


def cohen_kappa_score(y_ref: Sequence[str], y_pred: Sequence[str]) -> float:
    """Cohen's κ of the committed rows: (p_o − p_e) / (1 − p_e), in [−1, 1].

    nan when no row is committed or chance agreement is 1 (one label only on both sides).

    >>> round(cohen_kappa_score(["a", "a", "b", "b"], ["a", "b", "b", "b"]), 4)
    0.5
    """
    labels = sorted(set(y_ref) | (set(y_pred) - {UNGRADED}))
    matrix = confusion_matrix(y_ref, y_pred, labels=labels).astype(np.float64)
    return float(_kappa(matrix))


@dataclass(frozen=True, slots=True)
class ClassStats:
    """Precision and recall of one label, with bootstrap intervals.

    Attributes:
        label: the label.
        support: rows whose reference label it is.
        predicted: rows the grader gave this label.
        precision: P(reference = label | grader = label); nan if never predicted.
        recall: P(grader = label | reference = label), ungraded counted as a miss.
    """

    label: str
    support: int
    predicted: int
    precision: float
    precision_ci: Interval
    recall: float
    recall_ci: Interval


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Everything ``dontguess grade-check`` prints for one group of rows.

    Attributes:
        labels: the label set (rows of ``confusion``; columns add ``ungraded``).
        n: rows compared.
        coverage: share of rows the grader committed on.
        agreement / kappa: on the committed rows, with bootstrap intervals.
        confusion: (len(labels), len(labels) + 1) counts, reference × grader.
        classes: per-label precision and recall.
        confidence_level: level of every interval.
    """

    labels: tuple[str, ...]
    n: int
    coverage: float
    agreement: float
    agreement_ci: Interval
    kappa: float
    kappa_ci: Interval
    confusion: npt.NDArray[np.int64]
    classes: tuple[ClassStats, ...]
    confidence_level: float


def _ratios(matrix: npt.NDArray[np.float64]) -> dict[str, npt.NDArray[np.float64]]:
    """Agreement, κ, per-label precision (p_k) and recall (r_k) of (..., K, K+1) matrices."""
    k = matrix.shape[-2]
    diag = np.diagonal(matrix[..., :k], axis1=-2, axis2=-1)
    predicted = matrix.sum(axis=-2)[..., :k]
    support = matrix.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(predicted > 0, diag / np.where(predicted > 0, predicted, 1), np.nan)
        recall = np.where(support > 0, diag / np.where(support > 0, support, 1), np.nan)
    out = {"agreement": _agreement(matrix), "kappa": _kappa(matrix)}
    for i in range(k):
        out[f"p{i}"] = precision[..., i]
        out[f"r{i}"] = recall[..., i]
    return out


def _intervals(
    cells: npt.NDArray[np.float64], shape: tuple[int, int], n_boot: int, seed: int, level: float
) -> dict[str, Interval]:
    if n_boot == 0 or cells.shape[0] == 0:
        return {}
    totals = resample_totals(cells, n_boot, np.random.default_rng(seed))
    reps = _ratios(totals.reshape(n_boot, *shape))
    out = {}
    for name, values in reps.items():
        finite = values[np.isfinite(values)]
        if finite.size < max(2, n_boot // 2):
            out[name] = _NAN_INTERVAL
            continue
        lo, hi = percentile_interval(finite, level)
        out[name] = (float(lo), float(hi))
    return out


def _cluster_cells(
    y_ref: Sequence[str], y_pred: Sequence[str], clusters: Sequence[str], labels: Sequence[str]
) -> npt.NDArray[np.float64]:
    """(clusters, K·(K+1)) per-cluster confusion counts, flattened."""
    index = {label: i for i, label in enumerate(labels)}
    cols = {**index, UNGRADED: len(labels)}
    ids: dict[str, int] = {}
    width = len(labels) + 1
    cells = np.zeros((len(set(clusters)), len(labels) * width), dtype=np.float64)
    for ref, pred, cluster in zip(y_ref, y_pred, clusters, strict=True):
        row = ids.setdefault(cluster, len(ids))
        cells[row, index[ref] * width + cols[pred]] += 1
    return cells


def check_grader(
    y_ref: Sequence[str],
    y_pred: Sequence[str],
    *,
    labels: Sequence[str] | None = None,
    clusters: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    confidence_level: float = 0.95,
) -> CheckReport:
    """Compare grader labels ``y_pred`` (or ``"ungraded"``) with reference labels ``y_ref``.

    Args:
        y_ref: reference label per row.
        y_pred: grader label per row; :data:`UNGRADED` where it did not decide.
        labels: the label set, in display order; default the sorted union of both sides.
        clusters: the item of each row, so the bootstrap draws all replies to a question
            together; default every row its own cluster.
        n_boot: bootstrap replicates (0: no intervals, they are nan).
        seed: bootstrap seed.
        confidence_level: level of the two-sided percentile intervals.

    Raises:
        ValueError: lengths differ, a label is outside ``labels``, or bad ``n_boot`` / level.

    >>> report = check_grader(["a", "a", "b", "b"], ["a", "b", "b", "ungraded"], n_boot=0)
    >>> report.coverage, round(report.agreement, 3), report.confusion.tolist()
    (0.75, 0.667, [[1, 1, 0], [0, 1, 1]])
    """
    _check_lengths(y_ref, y_pred)
    n_boot = check_n_boot(n_boot, "n_boot")
    check_confidence_level(confidence_level)
    if labels is None:
        labels = sorted(set(y_ref) | (set(y_pred) - {UNGRADED}))
    labels = tuple(labels)
    matrix = confusion_matrix(y_ref, y_pred, labels=labels)
    if clusters is None:
        clusters = [str(i) for i in range(len(y_ref))]
    _check_lengths(y_ref, clusters)
    cells = _cluster_cells(y_ref, y_pred, clusters, labels)
    point = _ratios(matrix.astype(np.float64))
    ci = _intervals(cells, matrix.shape, n_boot, seed, confidence_level)
    n = len(y_ref)
    classes = tuple(
        ClassStats(
            label=label,
            support=int(matrix[i].sum()),
            predicted=int(matrix[:, i].sum()),
            precision=float(point[f"p{i}"]),
            precision_ci=ci.get(f"p{i}", _NAN_INTERVAL),
            recall=float(point[f"r{i}"]),
            recall_ci=ci.get(f"r{i}", _NAN_INTERVAL),
        )
        for i, label in enumerate(labels)
    )
    return CheckReport(
        labels=labels,
        n=n,
        coverage=float(matrix[:, :-1].sum() / n) if n else math.nan,
        agreement=float(point["agreement"]),
        agreement_ci=ci.get("agreement", _NAN_INTERVAL),
        kappa=float(point["kappa"]),
        kappa_ci=ci.get("kappa", _NAN_INTERVAL),
        confusion=matrix,
        classes=classes,
        confidence_level=confidence_level,
    )
