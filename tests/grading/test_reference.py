"""Readers of the shared labelled sets (skipped without ../shared/data)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from dontguess.errors import InputError
from dontguess.grading._reference import REFERENCE_SETS, read_reference

pytestmark = pytest.mark.shared


@pytest.mark.parametrize(
    ("name", "reference", "n", "labels"),
    [
        ("evouna", None, 15433, {"correct": 11182, "incorrect": 4251}),
        ("czech_simpleqa", None, 12521, {"incorrect": 8813, "correct": 1910, "abstained": 1798}),
        ("simple-evals-ru", None, 56, {"incorrect": 26, "abstained": 26, "correct": 4}),
        ("triviaqa_persona", "judge", 1377, {"correct": 1294, "incorrect": 83}),
        ("triviaqa_persona", "human", 62, {"correct": 44, "incorrect": 18}),
        ("abstention", None, 2445, {"attempted": 2414, "abstained": 31}),
    ],
)
def test_reader_counts(
    shared_data: Path, name: str, reference: str | None, n: int, labels: dict[str, int]
) -> None:
    rows = read_reference(name, reference=reference, data_dir=shared_data)
    assert len(rows) == n
    assert Counter(r.label for r in rows) == labels
    assert set(Counter(r.label for r in rows)) <= set(REFERENCE_SETS[name].labels)
    assert all(r.item.question and isinstance(r.reply, str) and r.group for r in rows)


def test_evouna_rows(shared_data: Path) -> None:
    rows = read_reference("evouna", data_dir=shared_data)
    assert Counter(r.group for r in rows)["chatgpt"] == 3164
    first = rows[0]
    assert first.item.answers == ("Wilhelm Conrad Röntgen",) and first.group == "fid"
    assert "/" not in "".join(a for r in rows[:500] for a in r.item.answers)


def test_czech_skips_placeholders(shared_data: Path) -> None:
    rows = read_reference("czech_simpleqa", data_dir=shared_data)
    assert not any(r.reply.strip() == "<UNKNOWN>" for r in rows)
    assert Counter(r.group for r in rows)["claude-3-5-haiku-20241022"] == 4326 - 457


def test_unknown_set_and_reference(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown set 'nope'"):
        read_reference("nope", data_dir=tmp_path)
    with pytest.raises(InputError, match="has reference human"):
        read_reference("evouna", reference="judge", data_dir=tmp_path)
    with pytest.raises(InputError, match=r"NQ\.json: file not found"):
        read_reference("evouna", data_dir=tmp_path)


def test_bad_row_names_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "graded_answers/czech_simpleqa"
    folder.mkdir(parents=True)
    import gzip

    with gzip.open(folder / "m.csv.gz", "wt", encoding="utf-8") as f:
        f.write("problem,target,predicted_answer,grade\nq,a,b,A\nq,a,b,Z\n")
    with pytest.raises(InputError, match=r"m\.csv\.gz:3: grade must be A, B or C, got 'Z'"):
        read_reference("czech_simpleqa", data_dir=tmp_path)
