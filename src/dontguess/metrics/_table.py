"""From a GradedTable to the (correct, confidence) arrays of confidence metrics, and a report."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from dontguess.errors import InputError
from dontguess.metrics._confidence import brier_score_loss, expected_calibration_error
from dontguess.metrics._risk import aurc_loss
from dontguess.records import GradedTable

__all__ = ["calibration_report", "confidence_pairs"]


def confidence_pairs(
    table: GradedTable, *, missing: Literal["raise", "drop"] = "raise"
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """``(correct, confidence)`` of the answered records (correct or incorrect) of ``table``.

    Abstentions and ungraded records carry no answer to be right about and are left out.

    Args:
        table: graded records (select one model / condition first with ``table.take``).
        missing: what to do with answers lacking a confidence: ``"raise"`` (default) or
            ``"drop"`` them. With no confidence at all, both raise.

    Raises:
        InputError: no answered record has a confidence, or some lack one and missing="raise".
    """
    answered = (table.verdict == 0) | (table.verdict == 1)
    conf = table.confidence[answered]
    known = ~np.isnan(conf)
    if not known.any():
        raise InputError(
            f"no confidence in the table ({int(answered.sum())} answered records, none with a "
            "confidence): confidence metrics need the model's confidence in each answer"
        )
    if not known.all() and missing == "raise":
        raise InputError(
            f"{int((~known).sum())} of {known.size} answered records have no confidence; "
            "pass missing='drop' to leave them out"
        )
    if missing not in ("raise", "drop"):
        raise ValueError(f"missing must be 'raise' or 'drop', got {missing!r}")
    return table.verdict[answered][known] == 0, conf[known]


def calibration_report(
    correct: npt.ArrayLike, confidence: npt.ArrayLike, *, n_bins: int = 10
) -> dict[str, Any]:
    """Brier score, ECE with equal-width and equal-mass bins (bin count stated), and AURC.

    >>> r = calibration_report([True, False], [0.9, 0.2], n_bins=2)
    >>> r["n"], r["n_bins"], r["brier_score"]
    (2, 2, 0.025)
    """
    return {
        "n": int(np.asarray(correct).size),
        "n_bins": n_bins,
        "brier_score": brier_score_loss(correct, confidence),
        "ece_uniform": expected_calibration_error(correct, confidence, n_bins=n_bins),
        "ece_quantile": expected_calibration_error(
            correct, confidence, n_bins=n_bins, strategy="quantile"
        ),
        "aurc": aurc_loss(correct, confidence),
    }
