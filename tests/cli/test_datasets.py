"""``dontguess datasets list|fetch`` and ``run --dataset NAME`` fetching on first use.

The mirror is a real server process on 127.0.0.1 (tests/items/mirror_fixture.py); the
registry entries point at the small files each test serves.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.items.mirror_fixture import NQ_JSONL, SIMPLEQA_CSV, Mirror, mirror  # noqa: F401

from dontguess.cli import main
from dontguess.items import DATASETS

# a tiny file of each format the built-in sets use (fetch checks rows, not set columns)
TINY = {
    ".csv": b"question,answer\nq1,a1\nq2,a2\n",
    ".jsonl": b'{"question": "q1", "answer": ["a1"]}\n{"question": "q2", "answer": ["a2"]}\n',
    ".json": b'[{"question": "q1"}, {"question": "q2"}]',
}


def _publish_all(m: Mirror) -> None:
    for name, entry in DATASETS.items():
        if name == "selfaware":
            m.publish(name, b'{"example": [{"question": "q1"}, {"question": "q2"}]}', rows=2)
        elif name != "truthfulqa_binary":  # shares truthfulqa_2025's file
            m.publish(name, TINY[Path(entry.filename).suffix], rows=2)


def test_list_shows_every_set(
    mirror: Mirror,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    mirror.publish("simpleqa", SIMPLEQA_CSV.encode(), rows=3)
    assert main(["datasets", "list", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    sets = {r["name"]: r for r in doc["sets"]}
    assert set(sets) == set(DATASETS)
    assert sets["nq_open"]["licence"] == "CC-BY-SA-3.0" and sets["nq_open"]["rows"] == 3610
    assert {r["cached"] for r in sets.values()} == {"no"}
    assert main(["datasets", "fetch", "simpleqa"]) == 0
    capsys.readouterr()
    assert main(["datasets", "list"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("simpleqa "))
    assert line.split()[:4] == ["simpleqa", "3", "MIT", "yes"]
    assert "adorosario/simple-evals@f6f6b40:build-rag/simple_qa_test_set.csv" in line
    nq = next(x for x in out.splitlines() if x.startswith("nq_open "))
    assert nq.split()[3] == "no"
    assert f"cache: {doc['cache']}" in out


def test_fetch_downloads_once(
    mirror: Mirror,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    entry = mirror.publish("simpleqa", SIMPLEQA_CSV.encode(), rows=3)
    assert main(["datasets", "fetch", "simpleqa"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("simpleqa: downloaded, 3 rows") and "sha256 verified" in err
    assert entry.sha256 is not None and entry.sha256[:12] in err
    assert main(["datasets", "fetch", "simpleqa"]) == 0
    assert "simpleqa: already cached" in capsys.readouterr().err
    assert mirror.requests("simpleqa") == 1
    assert main(["datasets", "fetch", "simpleqa", "--force"]) == 0
    assert mirror.requests("simpleqa") == 2


def test_fetch_all(mirror: Mirror, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    _publish_all(mirror)
    assert main(["datasets", "fetch", "all"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == len(DATASETS)
    assert "truthfulqa_binary: same file as truthfulqa_2025" in err
    assert all(mirror.requests(name) == 1 for name in DATASETS)


def test_fetch_errors_exit_2(
    mirror: Mirror,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert main(["datasets", "fetch", "simpleqq"]) == 2
    assert "unknown set 'simpleqq'; downloadable sets: " in capsys.readouterr().err
    mirror.publish("simpleqa", SIMPLEQA_CSV.encode(), rows=3, sha256="1" * 64)
    assert main(["datasets", "fetch", "simpleqa"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "expected 1111" in err and "nothing was saved" in err
    monkeypatch.setenv("DONTGUESS_OFFLINE", "1")
    assert main(["datasets", "fetch", "nq_open"]) == 2
    assert "run `dontguess datasets fetch nq_open`" in capsys.readouterr().err


def test_run_fetches_on_first_use_and_records_the_source(
    mirror: Mirror,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    entry = mirror.publish("nq_open", NQ_JSONL.encode(), rows=2)
    argv = ["run", "--model", "scripted:calibrated", "--dataset", "nq_open"]
    argv += ["--rubric", "closed", "--targets", "0", "--format", "json"]
    assert main([*argv, "--out", str(tmp_path / "r1")]) == 0
    assert "dontguess run: downloaded nq_open (2 rows" in capsys.readouterr().err
    spec = json.loads((tmp_path / "r1" / "spec.json").read_text())
    source = spec["dataset_source"]
    assert source["source"] == entry.url and source["revision"] == entry.revision
    assert source["sha256"] == entry.sha256 and source["origin"] == "cache"
    assert main([*argv, "--out", str(tmp_path / "r2")]) == 0  # second use: the cache
    assert "downloaded" not in capsys.readouterr().err
    assert mirror.requests("nq_open") == 1
    spec2 = json.loads((tmp_path / "r2" / "spec.json").read_text())
    assert spec2["dataset_source"]["sha256"] == entry.sha256


def test_run_offline_names_the_fetch_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # tests/conftest.py sets DONTGUESS_OFFLINE=1 and an empty cache
    argv = ["run", "--model", "scripted:calibrated", "--dataset", "witqa"]
    assert main([*argv, "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "`dontguess datasets fetch witqa`" in err and err.count("\n") == 1
    assert not (tmp_path / "r").exists()


def test_run_with_a_file_records_no_source(tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "1", "question": "2+2?", "answer": "4"}\n')
    argv = ["run", "--model", "scripted:calibrated", "--dataset", str(questions)]
    assert main([*argv, "--rubric", "closed", "--out", str(tmp_path / "r")]) in (0, 1)
    assert "dataset_source" not in json.loads((tmp_path / "r" / "spec.json").read_text())
