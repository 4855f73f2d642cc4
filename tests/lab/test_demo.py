"""The demo end to end on a tiny world, and the lab CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch")
pytest.importorskip("matplotlib")

from dontguess.cli import main
from dontguess.lab.demo import DemoConfig, plain_summary, run_demo
from dontguess.lab.sweep import SweepConfig
from dontguess.lab.world import WorldConfig

TINY = DemoConfig(
    world=WorldConfig(people=60, n_train=240, n_test=300, zipf_exponent=0.8, seed=0),
    preset="tiny",
    threads=1,
    sweep=SweepConfig(targets=(0.1, 0.4), n_train=2000, n_test=500),
)


def test_run_demo_writes_summary_report_and_checkpoint(tmp_path: Path) -> None:
    from dontguess.lab.incentives import IncentiveConfig

    quick = IncentiveConfig(rewards=("binary",), steps=2, batch_size=8)
    summary = run_demo(replace(TINY, incentives=quick), tmp_path)
    data = json.loads((tmp_path / "summary.json").read_text())
    for key in ("singleton_rate", "n_train", "missing_mass", "models"):
        assert key in data
    assert data["n_train"] == 240
    for name in ("calibrated", "transformer"):
        m = data["models"][name]
        for key in (
            "err",
            "err_iiv",
            "delta",
            "theorem1_bound",
            "theorem2_bound",
            "err_by_mentions",
            "scores_by_target",
        ):
            assert key in m, (name, key)
        assert m["err"] >= m["theorem2_bound"]
        assert set(m["scores_by_target"]["threshold"]) == {"0", "0.5", "0.75", "0.9"}
    assert all(data["checks"].values()), data["checks"]
    # Theorem 2's upper bound is the calibrated learner's alone
    assert "theorem2_upper_bound" in data["models"]["calibrated"]
    assert "theorem2_upper_bound" not in data["models"]["transformer"]
    assert all("theorem2_upper_bound" not in r for r in data["sweep"] if r["model"] != "calibrated")
    # models.<name>.err is exact under mu; the test-sample estimate sits beside it, labelled
    from dontguess.lab.calibrated import calibrated_p_hat
    from dontguess.lab.measure import measure
    from dontguess.lab.world import make_world

    world = make_world(TINY.world)
    exact = measure(world, calibrated_p_hat(world))
    assert data["models"]["calibrated"]["err"] == pytest.approx(exact.err, rel=1e-12)
    assert data["models"]["calibrated"]["basis"] == "mu"
    assert set(data["models"]["transformer"]["test_sample"]) >= {"err", "delta", "unseen_share"}
    assert abs(data["missing_mass"] - data["singleton_rate"]) <= data["lemma1_width"]
    html = (tmp_path / "report.html").read_text()
    assert html.count("<svg") == 2 and "<script" not in html
    assert [r["reward"] for r in data["incentives"]["rows"]] == ["base", "binary"]
    assert "Incentives: post-training" in html
    assert any(line.startswith("Incentives (held-out people)") for line in plain_summary(summary))
    assert "src=" not in html and "<link" not in html and "@import" not in html  # self-contained
    assert (tmp_path / "model" / "lab.json").is_file()
    assert {r["model"] for r in data["sweep"]} == {"calibrated", "transformer"}
    assert len(plain_summary(summary)) >= 5


def test_report_escapes_model_text(tmp_path: Path, monkeypatch: Any) -> None:
    from dontguess.lab import report

    summary = json.loads(json.dumps(_fake_summary()))
    html = report.render_report(summary, ["<b>x</b>"])
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<script>" not in html


def _fake_summary() -> dict[str, Any]:
    buckets = {
        b: {"err": 0.1, "n": 1.0, "test_share": 0.2, "p_idk": 0.1}
        for b in ("0", "1", "2", "3-5", "6+")
    }
    model = {
        "err": 0.2,
        "err_iiv": 0.1,
        "delta": 0.0,
        "theorem1_bound": -0.1,
        "theorem2_bound": -1.0,
        "theorem2_leading_term": 0.1,
        "theorem2_upper_bound": 0.4,
        "unseen_err": 0.7,
        "unseen_idk": 0.2,
        "err_by_mentions": buckets,
        "scores_by_target": {"always": {"0": 0.5}},
    }
    point = {
        "model": "calibrated",
        "target_sr": 0.1,
        "n_train": 100,
        "singleton_rate": 0.1,
        "missing_mass": 0.1,
        "err": 0.1,
        "theorem2_leading_term": 0.05,
        "theorem2_upper_bound": 0.3,
    }
    return {
        "models": {"<script>alert(1)</script>": model},
        "world": {"people": 1, "zipf_exponent": 1.0, "answer_prob": 0.8},
        "n_train": 100,
        "singleton_rate": 0.1,
        "missing_mass": 0.1,
        "lemma1_width": 0.5,
        "unseen_mass": 0.1,
        "test_unseen_fraction": 0.1,
        "min_errors": 39,
        "max_errors": 364,
        "sweep": [point],
        "training": {},
    }


def test_lab_cli_world_and_sweep(tmp_path: Path, capsys: Any) -> None:
    assert main(["lab", "world", "--people", "500", "--n-train", "1000"]) == 0
    world = json.loads(capsys.readouterr().out)
    assert abs(world["missing_mass"] - world["singleton_rate"]) <= world["lemma1_width_gamma_0.01"]
    assert (
        main(
            [
                "lab",
                "sweep",
                "--out",
                str(tmp_path),
                "--singleton-rates",
                "0.1,0.3",
                "--n-train",
                "2000",
            ]
        )
        == 0
    )
    rows = json.loads((tmp_path / "sweep.json").read_text())
    assert [round(r["target_sr"], 1) for r in rows] == [0.1, 0.3]
    assert (tmp_path / "sweep.svg").read_text().startswith("<svg")


def test_lab_cli_bad_input_exits_2(tmp_path: Path, capsys: Any) -> None:
    assert main(["lab", "sweep", "--out", str(tmp_path), "--singleton-rates", "0.1,x"]) == 2
    assert main(["lab", "sweep", "--out", str(tmp_path), "--singleton-rates", "0.99"]) == 2
    assert main(["lab", "world", "--answer-prob", "2"]) == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 3
    assert not (tmp_path / "sweep.json").exists()


def test_demo_help_teaches() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--help"])
    assert exc.value.code == 0


def test_demo_config_is_frozen() -> None:
    with pytest.raises(AttributeError):
        TINY.preset = "cpu"  # type: ignore[misc]
    assert replace(TINY, preset="cpu").preset == "cpu"


def test_sweep_with_transformer_points() -> None:
    from dontguess.lab.sweep import run_sweep

    rows = run_sweep(
        SweepConfig(targets=(0.1, 0.5), n_train=200, n_test=200, train_preset="tiny"), threads=1
    )
    assert [r["model"] for r in rows] == ["calibrated", "transformer"] * 2
    for r in rows:
        assert r["err"] >= r["theorem2_bound"]
    low, high = rows[0]["singleton_rate"], rows[2]["singleton_rate"]
    assert low < high


def test_report_renders_incentives_and_poor_models_sections() -> None:
    from dontguess.lab import report

    summary = json.loads(json.dumps(_fake_summary()))
    rates = {"right": 0.5, "wrong": 0.3, "idk": 0.2, "err_never_stated": 0.7,
             "idk_never_stated": 0.3, "right_often_stated": 0.9, "delta": 0.1,
             "scores_by_target": {"0": 0.5, "0.5": 0.2, "0.75": -0.4, "0.9": -2.2}}  # fmt: skip
    row = {"reward": "<i>binary</i>", **rates, "post_training_people": {"reward": "b", **rates}}
    summary["incentives"] = {"rows": [row], "observed": ["binary reward: <as predicted>"]}
    model = {"model": "trigram", "err": 0.5, "err_sampled": 0.49, "err_sampled_se": 0.01,
             "opt_thresholds": 0.5, "theorem3_bound": 0.5}  # fmt: skip
    acc = {"p_right": 0.4, "argmax_accuracy": 0.45}
    summary["poor_models"] = {
        "trigram_example": {"models": [model]},
        "letter_counting": {"word": acc, "character": acc, "majority_baseline": 0.45},
    }
    html = report.render_report(summary, [])
    assert "Incentives: post-training" in html and "Theorem 3: poor models" in html
    assert "<i>binary</i>" not in html and "&lt;as predicted&gt;" in html
