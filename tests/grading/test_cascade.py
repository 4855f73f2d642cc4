"""CascadeGrader: rules decide what they commit to, the judge the rest; counts; item 7.

Routing tests use a recording fake judge; the end-to-end tests run the stand-in judge
server process behind the real OpenAIBackend, one of them on real TruthfulQA answers.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from dontguess.backends.openai_compat import OpenAIBackend
from dontguess.grading import (
    GRADER_MODES,
    CascadeGrader,
    CascadeStats,
    DeterministicGrader,
    Grade,
    Grader,
    LLMJudge,
)
from dontguess.items import load_items
from dontguess.records import Item, Reply, Verdict

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "standin"))
from judge_fixture import judge_standin

C, I, A = Verdict.CORRECT, Verdict.INCORRECT, Verdict.ABSTAINED  # noqa: E741
ITEM = Item(id="q", question="Capital of France?", answers=("Paris",))


class Rules:
    """Commits to CORRECT for "Paris", ABSTAINED for "idk", leaves the rest ungraded."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def grade(self, item: Item, reply: Reply) -> Grade:
        self.seen.append(reply.text or "")
        if reply.text == "Paris":
            return Grade(C, method="exact")
        if reply.text == "idk":
            return Grade(A, method="abstention")
        return Grade(None, "needs a judge: reply matches no gold answer")


class Judge:
    """Says INCORRECT, except "?" which it cannot label; records what it was sent."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def grade(self, item: Item, reply: Reply) -> Grade:
        self.seen.append(reply.text or "")
        if reply.text == "?":
            return Grade(None, "judge reply names no label", judge_reply="hmm", judge_calls=2)
        return Grade(I, method="judge", judge_reply="INCORRECT", judge_calls=1)


def run(grader: CascadeGrader, replies: list[Reply]) -> list[Grade]:
    async def go() -> list[Grade]:
        return [await grader.grade(ITEM, r) for r in replies]

    return asyncio.run(go())


REPLIES = [
    Reply(text="Paris"),
    Reply(text="idk"),
    Reply(text="Lyon"),
    Reply(text="?"),
    Reply(text=None, error="HTTP 500: boom"),
]


def test_cascade_sends_only_what_the_rules_leave_ungraded() -> None:
    rules, judge = Rules(), Judge()
    cascade = CascadeGrader(rules, judge)
    grades = run(cascade, REPLIES)
    assert [g.verdict for g in grades] == [C, A, I, None, None]
    assert [g.decided_by for g in grades] == ["rules", "rules", "judge", "judge", "rules"]
    assert judge.seen == ["Lyon", "?"]  # rules-committed replies never reach the judge
    assert rules.seen == ["Paris", "idk", "Lyon", "?"]  # a model error reaches nobody
    assert grades[2].judge_reply == "INCORRECT" and grades[0].judge_reply is None
    assert grades[3].reason == "judge reply names no label"
    assert grades[4].reason == "backend error: HTTP 500: boom"
    assert cascade.stats == CascadeStats(
        by_rules=2, by_judge=1, ungraded=2, sent_to_judge=2, judge_calls=3
    )


def test_rules_mode_never_calls_the_judge_and_keeps_the_rules_reasons() -> None:
    rules, judge = Rules(), Judge()
    grades = run(CascadeGrader(rules, judge, mode="rules"), REPLIES)
    assert [g.verdict for g in grades] == [C, A, None, None, None]
    assert grades[2].reason == "needs a judge: reply matches no gold answer"
    assert judge.seen == []
    assert run(CascadeGrader(Rules(), mode="rules"), REPLIES[:1])[0].verdict is C  # no judge


def test_judge_mode_sends_every_answered_reply_to_the_judge() -> None:
    rules, judge = Rules(), Judge()
    cascade = CascadeGrader(rules, judge, mode="judge")
    grades = run(cascade, REPLIES)
    assert [g.verdict for g in grades] == [I, I, I, None, None]
    assert rules.seen == [] and judge.seen == ["Paris", "idk", "Lyon", "?"]
    assert all(g.decided_by == "judge" for g in grades[:4])
    assert cascade.stats == CascadeStats(
        by_rules=0, by_judge=3, ungraded=2, sent_to_judge=4, judge_calls=5
    )


def test_modes_and_judge_requirement_are_checked() -> None:
    assert GRADER_MODES == ("rules", "judge", "cascade")
    assert isinstance(CascadeGrader(Rules(), Judge()), Grader)
    with pytest.raises(ValueError, match="mode must be one of rules, judge, cascade, got 'llm'"):
        CascadeGrader(Rules(), Judge(), mode="llm")
    for mode in ("judge", "cascade"):
        with pytest.raises(ValueError, match=f"grading mode '{mode}' needs a judge"):
            CascadeGrader(Rules(), None, mode=mode)


# ---------------------------------------------------------------- end to end over HTTP


async def _cascade(
    url: str, pairs: list[tuple[Item, str]], mode: str
) -> tuple[list[Grade], CascadeStats]:
    backend = OpenAIBackend("judge-model", [url], timeout=5.0, concurrency=8)
    cascade = CascadeGrader(
        DeterministicGrader(no_match="ungraded"), LLMJudge(backend, max_retries=0), mode=mode
    )
    try:
        grades = await asyncio.gather(*(cascade.grade(it, Reply(text=t)) for it, t in pairs))
    finally:
        await backend.aclose()
    return list(grades), cascade.stats


def test_cascade_with_the_real_judge_server_counts_every_request() -> None:
    eliot = Item(id="e", question="Who wrote The Waste Land?", answers=("T. S. Eliot",))
    pairs = [
        (ITEM, "Paris"),  # the rules prove it
        (ITEM, "I don't know"),  # the rules prove it (abstention)
        (ITEM, "Zzyzx"),  # no match: the judge says INCORRECT
        (eliot, "The poem is by the poet Thomas Stearns T. S. Eliot."),  # rules or judge
        (ITEM, "Somewhere in Europe [judge:garbage]"),  # the judge answers garbage
    ] * 4
    with judge_standin() as s:
        grades, stats = asyncio.run(_cascade(s.url, pairs, "cascade"))
        server = s.stats()
    assert [g.verdict for g in grades[:5]] == [C, A, I, C, None]
    assert grades[4].reason == "judge reply names no label"
    assert server["received"] == stats.sent_to_judge == stats.judge_calls
    assert stats.by_rules + stats.by_judge + stats.ungraded == len(pairs)
    assert stats.by_rules >= 8 and stats.ungraded == 4
    assert sum(g.judge_calls for g in grades) == server["received"]
    for g in grades:
        assert (g.judge_calls > 0) == (g.decided_by == "judge")
        assert (g.judge_reply is not None) == (g.decided_by == "judge")


def _truthfulqa_pairs(shared_data: Path, n: int) -> list[tuple[Item, str, bool]]:
    """(item, answer, human says true) from TruthfulQA's human-labelled answer file."""
    by_question = {it.question.strip(): it for it in load_items("truthfulqa")}
    out: list[tuple[Item, str, bool]] = []
    with (shared_data / "truthfulqa" / "finetune_truth.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            question, _, rest = row["prompt"].removeprefix("Q: ").partition("\nA: ")
            item = by_question.get(question.strip())
            if item is not None and item.answers:
                out.append((item, rest.removesuffix("\nTrue:"), row["completion"] == " yes"))
            if len(out) == n:
                break
    return out


def test_truthfulqa_free_text_is_graded_by_the_judge_against_both_lists(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 7: what the rules leave ungraded on real TruthfulQA answers goes to the judge,
    which sees both answer lists; with a judge nothing is left ungraded."""
    monkeypatch.setenv("DONTGUESS_DATA_DIR", str(shared_data))
    labelled = _truthfulqa_pairs(shared_data, 300)
    assert len(labelled) == 300
    pairs = [(it, text) for it, text, _ in labelled]
    rules = [DeterministicGrader(no_match="ungraded").grade_text(it, t) for it, t in pairs]
    rules_ungraded = sum(g.verdict is None for g in rules)
    with judge_standin("--style", "plain") as s:
        grades, stats = asyncio.run(_cascade(s.url, pairs, "cascade"))
        server = s.stats()
    assert stats.sent_to_judge == server["received"] == rules_ungraded > 0
    assert stats.ungraded == 0 and all(g.verdict is not None for g in grades)
    for ruled, final in zip(rules, grades, strict=True):
        if ruled.verdict is not None:
            assert (final.verdict, final.decided_by) == (ruled.verdict, "rules")
    human = Counter((truth, g.verdict) for (_, _, truth), g in zip(labelled, grades, strict=True))
    print(
        f"\nTruthfulQA, {len(pairs)} human-labelled answers: rules leave {rules_ungraded} "
        f"ungraded ({rules_ungraded / len(pairs):.0%}); cascade with the stand-in judge: "
        f"{stats.by_rules} by rules, {stats.by_judge} by judge, 0 ungraded; "
        f"(human true/false, verdict) counts: {dict(human)}"
    )
