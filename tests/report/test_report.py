"""The HTML report: content, escaping of model output, atomic outputs (dontguess.report)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dontguess.example import simulate_graded
from dontguess.records import Condition, Graded, GradedTable, Verdict
from dontguess.report import calibration_curves, calibration_summary, write_report
from dontguess.report._html import esc, table_html
from dontguess.tables import concat_graded

SCRIPT = "<script>window.__pwned=1</script>"
IMG = "<img src=x onerror=window.__pwned=2>"
EVIL_MODEL = 'm<b>"bold"</b>'


def hostile_table() -> GradedTable:
    """A small example plus records whose model output is HTML."""
    open5 = Condition(rubric="open", target=0.5, style="penalty")
    evil = [
        Graded("x1", EVIL_MODEL, Verdict.INCORRECT, answer=SCRIPT, confidence=0.9,
               groups={"topic": "<i>t</i>"}),
        Graded("x2", EVIL_MODEL, Verdict.CORRECT, answer=IMG, confidence=0.8,
               groups={"topic": "<i>t</i>"}),
        Graded("x3", EVIL_MODEL, Verdict.ABSTAINED, open5, answer="I don't know & <u>no</u>"),
        Graded("x4", EVIL_MODEL, None, ungraded_reason="<script>reason</script>"),
    ]  # fmt: skip
    return concat_graded([simulate_graded(30, seed=1), GradedTable.from_records(evil)])


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    write_report(hostile_table(), out, bootstrap=50, seed=0, sources=["<src>.jsonl"])
    return out


def test_esc_and_table_escape_everything() -> None:
    assert esc(SCRIPT) == "&lt;script&gt;window.__pwned=1&lt;/script&gt;"
    html = table_html(["<h>"], [[IMG, None]])
    assert "<img" not in html and "&lt;img src=x onerror=window.__pwned=2&gt;" in html
    assert "&lt;h&gt;" in html


def test_report_is_self_contained_and_escaped(report_dir: Path) -> None:
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html.lower(), "no script tag may reach the page"
    assert "<img" not in html.lower()
    assert "<b>" not in html and "<u>" not in html and "<i>t</i>" not in html
    assert esc(SCRIPT) in html and esc(IMG) in html and esc(EVIL_MODEL) in html
    assert esc("<script>reason</script>") in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "no network"
    assert "@import" not in html and not re.search(r"url\((?!#)", html), "only url(#local)"
    assert html.count("<svg") == 4, "outcome bars, score curve, reliability, risk-coverage"
    for anchor in ("overview", "figure", "scores", "audit", "calibration", "answers"):
        assert f'<section id="{anchor}">' in html
    assert "calibrated-abstainer" in html and "t=0.75" in html


def test_summary_json(report_dir: Path) -> None:
    summary = json.loads((report_dir / "summary.json").read_text())
    assert summary["n_records"] == len(hostile_table())
    assert summary["sources"] == ["<src>.jsonl"]
    assert {r["model"] for r in summary["rows"]} >= {"always-guess", EVIL_MODEL}
    assert summary["audit"] and summary["calibration"]
    closed = [r for r in summary["rows"] if r["stated_target"] is None]
    assert {r["score_target"] for r in closed} == {0.0, 0.5, 0.75, 0.9}
    assert all(r["score_ci_low"] <= r["score"] <= r["score_ci_high"] for r in closed
               if r["score_ci_low"] is not None)  # fmt: skip
    assert not list(report_dir.glob(".*.tmp"))


def test_calibration_summary_matches_hand_count() -> None:
    records = [
        Graded("a", "m", Verdict.CORRECT, confidence=1.0),
        Graded("b", "m", Verdict.INCORRECT, confidence=1.0),
        Graded("c", "m", Verdict.ABSTAINED, confidence=0.2),  # abstentions are left out
        Graded("d", "m", Verdict.CORRECT),  # no confidence: left out
    ]
    rows = calibration_summary(GradedTable.from_records(records))
    assert len(rows) == 1
    row = rows[0]
    assert row["n"] == 2 and row["accuracy"] == 0.5 and row["mean_confidence"] == 1.0
    assert row["brier"] == pytest.approx(0.5)  # (0² + 1²) / 2
    assert row["ece"] == pytest.approx(0.5)  # one bin: |0.5 − 1.0|
    assert row["stated_target"] is None
    reliability, risk = calibration_curves(GradedTable.from_records(records))
    assert reliability["m"] == ([1.0], [0.5])
    assert risk["m"] == ([1.0], [0.5])


def test_no_confidence_no_calibration_section(tmp_path: Path) -> None:
    records = [Graded("a", "m", Verdict.CORRECT), Graded("b", "m", Verdict.ABSTAINED)]
    table = GradedTable.from_records(records)
    assert calibration_summary(table) == []
    write_report(table, tmp_path, bootstrap=0)
    html = (tmp_path / "report.html").read_text()
    assert 'id="calibration"' not in html and 'id="figure"' in html
    assert "No open-rubric records to audit." in html


def test_run_directory_spec_is_shown(tmp_path: Path) -> None:
    from dontguess.tables import read_graded, write_graded

    run = tmp_path / "run"
    write_graded(simulate_graded(5, seed=0), run / "graded.parquet")
    spec = {"git_revision": "abc", "spec": {"models": ["<script>m</script>"], "dataset": "d"}}
    (run / "spec.json").write_text(json.dumps(spec))
    out = tmp_path / "rep"
    write_report(read_graded(run), out, bootstrap=0, sources=[str(run)])
    html = (out / "report.html").read_text()
    assert "NOT finished (no DONE)" in html and esc("<script>m</script>") in html
    (run / "DONE").write_text("ok\n")
    write_report(read_graded(run), out, bootstrap=0, sources=[str(run)])
    html = (out / "report.html").read_text()
    assert "<td>finished</td>" in html and "<script" not in html


def test_risk_coverage_curve_is_thinned_for_drawing() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    n = 5000
    records = [
        Graded(f"q{i}", "m", Verdict.CORRECT if rng.random() < 0.6 else Verdict.INCORRECT,
               confidence=float(rng.random()))
        for i in range(n)
    ]  # fmt: skip
    _, risk = calibration_curves(GradedTable.from_records(records))
    coverage, values = risk["m"]
    assert 2 < len(coverage) <= 400
    assert coverage[-1] == 1.0 and coverage == sorted(coverage)
    assert values[-1] == pytest.approx(np.mean([r.verdict == Verdict.INCORRECT for r in records]))
