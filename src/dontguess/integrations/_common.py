"""Pieces the adapters share: lazy imports, verdict letters, the metrics at each target.

Every adapter grades with :mod:`dontguess.grading` and scores with
:func:`dontguess.scoring.confidence_target_score`; this module only moves verdicts
between those and the letters the tools store (inspect's ``C`` / ``I`` / ``N``).
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Iterable, Sequence
from types import ModuleType

import numpy as np
import numpy.typing as npt

from dontguess.errors import InputError, MissingDependencyError
from dontguess.metrics import abstention_rate, error_rate
from dontguess.prompts import format_number
from dontguess.records import UNGRADED_CODE, VERDICT_CODES, Verdict
from dontguess.scoring import DEFAULT_TARGETS, confidence_target_score

__all__ = [
    "LETTERS",
    "check_targets",
    "metric_name",
    "metric_values",
    "require",
    "verdict_codes",
]

#: Verdict → the letter inspect_ai and the lm-eval tasks store (inspect's C / I / N).
LETTERS: dict[Verdict, str] = {
    Verdict.CORRECT: "C",
    Verdict.INCORRECT: "I",
    Verdict.ABSTAINED: "N",
}
_CODE_OF_LETTER = {letter: VERDICT_CODES[v] for v, letter in LETTERS.items()}


def require(module: str, package: str, extra: str) -> ModuleType:
    """Import ``module``, or raise :class:`MissingDependencyError` naming the extra.

    >>> require("json", "json", "none").__name__
    'json'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(package, extra) from exc


def check_targets(targets: Iterable[float] | None) -> tuple[float, ...]:
    """The confidence targets as floats in [0, 1), in order, without repeats.

    >>> check_targets([0, 0.5, 0.5])
    (0.0, 0.5)
    >>> check_targets([1.0])
    Traceback (most recent call last):
    ...
    dontguess.errors.InputError: targets must be in [0, 1), got 1.0
    """
    out: list[float] = []
    for t in DEFAULT_TARGETS if targets is None else targets:
        if isinstance(t, bool) or not isinstance(t, int | float) or not 0.0 <= t < 1.0:
            raise InputError(f"targets must be in [0, 1), got {t!r}")
        if float(t) not in out:
            out.append(float(t))
    if not out:
        raise InputError("targets must name at least one confidence target")
    return tuple(out)


def metric_name(target: float) -> str:
    """The name of the score at ``target``.

    >>> metric_name(0.0), metric_name(0.75)
    ('score_t0', 'score_t0.75')
    """
    return f"score_t{format_number(target)}"


def verdict_codes(values: Iterable[object]) -> npt.NDArray[np.int8]:
    """Verdict codes of stored letters: ``C`` 0, ``I`` 1, ``N`` 2, anything else ungraded.

    >>> verdict_codes(["C", "I", "N", float("nan"), None]).tolist()
    [0, 1, 2, -1, -1]
    """
    codes = [_CODE_OF_LETTER.get(v, UNGRADED_CODE) if isinstance(v, str) else UNGRADED_CODE
             for v in values]  # fmt: skip
    return np.asarray(codes, dtype=np.int8)


def metric_values(codes: npt.ArrayLike, targets: Sequence[float]) -> dict[str, float]:
    """The score at each target, the abstention rate and the error (hallucination) rate.

    Ungraded records count in none of them; with no graded record every value is nan
    (silently: the tools print nan).

    >>> metric_values([0, 0, 1, 2], [0.0, 0.5])
    {'score_t0': 0.5, 'score_t0.5': 0.25, 'abstention_rate': 0.25, 'error_rate': 0.25}
    """
    out = {
        metric_name(t): confidence_target_score(codes, target=t, zero_division=math.nan)
        for t in targets
    }
    out["abstention_rate"] = abstention_rate(codes, zero_division=math.nan)
    out["error_rate"] = error_rate(codes, zero_division=math.nan)
    return out
