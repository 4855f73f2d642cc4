"""Re-score real published results from ../shared/data (read in place, never copied)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tests.scoring.helpers import concat, make_table

from dontguess.metrics import accuracy_score, attempted_accuracy_score
from dontguess.scoring import paired_bootstrap, penalty, summarize

pytestmark = pytest.mark.shared

CUSTOMGPT = "logs/simple_evals/adorosario_customgpt/run_20250929_015010_984"
RU = "logs/simple_evals_ru/simpleqa"
CODES = {"correct": 0, "incorrect": 1, "not_attempted": 2}


def test_customgpt_quality_scores_are_the_confidence_target_score(shared_data: Path) -> None:
    """The fork's 'quality_score' at threshold 0.8 / penalty ratio 4 is §4's score at t=0.8."""
    report = json.loads((shared_data / CUSTOMGPT / "quality_benchmark_results.json").read_text())
    config = report["configuration"]["confidence_threshold"]
    t = config["threshold"]
    assert penalty(t) == pytest.approx(config["penalty_ratio"])
    tables = []
    for result in report["results"]:
        m = result["metrics"]
        verdict = [0] * m["n_correct"] + [1] * m["n_incorrect"] + [2] * m["n_not_attempted"]
        tables.append(make_table(verdict, model=result["sampler_name"]))
    rows = summarize(concat(*tables), targets=(0.0, t))
    by_model = {(r["model"], r["score_target"]): r for r in rows}
    for result in report["results"]:
        m, name = result["metrics"], result["sampler_name"]
        assert by_model[(name, t)]["score"] == pytest.approx(m["quality_score"], abs=1e-12)
        assert by_model[(name, 0.0)]["score"] == pytest.approx(m["volume_score"], abs=1e-12)
        assert by_model[(name, t)]["attempted_accuracy"] == pytest.approx(
            m["accuracy_given_attempted"]
        )
        assert by_model[(name, t)]["abstention_rate"] == pytest.approx(m["abstention_rate"])


def _ru_table(path: Path) -> tuple[np.ndarray, object]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    verdict = np.array([CODES[r["judge_pred"]] for r in rows], dtype=np.int8)
    is_correct = np.array([r["is_correct"] for r in rows])
    table = make_table(verdict, model=path.stem, item_id=[str(r["id"]) for r in rows])
    return is_correct, table


def test_simple_evals_ru_accuracy_and_paired_comparison(shared_data: Path) -> None:
    files = sorted((shared_data / RU).glob("*.jsonl"))
    assert len(files) >= 2
    tables = {}
    for path in files:
        is_correct, table = _ru_table(path)
        assert accuracy_score(table.verdict) == pytest.approx(is_correct.mean())  # type: ignore[attr-defined]
        tables[path.stem] = table
    big, small = tables["05_llama_3_3_70b"], tables["06_qwen_2_5_7b"]
    assert attempted_accuracy_score(small.verdict) == 0.0  # type: ignore[attr-defined]
    out = paired_bootstrap(big, small, target=0.5, n_boot=2000, seed=0)  # type: ignore[arg-type]
    assert out["n_items"] == 10  # the same ten SimpleQA questions, in another order
    assert out["difference"] == pytest.approx((4 - 4) / 10 - (0 - 10) / 10)
    assert out["ci_low"] > 0 and out["p_value"] < 0.05
