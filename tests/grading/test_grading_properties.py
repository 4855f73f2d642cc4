"""Property tests: normalisation is idempotent; a gold answer always grades correct."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dontguess.grading import DeterministicGrader, detect_abstention, normalize_answer
from dontguess.items import load_items
from dontguess.records import Item, Verdict

GRADER = DeterministicGrader()


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_idempotent(text: str) -> None:
    once = normalize_answer(text)
    assert normalize_answer(once) == once
    assert once == once.strip() and "  " not in once


@settings(max_examples=200, deadline=None)
@given(
    gold=st.text(min_size=1).filter(lambda s: normalize_answer(s) != ""),
    aliases=st.lists(st.text(), max_size=3),
)
def test_exact_gold_always_correct(gold: str, aliases: list[str]) -> None:
    item = Item(id="q", question="?", answers=(*aliases, gold))
    assert GRADER.grade_text(item, gold).verdict is Verdict.CORRECT
    assert GRADER.grade_text(item, f"  {gold.upper()}. ").verdict is Verdict.CORRECT or (
        normalize_answer(gold.upper()) != normalize_answer(gold)
    )


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_grader_never_raises(text: str) -> None:
    for item in (
        Item(id="t", question="?", answers=("Paris", "3.14", "14 December 1972")),
        Item(id="c", question="?", answers=("A",), kind="choice", choices=("x", "y")),
        Item(id="u", question="?", kind="unknowable"),
    ):
        grade = GRADER.grade_text(item, text)
        assert (grade.verdict is None) == (grade.reason is not None)
    detect_abstention(text)


@pytest.mark.shared
@pytest.mark.parametrize("name", ["simpleqa", "nq_open", "popqa", "witqa", "truthfulqa_binary"])
def test_every_real_gold_grades_correct(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("DONTGUESS_DATA_DIR", str(shared_data))
    for item in load_items(name):
        for gold in item.answers:
            assert GRADER.grade_text(item, gold).verdict is Verdict.CORRECT, (item.id, gold)
