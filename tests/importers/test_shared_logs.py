"""Every log under ../shared/data/logs: imported, and counted as the log itself counts.

Expected counts are computed here from the raw files with json / zipfile / re, independently
of the importers, so a wrong mapping fails.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from dontguess.importers import AggregateOnlyError, detect_format, read_log
from dontguess.records import GradedTable

HARNESS = {"lm_eval_harness": "lm-eval", "inspect_ai": "inspect", "simple_evals": "simple-evals",
           "simple_evals_ru": "simple-evals"}  # fmt: skip


def _logs(shared: Path) -> list[Path]:
    files = sorted(p for p in (shared / "logs").rglob("*") if p.is_file())
    assert files, "no logs under shared data"
    return files


def _counts(table: GradedTable) -> dict[str, int]:
    c = np.bincount(table.verdict.astype(int) + 1, minlength=4)
    return {
        "ungraded": int(c[0]),
        "correct": int(c[1]),
        "incorrect": int(c[2]),
        "abstained": int(c[3]),
    }


def test_every_log_is_detected_and_imported_or_refused_as_aggregate(shared_data: Path) -> None:
    imported = refused = 0
    for path in _logs(shared_data):
        harness = HARNESS[path.relative_to(shared_data / "logs").parts[0]]
        if detect_format(path) is not None:
            assert detect_format(path) == harness, path
        try:
            table = read_log(path, fmt=harness)
        except AggregateOnlyError as exc:
            assert str(path) in str(exc) and "\n" not in str(exc)
            refused += 1
            continue
        assert len(table) > 0 and {"benchmark", "harness", "source_score"} <= set(table.groups)
        assert set(table.groups["harness"].tolist()) == {harness}
        imported += 1
    assert imported >= 30 and refused >= 8


def _lm_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_lm_eval_counts_equal_the_sum_of_the_metric(shared_data: Path) -> None:
    files = sorted((shared_data / "logs" / "lm_eval_harness").rglob("samples_*.jsonl"))
    assert len(files) == 5
    for path in files:
        rows = _lm_rows(path)
        table = read_log(path)
        assert len(table) == len(rows), path  # one metric (exact_match), one filter per file
        counts = _counts(table)
        assert counts["correct"] == sum(r["exact_match"] == 1.0 for r in rows), path
        assert counts["correct"] + counts["incorrect"] + counts["abstained"] == len(rows)
        results = json.loads(next(path.parent.glob("results_*.json")).read_text())
        assert set(table.model.tolist()) == {results["model_name"]}
        assert set(table.groups["abstain_possible"].tolist()) == {"yes"}  # generate_until


def test_lm_eval_gsm8k_pyfade(shared_data: Path) -> None:
    path = next((shared_data / "logs/lm_eval_harness/pyfade").glob("samples_gsm8k_*.jsonl"))
    table = read_log(path)
    assert table.item_id.tolist() == ["16", "17", "18"]
    assert table.verdict.tolist() == [0, 1, 1]
    assert set(table.groups["filter"].tolist()) == {"strict-match"}
    assert set(table.groups["benchmark"].tolist()) == {"gsm8k"}


def _inspect_samples(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if path.suffix == ".eval":
        with zipfile.ZipFile(path) as z:
            header = json.loads(z.read("header.json"))
            names = [n for n in z.namelist() if n.startswith("samples/")]
            return header, [json.loads(z.read(n)) for n in names]
    doc = json.loads(path.read_text())
    return doc, doc.get("samples") or []


def test_inspect_counts_equal_the_scores_in_the_log(shared_data: Path) -> None:
    files = sorted((shared_data / "logs/inspect_ai").rglob("*.*"))
    checked = 0
    for path in files:
        header, samples = _inspect_samples(path)
        if not samples:
            with pytest.raises(AggregateOnlyError, match="no samples"):
                read_log(path)
            continue
        table = read_log(path)
        pairs = [(s, v) for s in samples for v in (s.get("scores") or {"": None}).values()]
        assert len(table) == len(pairs), path
        values = [v["value"] if v else None for _, v in pairs]
        counts = _counts(table)
        assert counts["correct"] == sum(v in ("C", 1, 1.0) for v in values), path
        assert counts["ungraded"] == sum(v is None for v in values), path
        assert set(table.model.tolist()) == {header["eval"]["model"]}
        for score in header.get("results", {}).get("scores", []):
            acc = score.get("metrics", {}).get("accuracy", {}).get("value")
            if acc is not None and header["results"]["total_samples"] == len(samples):
                assert counts["correct"] == round(acc * len(samples)), path
        checked += 1
    assert checked == 16


def test_inspect_unscored_and_scored_popularity_runs(shared_data: Path) -> None:
    folder = shared_data / "logs/inspect_ai/inspect_ai_tests"
    unscored = read_log(next(folder.glob("2025-02-11T15-17-00*.eval")))
    scored = read_log(next(folder.glob("2025-02-11T15-18-04*.eval")))
    assert _counts(unscored)["ungraded"] == 10
    assert set(unscored.ungraded_reason.tolist()) == {"the log has no score"}
    assert _counts(scored) == {"ungraded": 0, "correct": 8, "incorrect": 2, "abstained": 0}
    assert sorted(unscored.answer.tolist()) == sorted(scored.answer.tolist())  # same outputs


def test_inspect_eval_and_json_of_one_run_agree(shared_data: Path) -> None:
    folder = shared_data / "logs/inspect_ai/inspect_ai_tests"
    a, b = read_log(folder / "log_read_sample.eval"), read_log(folder / "log_read_sample.json")
    for name in ("item_id", "model", "verdict", "sample", "answer"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist()


def test_simple_evals_reports_match_their_aggregates(shared_data: Path) -> None:
    folder = shared_data / "logs/simple_evals/adorosario_customgpt/2024-11-28_05-04-56"
    for name in ("math", "mgsm", "simpleqa"):
        table = read_log(folder / f"{name}_customgpt.html")
        html = (folder / f"{name}_customgpt.html").read_text()
        n = len(re.findall(r"<h3>Sampled message</h3>", html))
        aggregate = json.loads((folder / f"{name}_customgpt.json").read_text())
        assert len(table) == n
        assert _counts(table)["correct"] == round(aggregate["score"] * n), name
        assert set(table.groups["benchmark"].tolist()) == {name}
        assert set(table.model.tolist()) == {"customgpt"}
        with pytest.raises(AggregateOnlyError, match="aggregate metrics only"):
            read_log(folder / f"{name}_customgpt.json")
    math = read_log(folder / "math_customgpt.html")  # one question repeated: samples 0..9
    assert len(set(math.item_id.tolist())) == 1 and math.sample.tolist() == list(range(10))


def test_simple_evals_ru_letters_agree_with_judge_pred(shared_data: Path) -> None:
    words = {"correct": 0, "incorrect": 1, "not_attempted": 2}
    for path in sorted((shared_data / "logs/simple_evals_ru/simpleqa").glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        table = read_log(path)
        assert table.verdict.tolist() == [words[r["judge_pred"]] for r in rows]
        assert _counts(table)["correct"] == sum(r["is_correct"] for r in rows)
        assert table.item_id.tolist() == [f"simpleqa-{r['id']}" for r in rows]


def test_judge_consistency_file(shared_data: Path) -> None:
    path = next((shared_data / "logs/simple_evals").rglob("judge_consistency_validation.jsonl"))
    table = read_log(path)
    grades = []
    for line in path.read_text().splitlines():
        for res in json.loads(line)["summary"]["detailed_results"]:
            grades.append({e["grade"] for e in res["evaluations"]})
    assert len(table) == len(grades) == 30
    assert _counts(table)["correct"] == sum(g == {"A"} for g in grades)
    assert len(set(table.model.tolist())) == 3
