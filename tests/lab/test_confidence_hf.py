"""Issue 11: a lab model through ``hf:`` — the token-probability confidence is the lab's exact
p̂ of the chosen answer, and the threshold policy on it scores as the lab's rule does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from dontguess.cli import main
from dontguess.lab._vocab import IDK
from dontguess.lab.answer_probs import next_token_probs
from dontguess.lab.gpt import save_checkpoint

TARGETS = (0.0, 0.5, 0.75, 0.9)


def test_logprob_confidence_is_the_exact_p_hat_and_policies_match(
    small_trained: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world, trained = small_trained
    ckpt = save_checkpoint(trained, tmp_path / "model", world)
    items = tmp_path / "items.jsonl"
    assert main(["lab", "items", "--model", str(ckpt), "--out", str(items)]) == 0
    out = tmp_path / "run"
    run = ["run", "--model", f"hf:{ckpt}", "--dataset", str(items), "--limit", "80",
           "--rubric", "closed", "--max-tokens", "3", "--confidence", "logprob", "--out",
           str(out), "--format", "json", "--no-progress"]  # fmt: skip
    assert main(run) == 0
    capsys.readouterr()
    gold = {json.loads(x)["id"]: json.loads(x)["answer"] for x in items.read_text().splitlines()}
    rows = [json.loads(x) for x in (out / "graded.jsonl").read_text().splitlines()]
    tok = trained.tokenizer
    ids = [tok("[BOS] " + r["question"], add_special_tokens=False)["input_ids"] for r in rows]
    p_hat = next_token_probs(trained.model, ids, pad_id=tok.pad_token_id)  # the lab's exact p̂
    vocab = tok.get_vocab()
    want = {t: [0, 0, 0] for t in TARGETS}
    for r, row in zip(rows, p_hat, strict=True):
        chosen = r["answer"].strip()
        p = float(row[vocab[chosen]])
        assert float(r["confidence_logprob_first"]) == pytest.approx(p, abs=1e-5)
        for t in TARGETS:  # the lab's rule: answer the chosen token iff its p̂ > t, else IDK
            k = 2 if chosen == IDK or p <= t else (0 if chosen == gold[r["item_id"]] else 1)
            want[t][k] += 1
    score = ["score", str(out), "--policies", "--estimators", "logprob_first", "--targets",
             "0,0.5,0.75,0.9", "--bootstrap", "0", "--format", "json"]  # fmt: skip
    assert main(score) == 0
    doc = json.loads(capsys.readouterr().out)
    got = {r["scored_target"]: [r["n_correct"], r["n_incorrect"], r["n_abstained"]]
           for r in doc["policies"] if r["policy"] == "threshold:logprob_first"}  # fmt: skip
    assert got == want
    assert sum(want[0.0][:2]) > 0 and want[0.9][2] > want[0.0][2]  # the test has teeth
