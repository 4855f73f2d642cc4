"""The synthetic example generator (dontguess.example)."""

from __future__ import annotations

import numpy as np
import pytest

from dontguess.example import MODELS, TARGETS, simulate_graded
from dontguess.records import UNGRADED_CODE


def test_shape_and_determinism() -> None:
    a = simulate_graded(50, seed=3)
    b = simulate_graded(50, seed=3)
    c = simulate_graded(50, seed=4)
    assert len(a) == len(MODELS) * (1 + len(TARGETS)) * 50
    np.testing.assert_array_equal(a.verdict, b.verdict)
    assert not np.array_equal(a.verdict, c.verdict)
    assert set(a.groups) == {"topic"}
    assert ((a.confidence >= 0) & (a.confidence <= 1)).all()


def test_policies_follow_the_stated_target() -> None:
    t = simulate_graded(400, seed=0)
    answered = (t.verdict == 0) | (t.verdict == 1)
    graded = t.verdict != UNGRADED_CODE
    guess = t.model == "always-guess"
    assert not (guess & (t.verdict == 2)).any(), "always-guess never abstains"
    closed = np.isnan(t.stated_target)
    assert not (closed & (t.verdict == 2)).any(), "binary grading: nobody abstains"
    cal = (t.model == "calibrated-abstainer") & ~closed & graded
    # the calibrated abstainer answers exactly when its stated confidence exceeds t
    np.testing.assert_array_equal(answered[cal], t.confidence[cal] > t.stated_target[cal])
    # abstention grows with t, and precision among answered stays above t
    for model in ("calibrated-abstainer", "overconfident"):
        rates = [
            np.mean(t.verdict[(t.model == model) & (t.stated_target == s)] == 2) for s in TARGETS
        ]
        assert rates == sorted(rates)
    hi = cal & (t.stated_target == 0.75) & answered
    assert np.mean(t.verdict[hi] == 0) > 0.75


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="n must be >= 1"):
        simulate_graded(0)
    with pytest.raises(ValueError, match=r"targets must be in \[0, 1\)"):
        simulate_graded(5, targets=(1.0,))


def test_audit_tells_the_models_apart() -> None:
    """docs/score.md's reading of the default example (n=200, seed=0) holds."""
    from dontguess.metrics import calibration_audit

    summary = {
        r["model"]: r["passes"] for r in calibration_audit(simulate_graded()) if r["summary"]
    }
    assert summary == {
        "always-guess": False,
        "calibrated-abstainer": True,
        "overconfident": False,
    }
