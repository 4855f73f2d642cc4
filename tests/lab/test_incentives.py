"""Post-training under binary vs confidence-target reward on a small world (CPU, seconds).

Tolerances: Monte Carlo agreement within 4.5 standard errors; "kept" means within 0.05
of the base model (absolute, on mu-weighted rates).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from dontguess import scoring  # noqa: E402
from dontguess.cli import main  # noqa: E402
from dontguess.lab import incentives  # noqa: E402
from dontguess.lab.answer_probs import candidate_ids  # noqa: E402
from dontguess.lab.incentives import (  # noqa: E402
    IncentiveConfig,
    expected_reward,
    heldout_prompts,
    reward_matrix,
    reward_values,
    run_incentives,
)

TOLERANCE = 0.05
# measured on this world: binary IDK(never) 0.34 -> 0.30; t=0.75 0.34 -> 0.47 (held out),
# right on 6+ facts of the post-training people 0.82 -> 0.92
CONFIG = IncentiveConfig(rewards=("binary", "t=0.75"), steps=100, batch_size=64, lr=1e-3, kl=1.0)


@pytest.fixture(scope="module")
def result(small_trained: Any) -> Any:
    world, base = small_trained
    return run_incentives(base, world, CONFIG)


def test_the_reward_is_the_scoring_rule() -> None:
    assert incentives.penalty is scoring.penalty  # one definition in the package
    for t in (0.0, 0.5, 0.75, 0.9):
        assert reward_values(t) == (1.0, -scoring.penalty(t), 0.0)


def test_exact_expected_reward_equals_monte_carlo(small_trained: Any) -> None:
    world, base = small_trained
    from dontguess.lab.answer_probs import encode_prompts, next_token_probs

    prompts = world.test_prompts[:4]
    ids = encode_prompts(base.tokenizer, world, prompts)
    probs = next_token_probs(base.model, ids, pad_id=base.tokenizer.pad_token_id)  # (4, V)
    rewards = reward_matrix(world, prompts, candidate_ids(base.tokenizer), 0.75, probs.shape[1])
    exact = expected_reward(probs, rewards)
    rng = np.random.default_rng(0)
    k = 20_000
    for i in range(len(prompts)):
        drawn = rng.choice(probs.shape[1], size=k, p=probs[i] / probs[i].sum())
        points = rewards[i, drawn]
        se = points.std() / np.sqrt(k)
        assert abs(points.mean() - exact[i]) <= 4.5 * max(se, 1e-3), (i, points.mean(), exact[i])


def test_heldout_split_is_by_person_and_deterministic(small_trained: Any) -> None:
    world, _ = small_trained
    held = heldout_prompts(world, 0.5, 0)
    assert held.sum() == world.n_prompts // 2
    assert (held[0::2] == held[1::2]).all()  # both facts of a person on one side
    assert (heldout_prompts(world, 0.5, 0) == held).all()


def test_rows_have_the_issue_fields_and_rates_sum_to_one(result: Any) -> None:
    rows = result["rows"]
    assert [r["reward"] for r in rows] == ["base", "binary", "t=0.75"]
    for r in rows:
        for key in ("right", "wrong", "idk", "err_never_stated", "idk_never_stated",
                    "right_often_stated", "scores_by_target", "delta"):  # fmt: skip
            assert key in r
        assert r["right"] + r["wrong"] + r["idk"] == pytest.approx(1.0)
        assert set(r["scores_by_target"]) == {"0", "0.5", "0.75", "0.9"}
        s = r["scores_by_target"]
        assert s["0.75"] == pytest.approx(r["right"] - 3 * r["wrong"])


def test_binary_reward_lowers_idk_on_never_seen_facts(result: Any) -> None:
    base, binary = result["rows"][0], result["rows"][1]
    assert binary["idk_never_stated"] < base["idk_never_stated"]
    assert binary["err_never_stated"] > base["err_never_stated"]


def test_confidence_target_keeps_idk_and_memorised_facts(result: Any) -> None:
    base, t75 = result["rows"][0], result["rows"][2]
    assert t75["idk_never_stated"] >= base["idk_never_stated"] - TOLERANCE
    # memorised facts of the people it was post-trained on stay right (within 0.05)
    b, a = base["post_training_people"], t75["post_training_people"]
    assert a["right_often_stated"] >= b["right_often_stated"] - TOLERANCE
    assert a["idk_never_stated"] > b["idk_never_stated"]


def test_cli_writes_incentives_json(small_trained: Any, tmp_path: Path, capsys: Any) -> None:
    from dontguess.lab.gpt import save_checkpoint

    world, base = small_trained
    ckpt = save_checkpoint(base, tmp_path / "model", world)
    out = str(tmp_path / "out")
    args = ["lab", "incentives", "--model", str(ckpt), "--out", out, "--steps", "2",
            "--batch-size", "8", "--rewards", "binary,t=0.9", "--threads", "1"]  # fmt: skip
    assert main(args) == 0
    data = json.loads((tmp_path / "out" / "incentives.json").read_text())
    assert [r["reward"] for r in data["rows"]] == ["base", "binary", "t=0.9"]
    assert data["observed"] and "binary reward" in capsys.readouterr().out


def test_cli_refuses_an_unknown_reward(tmp_path: Path, capsys: Any) -> None:
    code = main(["lab", "incentives", "--out", str(tmp_path), "--rewards", "t=0.6"])
    assert code == 2 and "unknown reward 't=0.6'" in capsys.readouterr().err
    assert not (tmp_path / "incentives.json").exists()
