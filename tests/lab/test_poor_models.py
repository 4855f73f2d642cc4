"""Theorem 3 on poor models: the trigram example and the letter-counting probe."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from dontguess.lab.letters import LetterConfig, letter_lines, question
from dontguess.lab.poor_models import (
    PROMPTS,
    RESPONSES,
    TrigramModel,
    threshold_opt,
    trigram_corpus,
    trigram_family_floor,
    trigram_report,
)
from dontguess.theory import theorem3_lower_bound

UNIFORM = np.array([0.5, 0.5])


def _trigram_p_hat(sentences: int, seed: int) -> Any:
    model = TrigramModel.fit(trigram_corpus(sentences, seed))
    return np.array([[model.prob(c, r) for r in RESPONSES] for c in PROMPTS])


def test_trigram_cannot_tell_she_from_he() -> None:
    p_hat = _trigram_p_hat(400, seed=0)
    # the trigram sees "out of" before the pronoun: the same distribution for both prompts
    np.testing.assert_allclose(p_hat[0], p_hat[1])
    assert p_hat.sum(axis=1) == pytest.approx([1.0, 1.0])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_trigram_err_is_one_half_and_meets_theorem3(seed: int) -> None:
    rep = trigram_report("trigram", _trigram_p_hat(400, seed), samples=4000)
    # exact under a uniform mu: 1/2 whatever the fitted her/his share
    assert rep["err"] == pytest.approx(0.5, abs=1e-12)
    # from 4000 sampled answers: 1/2 within 4.5 standard errors (sqrt(1/4 / 4000) = 0.0079)
    assert abs(rep["err_sampled"] - 0.5) <= 4.5 * np.sqrt(0.25 / 4000)
    assert rep["opt_thresholds"] == pytest.approx(0.5)
    assert rep["theorem3_bound"] == pytest.approx(0.5)
    assert rep["err"] >= rep["theorem3_bound"] - 1e-12
    assert trigram_family_floor(UNIFORM) == pytest.approx(0.5)


def test_theorem3_holds_for_random_two_choice_models() -> None:
    rng = np.random.default_rng(0)
    for _ in range(300):
        p_hat = rng.dirichlet([0.5, 0.5, 0.5], size=2)[:, :2]  # some mass off the choices
        mu = rng.dirichlet([1.0, 1.0])
        err = float(np.dot(mu, 1 - np.diag(p_hat)))
        assert err >= theorem3_lower_bound(threshold_opt(p_hat, mu), choices=2) - 1e-12


def test_threshold_opt_is_the_best_labelling_by_brute_force() -> None:
    rng = np.random.default_rng(1)
    for _ in range(50):
        p_hat, mu = rng.random((2, 2)), rng.dirichlet([1.0, 1.0])
        mass = np.array([[mu[0] / 2, mu[0] / 2], [mu[1] / 2, mu[1] / 2]]).ravel()
        labels = np.eye(2, dtype=bool).ravel()
        best = min(
            float(mass[(p_hat.ravel() > t) != labels].sum()) for t in np.linspace(-0.01, 1.01, 2001)
        )
        assert threshold_opt(p_hat, mu) == pytest.approx(best)


def test_transformer_learns_the_pronoun() -> None:
    pytest.importorskip("torch")
    from dataclasses import replace

    from dontguess.lab.gpt import PRESETS, train_lines
    from dontguess.lab.poor_models import lm_p_hat

    lines = trigram_corpus(200, seed=0)
    gpt = train_lines(lines, [], replace(PRESETS["tiny"], epochs=30), threads=1)
    rep = trigram_report("transformer", lm_p_hat(gpt))
    assert rep["err"] < 0.05  # measured 0.004 at 400 sentences
    assert rep["theorem3_bound"] < 0.05


def test_letter_questions_and_counts() -> None:
    assert question("DEEPSEEK", "D", spelled=False) == "In DEEPSEEK how many D"
    lines, counts = letter_lines(["ABBA"], 6, np.random.default_rng(0), spelled=True)
    for line, count in zip(lines, counts, strict=True):
        letter = line.split()[-2]
        assert count == "ABBA".count(letter) and line.endswith(f" {count}")
        assert line.startswith("In A B B A how many")
    with pytest.raises(Exception, match="min_len"):
        LetterConfig(min_len=5, max_len=3)


def test_poor_models_cli_writes_json_and_says_what_it_saw(tmp_path: Any, capsys: Any) -> None:
    pytest.importorskip("torch")
    import json

    from dontguess.cli import main

    args = ["lab", "poor-models", "--out", str(tmp_path), "--sentences", "60",
            "--letter-epochs", "1", "--threads", "1"]  # fmt: skip
    assert main(args) == 0
    data = json.loads((tmp_path / "poor_models.json").read_text())
    tri = data["trigram_example"]
    assert [m["model"] for m in tri["models"]] == ["trigram", "transformer"]
    assert tri["models"][0]["err"] == pytest.approx(0.5)
    assert {"word", "character", "majority_baseline"} <= set(data["letter_counting"])
    out = capsys.readouterr().out
    assert "Theorem 3's bound" in out and "Letter counting" in out
