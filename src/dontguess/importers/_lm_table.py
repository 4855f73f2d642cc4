"""Graded records from the columns of :mod:`dontguess.importers._lm_fast` (same mapping as the
line reader of :mod:`dontguess.importers.lm_eval`; tests check both give the same records).

The text columns carry their dictionary codes (:mod:`dontguess._util.coded`), so scoring
and the duplicate check need not encode them again.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess._util.coded import coded, coded_constant
from dontguess.importers._abstain_batch import declined_many
from dontguess.importers._common import ABSTAINED, CORRECT, INCORRECT
from dontguess.importers._lm_fast import LOGLIKELIHOOD, Columns, choice, read_columns
from dontguess.records import UNGRADED_CODE, GradedTable

__all__ = ["read_fast", "to_table"]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused (then restored as it was).

    Reading a large file builds a few hundred thousand lists and strings that all stay
    alive and hold no reference cycles; the collector would otherwise traverse the
    growing heap again and again (a third of the reading time on 100,000 lines).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_fast(
    path: Path, *, task: str, info: dict[str, str], threshold: float | None
) -> GradedTable | None:
    """The records of a file of the common shape (:func:`read_columns`), else None."""
    with _gc_paused():
        cols = read_columns(path, info.get("output_type", ""))
        table = None if cols is None else to_table(cols, task=task, info=info, threshold=threshold)
        del cols  # freed while paused: else the collector's next pass walks every decoded list
    return table


def _verdicts(values: npt.NDArray[np.float64], threshold: float | None) -> npt.NDArray[np.int8]:
    code = np.full(len(values), UNGRADED_CODE, dtype=np.int8)
    if threshold is not None:
        code[:] = np.where(values >= threshold, CORRECT, INCORRECT)
    code[values == 0.0] = INCORRECT
    code[values == 1.0] = CORRECT
    return code


def _obj(values: Any) -> npt.NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _score_text(values: npt.NDArray[np.float64]) -> Any:
    """``fmt_score`` of each value, computed once per distinct value."""
    uniq, inverse = np.unique(values, return_inverse=True)
    return coded(["" if math.isnan(v) else f"{v:g}" for v in uniq.tolist()], inverse.reshape(-1))


def _codes(values: list[str]) -> tuple[list[str], npt.NDArray[np.int64]]:
    """Distinct values (first-seen order) and each value's index into them."""
    if len(set(values)) == 1:
        return values[:1], np.zeros(len(values), dtype=np.int64)
    seen: dict[str, int] = {}
    codes = np.fromiter((seen.setdefault(v, len(seen)) for v in values), np.int64, len(values))
    return list(seen), codes


def _answers(
    cols: Columns, output_type: str
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Per line: the answer, whether the task is log-likelihood, whether the text declines."""
    n = len(cols.doc_ids)
    texts: list[str | None] = cols.texts if cols.texts is not None else [None] * n
    if output_type:
        loglik = np.full(n, output_type in LOGLIKELIHOOD)
    else:
        loglik = np.fromiter((t is None for t in texts), dtype=bool, count=n)
    answers = _obj([t or "" for t in texts])
    if loglik.any():
        filtered = cols.filtered if cols.filtered is not None else [None] * n
        at = np.flatnonzero(loglik)
        answers[at] = _choices([filtered[i] for i in at.tolist()])
        texts = [None if ll else t for ll, t in zip(loglik.tolist(), texts, strict=True)]
    return answers, loglik, declined_many(texts)


def _choices(filtered: list[Any]) -> npt.NDArray[np.object_]:
    """:func:`choice` of each line, vectorised when every line lists the same number of
    ``[log-likelihood, is-greedy]`` options (a line with a NaN, or anything else, is read by
    :func:`choice` itself, whose first-maximum rule NaN would break in ``argmax``).

    >>> _choices([[["-1.5", "False"], ["-0.5", "True"]], [["-0.1", "x"], ["-2", "y"]]]).tolist()
    ['choice 1', 'choice 0']
    """
    width = len(filtered[0]) if filtered and isinstance(filtered[0], list) else 0
    try:
        if not width or any(not isinstance(f, list) or len(f) != width for f in filtered):
            raise TypeError("not one shape")
        flat = [o[0] if isinstance(o, list) and o else o for f in filtered for o in f]
        scores = np.array(list(map(float, flat)), dtype=np.float64).reshape(-1, width)
    except (TypeError, ValueError, OverflowError):
        return _obj([choice(f) for f in filtered])
    words = _obj([f"choice {k}" for k in range(width)])
    out: npt.NDArray[np.object_] = words[np.argmax(scores, axis=1)]
    for i in np.flatnonzero(np.isnan(scores).any(axis=1)).tolist():
        out[i] = choice(filtered[i])
    return out


def to_table(
    cols: Columns, *, task: str, info: dict[str, str], threshold: float | None
) -> GradedTable:
    """The records of :func:`read_columns`'s columns: one per line × metric, line-major.

    The text columns carry their dictionary codes (:mod:`dontguess._util.coded`), so
    scoring and the duplicate check need not encode them again.
    """
    metrics, values = cols.metrics, cols.values
    n, k = values.shape
    total = n * k
    answers, loglik, said_idk = _answers(cols, info.get("output_type", ""))
    code = np.stack([_verdicts(values[:, j], threshold) for j in range(k)], axis=1)
    code[said_idk] = ABSTAINED
    reason = np.full((n, k), "", dtype=object)
    for i, j in zip(*np.nonzero(code == UNGRADED_CODE), strict=True):
        reason[i, j] = f"score {values[i, j]:g} is neither 0 nor 1 (give a partial threshold)"
    filters, filter_codes = _codes(cols.filters)
    filter_codes = np.repeat(filter_codes, k)
    metric_codes = np.tile(np.arange(k), n)
    model = info.get("model", "unknown")
    if len(filters) * k > 1:
        names = [f"{model} · {m}/{f}" for f in filters for m in metrics]
        models = coded(names, filter_codes * k + metric_codes)
    else:
        models = coded_constant(model, total)
    return GradedTable(
        item_id=np.repeat(_obj(list(map(str, cols.doc_ids))), k),
        model=models,
        stated_target=np.full(total, math.nan),
        style=coded_constant("", total),
        sample=np.zeros(total, dtype=np.int64),
        verdict=code.reshape(-1),
        confidence=np.full(total, math.nan),
        ungraded_reason=reason.reshape(-1),
        answer=np.repeat(answers, k),
        groups={
            "benchmark": coded_constant(task, total),
            "harness": coded_constant("lm-eval", total),
            "scorer": coded(metrics, metric_codes),
            "source_score": _score_text(values.reshape(-1)),
            "abstain_possible": coded(["yes", "no"], np.repeat(loglik.astype(np.int8), k)),
            "filter": coded(filters, filter_codes),
        },
    )
