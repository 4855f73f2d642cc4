"""A deterministic offline backend shipped in the package, for examples and tests.

Two modes, chosen in the spec string:

- ``scripted:table=PATH``: answers from a JSONL or CSV file with ``question`` and
  ``answer`` columns; a question not in the table gets ``"I don't know."``.
- ``scripted:calibrated`` and ``scripted:guesser`` (options ``seed=S``): a simulated model
  with a known confidence per question. For question ``q`` it draws ``c = u(seed, q)`` in
  [0, 1) (a hash, so runs repeat exactly) and answers the gold answer when
  ``u(seed, q, sample) < c``, else a wrong answer; so its accuracy on the questions it
  attempts equals its confidence. Under an open rubric with target ``t`` the *calibrated*
  model says "I don't know" when ``c <= t`` (the paper's optimal policy, §4); the *guesser*
  always answers (the policy binary grading rewards). Gold answers come from the
  ``answer_key`` handed over by the runner; without one every attempt is wrong.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from dontguess.backends.base import Request
from dontguess.errors import InputError
from dontguess.records import Reply

__all__ = ["IDK", "ScriptedBackend", "unit_hash"]

#: The abstention text scripted models reply with.
IDK = "I don't know."


def unit_hash(*parts: object) -> float:
    """A number in [0, 1) fixed by ``parts`` (SHA-256 of their ``repr``s).

    >>> unit_hash("q", 1) == unit_hash("q", 1), 0.0 <= unit_hash("x") < 1.0
    (True, True)
    """
    digest = hashlib.sha256("\x1f".join(map(repr, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def _wrong_answer(question: str) -> str:
    """A made-up answer with no digits that matches no gold answer, fixed by ``question``."""
    digest = hashlib.sha256(question.encode("utf-8")).hexdigest()[:8]
    return "Zq" + "".join(chr(ord("a") + int(ch, 16)) for ch in digest)


def _load_table(path: Path) -> dict[str, str]:
    if not path.is_file():
        raise InputError("answer table not found", path=str(path))
    table: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        if path.suffix == ".csv":
            rows = list(csv.DictReader(fh))
        else:
            rows = []
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        rows.append(json.loads(line))
                    except ValueError as exc:
                        raise InputError(f"bad JSON: {exc}", path=str(path), line=n) from exc
    for n, row in enumerate(rows, 1):
        if "question" not in row or "answer" not in row:
            raise InputError("row needs 'question' and 'answer'", path=str(path), line=n)
        table[str(row["question"]).strip()] = str(row["answer"])
    return table


class ScriptedBackend:
    """Deterministic answers without a network; see the module doc for the modes.

    Args:
        mode: ``"table"``, ``"calibrated"`` or ``"guesser"``.
        table: question → answer for ``"table"`` mode.
        answer_key: question → gold answer for the simulated modes.
        seed: seed of the simulated confidences.
        concurrency: how many requests the runner keeps in flight.
    """

    def __init__(
        self,
        mode: str,
        *,
        table: Mapping[str, str] | None = None,
        answer_key: Mapping[str, str] | None = None,
        seed: int = 0,
        concurrency: int = 64,
    ) -> None:
        if mode not in ("table", "calibrated", "guesser"):
            raise InputError(f"scripted mode must be table|calibrated|guesser, got {mode!r}")
        if mode == "table" and table is None:
            raise InputError("scripted table mode needs table=PATH")
        self.mode = mode
        self.name = f"scripted:{mode}" + (f",seed={seed}" if mode != "table" else "")
        self.max_concurrency = concurrency
        self._table = dict(table or {})
        self._key = dict(answer_key or {})
        self._seed = seed

    @classmethod
    def from_options(
        cls, body: str, *, answer_key: Mapping[str, str] | None = None, concurrency: int = 64
    ) -> ScriptedBackend:
        """Build from the part after ``scripted:``, e.g. ``calibrated,seed=3``."""
        mode, *rest = [p.strip() for p in body.split(",") if p.strip()] or ["calibrated"]
        opts = {p.partition("=")[0]: p.partition("=")[2] for p in rest}
        if mode.startswith("table="):
            path = Path(mode.split("=", 1)[1])
            backend = cls("table", table=_load_table(path), concurrency=concurrency)
            backend.name = f"scripted:{mode}"  # two tables are two models
            return backend
        try:
            seed = int(opts.pop("seed", "0"))
        except ValueError as exc:
            raise InputError(f"scripted seed must be an integer in {body!r}") from exc
        if opts:
            raise InputError(f"unknown scripted option(s) {sorted(opts)} in {body!r}")
        return cls(mode, answer_key=answer_key, seed=seed, concurrency=concurrency)

    def confidence(self, question: str) -> float:
        """The simulated model's confidence ``c`` for ``question``."""
        return unit_hash(self._seed, question.strip())

    async def complete(self, request: Request) -> Reply:
        """Answer deterministically from the question (and target, for calibrated mode)."""
        question = (request.question or request.prompt or request.messages[-1][1]).strip()
        if self.mode == "table":
            return Reply(text=self._table.get(question, IDK))
        c = self.confidence(question)
        if self.mode == "calibrated" and request.target is not None and c <= request.target:
            return Reply(text=IDK)
        gold = self._key.get(question)
        if gold is not None and unit_hash(self._seed, question, request.sample) < c:
            return Reply(text=gold)
        return Reply(text=_wrong_answer(question))

    async def aclose(self) -> None:
        """Nothing to release."""
