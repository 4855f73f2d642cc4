"""The trained GPT-2: exact one-pass candidate scoring, memorisation, Theorem 2's floor."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from dontguess.lab.answer_probs import (  # noqa: E402
    candidate_ids,
    candidate_p_hat,
    encode_prompts,
)
from dontguess.lab.gpt import PRESETS, SIDECAR, load_checkpoint, save_checkpoint, train  # noqa: E402
from dontguess.lab.measure import IDK_COL, measure  # noqa: E402
from dontguess.lab.world import FACT_ANSWERS, WorldConfig, make_world  # noqa: E402


@pytest.fixture(scope="module")
def trained(small_trained: Any) -> Any:
    """The session's small pretrained model (tests/lab/conftest.py)."""
    return small_trained


def test_every_candidate_is_one_token(trained: Any) -> None:
    _, tm = trained
    vocab = tm.tokenizer.get_vocab()
    for answers in FACT_ANSWERS.values():
        for a in (*answers, "IDK"):
            assert tm.tokenizer(a, add_special_tokens=False)["input_ids"] == [vocab[a]]


def test_one_pass_equals_teacher_forced_sequence_probability(trained: Any) -> None:
    world, tm = trained
    prompts = world.test_prompts[:6]
    p_hat = candidate_p_hat(tm, world, prompts)
    ids = encode_prompts(tm.tokenizer, world, prompts)
    cands = candidate_ids(tm.tokenizer)
    for i, c in enumerate(prompts.tolist()):
        fact = "birthday" if c % 2 == 0 else "city"
        for col in (0, 7, len(FACT_ANSWERS[fact]) - 1, IDK_COL):
            token = cands[fact][col if col != IDK_COL else -1]
            seq = torch.tensor([[*ids[i], token]])
            with torch.no_grad():
                logp = torch.log_softmax(tm.model(input_ids=seq).logits[0, -2].double(), -1)
            assert p_hat[i, col] == pytest.approx(float(logp[token].exp()), rel=1e-5, abs=1e-9)


def test_one_pass_matches_sampled_answers(trained: Any) -> None:
    world, tm = trained
    prompt = world.test_prompts[:1]
    p_hat = candidate_p_hat(tm, world, prompt)[0]
    k = 4000
    ids = torch.tensor(encode_prompts(tm.tokenizer, world, prompt) * k)
    torch.manual_seed(0)
    with torch.no_grad():
        out = tm.model.generate(
            input_ids=ids,
            attention_mask=torch.ones_like(ids),
            do_sample=True,
            top_k=0,
            max_new_tokens=1,
            pad_token_id=tm.tokenizer.pad_token_id,
        )
    drawn = out[:, -1].numpy()
    fact = "birthday" if int(prompt[0]) % 2 == 0 else "city"
    cands = candidate_ids(tm.tokenizer)[fact]
    for col, token in [*enumerate(cands[:-1]), (IDK_COL, cands[-1])]:
        freq, p = float(np.mean(drawn == token)), float(p_hat[col])
        assert abs(freq - p) <= 4.5 * np.sqrt(max(p * (1 - p), 1e-4) / k), (col, freq, p)


def test_memorises_often_seen_facts_and_hallucinates_on_unseen(trained: Any) -> None:
    world, tm = trained
    m = measure(world, candidate_p_hat(tm, world))
    by = m.err_by_mentions
    assert by["6+"]["err"] < 0.15
    assert by["0"]["err"] == pytest.approx(1 - by["0"]["p_idk"], abs=0.05)
    unseen = by["0"]["share"]  # exact mu-mass: no sampling noise
    assert unseen == pytest.approx(world.unseen_mass, rel=1e-12)
    assert m.err >= unseen * m.unseen_err - 1e-12
    # on never-stated facts the model is right only by chance (uniform: 1/40 or 1/365)
    assert m.unseen_err >= 1 - m.unseen_idk - 0.05
    assert m.err >= m.theorem2_bound
    assert by["0"]["err"] > by["6+"]["err"] + 0.3


def test_checkpoint_round_trip(trained: Any, tmp_path: Path) -> None:
    world, tm = trained
    path = save_checkpoint(tm, tmp_path / "ckpt", world)
    assert (path / SIDECAR).is_file() and (path / "config.json").is_file()
    again = load_checkpoint(path)
    prompts = world.test_prompts[:20]
    np.testing.assert_allclose(
        candidate_p_hat(again, world, prompts),
        candidate_p_hat(tm, world, prompts),
        rtol=1e-6,
        atol=1e-9,
    )
    assert again.config == replace(tm.config, device="cpu")


def test_training_is_deterministic_for_a_seed() -> None:
    world = make_world(WorldConfig(people=20, n_train=60, n_test=5, seed=1))
    cfg = replace(PRESETS["tiny"], epochs=2)
    a, b = train(world, cfg, threads=1), train(world, cfg, threads=1)
    assert a.stats["final_loss"] == b.stats["final_loss"]
    c = train(world, replace(cfg, seed=1), threads=1)
    assert c.stats["final_loss"] != a.stats["final_loss"]
