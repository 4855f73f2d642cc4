"""The scripted backend: deterministic, calibrated by construction."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from dontguess.backends import Request
from dontguess.backends.scripted import IDK, ScriptedBackend
from dontguess.errors import InputError


def _texts(b: ScriptedBackend, qs: list[str], target: float | None) -> list[str | None]:
    async def go() -> list[str | None]:
        return [(await b.complete(Request(prompt=q, question=q, target=target))).text for q in qs]

    return asyncio.run(go())


def test_calibrated_abstains_below_target_and_is_calibrated() -> None:
    qs = [f"question {i}" for i in range(4000)]
    b = ScriptedBackend("calibrated", answer_key={q: "gold" for q in qs}, seed=1)
    closed = _texts(b, qs, None)
    assert IDK not in closed
    # P(correct) = E[c] = 1/2 for c ~ U(0, 1)
    assert abs(sum(t == "gold" for t in closed) / len(qs) - 0.5) < 0.03
    at = _texts(b, qs, 0.75)
    attempted = [(q, t) for q, t in zip(qs, at, strict=True) if t != IDK]
    assert all(b.confidence(q) > 0.75 for q, _ in attempted)
    # accuracy on attempted = E[c | c > 0.75] = 0.875
    acc = sum(t == "gold" for _, t in attempted) / len(attempted)
    assert abs(acc - 0.875) < 0.03
    assert _texts(b, qs[:50], 0.75) == at[:50]  # deterministic


def test_guesser_never_abstains() -> None:
    qs = [f"q{i}" for i in range(200)]
    assert IDK not in _texts(ScriptedBackend("guesser", seed=0), qs, 0.9)


def test_table(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"question": "Capital of France?", "answer": "Paris"}) + "\n")
    b = ScriptedBackend.from_options(f"table={path}")
    assert _texts(b, ["Capital of France?", "other"], None) == ["Paris", IDK]
    assert b.name == f"scripted:table={path}"
    path.write_text("{oops\n")
    with pytest.raises(InputError, match=r"t.jsonl:1: bad JSON"):
        ScriptedBackend.from_options(f"table={path}")
