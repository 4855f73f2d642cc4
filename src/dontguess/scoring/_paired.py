"""Paired bootstrap test of the score difference between two models or two conditions (§4)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dontguess._util.bootstrap import check_n_boot, percentile_interval, resample_totals
from dontguess._util.factorize import factorize
from dontguess._util.intervals import check_confidence_level
from dontguess.records import GradedTable
from dontguess.scoring._rule import check_target
from dontguess.scoring._summary import check_table

__all__ = ["paired_bootstrap", "paired_counts", "totals_score"]


def _one_condition(table: GradedTable, name: str) -> None:
    conds = {
        (str(m), "closed" if np.isnan(t) else f"t={t:g}", str(s))
        for m, t, s in zip(table.model, table.stated_target, table.style, strict=True)
    }
    if len(conds) > 1:
        shown = ", ".join(" ".join(c).strip() for c in sorted(conds)[:4])
        raise ValueError(
            f"{name} must hold one model and one condition, got {len(conds)}: {shown}; "
            "select one with table.take(mask)"
        )


def _item_counts(table: GradedTable) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.float64]]:
    """Sorted graded item ids and their (correct, incorrect, abstained) counts."""
    graded = table.verdict >= 0
    ids, codes = factorize(table.item_id[graded])
    v = table.verdict[graded].astype(np.int64)
    counts = np.bincount(codes * 3 + v, minlength=len(ids) * 3).reshape(len(ids), 3)
    return ids, counts.astype(np.float64)


def _scores(tot: npt.NDArray[np.float64], pen: float) -> npt.NDArray[np.float64]:
    """§4's score of (correct, incorrect, abstained) totals, ``(C − pen·I) / (C + I + A)``."""
    return np.asarray((tot[..., 0] - pen * tot[..., 1]) / tot[..., :3].sum(axis=-1))


def totals_score(tot: npt.NDArray[np.float64], target: float) -> npt.NDArray[np.float64]:
    """The score at target t of each row of (correct, incorrect, abstained) totals, e.g.
    bootstrap replicates (for callers holding totals rather than verdicts)."""
    return _scores(tot, check_target(target) / (1.0 - check_target(target)))


def paired_bootstrap(
    table_a: GradedTable,
    table_b: GradedTable,
    *,
    target: float,
    n_boot: int,
    seed: int = 0,
    confidence_level: float = 0.95,
) -> dict[str, float]:
    """Paired bootstrap of ``score_a − score_b`` at confidence target t on the same items.

    Each table holds one model under one condition. Items graded in both tables are kept
    (``n_items``); each replicate draws those items with replacement, the same draw for A and
    B, with all samples of an item moving together. The score is §4's
    ``(C − t/(1−t)·I) / (C + I + A)``.

    ``p_value`` is two-sided for "no difference": the share of centred replicates at least as
    extreme as the observed difference, ``(1 + #{|d*_b − d| ≥ |d|}) / (B + 1)``.
    The interval is the percentile interval of d* at ``confidence_level``.

    Returns:
        dict with difference, ci_low, ci_high, p_value, n_items, score_a, score_b.

    Raises:
        ValueError: a table mixes models/conditions, no common graded item, or bad arguments.

    >>> from dontguess.records import Graded, GradedTable, Verdict
    >>> ok, bad = Verdict.CORRECT, Verdict.INCORRECT
    >>> a = GradedTable.from_records([Graded(f"q{i}", "a", ok) for i in range(8)])
    >>> b = GradedTable.from_records([Graded(f"q{i}", "b", ok if i < 4 else bad) for i in range(8)])
    >>> out = paired_bootstrap(a, b, target=0.5, n_boot=200)
    >>> out["difference"], out["n_items"], out["ci_low"] > 0
    (1.0, 8, True)
    """
    pen = check_target(target) / (1.0 - check_target(target))
    n_boot = check_n_boot(n_boot, "n_boot")
    if n_boot < 1:
        raise ValueError("n_boot must be >= 1 for a paired bootstrap")
    check_confidence_level(confidence_level)
    for tab, name in ((table_a, "table_a"), (table_b, "table_b")):
        check_table(tab)
        _one_condition(tab, name)
    ids_a, counts_a = _item_counts(table_a)
    ids_b, counts_b = _item_counts(table_b)
    _, ia, ib = np.intersect1d(ids_a.astype(str), ids_b.astype(str), return_indices=True)
    if ia.size == 0:
        raise ValueError("the two tables have no graded item in common")
    both = np.hstack([counts_a[ia], counts_b[ib]])  # (m, 6)
    return paired_counts(both, pen, n_boot, np.random.default_rng(seed), confidence_level)


def paired_counts(
    both: npt.NDArray[np.float64],
    pen: float,
    n_boot: int,
    rng: np.random.Generator,
    confidence_level: float,
) -> dict[str, float]:
    """:func:`paired_bootstrap` on per-item counts already aligned: ``both`` is (m, 6), the
    (correct, incorrect, abstained) counts of A then of B for each common item (checked
    arguments; ``pen`` = t/(1−t)). Also used by :mod:`dontguess.confidence`."""
    total = both.sum(axis=0)
    score_a, score_b = float(_scores(total[:3], pen)), float(_scores(total[3:], pen))
    diff = score_a - score_b
    reps = resample_totals(both, n_boot, rng)  # (B, 6)
    d_star = _scores(reps[:, :3], pen) - _scores(reps[:, 3:], pen)
    lo, hi = percentile_interval(d_star, confidence_level)
    extreme = np.count_nonzero(np.abs(d_star - diff) >= abs(diff) - 1e-12)
    return {
        "difference": diff,
        "ci_low": float(lo),
        "ci_high": float(hi),
        "p_value": float((1 + extreme) / (n_boot + 1)),
        "n_items": int(both.shape[0]),
        "score_a": score_a,
        "score_b": score_b,
    }
