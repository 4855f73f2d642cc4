"""The training corpus: one line per training example, in several templates.

Each line ends with the answer word (a date, a city or ``IDK``), so the text before the
answer is the prompt and the answer is one token of the word-level vocabulary. Template 0
of each fact is the question–answer form used to *ask* the model (:func:`prompt_text`);
it is drawn for half the training lines, the sentence and alternative question forms for
the rest, so a fact seen once may have been seen in another wording.

>>> prompt_text("Bai Loumar", "birthday")
'Q : When was Bai Loumar born ? A :'
"""

from __future__ import annotations

import numpy as np

from dontguess.lab._vocab import IDK
from dontguess.lab.world import FACT_ANSWERS, FACTS, World

__all__ = ["TEMPLATES", "TEMPLATE_WEIGHTS", "corpus_lines", "prompt_text", "vocabulary_words"]

#: Templates per fact; ``{name}`` then ``{answer}`` (always last).
TEMPLATES: dict[str, tuple[str, ...]] = {
    "birthday": (
        "Q : When was {name} born ? A : {answer}",
        "Q : What is the birthday of {name} ? A : {answer}",
        "{name} was born on {answer}",
    ),
    "city": (
        "Q : Where does {name} live ? A : {answer}",
        "Q : Which city is home to {name} ? A : {answer}",
        "{name} lives in {answer}",
    ),
}
#: Probability of each template when writing a training line.
TEMPLATE_WEIGHTS: tuple[float, ...] = (0.5, 0.25, 0.25)


def prompt_text(name: str, fact: str) -> str:
    """The question put to the model for (person, fact): template 0 without its answer."""
    return TEMPLATES[fact][0].replace(" {answer}", "").format(name=name)


def corpus_lines(world: World, *, seed: int | None = None) -> list[str]:
    """One text line per training example, in training order (templates drawn with ``seed``).

    IDK examples say ``IDK`` where the fact would be.
    """
    rng = np.random.default_rng(world.config.seed + 1 if seed is None else seed)
    picks = rng.choice(len(TEMPLATE_WEIGHTS), size=len(world.train_prompts), p=TEMPLATE_WEIGHTS)
    lines = []
    for c, answered, k in zip(
        world.train_prompts.tolist(), world.train_answered.tolist(), picks.tolist(), strict=True
    ):
        fact = FACTS[c % len(FACTS)]
        answer = world.answer_of(c) if answered else IDK
        lines.append(TEMPLATES[fact][k].format(name=world.names[c // len(FACTS)], answer=answer))
    return lines


def vocabulary_words(world: World) -> list[str]:
    """Every word the world can produce: template words, name parts, all answers and IDK.

    The tokenizer is trained on the corpus plus these words, so every candidate answer
    (even a date no training line mentions) and every name part is exactly one token.
    """
    words = {w for fact in FACTS for t in TEMPLATES[fact] for w in t.split() if "{" not in w}
    words.update(part for name in world.names for part in name.split())
    words.update(a for fact in FACTS for a in FACT_ANSWERS[fact])
    words.add(IDK)
    return sorted(words)
