"""Letter counting: a tokenisation failure (§3.3.2's "How many Ds are in DEEPSEEK?").

Words are random strings over a small alphabet. A question asks how many times a letter
occurs in a word, e.g. ``In DEEPSEEK how many D 1`` (the letter last, so the answer
follows it). Two GPT-2s of the same size are
trained on the same questions about *training* words and asked about *held-out* words:

- **word level**: the word is one token (``DEEPSEEK``). A held-out word's token never
  occurred in training, so the model cannot know its letters; it can only guess from
  the question's letter and the distribution of counts.
- **character level**: the word is spelled letter by letter (``D E E P S E E K``), so the
  letters are in the input and counting is learnable.

Accuracy is exact from one forward pass (every count is one token): the mean p̂ of the
right count over the held-out questions, beside the majority-count baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from dontguess.errors import InputError

__all__ = ["ALPHABET", "LetterConfig", "letter_lines", "letter_probe", "letter_words", "question"]

#: The letters words are made of (few letters, so counts of 0–3 are all common).
ALPHABET = "ABCDEF"


@dataclass(frozen=True)
class LetterConfig:
    """The probe's words, questions and model.

    Attributes:
        train_words / test_words: distinct words to train on / to ask about.
        per_word: questions per training word (letters drawn uniformly from the alphabet).
        min_len / max_len: word length range (one length by default: a 1-layer model
            then reads the count off how much attention the matching letters get; with
            lengths 3–6 and 30 epochs the character-level model did not learn to count).
        preset: :data:`~dontguess.lab.gpt.PRESETS` name of both models.
        epochs: overrides the preset's epochs.
        n_layer: overrides the preset's depth when set.
        seed: seed of words, questions and training.
    """

    train_words: int = 600
    test_words: int = 200
    per_word: int = 4
    min_len: int = 5
    max_len: int = 5
    preset: str = "tiny"
    epochs: int = 40
    n_layer: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.min_len <= self.max_len:
            raise InputError(f"need 1 <= min_len <= max_len, got {self.min_len}, {self.max_len}")
        if min(self.train_words, self.test_words, self.per_word, self.epochs) < 1:
            raise InputError("train_words, test_words, per_word and epochs must be >= 1")


def letter_words(n: int, config: LetterConfig, rng: np.random.Generator) -> list[str]:
    """``n`` distinct random words over :data:`ALPHABET`."""
    seen: set[str] = set()
    while len(seen) < n:
        length = int(rng.integers(config.min_len, config.max_len + 1))
        seen.add("".join(ALPHABET[i] for i in rng.integers(len(ALPHABET), size=length)))
    return sorted(seen)


def question(word: str, letter: str, *, spelled: bool) -> str:
    """The question text, the word whole or spelled out.

    >>> question("DEEPSEEK", "D", spelled=False), question("DEEP", "E", spelled=True)
    ('In DEEPSEEK how many D', 'In D E E P how many E')
    """
    shown = " ".join(word) if spelled else word
    return f"In {shown} how many {letter}"


def letter_lines(
    words: list[str], per_word: int, rng: np.random.Generator, *, spelled: bool
) -> tuple[list[str], list[int]]:
    """``per_word`` questions per word with the answer count appended, and the counts."""
    lines, counts = [], []
    for word in words:
        for i in rng.integers(len(ALPHABET), size=per_word).tolist():
            letter = ALPHABET[i]
            counts.append(word.count(letter))
            lines.append(f"{question(word, letter, spelled=spelled)} {counts[-1]}")
    return lines, counts


def _accuracy(trained: Any, prompts: list[str], counts: list[int]) -> dict[str, float]:
    """Mean p̂ of the right count, and how often it is the most likely count."""
    from dontguess.lab.answer_probs import next_token_probs

    tok = trained.tokenizer
    ids = [tok(f"[BOS] {p}", add_special_tokens=False)["input_ids"] for p in prompts]
    probs = next_token_probs(trained.model, ids, pad_id=tok.pad_token_id)
    vocab = tok.get_vocab()
    digits = [vocab[str(k)] for k in range(10) if str(k) in vocab]
    right = probs[np.arange(len(counts)), [vocab[str(c)] for c in counts]]
    best = np.array(digits)[probs[:, digits].argmax(axis=1)]
    picked = np.mean(best == np.array([vocab[str(c)] for c in counts]))
    return {"p_right": float(right.mean()), "argmax_accuracy": float(picked)}


def letter_probe(config: LetterConfig, *, threads: int | None = None) -> dict[str, Any]:
    """Train a word-level and a character-level GPT-2; their accuracy on held-out words."""
    from dontguess.lab.gpt import PRESETS, train_lines

    rng = np.random.default_rng(config.seed)
    words = letter_words(config.train_words + config.test_words, config, rng)
    order = rng.permutation(len(words))
    train = [words[i] for i in order[: config.train_words]]
    test = [words[i] for i in order[config.train_words :]]
    preset = replace(PRESETS[config.preset], epochs=config.epochs, seed=config.seed)
    if config.n_layer is not None:
        preset = replace(preset, n_layer=config.n_layer)
    out: dict[str, Any] = {"config": config.__dict__.copy()}
    for level, spelled in (("word", False), ("character", True)):
        q_rng = np.random.default_rng(config.seed + 1)
        lines, _ = letter_lines(train, config.per_word, q_rng, spelled=spelled)
        tests, counts = letter_lines(test, config.per_word, q_rng, spelled=spelled)
        vocab = [*test, *ALPHABET, *[str(k) for k in range(config.max_len + 1)]]
        trained = train_lines(lines, vocab, preset, threads=threads)
        prompts = [t.rsplit(" ", 1)[0] for t in tests]  # drop the answer
        out[level] = {**_accuracy(trained, prompts, counts), "train_questions": len(lines)}
        majority = np.bincount(counts).max() / len(counts)
        out["majority_baseline"] = float(majority)
        out["test_questions"] = len(tests)
    return out
