"""The report's abstention-policies section (issue 11): shown only when policies apply."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

from dontguess.records import Condition, Graded, GradedTable, Verdict
from dontguess.report import write_report

OK, BAD, IDK = Verdict.CORRECT, Verdict.INCORRECT, Verdict.ABSTAINED


def _records() -> list[Graded]:
    recs = []
    for i in range(30):
        right = i % 3 != 0
        for s in range(2):
            answer = "gold" if right else f"wrong {s}"
            recs.append(Graded(f"q{i}", "m", OK if right else BAD, sample=s, answer=answer,
                               confidence=0.9 if right else 0.3))  # fmt: skip
        recs.append(Graded(f"q{i}", "m", OK if right else IDK, Condition("open", 0.5, "penalty")))
    return recs


def test_section_with_figures_and_tables(tmp_path: Path) -> None:
    html = write_report(GradedTable.from_records(_records()), tmp_path).read_text()
    assert 'id="policies"' in html
    for text in ("threshold:confidence", "threshold:agreement", "consistency@2", "prompted",
                 "vs prompted", "AURC"):  # fmt: skip
        assert text in html, text
    assert html.count("<svg") == 7  # score vs t, risk-coverage, reliability per estimator


def test_no_section_without_a_policy(tmp_path: Path) -> None:
    told = [r for r in _records() if r.condition.rubric == "open"]
    html = write_report(GradedTable.from_records(told), tmp_path).read_text()
    assert 'id="policies"' not in html
    plain = [Graded(f"q{i}", "m", OK) for i in range(5)]  # closed, no confidence, one sample
    html = write_report(GradedTable.from_records(plain), tmp_path / "b").read_text()
    assert 'id="policies"' not in html
