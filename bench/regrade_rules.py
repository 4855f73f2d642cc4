"""Add the rules' verdicts of *any* dontguess version to rows exported by grade-check.

Used for the before/after figures in docs/grading.md: export the rows once with
``dontguess grade-check --set NAME --export rows.jsonl``, then run this script under the
version to measure (e.g. ``PYTHONPATH=/tmp/before/src``) and compare with
``dontguess grade-check --file out.jsonl --grader column:grader --by group``. It needs only
``DeterministicGrader`` and ``Item``, which every version has.
"""

from __future__ import annotations

import json
import sys

from dontguess.grading import DeterministicGrader
from dontguess.records import Item


def main(src: str, dst: str) -> None:
    grader = DeterministicGrader()
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            row = json.loads(line)
            item = Item(id=row["item_id"], question=row["question"], answers=tuple(row["answers"]))
            verdict = grader.grade_text(item, row["reply"]).verdict
            label = "ungraded" if verdict is None else verdict.value
            row["grader"] = row["fold"].get(label, label)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
