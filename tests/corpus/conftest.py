"""Small corpora written to tmp_path, shared by the corpus tests."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

# Hand-counted: 8 kept examples (2 IDK), 1 dropped row (empty prompt), prompts keyed by
# (relation, prompt): birth/Ada x2 answered, birth/Bob x1, birth/Cy 1 answer + 1 IDK
# (a singleton under Definition 2), birth/Dee IDK only, place/Ada x1, place/Eve x1.
MENTIONS_CSV = '''prompt,answer,relation
Ada,1815,birth
Ada,1815,birth
Bob,1900,birth
Cy,IDK,birth
Cy,1901,birth
Dee,IDK,birth
Ada,London,place
,x,place
Eve,"Paris, ""France""",place
'''

TEXT = """Ada Lovelace was born in 1815. Bob Dylan was born in 1941.
Nothing to see here.

Ada Lovelace was born in 1815 (again), and Cy Young was born in 1867.
"""

BORN = r"(?P<prompt>[A-Z][a-z]+ [A-Z][a-z]+) was born in (?P<answer>\d{4})"


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """mentions.csv, mentions.jsonl, mentions.parquet, lines.txt, docs.jsonl, entities.txt."""
    (tmp_path / "mentions.csv").write_text(MENTIONS_CSV)
    (tmp_path / "mentions.jsonl").write_text(
        '{"prompt": "Ada", "answer": 1815}\n{"prompt": "Zed", "answer": "IDK"}\n'
        '{"prompt": "Yul", "answer": "1"}\n{"prompt": "Yul", "answer": "2"}\n'
    )
    table = pa.table({"who": ["a", "b", "b", "c"], "when": ["1", "2", "2", "none"]})
    pq.write_table(table, tmp_path / "mentions.parquet")
    (tmp_path / "lines.txt").write_text(TEXT)
    docs = [TEXT.splitlines()[0], "", TEXT.splitlines()[3]]
    (tmp_path / "docs.jsonl").write_text(
        "".join(json.dumps({"id": i, "body": d}) + "\n" for i, d in enumerate(docs))
    )
    (tmp_path / "entities.txt").write_text("Ada Lovelace\nCy Young\n\n")
    return tmp_path
