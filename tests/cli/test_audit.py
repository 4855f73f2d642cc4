"""``dontguess audit``: Table 2, binary grading, abstentions, scores, swaps with p-values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.importers.logs import inspect_sample, lm_line, write_eval, write_lm

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
    # The folder holds one inspect run in both formats (.eval and .json): a repeat.
    code, _, err = _run(capsys, "audit", *logs, "--bootstrap", "0")
    assert code == 2 and "duplicate record" in err and "--allow-duplicates" in err
    code, out, err = _run(
        capsys, "audit", *logs, "--format", "json", "--bootstrap", "100", "--allow-duplicates"
    )
    assert code == 0, err
    benches = {b["benchmark"]: b for b in json.loads(out)["benchmarks"]}
    assert {"gsm8k", "simpleqa", "popularity", "inspect_evals/arc_easy"} <= set(benches)
    simpleqa = benches["simpleqa"]
    assert simpleqa["binary"] is True and simpleqa["idk_credit"] == "none"
    assert any(s["above_at_target"] == "llama_3_2_3b" for s in simpleqa["swaps"])


def test_audit_refuses_the_same_run_twice(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Two runs of one model on the same questions: `score` refuses them, and so does audit."""
    first = [inspect_sample(i, "C" if i <= 6 else "I") for i in range(1, 11)]
    again = [inspect_sample(i, "C" if i <= 3 else "I") for i in range(1, 11)]
    a = str(write_eval(tmp_path / "run1.eval", first, model="guesser"))
    b = str(write_eval(tmp_path / "run2.eval", again, model="guesser"))
    code, out, err = _run(capsys, "audit", a, b, "--bootstrap", "0")
    assert code == 2 and out == ""
    assert "duplicate record" in err and "run1.eval" in err and "run2.eval" in err
    assert "'guesser'" in err and "--allow-duplicates" in err
    code, out, err = _run(
        capsys, "audit", a, b, "--format", "json", "--bootstrap", "0", "--allow-duplicates"
    )
    assert code == 0, err
    ((model,),) = [[m for m in b["models"]] for b in json.loads(out)["benchmarks"]]
    assert (model["n"], model["n_correct"], model["n_incorrect"]) == (20, 9, 11)


def test_audit_same_item_ids_in_two_benchmarks_are_not_repeats(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """lm-eval numbers each task's documents from 0: one model's two tasks share doc ids."""
    paths = []
    for task in ("gsm", "arc"):
        (tmp_path / task).mkdir()
        lines = [lm_line(i, 1.0 if i < 2 else 0.0) for i in range(4)]
        results = {"model_name": "m", "configs": {task: {"output_type": "generate_until"}}}
        paths.append(str(write_lm(tmp_path / task, lines, task=task, results=results)))
    code, out, err = _run(capsys, "audit", *paths, "--format", "json", "--bootstrap", "0")
    assert code == 0, err
    benches = json.loads(out)["benchmarks"]
    assert [(b["benchmark"], b["models"][0]["n"]) for b in benches] == [("arc", 4), ("gsm", 4)]
    code, _, err = _run(capsys, "audit", paths[0], paths[0], "--bootstrap", "0")
    assert code == 2 and "duplicate record" in err


def _counts_file(path: Path, **metrics: object) -> Path:
    results = [
        {"sampler_name": "careful", "metrics": {"n_correct": 5, "n_incorrect": 1,
                                               "n_not_attempted": 4, "penalty_ratio": 3.0}},
        {"sampler_name": "bold", "metrics": {"n_correct": 7, "n_incorrect": 3,
                                            "n_not_attempted": 0, "penalty_ratio": 3.0,
                                            **metrics}},
    ]  # fmt: skip
    doc = {
        "run_id": "r1",
        "framework": "quality_benchmark",
        "configuration": {"confidence_threshold": {"threshold": 0.75}},
        "results": results,
    }
    path.write_text(json.dumps(doc, indent=2))  # fmt: skip
    return path


def test_audit_scores_aggregate_counts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A counts-only file: exact scores and rankings, a swap without a p-value, and the notes."""
    path = str(_counts_file(tmp_path / "quality_benchmark_results.json"))
    code, out, err = _run(capsys, "audit", path, "--format", "json", "--targets", "0,0.75")
    assert code == 0, err
    (bench,) = json.loads(out)["benchmarks"]
    assert bench["benchmark"] == "quality_benchmark run r1" and bench["per_question"] is False
    assert bench["binary"] is False and bench["scores_seen"] == [-3.0, 0.0, 1.0]
    assert bench["observation1"].startswith("not binary: a wrong answer costs 3")
    models = {m["model"]: m for m in bench["models"]}
    # t = 0.75: +1 right, -3 wrong, 0 IDK; careful (5 - 3) / 10, bold (7 - 9) / 10.
    assert models["careful"]["scores"] == {"0": 0.5, "0.75": pytest.approx(0.2)}
    assert models["bold"]["scores"] == {"0": 0.7, "0.75": pytest.approx(-0.2)}
    assert models["careful"]["abstained_source_score"] == 0.0
    (swap,) = bench["swaps"]
    assert (swap["above_at_base"], swap["above_at_target"]) == ("bold", "careful")
    assert swap["p_value"] is None and "counts only" in swap["note"]
    assert any("no per-question" in n for n in bench["notes"])
    assert any("confidence 0.75" in n for n in bench["notes"])
    code, out, _ = _run(capsys, "audit", path, "--targets", "0,0.75")
    assert code == 0 and "counts only: no paired test" in out and "note: from the log" in out


@pytest.mark.parametrize(
    ("bad", "message"),
    [({"n_correct": -1}, "metrics.n_correct must be a whole number >= 0, got -1"),
     ({"n_incorrect": "3"}, "metrics.n_incorrect must be a whole number >= 0, got '3'"),
     ({"n_correct": 10**8}, "over the 10,000,000")],
)  # fmt: skip
def test_audit_bad_counts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, bad: dict[str, object], message: str
) -> None:
    path = _counts_file(tmp_path / "quality_benchmark_results.json", **bad)
    code, out, err = _run(capsys, "audit", str(path))
    assert code == 2 and out == "" and message in err and str(path) in err
    assert len(err.strip().splitlines()) == 1


def test_audit_shared_counts(capsys: pytest.CaptureFixture[str], shared_data: Path) -> None:
    """The fork's quality_benchmark_results.json: t=0 gives its volume_score and t=0.8 (penalty
    4, the run's own rubric) its quality_score, for every system."""
    path = (shared_data / "logs/simple_evals/adorosario_customgpt/run_20250929_015010_984"
            / "quality_benchmark_results.json")  # fmt: skip
    code, out, err = _run(capsys, "audit", str(path), "--format", "json", "--targets", "0,0.8")
    assert code == 0, err
    (bench,) = json.loads(out)["benchmarks"]
    models = {m["model"]: m for m in bench["models"]}
    own = {r["sampler_name"]: r for r in json.loads(path.read_text())["results"]}
    assert set(models) == set(own) and len(own) == 3
    for name, entry in own.items():
        metrics = entry["metrics"]
        assert models[name]["n"] == entry["samples_evaluated"]
        assert models[name]["n_abstained"] == metrics["n_not_attempted"]
        assert models[name]["scores"]["0"] == pytest.approx(metrics["volume_score"])
        assert models[name]["scores"]["0.8"] == pytest.approx(metrics["quality_score"])
    assert bench["per_question"] is False and all(s["p_value"] is None for s in bench["swaps"])


def test_hostile_names_cannot_drive_the_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A log's model name reaches the models table, the ranking and the swaps table.
    name = "gpt\u202eevil\x1b]0;pwned\x07[bold red]x"
    a = [inspect_sample(i, "C" if i <= 6 else "I") for i in range(1, 11)]
    b = [inspect_sample(i, "C" if i <= 5 else "N", answer="x") for i in range(1, 11)]
    paths = [str(write_eval(tmp_path / "a.eval", a, model=name)),
             str(write_eval(tmp_path / "b.eval", b, model="abstainer"))]  # fmt: skip
    code, out, _ = _run(capsys, "audit", *paths, "--bootstrap", "0")
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "<U+202E>" in out and "<U+001B>" in out and "[bold red]" in out
