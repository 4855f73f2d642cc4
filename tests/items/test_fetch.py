"""Built-in sets from a mirror: first use downloads, then the cache; failures leave nothing.

A real server process on 127.0.0.1 plays the mirror (``DONTGUESS_DATASETS_MIRROR``); the
registry entries are pointed at the small files each test serves.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from tests.items.mirror_fixture import NQ_JSONL, SIMPLEQA_CSV, Mirror

from dontguess.errors import InputError
from dontguess.items import (
    DATASETS,
    builtin_source,
    cache_dir,
    cached_builtin,
    fetch_builtin,
    load_items,
)
from dontguess.items._fetch import mirror_url


def _cache_files(root: Path) -> list[str]:
    """Every file under the cache, hidden temporary files included."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_first_use_downloads_then_reads_the_cache(mirror: Mirror) -> None:
    entry = mirror.publish("simpleqa", SIMPLEQA_CSV.encode(), rows=3)
    items = load_items("simpleqa")
    assert [i.answers for i in items] == [("Ada",), ("1890",), ("7",)]
    assert [i.kind for i in items] == ["text", "date", "number"]
    assert mirror.requests("simpleqa") == 1
    assert load_items("simpleqa") == items  # second use: the cache, no request
    assert mirror.requests("simpleqa") == 1
    got = cached_builtin("simpleqa")
    assert got is not None and got.verified and got.rows == 3
    assert got.sha256 == entry.sha256 == hashlib.sha256(SIMPLEQA_CSV.encode()).hexdigest()
    assert got.path.parent.parent.parent == cache_dir() / "datasets"
    side = json.loads((got.path.parent / "source.json").read_text())
    assert side["sha256"] == entry.sha256 and side["url"] == entry.url
    assert side["fetched_from"].startswith(mirror.url + "/adorosario/simple-evals/")
    assert _cache_files(cache_dir()) == sorted(
        [
            str(got.path.relative_to(cache_dir())),
            str((got.path.parent / "source.json").relative_to(cache_dir())),
        ]
    )


def test_source_record_for_spec(mirror: Mirror) -> None:
    entry = mirror.publish("nq_open", NQ_JSONL.encode(), rows=2)
    source = builtin_source("nq_open")
    assert source is not None
    assert source["source"] == entry.url and "127.0.0.1" not in source["source"]
    assert source["revision"] == entry.revision and len(entry.revision) == 40
    assert source["revision"] in source["source"]
    assert source["sha256"] == entry.sha256 and source["origin"] == "cache"
    assert builtin_source("probe:letters") is None
    assert builtin_source("questions.jsonl") is None


def test_shared_file_fetched_once(mirror: Mirror) -> None:
    csv = (
        "Type,Category,Question,Best Answer,Best Incorrect Answer,Correct Answers,"
        "Incorrect Answers,Source\n"
        "Adversarial,Misc,Is X?,Yes,No,Yes; Indeed,No; Never,src\n"
    )
    mirror.publish("truthfulqa_2025", csv.encode(), rows=1)
    assert load_items("truthfulqa_2025")[0].answers == ("Yes", "Indeed")
    assert load_items("truthfulqa_binary")[0].choices in (("Yes", "No"), ("No", "Yes"))
    assert mirror.requests("truthfulqa_binary") == 1


def test_wrong_checksum_fails_and_leaves_nothing(mirror: Mirror) -> None:
    mirror.publish("simpleqa", SIMPLEQA_CSV.encode(), rows=3, sha256="0" * 64)
    with pytest.raises(InputError, match=r"has sha256 [0-9a-f]{64}, expected 0{64}; nothing"):
        fetch_builtin("simpleqa")
    assert _cache_files(cache_dir()) == []
    assert cached_builtin("simpleqa") is None


def test_truncated_download_fails_and_leaves_nothing(mirror: Mirror) -> None:
    mirror.publish("simpleqa", SIMPLEQA_CSV.encode(), rows=3, sha256=None)
    marker = mirror.file("simpleqa").with_name(mirror.file("simpleqa").name + ".truncate")
    marker.touch()
    size = len(SIMPLEQA_CSV.encode())
    with pytest.raises(InputError, match=rf"truncated: got {size // 2} of {size} bytes"):
        load_items("simpleqa")
    assert _cache_files(cache_dir()) == []
    marker.unlink()  # the server is fixed: the next use downloads the whole file
    assert len(load_items("simpleqa")) == 3
    assert mirror.requests("simpleqa") == 2


def test_row_count_checked_when_no_sha256(mirror: Mirror) -> None:
    mirror.publish("simpleqa", SIMPLEQA_CSV.encode(), rows=4326, sha256=None)
    with pytest.raises(InputError, match="has 3 rows, expected 4326; nothing was saved"):
        fetch_builtin("simpleqa")
    assert _cache_files(cache_dir()) == []


def test_no_pinned_sha256_records_what_it_got(
    mirror: Mirror, monkeypatch: pytest.MonkeyPatch
) -> None:
    mirror.publish("nq_open", NQ_JSONL.encode(), rows=2, sha256=None)
    got = fetch_builtin("nq_open")
    assert not got.verified
    assert got.sha256 == hashlib.sha256(NQ_JSONL.encode()).hexdigest()
    # the recorded digest guards the cached copy from then on: a changed copy is an
    # error offline, and is replaced by a fresh download online
    got.path.write_bytes(NQ_JSONL.replace("who", "how").encode())
    monkeypatch.setenv("DONTGUESS_OFFLINE", "1")
    with pytest.raises(InputError, match=r"no longer matches .*datasets fetch nq_open --force"):
        load_items("nq_open")
    monkeypatch.delenv("DONTGUESS_OFFLINE")
    assert load_items("nq_open")[0].question == "who wrote d"
    assert mirror.requests("nq_open") == 2
    fetch_builtin("nq_open", force=True)  # --force downloads even a good copy again
    assert mirror.requests("nq_open") == 3


def test_unparsable_download_fails(mirror: Mirror) -> None:
    mirror.publish("nq_open", b'{"question": "x", "answer": ["y"]}\n{not json\n', rows=2)
    with pytest.raises(InputError, match=r"does not parse: .*bad JSON.*nothing was saved"):
        fetch_builtin("nq_open")
    assert _cache_files(cache_dir()) == []


def test_interrupted_download_leaves_nothing(mirror: Mirror) -> None:
    mirror.publish("simpleqa", SIMPLEQA_CSV.encode(), rows=3)

    def ctrl_c(done: int, total: int | None) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fetch_builtin("simpleqa", progress=ctrl_c)
    assert _cache_files(cache_dir()) == []


def test_offline_names_the_fetch_command(mirror: Mirror, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror.publish("simpleqa", SIMPLEQA_CSV.encode(), rows=3)
    monkeypatch.setenv("DONTGUESS_OFFLINE", "1")
    with pytest.raises(
        InputError, match=r"DONTGUESS_OFFLINE=1 .*`dontguess datasets fetch simpleqa`"
    ):
        load_items("simpleqa")
    assert mirror.requests("simpleqa") == 0
    monkeypatch.setenv("DONTGUESS_OFFLINE", "0")
    fetch_builtin("simpleqa")
    monkeypatch.setenv("DONTGUESS_OFFLINE", "1")  # cached: offline is fine
    assert len(load_items("simpleqa")) == 3


def test_no_server_says_what_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("DONTGUESS_DATASETS_MIRROR", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("DONTGUESS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("DONTGUESS_OFFLINE", raising=False)
    monkeypatch.delenv("DONTGUESS_DATA_DIR", raising=False)
    with pytest.raises(InputError, match=r"connection refused.*`dontguess datasets fetch popqa`"):
        load_items("popqa")
    assert not (tmp_path / "cache").exists() or _cache_files(tmp_path / "cache") == []
    assert not (tmp_path / "cache" / "datasets" / "popqa").exists()


def test_http_error_status(mirror: Mirror) -> None:
    with pytest.raises(InputError, match=r"HTTP 404 Not Found"):
        fetch_builtin("witqa")  # nothing published


def test_data_dir_wins_over_the_cache(
    mirror: Mirror, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mirror.publish("simpleqa", SIMPLEQA_CSV.encode(), rows=3)
    data = tmp_path / "data"
    (data / "simpleqa").mkdir(parents=True)
    one_row = "\n".join(SIMPLEQA_CSV.splitlines()[:2]) + "\n"
    (data / "simpleqa" / "simple_qa_test_set.csv").write_text(one_row)
    monkeypatch.setenv("DONTGUESS_DATA_DIR", str(data))
    assert len(load_items("simpleqa")) == 1
    source = builtin_source("simpleqa")
    assert source is not None and source["origin"] == "DONTGUESS_DATA_DIR"
    assert source["sha256"] == hashlib.sha256(one_row.encode()).hexdigest()
    assert source["source"] == DATASETS["simpleqa"].url
    assert mirror.requests("simpleqa") == 0


def test_mirror_url_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://raw.githubusercontent.com/o/r/abc/d/f.csv?x=1"
    monkeypatch.delenv("DONTGUESS_DATASETS_MIRROR", raising=False)
    assert mirror_url(url) == url
    monkeypatch.setenv("DONTGUESS_DATASETS_MIRROR", "http://h:81")
    assert mirror_url(url) == "http://h:81/o/r/abc/d/f.csv?x=1"
    monkeypatch.setenv("DONTGUESS_DATASETS_MIRROR", "https://h/pre/fix/")
    assert mirror_url(url) == "https://h/pre/fix/o/r/abc/d/f.csv?x=1"
    monkeypatch.setenv("DONTGUESS_DATASETS_MIRROR", "h:81")
    with pytest.raises(InputError, match="DONTGUESS_DATASETS_MIRROR must be an absolute"):
        mirror_url(url)


def test_cache_dir_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sys

    monkeypatch.setenv("DONTGUESS_CACHE", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    monkeypatch.delenv("DONTGUESS_CACHE")
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        assert cache_dir() == tmp_path / "xdg" / "dontguess"
        monkeypatch.delenv("XDG_CACHE_HOME")
        assert cache_dir() == Path.home() / ".cache" / "dontguess"
