"""The columnar reading of an lm-eval samples file: Arrow's JSON reader, the needed fields only.

:func:`read_columns` handles the common file, where every line has the first line's shape:
the same ``metrics`` list, each metric a number, ``doc_id`` a whole number or text, a
``filter``, and ``resps`` / ``filtered_resps`` of one type. It parses with
``pyarrow.json`` (bulky fields such as ``doc`` and ``arguments`` are checked as JSON but
not built), then maps every record with array operations. Anything else (a line of
another shape, a missing field, an invalid line, letters or ``null`` as metric values,
Python ``repr`` text, a line longer than the reader's block) returns None, and
:mod:`dontguess.importers.lm_eval` reads the file line by line, with its one-line errors.
The mapping is the one of that module; tests check that both give the same records.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess.importers._abstain_batch import declined_many
from dontguess.importers._common import ABSTAINED, CORRECT, INCORRECT
from dontguess.records import UNGRADED_CODE, GradedTable

__all__ = ["Columns", "read_columns", "to_table"]

_BLOCK = 16 << 20  # a longer line makes the reader fail, and the line reader takes over
_HEAD = 1 << 20
_LOGLIKELIHOOD = frozenset(["multiple_choice", "loglikelihood", "loglikelihood_rolling"])

Columns = dict[str, Any]


def _first_line(path: Path) -> dict[str, Any] | None:
    with path.open("rb") as fh:
        raw = fh.readline(_HEAD)
    try:
        obj = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return obj if isinstance(obj, dict) else None


def _schema(first: dict[str, Any]) -> tuple[Any, list[str]] | None:
    """Arrow types of the needed fields, from the first line (None: not the common shape)."""
    import pyarrow as pa

    metrics = first.get("metrics")
    if not isinstance(metrics, list) or not metrics or len(set(map(str, metrics))) != len(metrics):
        return None
    for m in metrics:
        value = first.get(m) if isinstance(m, str) else None
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
    doc_id = first.get("doc_id")
    if isinstance(doc_id, bool) or not isinstance(doc_id, int | str):
        return None
    if not isinstance(first.get("filter"), str):
        return None
    fields = [("doc_id", pa.int64() if isinstance(doc_id, int) else pa.string()),
              ("filter", pa.string()), ("metrics", pa.list_(pa.string()))]  # fmt: skip
    for name in ("resps", "filtered_resps"):
        if not isinstance(first.get(name), list):
            return None
        try:
            fields.append((name, pa.array([first[name]]).type))
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            return None
    fields += [(m, pa.float64()) for m in metrics]
    return pa.schema(fields), list(metrics)


def read_columns(path: Path) -> Columns | None:
    """The needed columns of the file, or None when it is not of the common shape."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.json as pj

    first = _first_line(path)
    shape = _schema(first) if first is not None else None
    if shape is None:
        return None
    schema, metrics = shape
    try:
        table = pj.read_json(
            path,
            read_options=pj.ReadOptions(use_threads=True, block_size=_BLOCK),
            parse_options=pj.ParseOptions(
                explicit_schema=schema, unexpected_field_behavior="ignore"
            ),
        )
    except (pa.ArrowException, OSError, ValueError):
        return None
    if table.num_rows == 0 or any(table.column(n).null_count for n in schema.names):
        return None
    named = pc.binary_join(table.column("metrics"), "\x00")
    if not pc.all(pc.equal(named, "\x00".join(metrics))).as_py():
        return None
    return {"table": table, "metrics": metrics}


def _texts(resps: Any) -> Any:
    """``resps[0][0]`` of each line when it is text, else null (see ``lm_eval._generation``).

    Read from the list offsets: line i's first inner list is ``outer.offsets[i]`` when the
    line has any, and its first text is ``inner.offsets[that]`` when that list has any.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(resps)
    kind = resps.type
    if not (pa.types.is_list(kind) and pa.types.is_list(kind.value_type)):
        return pa.nulls(n, pa.string())
    if not pa.types.is_string(kind.value_type.value_type):
        return pa.nulls(n, pa.string())
    inner, strings = resps.values, resps.values.values
    if len(strings) == 0:
        return pa.nulls(n, pa.string())
    outer_at, inner_at = resps.offsets.to_numpy(), inner.offsets.to_numpy()
    has_inner = outer_at[1:] > outer_at[:-1]
    first = np.where(has_inner, outer_at[:-1], 0)  # line i's first inner list (0: none)
    valid = inner.is_valid().to_numpy(zero_copy_only=False)
    has_text = has_inner & valid[first] & (inner_at[1:][first] > inner_at[:-1][first])
    taken = strings.take(pa.array(np.where(has_text, inner_at[:-1][first], 0)))
    return pc.if_else(pa.array(has_text), taken, pa.scalar(None, pa.string()))


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


def _score_text(values: npt.NDArray[np.float64]) -> npt.NDArray[np.object_]:
    """``fmt_score`` of each value, computed once per distinct value."""
    uniq, inverse = np.unique(values, return_inverse=True)
    words = _obj(["" if math.isnan(v) else f"{v:g}" for v in uniq.tolist()])
    return words[inverse.reshape(-1)]


def _answers(table: Any, info: dict[str, str], choice: Any) -> tuple[Any, Any, Any]:
    """Per line: the answer, whether it is log-likelihood, whether the text declines."""
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = _texts(table.column("resps").combine_chunks())
    output_type = info.get("output_type")
    if output_type:
        loglik = np.full(len(texts), output_type in _LOGLIKELIHOOD)
    else:
        loglik = texts.is_null().to_numpy(zero_copy_only=False)
    answers = np.asarray(texts.fill_null("").to_numpy(zero_copy_only=False), dtype=object)
    if loglik.any():
        filtered = table.column("filtered_resps").to_pylist()
        for i in np.flatnonzero(loglik):
            answers[i] = choice(filtered[i])
    generated = pc.if_else(pa.array(loglik), pa.scalar(None, pa.string()), texts)
    said_idk = declined_many(generated)
    return answers, loglik, said_idk


def to_table(
    cols: Columns, *, task: str, info: dict[str, str], threshold: float | None, choice: Any
) -> GradedTable:
    """The records of :func:`read_columns`'s columns: one per line × metric, line-major.

    ``choice`` is the reader's ``filtered_resps`` → ``choice k`` function.
    """
    import pyarrow.compute as pc

    table, metrics = cols["table"], cols["metrics"]
    n, k = table.num_rows, len(metrics)
    answers, loglik, said_idk = _answers(table, info, choice)
    filters = _obj(table.column("filter").to_pylist())
    several = len(set(filters.tolist())) * k > 1
    model = info.get("model", "unknown")
    values = np.stack([table.column(m).to_numpy() for m in metrics], axis=1)  # (n, k)
    code = np.stack([_verdicts(values[:, j], threshold) for j in range(k)], axis=1)
    code[said_idk] = ABSTAINED
    reason = np.full((n, k), "", dtype=object)
    for i, j in zip(*np.nonzero(code == UNGRADED_CODE), strict=True):
        reason[i, j] = f"score {values[i, j]:g} is neither 0 nor 1 (give a partial threshold)"
    scorer = np.tile(_obj(metrics), n)
    if several:
        names = {(f, m): f"{model} · {m}/{f}" for f in set(filters.tolist()) for m in metrics}
        models = _obj([names[f, m] for f, m in zip(np.repeat(filters, k), scorer, strict=True)])
    else:
        models = np.full(n * k, model, dtype=object)
    m_total = n * k
    return GradedTable(
        item_id=np.repeat(_obj(pc.cast(table.column("doc_id"), "string").to_pylist()), k),
        model=models,
        stated_target=np.full(m_total, math.nan),
        style=np.full(m_total, "", dtype=object),
        sample=np.zeros(m_total, dtype=np.int64),
        verdict=code.reshape(-1),
        confidence=np.full(m_total, math.nan),
        ungraded_reason=reason.reshape(-1),
        answer=np.repeat(answers, k),
        groups={
            "benchmark": np.full(m_total, task, dtype=object),
            "harness": np.full(m_total, "lm-eval", dtype=object),
            "scorer": scorer,
            "source_score": _score_text(values.reshape(-1)),
            "abstain_possible": np.repeat(_obj(np.where(loglik, "no", "yes").tolist()), k),
            "filter": np.repeat(filters, k),
        },
    )
