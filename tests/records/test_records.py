from __future__ import annotations

import math

import numpy as np
import pytest

from dontguess.records import (
    CLOSED,
    UNGRADED_CODE,
    Condition,
    Graded,
    GradedTable,
    Reply,
    Verdict,
    verdict_code,
)


def test_condition_validates_target_and_style() -> None:
    assert CLOSED.label == "closed"
    assert Condition("open", 0.75, "penalty").label == "open t=0.75 (penalty)"
    with pytest.raises(ValueError, match=r"target must be in \[0, 1\), got 1.0"):
        Condition("open", 1.0, "penalty")
    with pytest.raises(ValueError, match="closed rubric states no target"):
        Condition("closed", 0.5)
    with pytest.raises(ValueError, match="style must be penalty"):
        Condition("open", 0.5, None)


def test_ungraded_needs_a_reason_and_graded_has_none() -> None:
    with pytest.raises(ValueError, match="needs ungraded_reason"):
        Graded("q1", "m", None)
    with pytest.raises(ValueError, match="has no ungraded_reason"):
        Graded("q1", "m", Verdict.CORRECT, ungraded_reason="x")
    with pytest.raises(ValueError, match=r"confidence must be in \[0, 1\]"):
        Graded("q1", "m", Verdict.CORRECT, confidence=1.5)
    assert Graded("q1", "m", None, ungraded_reason="backend error: 500").verdict is None


def test_reply_has_text_or_error() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Reply(None)
    with pytest.raises(ValueError, match="exactly one"):
        Reply("Paris", error="boom")


def test_from_records_is_columnar_and_unions_groups() -> None:
    records = [
        Graded("q1", "a", Verdict.CORRECT, confidence=0.9, groups={"topic": "art"}),
        Graded("q2", "a", None, ungraded_reason="judge unparsable"),
        Graded("q1", "b", Verdict.ABSTAINED, Condition("open", 0.5, "reward"), sample=1),
    ]
    t = GradedTable.from_records(records)
    assert len(t) == 3
    assert t.verdict.tolist() == [0, UNGRADED_CODE, 2]
    assert math.isnan(t.stated_target[0]) and t.stated_target[2] == 0.5
    assert t.style.tolist() == ["", "", "reward"]
    assert t.groups["topic"].tolist() == ["art", "", ""]
    assert np.isnan(t.confidence[1:]).all()
    sub = t.take(t.model == "b")
    assert sub.item_id.tolist() == ["q1"] and sub.sample.tolist() == [1]
    assert verdict_code(None) == UNGRADED_CODE


def test_table_rejects_ragged_columns() -> None:
    t = GradedTable.from_records([Graded("q1", "a", Verdict.CORRECT)])
    with pytest.raises(ValueError, match="'model' has 2 rows, want 1"):
        GradedTable(**{**t.__dict__, "model": np.array(["a", "b"], dtype=object)})
