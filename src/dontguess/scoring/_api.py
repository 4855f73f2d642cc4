"""``dontguess.score``: score what people hold in memory (DataFrame, Arrow, dicts) or on disk."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dontguess.records import Graded, GradedTable
from dontguess.scoring._summary import DEFAULT_TARGETS, summarize

__all__ = ["as_graded_table", "score"]

_EXPECTED = (
    "a pandas DataFrame, a pyarrow Table, a list of dicts (or Graded records), a GradedTable, "
    "or a path to a graded-records file, run directory or harness log"
)


def as_graded_table(data: Any) -> GradedTable:
    """Coerce ``data`` to a :class:`GradedTable`, validating every value.

    Columns as in a graded-records file (``item_id``, ``model``, ``verdict`` required;
    verdict words ``correct`` / ``incorrect`` / ``abstained`` in any case, and None, ``""``
    or ``ungraded`` for an answer that could not be graded; see :mod:`dontguess.tables`).

    Raises:
        TypeError: ``data`` is none of the accepted kinds.
        InputError / SchemaError: a missing column or a bad value (row and value named).
    """
    if isinstance(data, GradedTable):
        return data
    if isinstance(data, str | Path):
        from dontguess.tables import read_graded

        return read_graded(data)
    kind = f"{type(data).__module__}.{type(data).__qualname__}"
    if kind.startswith("pandas.") and hasattr(data, "columns"):
        return _from_arrow(_pandas_to_arrow(data), "<DataFrame>")
    if kind.startswith("pyarrow.") and hasattr(data, "column_names"):
        if not hasattr(data, "num_rows") or hasattr(data, "read_all"):
            raise TypeError(f"data must be {_EXPECTED}, got {kind}")
        return _from_arrow(data, "<pyarrow Table>")
    if isinstance(data, Sequence) and not isinstance(data, bytes | bytearray):
        return _from_rows(data)
    raise TypeError(f"data must be {_EXPECTED}, got {kind}")


def _pandas_to_arrow(frame: Any) -> Any:
    import pyarrow as pa

    from dontguess.errors import InputError

    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        # A column mixing kinds (text and numbers): read every value as text instead.
        rows = frame.to_dict("records")
        if not rows:
            raise InputError(f"<DataFrame>: cannot read the columns: {exc}") from None
        return _text_arrow(rows)


def _from_arrow(table: Any, label: str) -> GradedTable:
    import pyarrow as pa

    from dontguess.errors import InputError
    from dontguess.tables._check import to_graded_table
    from dontguess.tables._io import Where

    try:
        records, _ = to_graded_table(table, Where(label, None))
    except pa.ArrowException as exc:
        raise InputError(f"cannot read the records: {exc}", path=label) from None
    return records


def _from_rows(rows: Sequence[Any]) -> GradedTable:
    from dontguess.errors import InputError

    if not rows:
        raise InputError("no records", path="<list>")
    if all(isinstance(r, Graded) for r in rows):
        return GradedTable.from_records(list(rows))
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            raise TypeError(
                f"data: row {number} is a {type(row).__name__}; a list must hold dicts "
                "(or Graded records)"
            )
    return _from_arrow(_text_arrow(rows), "<list>")


def _text_arrow(rows: Sequence[Mapping[str, Any]]) -> Any:
    """Rows as an Arrow table of text columns (None stays null; the validator parses)."""
    import pyarrow as pa

    names = list(dict.fromkeys(str(k) for r in rows for k in r))
    columns = {
        name: pa.array([_text(r.get(name)) for r in rows], type=pa.string()) for name in names
    }
    return pa.table(columns)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return _text(value.item())
    return json.dumps(value, ensure_ascii=False, default=str)


def score(
    data: Any,
    targets: Sequence[float] = DEFAULT_TARGETS,
    bootstrap: int = 0,
    by: str | Sequence[str] | None = None,
    *,
    seed: int = 0,
    all_targets: bool = False,
    confidence_level: float = 0.95,
) -> list[dict[str, Any]]:
    """Counts, rates and confidence-target scores of graded answers, from anything tabular.

    The score at target t is §4's ``(C − t/(1−t)·I) / (C + I + A)``: +1 per right answer,
    −t/(1−t) per wrong one, 0 per "I don't know" (see :func:`summarize`, which this wraps).

    Args:
        data: a pandas DataFrame, a pyarrow Table, a list of dicts (or of
            :class:`~dontguess.records.Graded`), a :class:`GradedTable`, or a path (a
            graded-records file, a run directory, or a log of lm-eval, inspect_ai or
            simple-evals). Columns: ``item_id``, ``model``, ``verdict`` (``correct`` /
            ``incorrect`` / ``abstained``, any case; None or ``""`` = ungraded), optional
            ``stated_target``, ``style``, ``sample``, ``confidence``, ``answer``; any other
            column can be named in ``by``.
        targets: confidence targets t in [0, 1).
        bootstrap: bootstrap replicates for score intervals (0: none).
        by: a grouping column name or several.
        seed: bootstrap seed.
        all_targets: also score open-rubric records at targets they were not told.
        confidence_level: coverage of the bootstrap interval.

    Returns:
        One dict per (model, condition, group, target); undefined values are nan.

    Raises:
        TypeError: ``data`` is of an unsupported kind.
        InputError: a missing column or a bad value, named with its row.

    >>> rows = score([{"item_id": "q1", "model": "m", "verdict": "Correct"},
    ...               {"item_id": "q2", "model": "m", "verdict": "incorrect"}], targets=(0, 0.5))
    >>> [(r["score_target"], r["score"]) for r in rows]
    [(0.0, 0.5), (0.5, 0.0)]
    """
    table = as_graded_table(data)
    groups = [by] if isinstance(by, str) else list(by or ())
    return summarize(
        table,
        targets=targets,
        by=groups,
        all_targets=all_targets,
        bootstrap=bootstrap,
        seed=seed,
        confidence_level=confidence_level,
        zero_division=math.nan,
    )
