"""Theorem 3 (§3.3.2): errors from poor models, not from missing data.

Two demonstrations, each with a model that fails and one that does not:

- **The trigram example.** A corpus of "She lost it and was completely out of her mind" and
  "He lost it and was completely out of his mind" (She or He with probability ½ each).
  The prompts are the sentences up to "of"; the responses R_c = {"her mind", "his mind"}
  (pure multiple choice: |V_c| = 1, C = 2). A trigram model sees only "out of" before the
  pronoun, so p̂(her|c) is the same for both prompts and err = ½ exactly under a uniform μ.
  Theorem 3: err ≥ 2(1 − 1/C)·opt(G) with opt(G) the best D-error of the thresholded
  classifiers [p̂(r|c) > t]. :func:`threshold_opt` computes the best over the fitted
  model's thresholds (an upper estimate of opt(G)) and :func:`trigram_family_floor` the
  error no classifier that sees only the trigram's view can beat (a lower estimate): both
  are ½, so opt(G) = ½ and the bound is ½. A small transformer attends to She/He and errs
  near 0 (its own thresholded classifiers separate the pairs, so its bound is near 0 too).
- **Letter counting** ("How many Ds are in DEEPSEEK?"): a GPT-2 with a word-level
  tokenizer sees each word as one opaque token and cannot count letters of a word it never
  trained on; the same GPT-2 reading the word letter by letter can. See
  :mod:`dontguess.lab.letters`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess.errors import InputError
from dontguess.theory import theorem3_lower_bound

__all__ = [
    "PROMPTS",
    "RESPONSES",
    "TrigramModel",
    "iiv_pairs",
    "lm_p_hat",
    "poor_model_lines",
    "run_poor_models",
    "sampled_error",
    "threshold_opt",
    "trigram_corpus",
    "trigram_family_floor",
    "trigram_report",
]

#: The two prompts and the two responses; response k is valid for prompt k.
PROMPTS: tuple[str, ...] = (
    "She lost it and was completely out of",
    "He lost it and was completely out of",
)
RESPONSES: tuple[str, ...] = ("her mind", "his mind")


def trigram_corpus(n: int, seed: int = 0) -> list[str]:
    """``n`` sentences, each prompt k with probability ½ followed by its response k.

    >>> trigram_corpus(2, seed=1)[0].endswith("mind")
    True
    """
    if n < 1:
        raise InputError(f"n must be >= 1, got {n}")
    picks = np.random.default_rng(seed).integers(2, size=n)
    return [f"{PROMPTS[k]} {RESPONSES[k]}" for k in picks.tolist()]


@dataclass
class TrigramModel:
    """Maximum-likelihood trigram model: p̂(w | two previous words) from counts.

    Attributes:
        counts: (w₋₂, w₋₁) → Counter of the next word (``<s>`` pads the start).
    """

    counts: dict[tuple[str, str], Counter[str]]

    @classmethod
    def fit(cls, lines: list[str]) -> TrigramModel:
        """Count every trigram of ``lines``."""
        counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for line in lines:
            words = ["<s>", "<s>", *line.split()]
            for i in range(2, len(words)):
                counts[(words[i - 2], words[i - 1])][words[i]] += 1
        return cls(dict(counts))

    def next_prob(self, context: list[str], word: str) -> float:
        """p̂(word | last two words of context); 0 for an unseen context."""
        seen = self.counts.get((context[-2], context[-1]))
        return seen[word] / sum(seen.values()) if seen else 0.0

    def prob(self, prompt: str, response: str) -> float:
        """p̂(response | prompt): the product of each response word's trigram probability."""
        words = ["<s>", "<s>", *prompt.split()]
        p = 1.0
        for w in response.split():
            p *= self.next_prob(words, w)
            words.append(w)
        return p


def iiv_pairs(p_hat: npt.NDArray[np.float64], mu: npt.NDArray[np.float64]) -> Any:
    """D of §3.1 for pure multiple choice with response k valid for prompt k.

    Returns ``(scores, labels, mass)`` over every (c, r): p̂(r|c), + for the valid pair, and
    D's mass: μ(c)/2 on the valid pair, μ(c)/(2|E_c|) on each error.
    """
    n, choices = p_hat.shape
    labels = np.eye(n, choices, dtype=bool)
    mass = np.where(labels, mu[:, None] / 2, mu[:, None] / (2 * (choices - 1)))
    return p_hat.ravel(), labels.ravel(), mass.ravel()


def threshold_opt(p_hat: npt.NDArray[np.float64], mu: npt.NDArray[np.float64]) -> float:
    """min over t of the D-error of g_t(c, r) = [p̂(r|c) > t]: the model's best classifier.

    Every distinct p̂ value (and −∞) is tried as t, which covers every classifier the
    family of thresholds can produce.

    >>> threshold_opt(np.array([[0.5, 0.5], [0.5, 0.5]]), np.array([0.5, 0.5]))
    0.5
    >>> threshold_opt(np.array([[0.9, 0.1], [0.1, 0.9]]), np.array([0.5, 0.5]))
    0.0
    """
    scores, labels, mass = iiv_pairs(p_hat, mu)
    best = 1.0
    for t in [-np.inf, *np.unique(scores).tolist()]:
        predicted = scores > t
        best = min(best, float(mass[predicted != labels].sum()))
    return best


def trigram_family_floor(mu: npt.NDArray[np.float64]) -> float:
    """The least D-error of any classifier that sees only (last two prompt words, response).

    Every trigram model's p̂(r|c) depends on c only through its last two words, so each of
    its thresholded classifiers is constant on pairs with the same view; the D-mass the
    minority label carries in each view is an error none of them avoids. That makes this
    a lower bound on opt(G) over all trigram models.

    >>> trigram_family_floor(np.array([0.5, 0.5]))
    0.5
    """
    _, labels, mass = iiv_pairs(np.zeros((len(PROMPTS), len(RESPONSES))), mu)
    views: dict[tuple[str, ...], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (k, r), lab, m in zip(
        ((k, r) for k in range(len(PROMPTS)) for r in range(len(RESPONSES))), labels, mass,
        strict=True,
    ):  # fmt: skip
        view = (*PROMPTS[k].split()[-2:], RESPONSES[r])
        views[view][int(lab)] += float(m)
    return float(sum(min(v) for v in views.values()))


def sampled_error(
    p_hat: npt.NDArray[np.float64], mu: npt.NDArray[np.float64], k: int, seed: int = 0
) -> tuple[float, float]:
    """err estimated from ``k`` sampled (prompt, answer) pairs, and its standard error.

    Mass of p̂ outside the responses counts as an error (like any wrong answer).
    """
    rng = np.random.default_rng(seed)
    prompts = rng.choice(len(mu), size=k, p=mu)
    u = rng.random(k)
    right = u < p_hat[prompts, prompts]  # the valid response of prompt c is column c
    err = 1.0 - float(right.mean())
    return err, float(np.sqrt(max(err * (1 - err), 1e-12) / k))


def trigram_report(
    name: str, p_hat: npt.NDArray[np.float64], *, samples: int = 4000
) -> dict[str, Any]:
    """err (exact, uniform μ), sampled err, opt from thresholds and Theorem 3's bound."""
    mu = np.full(len(PROMPTS), 1.0 / len(PROMPTS))
    err = float(np.dot(mu, 1.0 - np.diag(p_hat)))
    sampled, se = sampled_error(p_hat, mu, samples)
    opt = threshold_opt(p_hat, mu)
    return {
        "model": name,
        "p_hat": {
            PROMPTS[c].split()[0]: {RESPONSES[r]: float(p_hat[c, r]) for r in range(2)}
            for c in range(2)
        },
        "err": err,
        "err_sampled": sampled,
        "err_sampled_se": se,
        "samples": samples,
        "opt_thresholds": opt,
        "theorem3_bound": theorem3_lower_bound(opt, choices=len(RESPONSES)),
    }


def lm_p_hat(trained: Any) -> npt.NDArray[np.float64]:
    """(prompts × responses) p̂(r|c) of a trained lab GPT-2: the product over r's words."""
    from dontguess.lab.answer_probs import next_token_probs

    tok = trained.tokenizer
    vocab = tok.get_vocab()
    out = np.ones((len(PROMPTS), len(RESPONSES)))
    for c, prompt in enumerate(PROMPTS):
        for r, response in enumerate(RESPONSES):
            text = f"[BOS] {prompt}"
            for word in response.split():
                ids = tok(text, add_special_tokens=False)["input_ids"]
                probs = next_token_probs(trained.model, [ids], pad_id=tok.pad_token_id)
                out[c, r] *= float(probs[0, vocab[word]])
                text += f" {word}"
    return out


def run_poor_models(
    *,
    sentences: int = 400,
    preset: str = "tiny",
    epochs: int = 30,
    letters: Any = None,
    seed: int = 0,
    threads: int | None = None,
) -> dict[str, Any]:
    """The trigram example (trigram vs GPT-2) and the letter-counting probe.

    Returns:
        ``{"trigram_example": {"sentences", "family_floor", "models": [trigram, transformer]},
        "letter_counting": ...}`` (see :func:`trigram_report`,
        :func:`~dontguess.lab.letters.letter_probe`).
    """
    from dataclasses import replace

    from dontguess.lab.gpt import PRESETS, train_lines
    from dontguess.lab.letters import LetterConfig, letter_probe

    lines = trigram_corpus(sentences, seed)
    trigram = TrigramModel.fit(lines)
    tri_p = np.array([[trigram.prob(c, r) for r in RESPONSES] for c in PROMPTS])
    config = replace(PRESETS[preset], epochs=epochs, seed=seed)
    gpt = train_lines(lines, [], config, threads=threads)
    mu = np.full(len(PROMPTS), 1.0 / len(PROMPTS))
    her_share = float(np.mean([line.startswith("She") for line in lines]))
    return {
        "trigram_example": {
            "sentences": sentences,
            "she_share": her_share,
            "family_floor": trigram_family_floor(mu),
            "models": [
                trigram_report("trigram", tri_p),
                trigram_report("transformer", lm_p_hat(gpt)),
            ],
        },
        "letter_counting": letter_probe(letters or LetterConfig(seed=seed), threads=threads),
    }


def poor_model_lines(result: dict[str, Any]) -> list[str]:
    """What :func:`run_poor_models` observed, in plain sentences."""
    tri = result["trigram_example"]
    lines = []
    for m in tri["models"]:
        lines.append(
            f"{m['model']} on the out-of-her/his-mind corpus ({tri['sentences']} sentences): "
            f"err {m['err']:.3f} exactly under a uniform mu ({m['err_sampled']:.3f} ± "
            f"{m['err_sampled_se']:.3f} from {m['samples']} sampled answers); opt(G) over its "
            f"thresholded classifiers {m['opt_thresholds']:.3f}, so Theorem 3's bound "
            f"2(1 - 1/C)·opt(G) = {m['theorem3_bound']:.3f}."
        )
    lines.append(
        f"No classifier that sees only a trigram's view beats D-error {tri['family_floor']:.3f}, "
        "so for the trigram family opt(G) is exactly that and its err cannot fall below it."
    )
    let = result["letter_counting"]
    lines.append(
        f"Letter counting on {let['test_questions']} questions about held-out words: the "
        f"word-level GPT-2 gives the right count p̂ {let['word']['p_right']:.2f} (most likely "
        f"count right {let['word']['argmax_accuracy']:.0%}), the character-level one "
        f"{let['character']['p_right']:.2f} ({let['character']['argmax_accuracy']:.0%}); "
        f"always answering the most common count is right {let['majority_baseline']:.0%}."
    )
    return lines
