"""Real question sets from ../shared/data run through the scripted backend and the real grader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dontguess.backends.scripted import IDK, unit_hash
from dontguess.cli import main
from dontguess.items import load_items

pytestmark = pytest.mark.shared


@pytest.mark.parametrize("name", ["simpleqa", "nq_open", "popqa", "triviaqa", "entityquestions"])
def test_builtin_set_through_scripted_backend(
    name: str, shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DONTGUESS_DATA_DIR", str(shared_data))
    out = tmp_path / name
    rc = main(
        ["run", "--model", "scripted:calibrated,seed=1", "--dataset", name, "--limit", "120",
         "--targets", "0.75", "--out", str(out), "--format", "json", "--no-progress"]
    )  # fmt: skip
    assert rc == 0
    items = {i.id: i for i in load_items(name, limit=120)}
    rows = [json.loads(x) for x in (out / "graded.jsonl").read_text().splitlines()]
    assert len(rows) == 2 * len(items) == 240
    for r in rows:
        item = items[r["item_id"]]
        c = unit_hash(1, item.question.strip())
        if r["stated_target"] == 0.75 and c <= 0.75:
            assert r["answer"] == IDK and r["verdict"] == "abstained"
            continue
        # the simulated model answers the first gold answer, or a made-up wrong one; the rules
        # call the made-up one incorrect only when they can prove it (a gold that is a name or
        # a number), else they leave it to a judge (issue 8: rules commit only when right)
        gave_gold = bool(item.answers) and r["answer"] == item.answers[0]
        if gave_gold:
            assert r["verdict"] == "correct", (r, item.answers)
        elif r["verdict"] is None:
            assert r["ungraded_reason"].startswith("needs a judge: "), (r, item.answers)
        else:
            assert r["verdict"] == "incorrect", (r, item.answers)
    wrong = [r for r in rows if r["answer"] not in (IDK, *items[r["item_id"]].answers[:1])]
    # A question asking for a place ("Where ...?", "... located?") may be answered at another
    # level (a district for a city): an unmatched place is left to a judge, never called
    # wrong (issue 8 item 4). The other made-up answers are provably wrong often enough.
    place = [r for r in wrong if "place may be named" in (r["ungraded_reason"] or "")]
    provable = [r for r in wrong if r not in place]
    if name == "entityquestions":  # its first 120 questions are "Where did X die?"
        assert len(place) >= 0.9 * len(wrong) > 0
    else:
        assert sum(r["verdict"] == "incorrect" for r in provable) >= 0.1 * len(provable) > 0
    closed = [r for r in rows if r["stated_target"] is None]
    accuracy = sum(r["verdict"] == "correct" for r in closed) / len(closed)
    assert 0.3 < accuracy < 0.7  # E[c] = 0.5 for c ~ U(0, 1)
