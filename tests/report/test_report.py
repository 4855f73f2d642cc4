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
    # outcome bars, score curve, reliability, risk-coverage; policies (issue 11): score vs t,
    # risk-coverage and reliability per estimator
    assert html.count("<svg") == 7
    for anchor in ("overview", "figure", "scores", "audit", "calibration", "policies", "answers"):
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


LONG = "L" * 3000
RLO_NAME = "gpt\u202eevil-name"


def names_table(model: str, other: str = RLO_NAME) -> GradedTable:
    """Open- and closed-rubric records of two models with awkward names."""
    at = Condition(rubric="open", target=0.5, style="penalty")
    records = [
        Graded(f"q{i}", name, Verdict.CORRECT if i % 3 else Verdict.INCORRECT, cond,
               answer="a", confidence=0.6 + 0.01 * i)
        for name in (model, other) for i in range(12) for cond in (Condition(), at)
    ]  # fmt: skip
    return GradedTable.from_records(records)


def test_long_names_are_cut_with_the_full_name_in_a_title(tmp_path: Path) -> None:
    html = (write_report(names_table(LONG), tmp_path, bootstrap=0)).read_text(encoding="utf-8")
    assert "L" * 61 not in re.sub(r'title="[^"]*"', "", html), "no long run outside titles"
    assert f'title="{LONG}"' in html, "full name on hover"
    assert re.search(r"<bdi title=\"L{3000}\">L{59}…</bdi>", html)
    # in the figures too: matplotlib draws text as paths, so a long title shows as a wide
    # SVG; each figure stays a sane width
    for width in re.findall(r'<svg[^>]* width="([\d.]+)pt"', html):
        assert float(width) < 1200


def test_bidi_controls_are_shown_and_isolated(tmp_path: Path) -> None:
    html = (write_report(names_table("plain"), tmp_path, bootstrap=0)).read_text(encoding="utf-8")
    assert "\u202e" not in html, "a right-to-left override never reaches the page"
    assert "<bdi>gpt&lt;U+202E&gt;evil-name</bdi>" in html
    assert "unicode-bidi: isolate" in html


def test_a_megabyte_name_keeps_the_page_bounded(tmp_path: Path) -> None:
    small = write_report(names_table("m"), tmp_path / "a", bootstrap=0).stat().st_size
    huge = write_report(names_table("M" * 1_000_000), tmp_path / "b", bootstrap=0)
    extra = huge.stat().st_size - small
    # the name shows in ~20 cells, each with a title capped at 4,000 characters
    assert extra < 150_000, f"page grew by {extra} bytes for a 1 MB name"
    assert "(1000000 characters in all)" in huge.read_text(encoding="utf-8")


def test_only_set_run_options_are_shown(tmp_path: Path) -> None:
    from dontguess.tables import read_graded, write_graded

    run = tmp_path / "run"
    write_graded(simulate_graded(5, seed=0), run / "graded.parquet")
    spec = {"spec": {"models": ["m"], "dataset": "d", "samples": 1, "limit": None,
                     "generation": {"seed": None, "temperature": 0.0}}}  # fmt: skip
    (run / "spec.json").write_text(json.dumps(spec))
    html = write_report(read_graded(run), tmp_path / "o", bootstrap=0, sources=[str(run)])
    text = html.read_text(encoding="utf-8")
    assert "<td>samples=1, temperature=0.0</td>" in text
    assert "None" not in text


def test_intervals_and_reward_score_are_explained(report_dir: Path) -> None:
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "<th>score [95% CI]</th>" in html
    assert "resamples questions (items)" in html and "over records" not in html
    assert "reward score: the same answers in the abstention-reward form" in html


def test_no_interval_no_ci_header(tmp_path: Path) -> None:
    html = write_report(simulate_graded(20, seed=0), tmp_path, bootstrap=0).read_text()
    assert "95% CI" not in html and "<th>score</th>" in html
    assert "No intervals: the bootstrap was off" in html


def test_audit_without_answers_is_undefined_in_report_and_summary(tmp_path: Path) -> None:
    """Issue 13: a server that was down gave `passes yes` at every target."""
    at = Condition(rubric="open", target=0.75, style="penalty")
    down = [Graded(f"q{i}", "m", None, at, ungraded_reason="Cannot connect") for i in range(5)]
    html = write_report(GradedTable.from_records(down), tmp_path, bootstrap=0).read_text()
    audit = html[html.index('id="audit"') : html.index("</section>", html.index('id="audit"'))]
    assert "<td>no answered questions</td>" in audit and "<td>yes</td>" not in audit
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert [r["passes"] for r in summary["audit"]] == [None, None]
    assert summary["audit"][0]["reason"] == "no answered questions"


_BAND = r"fill-opacity: 0\.12|stroke-opacity: 0\.25"  # the score curve's ungraded range


def _ungraded_table(ungraded: int) -> GradedTable:
    """Model m, closed rubric: 3 right, 1 wrong, 1 IDK and ``ungraded`` ungraded records."""
    verdicts = [Verdict.CORRECT] * 3 + [Verdict.INCORRECT, Verdict.ABSTAINED]
    records = [Graded(f"q{i}", "m", v) for i, v in enumerate(verdicts)]
    records += [
        Graded(f"u{i}", "m", None, ungraded_reason="needs a judge: paraphrase")
        for i in range(ungraded)
    ]
    return GradedTable.from_records(records)


def _score_table(html: str) -> tuple[list[str], list[list[str]]]:
    """Headers and rows (cell text) of the page's score table."""
    table = html[html.index('<table class="scores">') :]
    table = table[: table.index("</table>")]
    headers = re.findall(r"<th>(.*?)</th>", table)
    rows = [re.findall(r"<td>(.*?)</td>", tr) for tr in re.findall(r"<tr>(.*?)</tr>", table)]
    return headers, [r for r in rows if r]


def test_ungraded_ranges_beside_score_error_and_reward(tmp_path: Path) -> None:
    """Issue 8: with ungraded records the report showed graded-only values, no range.

    C=3 I=1 A=1 U=1 (6 records). At t = 0.75 (penalty 3): score (3 − 3·1)/5 = 0, range
    (3 − 3·2)/6 = −0.5 … (4 − 3)/6 = 0.167; error 1/5 = 20%, range 1/6 … 2/6; reward
    (3 + 0.75)/5 = 0.75, range 3.75/6 = 0.625 … 4.75/6 = 0.792.
    """
    write_report(_ungraded_table(1), tmp_path, targets=(0.75,), bootstrap=0)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    headers, rows = _score_table(html)
    (row,) = rows
    cell = dict(zip(headers, row, strict=True))
    assert cell["error"] == "20.0%"
    assert cell["error if ungraded right … wrong"] == "16.7% … 33.3%"
    assert cell["score"] == "0.000"
    assert cell["score if ungraded wrong … right"] == "-0.500 … 0.167"
    assert cell["reward score"] == "0.750"
    assert cell["reward score if ungraded wrong … right"] == "0.625 … 0.792"
    assert headers.index("error if ungraded right … wrong") == headers.index("error") + 1
    assert "if every ungraded record were wrong and if every one were right" in html
    assert "<pattern" in html, "hatched ungraded segment in the outcome bars"
    assert re.search(_BAND, html), "score range drawn in the score curve"
    (srow,) = json.loads((tmp_path / "summary.json").read_text())["rows"]
    assert srow["score_if_ungraded_wrong"] == pytest.approx(-0.5)
    assert srow["error_rate_if_ungraded_wrong"] == pytest.approx(2 / 6)


def test_no_ungraded_no_range_columns(tmp_path: Path) -> None:
    write_report(_ungraded_table(0), tmp_path, targets=(0.75,), bootstrap=0)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    headers, _ = _score_table(html)
    assert not [h for h in headers if "if ungraded" in h]
    assert "every ungraded record" not in html and "<pattern" not in html
    assert not re.search(_BAND, html)
