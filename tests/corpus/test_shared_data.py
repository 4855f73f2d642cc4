"""Real question text from ../shared/data through a regex extractor, end to end.

The expected counts come from an independent reading: Python's csv/json modules and ``re``
applied row by row, then Definition 2 counted with collections.Counter.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest

from dontguess.cli import main
from dontguess.corpus import SourceSpec, corpus_stats, regex_extractor

pytestmark = pytest.mark.shared

# "In what year was Oliviero Diliberto first ...": relation = question form, prompt = the
# named entity, answer = the event asked about.
SIMPLEQA_REGEX = (
    r"(?P<relation>[Ii]n what year|[Ww]hat year|[Oo]n what date|[Ww]hat day, month, and year)"
    r" (?:was|did) (?:the )?(?P<prompt>[A-Z][A-Za-z.-]*(?: [A-Z][A-Za-z.-]*)*)"
    r" (?P<answer>born|die|founded|established|win|receive|released|launched|become|first)"
)
NQ_REGEX = r"(?P<relation>who|when|where|what|how many) (?P<answer>[a-z]+) (?P<prompt>the [a-z]+)"


def _expected(texts: Iterable[str], pattern: str) -> tuple[int, int, int]:
    counts: Counter[tuple[str, str]] = Counter()
    for text in texts:
        for m in re.finditer(pattern, text):
            counts[(m["relation"], m["prompt"])] += 1
    n = sum(counts.values())
    return n, len(counts), sum(1 for v in counts.values() if v == 1)


def test_simpleqa_questions(shared_data: Path) -> None:
    path = shared_data / "simpleqa" / "simple_qa_test_set.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        problems = [row["problem"] for row in csv.DictReader(fh)]
    n, prompts, singles = _expected(problems, SIMPLEQA_REGEX)
    assert n > 30  # the regex finds real mentions
    source = SourceSpec(extractor=regex_extractor(SIMPLEQA_REGEX), text_field="problem")
    s = corpus_stats([path], source=source, min_errors=364)
    assert (s.n, s.n_prompts, s.n_singletons) == (n, prompts, singles)
    assert s.singleton_rate == pytest.approx(singles / n)
    assert sum(r.n for r in s.relations.values()) == n


def test_nq_open_jsonl_via_cli(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = shared_data / "nq_open" / "NQ-open.dev.jsonl"
    with path.open(encoding="utf-8") as fh:
        questions = [json.loads(line)["question"] for line in fh]
    n, prompts, singles = _expected(questions, NQ_REGEX)
    assert n > 100
    argv = [
        "corpus",
        "stats",
        str(path),
        "--text-field",
        "question",
        "--regex",
        NQ_REGEX,
        "--format",
        "json",
    ]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["n"], out["n_prompts"], out["n_singletons"]) == (n, prompts, singles)
    assert set(out["relations"]) <= {"who", "when", "where", "what", "how many"}
