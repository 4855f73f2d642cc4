"""Which confidences a graded table carries, and which record answers each question.

A table carries each estimator's confidence in a column ``confidence_<estimator>`` (as
``run --confidence`` writes them); the plain ``confidence`` column (``run --logprobs``:
the sequence probability) is the estimator named ``confidence``, unless it repeats one of
those columns. Sample agreement is computed from the answers when questions have K ≥ 2
samples.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from dontguess._util.factorize import combine, factorize
from dontguess.confidence._agreement import agreement_column, has_text
from dontguess.errors import InputError
from dontguess.records import GradedTable

__all__ = ["COLUMN_PREFIX", "REASON_SUFFIX", "estimator_columns", "question_samples"]

#: Extra columns named ``confidence_<estimator>`` hold that estimator's confidence.
COLUMN_PREFIX = "confidence_"
#: ``confidence_<estimator>_reason`` columns say why a confidence is missing; not estimators.
REASON_SUFFIX = "_reason"
_F64 = npt.NDArray[np.float64]
_I64 = npt.NDArray[np.int64]


def _parse_column(name: str, col: npt.NDArray[np.object_]) -> _F64:
    """Floats of a text column ("" or None → nan); a bad cell is an InputError naming it."""
    uniques, codes = factorize(col, sort=False)  # parse each distinct text once
    try:  # the common case in one vectorised conversion; any doubt → the checking loop
        blank = np.asarray(uniques == "", dtype=bool)
        values = np.where(blank, "nan", uniques).astype(np.float64)
        if not ((values < 0) | (values > 1)).any():
            return values[codes]
    except (TypeError, ValueError):
        pass
    out = np.full(len(col), np.nan)
    for row, cell in enumerate(col.tolist()):
        if cell is None or cell == "" or (isinstance(cell, float) and math.isnan(cell)):
            continue
        try:
            value = float(cell)
        except (TypeError, ValueError):
            value = math.nan
        if not 0.0 <= value <= 1.0:
            raise InputError(
                f"column {name!r}, record {row + 1}: a confidence must be a number in [0, 1], "
                f"got {cell!r}"
            )
        out[row] = value
    return out


def _same(a: _F64, b: _F64) -> bool:
    return bool(np.array_equal(np.isnan(a), np.isnan(b)) and np.allclose(
        np.nan_to_num(a), np.nan_to_num(b), rtol=0, atol=1e-12))  # fmt: skip


def estimator_columns(table: GradedTable, *, agreement: bool = True) -> dict[str, _F64]:
    """Each estimator's confidence per record (nan where unknown), by estimator name.

    Columns ``confidence_<name>`` become estimator ``<name>`` (``confidence_<name>_reason``
    columns, why a value is missing, are not estimators); the plain ``confidence``
    column becomes ``confidence`` when it has any value and repeats no named column;
    ``agreement`` is computed from the answers (:func:`dontguess.confidence.agreement_column`)
    when ``agreement`` is true, no ``confidence_agreement`` column exists and some question
    has two or more graded samples with answer text. Estimators with no value are left out.

    Raises:
        InputError: a ``confidence_<name>`` cell is not a number in [0, 1].
    """
    out: dict[str, _F64] = {}
    for col in sorted(table.groups):
        if (
            col.startswith(COLUMN_PREFIX)
            and len(col) > len(COLUMN_PREFIX)
            and not col.endswith(REASON_SUFFIX)
        ):
            values = _parse_column(col, table.groups[col])
            if not np.isnan(values).all():
                out[col[len(COLUMN_PREFIX) :]] = values
    plain = table.confidence
    if not np.isnan(plain).all() and not any(_same(plain, v) for v in out.values()):
        out.setdefault("confidence", plain)
    if agreement and "agreement" not in out and _has_repeats(table):
        values = agreement_column(table)
        if not np.isnan(values).all():
            out["agreement"] = values
    return dict(sorted(out.items()))


def _question_codes(table: GradedTable) -> _I64:
    """One code per (model, stated_target, style, item_id): the question a record answers."""
    cols = [table.model, table.stated_target, table.style, table.item_id]
    coded = [factorize(c, sort=False) for c in cols]
    sizes = [len(u) for u, _ in coded]
    if math.prod(max(s, 1) for s in sizes) < 2**62:  # one mixed-radix key: a 1-D unique
        key, _ = combine([c for _, c in coded], sizes, len(table))
        _, inverse = np.unique(key, return_inverse=True)
    else:
        _, inverse = np.unique(np.stack([c for _, c in coded], axis=1), axis=0, return_inverse=True)
    return np.asarray(inverse, dtype=np.int64).reshape(-1)


def _has_repeats(table: GradedTable) -> bool:
    graded = table.take(table.verdict >= 0)
    if len(graded) < 2 or not has_text(graded.answer):
        return False
    return bool(np.bincount(_question_codes(graded)).max() >= 2)


def question_samples(table: GradedTable, k: int = 1) -> _I64:
    """Rows of each question's first ``k`` samples: an (n_questions, k) array, −1 = missing.

    A question is a (model, stated_target, style, item_id). Its samples are ordered graded
    first, then by sample index (then by row), so a policy answers with the first graded
    sample, and an ungraded one only stands in when the question has no graded sample.

    >>> from dontguess.records import Graded, GradedTable, Verdict
    >>> ok = Verdict.CORRECT
    >>> t = GradedTable.from_records([Graded("q1", "m", ok, sample=1), Graded("q1", "m", ok),
    ...                               Graded("q2", "m", None, ungraded_reason="timeout")])
    >>> question_samples(t, k=2).tolist()
    [[1, 0], [2, -1]]
    """
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    n = len(table)
    if n == 0:
        return np.empty((0, k), dtype=np.int64)
    q = _question_codes(table)
    ungraded = (table.verdict < 0).astype(np.int64)
    order = np.lexsort((np.arange(n), table.sample, ungraded, q))
    qs = q[order]
    start = np.flatnonzero(np.r_[True, qs[1:] != qs[:-1]])
    rank = np.arange(n) - np.repeat(start, np.diff(np.r_[start, n]))
    out = np.full((start.size, k), -1, dtype=np.int64)
    keep = rank < k
    which = np.repeat(np.arange(start.size), np.diff(np.r_[start, n]))
    out[which[keep], rank[keep]] = order[keep]
    return out
