"""Agreement of the deterministic grader with graded answers from other studies.

Run with ``-rP`` to see the tables quoted in docs/grading.md.
"""

from __future__ import annotations

import csv
import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from dontguess.grading import DeterministicGrader, detect_abstention
from dontguess.items import load_items
from dontguess.records import Item

pytestmark = pytest.mark.shared
GRADER = DeterministicGrader()


def _ours(item: Item, text: str) -> str:
    verdict = GRADER.grade_text(item, text).verdict
    return "ungraded" if verdict is None else verdict.value


@pytest.fixture
def data(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DONTGUESS_DATA_DIR", str(shared_data))
    return shared_data


def test_abstention_vs_simpleqa_classifier(data: Path) -> None:
    path = data / "graded_answers/simpleqa_abstention_customgpt/abstention_classifications.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    table = Counter(
        (r["classifier"]["classification"], detect_abstention(r["provider_response"])) for r in rows
    )
    print("(gpt-5-nano classification, detect_abstention):", sorted(table.items()))
    assert sum(table.values()) == 2445
    attempts = table[("attempt", True)] + table[("attempt", False)]
    assert table[("attempt", True)] <= 0.01 * attempts  # issue 8: ≤ 1% false abstentions
    assert table[("abstention", True)] >= 0.7 * (
        table[("abstention", True)] + table[("abstention", False)]
    )


def test_simpleqa_vs_simple_evals_judge(data: Path) -> None:
    by_question = {item.question: item for item in load_items("simpleqa")}
    table: Counter[tuple[str, str]] = Counter()
    for path in sorted((data / "logs/simple_evals_ru/simpleqa").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            item = by_question.get(row["instruction"])
            table[
                (row["judge_pred"], "absent" if item is None else _ours(item, row["answer"]))
            ] += 1
    print("(simple-evals judge, deterministic):", sorted(table.items()))
    assert table[("incorrect", "correct")] == 0 and table[("not_attempted", "correct")] == 0
    assert table[("correct", "correct")] == sum(v for (j, _), v in table.items() if j == "correct")
    assert table[("not_attempted", "abstained")] >= 15


def test_triviaqa_vs_llm_judge(data: Path) -> None:
    items = {item.id: item for item in load_items("triviaqa")}
    path = data / "graded_answers/triviaqa_persona_study/rq3_responses.csv"
    with path.open(encoding="utf-8", newline="") as f:
        table = Counter(
            (row["judge_verdict"], _ours(items[row["qid"]], row["content"]))
            for row in csv.DictReader(f)
        )
    print("(LLM judge, deterministic):", sorted(table.items()))
    said_correct = table[("correct", "correct")] + table[("incorrect", "correct")]
    assert table[("correct", "correct")] / said_correct >= 0.99
    assert table[("correct", "correct")] >= 0.85 * 1294


def test_inspect_match_scorer(data: Path) -> None:
    """inspect_ai's ``match`` scores of 10 yes/no samples, re-graded by our rules."""
    folder = data / "logs/inspect_ai/inspect_ai_tests"
    log = folder / "2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval"
    with zipfile.ZipFile(log) as archive:
        samples = [
            json.loads(archive.read(name))
            for name in archive.namelist()
            if name.startswith("samples/")
        ]
    pairs = []
    for sample in samples:
        item = Item(id=str(sample["id"]), question=sample["input"], answers=(sample["target"],))
        reply = sample["output"]["choices"][0]["message"]["content"]
        pairs.append((sample["scores"]["match"]["value"], _ours(item, reply)))
    assert len(pairs) == 10
    assert all((theirs == "C") == (ours == "correct") for theirs, ours in pairs)
    assert {ours for _, ours in pairs} == {"correct", "incorrect"}


def test_lm_eval_gsm8k_extracted_answers(data: Path) -> None:
    """lm-eval's gsm8k exact_match on its extracted answers, re-graded as numbers."""
    path = data / "logs/lm_eval_harness/pyfade/samples_gsm8k_2025-09-09T13-31-53.431753.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        sample = json.loads(line)
        gold = sample["target"].rsplit("####", 1)[1].strip()
        item = Item(id=str(sample["doc_id"]), question="?", answers=(gold,), kind="number")
        ours = _ours(item, sample["filtered_resps"][0])
        assert (ours == "correct") == (sample["exact_match"] == 1.0)


@pytest.fixture(scope="module")
def evouna_grades(shared_data: Path) -> list[tuple[int, str, str, str]]:
    """(question index, system, rules verdict, human label) for the 15,433 labelled replies."""
    from dontguess.grading._reference import read_reference

    rows = read_reference("evouna", data_dir=shared_data)
    return [(int(r.item.id.split("-")[1]), r.group, _ours(r.item, r.reply), r.label) for r in rows]


def _rates(rows: list[tuple[int, str, str, str]]) -> tuple[float, float, float]:
    said = Counter((ours, human) for _, _, ours, human in rows)
    p_correct = said["correct", "correct"] / (
        said["correct", "correct"] + said["correct", "incorrect"]
    )
    p_incorrect = said["incorrect", "incorrect"] / (
        said["incorrect", "incorrect"] + said["incorrect", "correct"]
    )
    coverage = 1 - sum(v for (ours, _), v in said.items() if ours == "ungraded") / len(rows)
    return p_correct, p_incorrect, coverage


def _halves(
    rows: list[tuple[int, str, str, str]],
) -> list[tuple[str, list[tuple[int, str, str, str]]]]:
    """All answers, the development half (even question index) and the held-out half."""
    return [
        ("all", rows),
        ("even (dev)", [r for r in rows if r[0] % 2 == 0]),
        ("odd (held out)", [r for r in rows if r[0] % 2 == 1]),
    ]


def test_evouna_rules_commit_only_when_right(
    evouna_grades: list[tuple[int, str, str, str]],
) -> None:
    """Issue 8, item 4: on human-labelled answers the rules' *correct* is right ≥ 99% of the
    time, their *incorrect* ≥ 95%, and they commit on ≥ 60% of the answers (before: 98.5%,
    63% and 96.7%), on all answers and on each half: the rules were developed on the even
    question indices and checked on the odd ones (held out). Per system is printed. The one
    target not met, *correct* on the held-out half, is the strict xfail below."""
    systems = sorted({s for _, s, _, _ in evouna_grades})
    halves = _halves(evouna_grades)
    for name, part in [*halves, *[(s, [r for r in evouna_grades if r[1] == s]) for s in systems]]:
        pc, pi, cov = _rates(part)
        print(f"{name:15s} P(correct)={pc:.4f} P(incorrect)={pi:.4f} coverage={cov:.3f}")
    for name, part in halves:
        p_correct, p_incorrect, coverage = _rates(part)
        assert p_incorrect >= 0.95, (name, p_incorrect)
        assert coverage >= 0.60, (name, coverage)
        if name != "odd (held out)":
            assert p_correct >= 0.99, (name, p_correct)


@pytest.mark.xfail(
    strict=True,
    reason="held-out P(correct) is 98.9%: 22 of the 25 false 'correct' verdicts of the "
    "development half are answers to questions where people labelled another system's "
    "matching answer correct (see docs/grading.md)",
)
def test_evouna_rules_correct_precision_held_out(
    evouna_grades: list[tuple[int, str, str, str]],
) -> None:
    """Issue 8, item 4: the rules' *correct* is right ≥ 99% of the time on the held-out half."""
    p_correct, _, _ = _rates(_halves(evouna_grades)[2][1])
    assert p_correct >= 0.99
