"""The lab's test prompts as a question file, and the check that questions fit a lab model.

A lab checkpoint (``dontguess demo``'s ``OUT/model`` or ``dontguess lab train``'s folder)
carries ``lab.json`` with the :class:`~dontguess.lab.world.WorldConfig` it was trained on.
:func:`checkpoint_world` reads it back (no torch needed), :func:`item_rows` writes a
world's test prompts as question-file rows, and :func:`check_items_fit` refuses a
question file drawn from another world: lab questions about people the model never heard
of, or with other gold answers, would score near 0% with no hint why.

>>> from dontguess.lab.world import WorldConfig, make_world
>>> rows = item_rows(make_world(WorldConfig(people=20, n_train=40, n_test=3)))
>>> len(rows), sorted(rows[0])
(3, ['answer', 'fact', 'id', 'kind', 'mentions', 'question'])
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dontguess.errors import InputError
from dontguess.lab.corpus import TEMPLATES, prompt_text
from dontguess.lab.world import FACTS, World, WorldConfig, make_world
from dontguess.records import Item

__all__ = ["SIDECAR", "check_items_fit", "checkpoint_world", "item_rows", "lab_question"]

#: Name of the JSON sidecar of a lab checkpoint (written by ``lab.gpt.save_checkpoint``).
SIDECAR = "lab.json"


def _ask_pattern(fact: str) -> re.Pattern[str]:
    """The prompt of ``fact`` (template 0 without its answer) with the name captured."""
    before, after = TEMPLATES[fact][0].replace(" {answer}", "").split("{name}")
    return re.compile(re.escape(before) + "(.+)" + re.escape(after))


_ASK = tuple(_ask_pattern(fact) for fact in FACTS)


def lab_question(text: str) -> bool:
    """Whether ``text`` has the form of a lab prompt (template 0 of a fact, any name).

    >>> lab_question("Q : Where does Bai Loumar live ? A :"), lab_question("Who is Bai?")
    (True, False)
    """
    return any(p.fullmatch(text.strip()) for p in _ASK)


def checkpoint_world(model_dir: str | Path) -> WorldConfig:
    """The world a lab checkpoint was trained on, from its ``lab.json``.

    Raises:
        InputError: the folder or its ``lab.json`` is missing, unreadable or has no valid
            ``world`` entry (the message names the file).
    """
    root = Path(model_dir).expanduser()
    if not root.is_dir():
        raise InputError("no model folder here", path=str(root))
    path = root / SIDECAR
    if not path.is_file():
        raise InputError(
            f"no {SIDECAR}: not a lab checkpoint (dontguess demo and dontguess lab train "
            "write one next to the model)",
            path=str(root),
        )
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", path=str(path)) from exc
    world = meta.get("world") if isinstance(meta, dict) else None
    if not isinstance(world, dict):
        raise InputError("no 'world' object", path=str(path))
    return _world_config(world, str(path))


def _world_config(world: dict[str, Any], path: str) -> WorldConfig:
    """Every field present with the right type; ranges are WorldConfig's own check."""
    fields = WorldConfig.__dataclass_fields__
    missing = sorted(set(fields) - set(world))
    if missing:
        raise InputError(f"'world' lacks {', '.join(missing)}", path=path)
    for name in fields:
        value = world[name]
        wanted = float if name in ("zipf_exponent", "answer_prob") else int
        if isinstance(value, bool) or not isinstance(value, wanted | int):
            kind = "a number" if wanted is float else "an integer"
            raise InputError(f"'world' {name} must be {kind}, got {value!r}", path=path)
    try:
        return WorldConfig(**{name: world[name] for name in fields})
    except InputError as exc:
        raise InputError(f"'world' {exc}", path=path) from exc


def item_rows(world: World) -> list[dict[str, Any]]:
    """One question-file row per test prompt of ``world``, in draw order.

    Each row has ``id`` (``test-<i>``), ``question`` (the prompt the model is asked with),
    ``answer`` (the true fact), ``fact`` (``birthday`` or ``city``) and ``mentions`` (how
    many training examples state it; 0 = never stated, so unknowable to any model) and
    ``kind`` ``closed``: the world is closed, so an answer other than the true fact is
    wrong (the rules grade it without a judge; a city alone could otherwise be the answer
    named at another level).
    """
    rows = []
    for i, c in enumerate(world.test_prompts.tolist()):
        fact = FACTS[c % len(FACTS)]
        rows.append(
            {
                "id": f"test-{i}",
                "question": prompt_text(world.names[c // len(FACTS)], fact),
                "answer": world.answer_of(c),
                "fact": fact,
                "mentions": int(world.answer_counts[c]),
                "kind": "closed",
            }
        )
    return rows


def _truths(config: WorldConfig) -> dict[str, str]:
    """Every prompt text of the world → its true answer."""
    world = make_world(config)
    return {
        prompt_text(name, fact): world.answer_of(p * len(FACTS) + f)
        for p, name in enumerate(world.names)
        for f, fact in enumerate(FACTS)
    }


def check_items_fit(model_dir: str | Path, items: Sequence[Item]) -> None:
    """Refuse lab questions that do not belong to the world of the lab model ``model_dir``.

    Does nothing when ``model_dir`` has no ``lab.json`` (not a lab model) or no question
    has the form of a lab prompt (:func:`lab_question`). Otherwise every lab question must
    name a person of the model's world and (when it has golds) carry that person's true
    answer among them.

    Raises:
        InputError: some lab questions do not fit; the message counts them, shows one,
            states the model's world and the command that writes matching questions.
    """
    root = Path(model_dir).expanduser()
    if not (root / SIDECAR).is_file():
        return
    asked = [item for item in items if lab_question(item.question)]
    if not asked:
        return
    config = checkpoint_world(root)
    truths = _truths(config)
    strangers = [i for i in asked if i.question.strip() not in truths]
    other = [
        i
        for i in asked
        if i.question.strip() in truths
        and i.answers
        and truths[i.question.strip()] not in i.answers
    ]
    if not strangers and not other:
        return
    example = (strangers or other)[0]
    raise InputError(
        f"{len(strangers) + len(other)} of {len(asked)} lab questions do not fit the world "
        f"this model was trained on ({len(strangers)} about people not in it, "
        f"{len(other)} with another gold answer; e.g. item {example.id[:40]!r}: "
        f"{example.question.strip()[:80]!r}); "
        f"its {SIDECAR} says {_describe(config)}. Write matching questions with: "
        f"dontguess lab items --model {model_dir} --out FILE",
        path=str(root),
    )


def _describe(config: WorldConfig) -> str:
    return (
        f"people={config.people}, n_train={config.n_train}, zipf={config.zipf_exponent}, "
        f"answer_prob={config.answer_prob}, seed={config.seed}"
    )
