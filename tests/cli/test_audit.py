"""``dontguess audit``: Table 2, binary grading, abstentions, scores, swaps with p-values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.importers.logs import inspect_sample, write_eval

from dontguess.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_table2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "audit", "--table2", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 10
    assert [r["benchmark"] for r in rows if not r["binary"]] == ["WildBench"]
    assert {r["idk_credit"] for r in rows if r["binary"]} == {"none"}
    code, out, _ = _run(capsys, "audit", "--table2")
    assert code == 0 and "GPQA" in out and "WildBench" in out


@pytest.fixture
def two_models(tmp_path: Path) -> list[str]:
    """A guesses (6 right, 4 wrong); B abstains when unsure (5 right, 5 'N')."""
    a = [inspect_sample(i, "C" if i <= 6 else "I") for i in range(1, 11)]
    b = [inspect_sample(i, "C" if i <= 5 else "N", answer="x") for i in range(1, 11)]
    return [str(write_eval(tmp_path / "a.eval", a, model="guesser")),
            str(write_eval(tmp_path / "b.eval", b, model="abstainer"))]  # fmt: skip


def test_audit_json_scores_and_swap(
    capsys: pytest.CaptureFixture[str], two_models: list[str]
) -> None:
    code, out, _ = _run(capsys, "audit", *two_models, "--format", "json", "--bootstrap", "300")
    assert code == 0
    doc = json.loads(out)
    (bench,) = doc["benchmarks"]
    assert bench["benchmark"] == "quiz" and bench["binary"] is True
    assert bench["idk_credit"] == "none" and bench["scores_seen"] == [0.0, 1.0]
    models = {m["model"]: m for m in bench["models"]}
    assert models["guesser"]["scores"] == {"0": 0.6, "0.5": 0.2, "0.75": pytest.approx(-0.6),
                                           "0.9": pytest.approx(-3.0)}  # fmt: skip
    assert models["abstainer"]["n_abstained"] == 5
    assert models["abstainer"]["abstained_source_score"] == 0.0
    assert bench["rankings"][0]["order"] == ["guesser", "abstainer"]
    assert bench["rankings"][1]["order"] == ["abstainer", "guesser"]
    swaps = bench["swaps"]
    assert [s["target"] for s in swaps] == [0.5, 0.75, 0.9]
    assert all(
        s["above_at_base"] == "guesser" and s["above_at_target"] == "abstainer" for s in swaps
    )
    assert all(0 < s["p_value"] <= 1 and s["n_items"] == 10 for s in swaps)
    assert swaps[0]["difference_at_target"] == pytest.approx(0.3)


def test_audit_table_and_partial_credit(
    capsys: pytest.CaptureFixture[str], two_models: list[str], tmp_path: Path
) -> None:
    code, out, _ = _run(capsys, "audit", *two_models, "--bootstrap", "0")
    assert code == 0 and "guessing is optimal" in out and "abstainer" in out
    credit = write_eval(tmp_path / "c.eval", [inspect_sample(1, 0.5, answer="I don't know.")])
    code, out, _ = _run(capsys, "audit", str(credit), "--format", "json", "--bootstrap", "0")
    (bench,) = json.loads(out)["benchmarks"]
    assert bench["binary"] is False and bench["idk_credit"] == "partial"


def test_audit_skips_aggregate_files_and_needs_input(
    capsys: pytest.CaptureFixture[str], two_models: list[str], tmp_path: Path
) -> None:
    agg = tmp_path / "results_2025-01-02T03-04-05.json"
    agg.write_text(json.dumps({"results": {"t": {}}, "configs": {}}, indent=2))
    code, _, err = _run(capsys, "audit", two_models[0], str(agg), "--bootstrap", "0")
    assert code == 0 and "note: skipped" in err and "aggregate metrics only" in err
    code, _, err = _run(capsys, "audit", str(agg))
    assert code == 2 and "aggregate-only" in err
    code, _, err = _run(capsys, "audit")
    assert code == 2 and "--table2" in err


def test_audit_shared_logs(capsys: pytest.CaptureFixture[str], shared_data: Path) -> None:
    logs = sorted(str(p) for p in (shared_data / "logs").rglob("*") if p.is_file())
    code, out, err = _run(capsys, "audit", *logs, "--format", "json", "--bootstrap", "100")
    assert code == 0, err
    benches = {b["benchmark"]: b for b in json.loads(out)["benchmarks"]}
    assert {"gsm8k", "simpleqa", "popularity", "inspect_evals/arc_easy"} <= set(benches)
    simpleqa = benches["simpleqa"]
    assert simpleqa["binary"] is True and simpleqa["idk_credit"] == "none"
    assert any(s["above_at_target"] == "llama_3_2_3b" for s in simpleqa["swaps"])
