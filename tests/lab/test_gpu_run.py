"""scripts/gpu_lab.sh end to end on CPU at a tiny size (its --smoke flag), and its FLOP count.

No GPU is needed: the smoke run is the GPU run's code with two tiny worlds, two epochs
and two post-training steps.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

ROOT = Path(__file__).resolve().parents[2]


def test_gpu_script_runs_end_to_end_on_cpu(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHON": sys.executable, "OUT": str(tmp_path / "out")}
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "gpu_lab.sh"), "--smoke"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    data = json.loads((tmp_path / "out" / "gpu_lab.json").read_text())
    assert [round(r["target_sr"], 1) for r in data["sweep"]] == [0.2, 0.4]
    for row in data["sweep"]:
        assert row["model"] == "transformer" and row["training"]["tokens_per_s"] > 0
        assert row["err"] >= row["theorem2_bound"]
    assert [r["reward"] for r in data["incentives"]["rows"]] == ["base", "binary", "t=0.75"]
    assert "tokens/s" in done.stdout + done.stderr


def test_flops_per_token_counts_the_matmuls() -> None:
    from dontguess.lab.gpt import PRESETS, build_model, build_tokenizer
    from dontguess.lab.gpu_run import flops_per_token

    tok = build_tokenizer(["a b c"], ["d"])
    cfg = PRESETS["tiny"]
    model = build_model(len(tok), cfg, tok)
    d, layers = cfg.n_embd, cfg.n_layer
    # per layer: attention 4 d^2 + MLP 8 d^2 weights (+ biases and norms), the tied head V d
    approx = 6 * (12 * d * d * layers + len(tok) * d) + 12 * layers * 12 * d
    assert flops_per_token(model, 12) == pytest.approx(approx, rel=0.05)
