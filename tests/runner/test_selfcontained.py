"""Self-contained records: prompts and question sets rebuilt from a run's own files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dontguess.errors import InputError
from dontguess.items import BUILTIN_SETS, dataset_hash, load_items
from dontguess.prompts import TEMPLATES, build_conditions, render, template_for, template_hash
from dontguess.records import Condition, Graded, Item, RunSpec, Verdict
from dontguess.runner import RunOptions, read_source, rebuild_prompt, regrade, run
from dontguess.runner._selfcontained import (
    check_items,
    has_items,
    items_from_rows,
    templates_document,
)
from dontguess.store import RunDir, graded_rows

from .fakes import ExactGrader, FlakyBackend

CUSTOM = "Stakes t={target}, penalty {penalty}, {percent}%. Q: {question} {not_a_field}"
ITEMS = [
    Item(id="a", question="What is 2+2?", answers=("4", "four"), groups={"topic": "math"}),
    Item(
        id="b",
        question="Pick one",
        answers=("A",),
        kind="choice",
        choices=("yes", "no"),
        incorrect_answers=("B",),
        groups={"topic": "misc"},
    ),
]


def _jsonl(records: list[Graded]) -> list[dict[str, Any]]:
    """Rows as they read back from graded.jsonl."""
    return [json.loads(json.dumps(r)) for r in graded_rows(records)]


def _records(items: list[Item], conditions: list[Condition]) -> list[Graded]:
    return [
        Graded(
            item_id=i.id,
            model="m",
            verdict=Verdict.CORRECT,
            condition=c,
            groups={**i.groups, "template_hash": c.template_hash or ""},
            item=i,
        )
        for c in conditions
        for i in items
    ]


def test_rows_rebuild_every_prompt_exactly() -> None:
    conditions = build_conditions([0.0, 0.75], ["closed", "open"], "reward", custom=CUSTOM)
    templates = templates_document(conditions, CUSTOM)
    rows = _jsonl(_records(ITEMS, conditions))
    got = [rebuild_prompt(r, templates) for r in rows]
    want = [
        render(template_for(c, CUSTOM), i.question, c.target) for c in conditions for i in ITEMS
    ]
    assert got == want
    assert got[0] == "What is 2+2?"  # closed: the question alone
    assert got[-1] == "Stakes t=0.75, penalty 3, 75%. Q: Pick one {not_a_field}"


def test_built_in_templates_need_no_stored_text() -> None:
    row = {
        "question": "Q?",
        "stated_target": 0.9,
        "template_hash": template_hash(TEMPLATES["penalty"]),
    }
    assert rebuild_prompt(row, {}) == render(TEMPLATES["penalty"], "Q?", 0.9)


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ({"question": None, "template_hash": "bf085a6e12c9"}, "holds no question"),
        ({"question": "Q", "template_hash": "0123456789ab"}, "no prompt template"),
        ({"question": "Q", "template_hash": None}, "no prompt template"),
    ],
)
def test_rebuild_prompt_refuses_what_it_cannot_rebuild(row: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        rebuild_prompt(row, {})


def test_rows_rebuild_the_question_set_and_its_hash() -> None:
    conditions = build_conditions([0.5], ["closed", "open"], "penalty")
    rows = _jsonl(_records(ITEMS, conditions))
    assert has_items(rows)
    items = items_from_rows(rows, "g.jsonl")
    assert items == ITEMS and dataset_hash(items) == dataset_hash(ITEMS)
    spec = RunSpec(("m",), "d", dataset_hash(ITEMS), tuple(conditions))
    check_items(items, spec, "g.jsonl")


def test_changed_records_are_refused_with_file_and_line() -> None:
    conditions = build_conditions([0.5], ["closed", "open"], "penalty")
    rows = _jsonl(_records(ITEMS, conditions))
    rows[3]["gold_answers"] = ["5"]  # item b under the open rubric
    with pytest.raises(InputError, match=r"g.jsonl:4: item 'b' differs from .* line 2"):
        items_from_rows(rows, "g.jsonl")
    rows = _jsonl(_records(ITEMS, conditions))
    for r in rows:
        if r["item_id"] == "a":
            r["gold_answers"] = ["5"]  # consistent, but not the run's set
    spec = RunSpec(("m",), "d", dataset_hash(ITEMS), tuple(conditions))
    with pytest.raises(InputError, match=r"hash to .* not to the run's dataset_hash"):
        check_items(items_from_rows(rows, "g.jsonl"), spec, "g.jsonl")


@pytest.mark.parametrize(
    ("column", "value", "match"),
    [
        ("question", None, "g.jsonl:1: .*no question"),
        ("gold_answers", "4", "g.jsonl:1: .*gold_answers must be a list of text"),
        ("choices", [1], "g.jsonl:1: .*choices must be a list of text"),
        ("topic", 3, "g.jsonl:1: .*group column 'topic' must be text"),
        ("kind", 7, "g.jsonl:1: .*must be text"),
    ],
)
def test_bad_values_in_rows_are_named(column: str, value: Any, match: str) -> None:
    rows = _jsonl(_records(ITEMS[:1], [Condition(template_hash="bf085a6e12c9")]))
    rows[0][column] = value
    assert has_items(rows) == (column != "question")
    with pytest.raises(InputError, match=match):
        items_from_rows(rows, "g.jsonl")


def test_a_run_keeps_questions_and_templates_and_regrades_alone(tmp_path: Path) -> None:
    conditions = tuple(build_conditions([0.5], ["closed", "open"], "penalty", custom=CUSTOM))
    spec = RunSpec(("fake:flaky",), "gone.jsonl", dataset_hash(ITEMS), conditions)
    backend = FlakyBackend()
    options = RunOptions(template=CUSTOM)
    first = run(spec, ITEMS, [backend], ExactGrader(), RunDir(tmp_path / "r"), options)
    source = read_source(tmp_path / "r")
    assert source.self_contained and source.templates == templates_document(conditions, CUSTOM)
    prompts = [rebuild_prompt(r, source.templates) for r in source.rows]
    # the fake answers "ans:<prompt>#<sample>": the answer names the exact prompt it got
    assert [f"ans:{p}#0" for p in prompts] == [r["answer"] for r in source.rows]
    again = regrade(source, None, ExactGrader(), RunDir(tmp_path / "g"))
    assert [r.verdict for r in again.records] == [r.verdict for r in first.records]
    assert [r.item for r in again.records] == [r.item for r in first.records]
    regraded = read_source(tmp_path / "g")  # self-contained in turn
    assert regraded.self_contained and regraded.templates == source.templates


def test_conditions_and_template_that_disagree_are_refused(tmp_path: Path) -> None:
    """Records would name a template the prompts were not made from."""
    conditions = tuple(build_conditions([0.5], ["open"], "penalty", custom=CUSTOM))
    spec = RunSpec(("fake:flaky",), "d", dataset_hash(ITEMS), conditions)
    backend = FlakyBackend()
    with pytest.raises(InputError, match=r"names template .* but it would be asked with"):
        run(spec, ITEMS, [backend], ExactGrader(), RunDir(tmp_path / "r"))  # no template
    assert backend.calls == {} and not (tmp_path / "r").exists()


def test_an_item_group_named_like_a_record_column_is_refused(tmp_path: Path) -> None:
    items = [Item(id="a", question="Q?", answers=("x",), groups={"question": "dup"})]
    spec = RunSpec(("fake:flaky",), "d", dataset_hash(items), (Condition(),))
    with pytest.raises(InputError, match="group column 'question' has the name of a column"):
        run(spec, items, [FlakyBackend()], ExactGrader(), RunDir(tmp_path / "r"))
    assert not (tmp_path / "r").exists()


def test_every_built_in_set_survives_the_round_trip(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real question sets: the records rebuild each set exactly (same dataset_hash)."""
    monkeypatch.setenv("DONTGUESS_DATA_DIR", str(shared_data))
    conditions = build_conditions([0.5], ["closed", "open"], "penalty")
    for name in BUILTIN_SETS:
        items = load_items(name, limit=150)
        rows = _jsonl(_records(items, conditions))
        rebuilt = items_from_rows(rows, name)
        assert dataset_hash(rebuilt) == dataset_hash(items), name
