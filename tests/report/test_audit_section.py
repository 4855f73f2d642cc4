"""The report's "Benchmark audit" section (issue 9 item 4): harness logs only, same numbers
as `dontguess audit`, everything escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

from tests.importers.logs import lm_line, write_lm

from dontguess.cli import main

RIGHT, WRONG, IDK = "42", "7", "I don't know."


def _lm_run(folder: Path, model: str, texts: list[str]) -> str:
    """One lm-eval gsm8k-style run: exact_match 1 for "42", else 0 (declined answers too)."""
    folder.mkdir()
    lines = [lm_line(i, 1.0 if t == RIGHT else 0.0, text=t) for i, t in enumerate(texts)]
    results = {"model_name": model, "configs": {"quiz": {"output_type": "generate_until"}}}
    return str(write_lm(folder, lines, results=results))


@pytest.fixture
def two_runs(tmp_path: Path) -> list[str]:
    """guesser: 6 right, 4 wrong; abstainer: 5 right, 5 "I don't know" (scored 0 by the log)."""
    return [_lm_run(tmp_path / "a", "guesser", [RIGHT] * 6 + [WRONG] * 4),
            _lm_run(tmp_path / "b", "abstainer", [RIGHT] * 5 + [IDK] * 5)]  # fmt: skip


def _section(out: Path) -> str:
    html = (out / "report.html").read_text(encoding="utf-8")
    found = re.search(r'<section id="benchmark-audit">.*?</section>', html, re.S)
    assert found is not None, "no benchmark-audit section"
    return found.group()


def _rows(html: str, cls: str) -> list[list[str]]:
    """The text of each body row of the table of class ``cls``, tags stripped."""
    table = re.search(rf'<table class="{cls}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert table is not None, cls
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", r)] for r in rows]


def test_section_has_the_audit_numbers(
    capsys: pytest.CaptureFixture[str], two_runs: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "report"
    assert main(["report", *two_runs, "--out", str(out), "--bootstrap", "200"]) == 0
    section = _section(out)
    assert "<h3><bdi>quiz</bdi></h3>" in section
    assert "binary grading: guessing is optimal (Observation 1), IDK never pays" in section
    assert "credit for IDK: none" in section and "lm-eval, 20 records: " in section
    # Hand-worked: guesser 0.6 - 0.4 t/(1-t); abstainer 0.5 at every t (5 IDK scored 0).
    assert _rows(section, "benchmark-scores") == [
        ["abstainer", "10", "5", "0", "5", "0", "0", "0.500", "0.500", "0.500", "0.500"],
        ["guesser", "10", "6", "4", "0", "–", "0", "0.600", "0.200", "-0.600", "-3.000"],
    ]
    assert _rows(section, "benchmark-rankings") == [
        ["0", "guesser &gt; abstainer"], ["0.5", "abstainer &gt; guesser"],
        ["0.75", "abstainer &gt; guesser"], ["0.9", "abstainer &gt; guesser"],
    ]  # fmt: skip
    swaps = _rows(section, "benchmark-swaps")
    assert [s[:4] for s in swaps] == [["0.5", "guesser", "abstainer", "0.300"],
                                      ["0.75", "guesser", "abstainer", "1.100"],
                                      ["0.9", "guesser", "abstainer", "3.500"]]  # fmt: skip
    # One computation, two renderings: the p-values are those of `dontguess audit`.
    capsys.readouterr()
    assert main(["audit", *two_runs, "--format", "json", "--bootstrap", "1000"]) == 0
    (bench,) = json.loads(capsys.readouterr().out)["benchmarks"]
    assert [s[4] for s in swaps] == [format(s["p_value"], ".3g") for s in bench["swaps"]]
    assert all(s[5] == "10" for s in swaps) and all(0 < float(s[4]) <= 1 for s in swaps)


def test_no_p_values_without_bootstrap(two_runs: list[str], tmp_path: Path) -> None:
    out = tmp_path / "report"
    assert main(["report", *two_runs, "--out", str(out), "--bootstrap", "0"]) == 0
    swaps = _rows(_section(out), "benchmark-swaps")
    assert len(swaps) == 3 and {s[4] for s in swaps} == {"no bootstrap (--bootstrap 0)"}


def test_names_are_escaped_and_isolated(tmp_path: Path) -> None:
    evil = "<script>alert(1)</script>\u202eevil" + "x" * 100
    runs = [_lm_run(tmp_path / "a", evil, [RIGHT, WRONG]),
            _lm_run(tmp_path / "b", "ok", [RIGHT, IDK])]  # fmt: skip
    out = tmp_path / "report"
    assert main(["report", *runs, "--out", str(out), "--bootstrap", "0"]) == 0
    section = _section(out)
    assert "<script>" not in section and "\u202e" not in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;U+202E&gt;evil" in section
    assert "x" * 100 not in section.split('title="')[0]  # cut in the cell, whole on hover


def test_no_section_for_plain_graded_files(tmp_path: Path) -> None:
    graded = tmp_path / "graded.jsonl"
    rows = [{"item_id": f"q{i}", "model": m, "verdict": "correct" if i % 2 else "abstained",
             "benchmark": "quiz"} for i in range(6) for m in ("a", "b")]  # fmt: skip
    graded.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "report"
    assert main(["report", str(graded), "--out", str(out), "--bootstrap", "0"]) == 0
    assert 'id="benchmark-audit"' not in (out / "report.html").read_text(encoding="utf-8")


def test_ties_read_as_ties(tmp_path: Path) -> None:
    runs = [_lm_run(tmp_path / "a", "one", [RIGHT, WRONG, IDK]),
            _lm_run(tmp_path / "b", "two", [WRONG, RIGHT, IDK])]  # fmt: skip
    out = tmp_path / "report"
    assert main(["report", *runs, "--out", str(out), "--bootstrap", "0"]) == 0
    section = _section(out)
    assert {r[1] for r in _rows(section, "benchmark-rankings")} == {"one = two"}
    assert "No pair of models changes order" in section


def test_shared_logs_section(shared_data: Path, tmp_path: Path) -> None:
    """simple-evals-ru's SimpleQA files: binary, and the 70B model leads only at t = 0."""
    logs = sorted(str(p) for p in (shared_data / "logs/simple_evals_ru/simpleqa").glob("*.jsonl"))
    out = tmp_path / "report"
    assert main(["report", *logs, "--out", str(out), "--bootstrap", "100"]) == 0
    section = _section(out)
    assert "<h3><bdi>simpleqa</bdi></h3>" in section and "guessing is optimal" in section
    rankings = dict(_rows(section, "benchmark-rankings"))
    assert rankings["0"].startswith("llama_3_3_70b &gt; ")
    assert rankings["0.9"].startswith("llama_3_2_3b &gt; ")
    swaps = _rows(section, "benchmark-swaps")
    assert ["0.9", "llama_3_3_70b", "llama_3_2_3b"] in [s[:3] for s in swaps]
