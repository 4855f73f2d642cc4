"""Other tools' logs → graded records, one module per format (docs/import.md).

- :mod:`~dontguess.importers.lm_eval`: lm-evaluation-harness ``samples_<task>_<time>.jsonl``;
- :mod:`~dontguess.importers.inspect_log`: inspect_ai ``.eval`` archives and ``.json`` logs;
- :mod:`~dontguess.importers.simple_evals`: openai/simple-evals reports and forks' records.

:func:`read_log` detects the format from the file's first bytes (:func:`detect_format`) or
takes it from ``fmt``; :func:`audit_benchmarks` is the paper's benchmark audit (§4, Table 2)
on the records read, and :data:`TABLE2` the paper's survey. Every record carries grouping
columns ``benchmark``, ``harness``, ``scorer``, ``source_score`` and ``abstain_possible``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dontguess.errors import InputError
from dontguess.importers._audit import audit_benchmarks
from dontguess.importers._common import GROUP_COLUMNS, AggregateOnlyError
from dontguess.importers._detect import FORMATS, detect_format
from dontguess.importers._table2 import TABLE2, SurveyRow
from dontguess.importers.inspect_log import read_inspect
from dontguess.importers.lm_eval import read_lm_eval
from dontguess.importers.simple_evals import read_simple_evals
from dontguess.records import GradedTable

__all__ = [
    "AggregateOnlyError",
    "FORMATS",
    "GROUP_COLUMNS",
    "SurveyRow",
    "TABLE2",
    "audit_benchmarks",
    "detect_format",
    "read_inspect",
    "read_lm_eval",
    "read_log",
    "read_logs",
    "read_simple_evals",
]

_READERS = {"inspect": read_inspect, "lm-eval": read_lm_eval, "simple-evals": read_simple_evals}


def read_log(
    path: str | Path, *, fmt: str | None = None, partial_threshold: float | None = None
) -> GradedTable:
    """Read one log of lm-eval, inspect_ai or simple-evals into graded records.

    Args:
        path: the log file.
        fmt: ``"lm-eval"``, ``"inspect"`` or ``"simple-evals"``; None detects it.
        partial_threshold: scores that are neither 0 nor 1 (inspect's ``P`` = 0.5, an F1)
            count as correct at or above it, incorrect below; None leaves them ungraded.

    Raises:
        AggregateOnlyError: the log holds aggregate metrics only (no per-answer records).
        InputError: unknown format, or a corrupt, truncated, oversized or malformed log
            (one line naming the file and what is wrong).

    >>> read_log("no-such.eval")
    Traceback (most recent call last):
    ...
    dontguess.errors.InputError: no-such.eval: no such file
    """
    path = Path(path)
    if fmt is not None and fmt not in _READERS:
        raise InputError(f"log format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if not path.exists():
        raise InputError("no such file", path=str(path))
    name = fmt or detect_format(path)
    if name is None:
        raise InputError(
            f"not a log of {', '.join(FORMATS)} (give the format to force one: --from NAME)",
            path=str(path),
        )
    return _READERS[name](path, partial_threshold=partial_threshold)


def read_logs(
    paths: Sequence[str | Path],
    *,
    fmt: str | None = None,
    partial_threshold: float | None = None,
    allow_duplicates: bool = False,
) -> GradedTable:
    """Read several logs (see :func:`read_log`) and concatenate their records.

    Args:
        paths: the log files.
        fmt: the format of every file (None: detected per file).
        partial_threshold: see :func:`read_log`.
        allow_duplicates: keep a record whose (item_id, model, condition, sample) repeats
            one read before for the same benchmark (each copy is then counted); by default
            that is an error naming the file and row of both copies, as for
            :func:`dontguess.tables.read_graded`.
    """
    from dontguess.importers._keys import check_repeats
    from dontguess.tables._concat import concat_graded

    if not paths:
        raise InputError("no log files given")
    parts = [(str(p), read_log(p, fmt=fmt, partial_threshold=partial_threshold)) for p in paths]
    table = concat_graded([t for _, t in parts])
    if not allow_duplicates:
        check_repeats(table, parts)
    return table
