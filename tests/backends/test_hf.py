"""hf:PATH on a lab-trained checkpoint: greedy text, logprobs, batching, dontguess run."""

from __future__ import annotations

import asyncio
import json
import math
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from dontguess.backends import Request, make_backend
from dontguess.backends.hf import HFBackend
from dontguess.cli import main
from dontguess.errors import InputError, MissingDependencyError
from dontguess.lab.answer_probs import encode_prompts, next_token_probs
from dontguess.lab.corpus import prompt_text
from dontguess.lab.gpt import PRESETS, load_checkpoint, save_checkpoint, train
from dontguess.lab.world import FACTS, WorldConfig, make_world

WORLD = WorldConfig(people=40, n_train=200, n_test=12, seed=0)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    world = make_world(WORLD)
    trained = train(world, replace(PRESETS["tiny"], epochs=20), threads=1)
    return save_checkpoint(trained, tmp_path_factory.mktemp("hf") / "model", world)


def _questions() -> list[str]:
    w = make_world(WORLD)
    return [prompt_text(w.names[c // 2], FACTS[c % 2]) for c in w.test_prompts.tolist()]


def _ask(backend: HFBackend, requests: list[Request]) -> list[Any]:
    async def go() -> list[Any]:
        replies = await asyncio.gather(*(backend.complete(r) for r in requests))
        await backend.aclose()
        return list(replies)

    return asyncio.run(go())


def test_greedy_reply_is_the_most_likely_token_with_its_logprob(checkpoint: Path) -> None:
    world = make_world(WORLD)
    tm = load_checkpoint(checkpoint)
    probs = next_token_probs(
        tm.model,
        encode_prompts(tm.tokenizer, world, world.test_prompts),
        pad_id=tm.tokenizer.pad_token_id,
    )
    backend = HFBackend(str(checkpoint), batch_size=4)
    replies = _ask(backend, [Request(prompt=q, max_tokens=3, logprobs=True) for q in _questions()])
    vocab = tm.tokenizer.get_vocab()
    for reply, row in zip(replies, probs, strict=True):
        best = int(np.argmax(row))
        assert reply.text == tm.tokenizer.convert_ids_to_tokens(best)
        assert reply.logprobs[0] == pytest.approx(math.log(row[vocab[reply.text]]), abs=1e-4)
        assert reply.completion_tokens == len(reply.logprobs) >= 1


def test_batched_equals_one_at_a_time_and_chat_equals_prompt(checkpoint: Path) -> None:
    qs = _questions()
    together = _ask(HFBackend(str(checkpoint), batch_size=8), [Request(prompt=q) for q in qs])
    alone = [_ask(HFBackend(str(checkpoint), batch_size=1), [Request(prompt=q)])[0] for q in qs]
    assert [r.text for r in together] == [r.text for r in alone]
    chat = _ask(HFBackend(str(checkpoint)), [Request(messages=(("user", q),)) for q in qs])
    assert [r.text for r in chat] == [r.text for r in alone]


def test_sampling_is_seeded(checkpoint: Path) -> None:
    qs = _questions()[:4]
    reqs = [Request(prompt=q, temperature=1.0, seed=7, max_tokens=2) for q in qs]
    a = _ask(HFBackend(str(checkpoint), batch_size=4), reqs)
    b = _ask(HFBackend(str(checkpoint), batch_size=4), reqs)
    assert [r.text for r in a] == [r.text for r in b]


def test_registry_and_errors(checkpoint: Path, tmp_path: Path, monkeypatch: Any) -> None:
    backend = make_backend(f"hf:{checkpoint}")
    assert isinstance(backend, HFBackend) and backend.name == f"hf:{checkpoint}"
    with pytest.raises(InputError, match="no model folder"):
        HFBackend(str(tmp_path / "nowhere"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="cannot load"):
        HFBackend(str(tmp_path / "empty"))
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(MissingDependencyError, match=r"dontguess\[hf\]"):
        HFBackend(str(checkpoint))


def test_dontguess_run_with_a_lab_checkpoint(checkpoint: Path, tmp_path: Path, capsys: Any) -> None:
    items = tmp_path / "items.jsonl"
    assert (
        main(
            [
                "lab",
                "items",
                "--people",
                "40",
                "--n-train",
                "200",
                "--n-test",
                "12",
                "--out",
                str(items),
            ]
        )
        == 0
    )
    out = tmp_path / "run"
    code = main(
        [
            "run",
            "--model",
            f"hf:{checkpoint}",
            "--dataset",
            str(items),
            "--rubric",
            "closed",
            "--max-tokens",
            "3",
            "--out",
            str(out),
            "--format",
            "json",
            "--no-progress",
        ]
    )
    assert code == 0
    graded = [json.loads(x) for x in (out / "graded.jsonl").read_text().splitlines()]
    assert len(graded) == 12
    assert (out / "DONE").is_file()
    gold = {json.loads(x)["id"]: json.loads(x)["answer"] for x in items.read_text().splitlines()}
    for g in graded:
        if g["verdict"] == "correct":
            assert g["answer"] == gold[g["item_id"]]
    capsys.readouterr()
