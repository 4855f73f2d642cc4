"""Shared pieces of the log importers: limits, guarded JSON, score mapping, the record builder.

Every importer turns one log into a :class:`~dontguess.records.GradedTable` whose grouping
columns say where each record came from (:data:`GROUP_COLUMNS`):

``benchmark``         the task / eval name in the log
``harness``           ``lm-eval``, ``inspect`` or ``simple-evals``
``scorer``            the metric or scorer whose value gave the verdict
``source_score``      the value the log itself gave the answer, as a number (``1``, ``0``,
                      ``0.5``); empty when the log gave none
``abstain_possible``  ``no`` when the task could not record an abstention (log-likelihood
                      multiple choice), else ``yes``

Nothing here prints; every problem is an :class:`~dontguess.errors.InputError` naming the file.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from dontguess.errors import InputError
from dontguess.records import UNGRADED_CODE, VERDICT_CODES, GradedTable, Verdict

__all__ = [
    "ABSTAINED",
    "CORRECT",
    "GROUP_COLUMNS",
    "INCORRECT",
    "AggregateOnlyError",
    "Builder",
    "check_size",
    "check_threshold",
    "declined",
    "depth_ok",
    "fmt_score",
    "load_json",
    "max_log_bytes",
    "score_verdict",
]

CORRECT = VERDICT_CODES[Verdict.CORRECT]
INCORRECT = VERDICT_CODES[Verdict.INCORRECT]
ABSTAINED = VERDICT_CODES[Verdict.ABSTAINED]

GROUP_COLUMNS = ("benchmark", "harness", "scorer", "source_score", "abstain_possible")

#: Default largest log file read (bytes); ``DONTGUESS_MAX_LOG_BYTES`` overrides it.
DEFAULT_MAX_LOG_BYTES = 4 << 30
#: Deepest JSON nesting accepted (the json module recurses; deeper input is hostile).
MAX_JSON_DEPTH = 200


class AggregateOnlyError(InputError):
    """The file is a log of the right harness but holds aggregate metrics, no per-answer records."""


def max_log_bytes() -> int:
    """The size limit of one log file: ``$DONTGUESS_MAX_LOG_BYTES`` or 4 GiB."""
    raw = os.environ.get("DONTGUESS_MAX_LOG_BYTES", "").strip()
    if not raw:
        return DEFAULT_MAX_LOG_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"DONTGUESS_MAX_LOG_BYTES must be a whole number, got {raw!r}") from None
    if value < 1:
        raise InputError(f"DONTGUESS_MAX_LOG_BYTES must be >= 1, got {value}")
    return value


def check_size(path: Path) -> int:
    """Return the size of ``path``; raise before any parsing if it is missing or too large."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    if not path.is_file():
        raise InputError("not a file", path=str(path))
    limit = max_log_bytes()
    if size > limit:
        raise InputError(
            f"file is {size / 1e6:,.1f} MB, over the {limit / 1e6:,.1f} MB limit for one log "
            "(raise it with DONTGUESS_MAX_LOG_BYTES=N)",
            path=str(path),
        )
    if size == 0:
        raise InputError("empty file", path=str(path))
    return size


def depth_ok(data: bytes) -> bool:
    """Whether brackets outside strings nest at most :data:`MAX_JSON_DEPTH` deep (fast scan)."""
    if data.count(b"[") + data.count(b"{") <= MAX_JSON_DEPTH:
        return True
    depth = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def load_json(data: bytes, where: str, *, line: int | None = None, what: str = "JSON") -> Any:
    """Parse JSON bytes; every failure (bad UTF-8, syntax, nesting) is a one-line InputError."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{what} is not UTF-8 text (bad byte at offset {exc.start})", path=where, line=line
        ) from None
    if not depth_ok(data):
        raise InputError(f"{what} nests deeper than {MAX_JSON_DEPTH} levels", path=where, line=line)
    try:
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise
        except ValueError:  # an integer too long for int(): read again, keeping it as a float
            return json.loads(text, parse_int=_int)
    except json.JSONDecodeError as exc:
        at = f" (line {exc.lineno}, column {exc.colno})" if line is None else ""
        raise InputError(f"invalid {what}: {exc.msg}{at}", path=where, line=line) from None
    except RecursionError:
        raise InputError(f"{what} nests too deeply", path=where, line=line) from None


def _int(digits: str) -> int | float:
    """A JSON integer; one too long for ``int`` (over 4300 digits) becomes a float, as a
    typed JSON decoder would skip it rather than refuse the file.

    >>> _int("12"), _int("9" * 5000)
    (12, inf)
    """
    try:
        return int(digits)
    except ValueError:  # sys.get_int_max_str_digits() exceeded
        return float(digits)


def check_threshold(threshold: float | None) -> float | None:
    """Validate ``partial_threshold`` (None, or a finite number)."""
    if threshold is None:
        return None
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise InputError(f"partial_threshold must be a number, got {threshold!r}")
    if not math.isfinite(threshold):
        raise InputError(f"partial_threshold must be finite, got {threshold!r}")
    return float(threshold)


def score_verdict(value: float, threshold: float | None) -> tuple[int, str]:
    """Verdict code of a numeric score: 1 → correct, 0 → incorrect, else by ``threshold``.

    Returns ``(code, reason)``; ``reason`` is non-empty only for an ungraded record.

    >>> score_verdict(1.0, None), score_verdict(0.5, None)[0], score_verdict(0.5, 0.5)
    ((0, ''), -1, (0, ''))
    """
    if value == 1.0:
        return CORRECT, ""
    if value == 0.0:
        return INCORRECT, ""
    if threshold is None:
        return UNGRADED_CODE, f"score {value:g} is neither 0 nor 1 (give a partial threshold)"
    return (CORRECT if value >= threshold else INCORRECT), ""


def declined(text: str | None) -> bool:
    """Whether a non-empty generated answer declines to answer (the abstention detector).

    Empty text is not called an abstention here: an empty extracted answer usually means
    the harness could not parse one, and the log's own grade stands.
    """
    from dontguess.grading import detect_abstention  # lazy: the detector's patterns compile

    return bool(text and text.strip()) and detect_abstention(text)


def fmt_score(value: float | None) -> str:
    """A source score as text for the ``source_score`` column (empty when unknown)."""
    return "" if value is None or math.isnan(value) else f"{value:g}"


class Builder:
    """Collects records column by column and builds the :class:`GradedTable`.

    Args:
        extra: grouping columns beyond :data:`GROUP_COLUMNS` (each record gives them).
    """

    def __init__(self, extra: Iterable[str] = ()) -> None:
        self.names = (*GROUP_COLUMNS, *extra)
        self.cols: dict[str, list[Any]] = {
            k: []
            for k in ("item_id", "model", "sample", "verdict", "confidence", "reason", "answer")
        }
        self.groups: dict[str, list[str]] = {k: [] for k in self.names}

    def __len__(self) -> int:
        return len(self.cols["verdict"])

    def add(
        self,
        *,
        item_id: str,
        model: str,
        verdict: int,
        groups: dict[str, str],
        sample: int = 0,
        reason: str = "",
        confidence: float = math.nan,
        answer: str = "",
    ) -> None:
        """Add one record; ``reason`` must be given exactly when ``verdict`` is ungraded."""
        assert (verdict == UNGRADED_CODE) == bool(reason), (verdict, reason)
        values = (item_id, model, sample, verdict, confidence, reason, answer)
        for key, value in zip(self.cols, values, strict=True):
            self.cols[key].append(value)
        for name in self.names:
            self.groups[name].append(groups.get(name, ""))

    def table(self) -> GradedTable:
        """The records as a columnar table."""

        def obj(values: list[Any]) -> Any:
            out = np.empty(len(values), dtype=object)
            out[:] = values
            return out

        n = len(self)
        style = obj([""] * n)
        return GradedTable(
            item_id=obj(self.cols["item_id"]),
            model=obj(self.cols["model"]),
            stated_target=np.full(n, math.nan, dtype=np.float64),
            style=style,
            sample=np.array(self.cols["sample"], dtype=np.int64),
            verdict=np.array(self.cols["verdict"], dtype=np.int8),
            confidence=np.array(self.cols["confidence"], dtype=np.float64),
            ungraded_reason=obj(self.cols["reason"]),
            answer=obj(self.cols["answer"]),
            groups={k: obj(v) for k, v in self.groups.items()},
        )
