"""Generated malformed inputs: every reader returns a table or raises InputError (issue 13).

A few hundred files are made from valid JSONL, CSV, JSON-array and Parquet files by seeded
mutations (truncation, byte flips and insertions, wrong value types per column, deep nesting,
huge lines, other encodings, mixed line endings, corrupt Parquet) and fed to every reader
in-process: graded records (:func:`read_graded`), question sets (:func:`load_items`) and both
converters. Any exception other than :class:`InputError` (SchemaError included) fails, naming
the case. A handful also go through the CLI in a child process: exit 0 or 2, no traceback.
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dontguess._util import rawtext as _rawtext
from dontguess.convert import from_simple_evals_ru, from_triviaqa_persona
from dontguess.errors import InputError
from dontguess.items import load_items
from dontguess.tables import read_graded

SEED = 13
GRADED = [
    {"item_id": "q1", "model": "m", "verdict": "correct", "stated_target": 0.5, "sample": 0},
    {"item_id": "q2", "model": "m", "verdict": "abstained", "confidence": 0.25, "topic": "x"},
    {"item_id": "q3", "model": "n", "verdict": "", "ungraded_reason": "timeout", "answer": "é"},
    {
        "item_id": "q4",
        "model": "n",
        "verdict": "incorrect",
        "style": "reward",
        "stated_target": 0.9,
    },
]
QUESTIONS = [
    {"id": "a", "question": "Capital of France?", "answer": "Paris", "answers": ["paris"]},
    {"id": "b", "question": "2+2?", "answer": "4", "kind": "number"},
    {"id": "c", "question": "Pick one", "answer": "A", "choices": ["x", "y"]},
]
RU = [
    {"id": 0, "judge_pred": "correct", "answer": "Париж"},
    {"id": 1, "judge_pred": "not_attempted", "answer": None},
]
PERSONA = (
    "qid,model_actual,judge_verdict,content,certainty_score,model_key,condition,pair_label,"
    'warmup_k\nq1,m,correct,"multi\nline",0.5,k,c,p,5\nq2,m,incorrect,x,1.0,k,c,p,0\n'
)
HOSTILE_VALUES: list[Any] = [
    None, True, -1, 1.5, 1e19, 2**63, -(2**63) - 1, "", " ", "nan", "inf", "-0", "high",
    "\x00", "\u202e", "é" * 3, [1], [[["x"]]], {"a": None}, "[" * 300, "\\ud800",
]  # fmt: skip


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


def _csv(rows: list[dict[str, Any]]) -> bytes:
    import csv

    names = list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO()
    writer = csv.DictWriter(out, names)
    writer.writeheader()
    for r in rows:
        writer.writerow({k: json.dumps(v) if isinstance(v, list) else v for k, v in r.items()})
    return out.getvalue().encode()


def _parquet(rows: list[dict[str, Any]]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = list(dict.fromkeys(k for r in rows for k in r))
    table = pa.table({k: pa.array([r.get(k) for r in rows]) for k in names})
    out = io.BytesIO()
    pq.write_table(table, out, compression="NONE")
    return out.getvalue()


def _bytes_mutations(rng: random.Random, data: bytes) -> Iterator[tuple[str, bytes]]:
    """Truncations, flips, insertions, encodings, line endings, deep nesting, long lines."""
    for _ in range(4):
        cut = rng.randrange(len(data))
        yield f"truncate@{cut}", data[:cut]
    for k in (1, 3, 12):
        b = bytearray(data)
        for _ in range(k):
            b[rng.randrange(len(b))] = rng.randrange(256)
        yield f"flip{k}", bytes(b)
    for token in (b"\xff", b"\x00", b"\r", b'"', b"[", b"}", b",", b"\xe2\x80", b"\n\n", b"\\"):
        at = rng.randrange(len(data))
        yield f"insert{token!r}@{at}", data[:at] + token + data[at:]
    text = data.decode("utf-8", "replace")
    yield "latin-1", text.encode("latin-1", "replace")
    yield "utf-16", text.encode("utf-16")
    yield "crlf", data.replace(b"\n", b"\r\n")
    yield "cr-only", data.replace(b"\n", b"\r")
    yield "mixed-endings", data.replace(b"\n", b"\r", 1).replace(b"\n", b"\r\n", 1)
    at = data.rfind(b"}") if b"}" in data else len(data) // 2
    for depth in (99, 150, 5000):
        yield f"deep{depth}", data[:at] + b',"z":' + b"[" * depth + b"]" * depth + data[at:]
    yield "huge-line", data.rstrip(b"\n") + b'"' + b"x" * 3000 + b'"\n'
    yield "empty", b""
    yield "whitespace", b" \n\t\n"
    yield "bom", b"\xef\xbb\xbf" + data


def _typed_rows(rng: random.Random, rows: list[dict[str, Any]]) -> Iterator[tuple[str, list]]:
    """Rows with one column's value replaced by a hostile value of another type."""
    columns = list(dict.fromkeys(k for r in rows for k in r))
    for column in columns:
        for value in rng.sample(HOSTILE_VALUES, 6):
            changed = [dict(r) for r in rows]
            changed[rng.randrange(len(changed))][column] = value
            yield f"{column}={value!r:.20}", changed


def _cases(base: list[dict[str, Any]], rng: random.Random) -> Iterator[tuple[str, str, bytes]]:
    """(case name, suffix, file bytes) for one kind of file."""
    for suffix, encode in ((".jsonl", _jsonl), (".csv", _csv)):
        for name, data in _bytes_mutations(rng, encode(base)):
            yield name, suffix, data
        for name, rows in _typed_rows(rng, base):
            yield name, suffix, encode(rows)
    whole = json.dumps(base).encode()
    for name, data in _bytes_mutations(rng, whole):
        yield name, ".json", data
    yield from _parquet_cases(base, rng)


def _parquet_cases(
    base: list[dict[str, Any]], rng: random.Random
) -> Iterator[tuple[str, str, bytes]]:
    good = _parquet(base)
    for k in (1, 4, 16):
        b = bytearray(good)
        for _ in range(k):
            b[rng.randrange(len(b))] = rng.randrange(256)
        yield f"parquet-flip{k}", ".parquet", bytes(b)
    for cut in (0, 4, len(good) // 2, len(good) - 8):
        yield f"parquet-truncate@{cut}", ".parquet", good[:cut]
    for name, data in _parquet_typed_columns(base):
        yield name, ".parquet", data
    for name, rows in _typed_rows(rng, base):
        try:
            data = _parquet(rows)
        except Exception:
            continue
        yield f"parquet-{name}", ".parquet", data


def _arrow_columns(n: int) -> dict[str, Any]:
    """Whole columns of every awkward Arrow type, ``n`` values each."""
    import datetime
    import decimal

    import pyarrow as pa

    return {
        "struct": pa.array([{"a": i} for i in range(n)]),
        "list": pa.array([[str(i)] for i in range(n)]),
        "binary": pa.array([b"correct"] * n),
        "bad-binary": pa.array([b"\xff\xfe"] * n),
        "large-string": pa.array(["0.5"] * n, pa.large_string()),
        "dictionary": pa.array(["correct"] * n).dictionary_encode(),
        "timestamp": pa.array([datetime.datetime(2020, 1, 1)] * n),
        "decimal": pa.array([decimal.Decimal("0.5")] * n),
        "bool": pa.array([True] * n),
        "null": pa.nulls(n),
        "uint64-max": pa.array([2**64 - 1] * n, pa.uint64()),
        "float16": pa.array([0.5] * n, pa.float16()) if hasattr(pa, "float16") else pa.nulls(n),
        "duration": pa.array([1] * n, pa.duration("s")),
        "map": pa.array([[("k", 1)]] * n, pa.map_(pa.string(), pa.int64())),
    }


def _parquet_typed_columns(base: list[dict[str, Any]]) -> Iterator[tuple[str, bytes]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = list(dict.fromkeys(k for r in base for k in r))
    good = {k: pa.array([r.get(k) for r in base]) for k in names}
    for column in names:
        for kind, values in _arrow_columns(len(base)).items():
            out = io.BytesIO()
            try:
                pq.write_table(pa.table({**good, column: values}), out)
            except (pa.ArrowException, ValueError):
                continue  # a type Parquet cannot store
            yield f"parquet-{column}:{kind}", out.getvalue()


def _run_all(
    tmp_path: Path, base: list[dict[str, Any]], read: Callable[[Path], object], seed: int
) -> int:
    """Feed every case to ``read``; fail on any exception that is not InputError."""
    rng = random.Random(seed)
    count = 0
    bad: list[str] = []
    for index, (name, suffix, data) in enumerate(_cases(base, rng)):
        path = tmp_path / f"case{index}{suffix}"
        path.write_bytes(data)
        try:
            read(path)
        except InputError as exc:
            text = str(exc)
            if "\n" in text or "case" not in text:
                bad.append(f"{name}{suffix}: error not one line naming the file: {text!r:.200}")
        except Exception as exc:
            bad.append(f"{name}{suffix}: {type(exc).__name__}: {exc!s:.200}")
        count += 1
    assert not bad, f"{len(bad)} of {count} cases crashed:\n" + "\n".join(bad[:20])
    return count


@pytest.fixture(autouse=True)
def _small_line_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_rawtext, "MAX_LINE_BYTES", 2048)  # the huge-line cases stay small


def test_graded_readers_never_crash(tmp_path: Path) -> None:
    assert _run_all(tmp_path, GRADED, read_graded, SEED) > 150


def test_graded_readers_allowing_duplicates_never_crash(tmp_path: Path) -> None:
    rows = [*GRADED, GRADED[0]]
    _run_all(tmp_path, rows, lambda p: read_graded(p, allow_duplicates=True), SEED + 1)


def test_question_readers_never_crash(tmp_path: Path) -> None:
    assert _run_all(tmp_path, QUESTIONS, lambda p: load_items(str(p)), SEED + 2) > 100


def test_simple_evals_converter_never_crashes(tmp_path: Path) -> None:
    def read(path: Path) -> object:
        return from_simple_evals_ru([path]) if path.suffix == ".jsonl" else None

    _run_all(tmp_path, RU, read, SEED + 3)


def test_persona_converter_never_crashes(tmp_path: Path) -> None:
    rng = random.Random(SEED + 4)
    bad = []
    cases = list(_bytes_mutations(rng, PERSONA.encode()))
    for index, (name, data) in enumerate(cases):
        path = tmp_path / f"p{index}.csv"
        path.write_bytes(data)
        try:
            from_triviaqa_persona(path)
        except InputError:
            pass
        except Exception as exc:
            bad.append(f"{name}: {type(exc).__name__}: {exc!s:.200}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    ("name", "suffix", "data"),
    [
        ("deep", ".jsonl", _jsonl(GRADED[:1]) + b'{"a":' + b"[" * 20_000 + b"]" * 20_000 + b"}\n"),
        ("latin", ".csv", _csv(GRADED).replace("é".encode(), b"\xe9")),
        ("flipped", ".parquet", _parquet(GRADED)[:40] + b"\xff" * 30 + _parquet(GRADED)[70:]),
        ("dup", ".jsonl", _jsonl([GRADED[0], GRADED[0]])),
        ("cr", ".csv", _csv(GRADED).replace(b"\n", b"\r")),
    ],
)
def test_cli_exits_0_or_2_without_traceback(
    tmp_path: Path, name: str, suffix: str, data: bytes
) -> None:
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(data)
    proc = subprocess.run(
        [sys.executable, "-m", "dontguess", "score", str(path), "--bootstrap", "0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode in (0, 2), proc.stderr[-800:]
    assert "Traceback" not in proc.stderr
    if proc.returncode == 2:
        assert len(proc.stderr.strip().splitlines()) == 1 and path.name in proc.stderr
