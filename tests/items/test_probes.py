"""The paper's probes: letter counting and unknowable birthdays / dissertation titles."""

from __future__ import annotations

import re

from dontguess.items import dataset_hash, load_items


def test_letter_counts_are_exact() -> None:
    items = load_items("probe:letters")
    assert len(items) >= 100
    for item in items:
        letter, word = re.match(r"How many (\w)s are in (\w+)\?", item.question).groups()  # type: ignore[union-attr]
        assert item.answers == (str(word.lower().count(letter.lower())),)
        assert item.kind == "number"
    deepseek = [i for i in items if "DEEPSEEK" in i.question]
    assert deepseek and deepseek[0].groups["count"] == deepseek[0].answers[0]
    assert any(i.answers == ("0",) for i in items) and any(int(i.answers[0]) >= 3 for i in items)


def test_people_probes_are_unknowable_and_seeded() -> None:
    for name in ("birthdays", "titles"):
        items = load_items(f"probe:{name}")
        assert all(i.kind == "unknowable" and i.answers == () for i in items)
        assert len({i.question for i in items}) == len(items)
        again = load_items(f"probe:{name}")
        other = load_items(f"probe:{name}", seed=7)
        assert dataset_hash(items) == dataset_hash(again) != dataset_hash(other)
    birthday = load_items("probe:birthdays", limit=1)[0]
    assert birthday.question.endswith("If you know, just respond with DD-MM.")
