"""Hostile logs: one-line InputError naming the file, never a traceback or half-written output."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.importers.logs import inspect_sample, lm_line, write_eval, write_lm

from dontguess.cli import main
from dontguess.errors import InputError
from dontguess.importers import read_log


def _one_line(exc: pytest.ExceptionInfo[InputError], path: Path) -> str:
    text = str(exc.value)
    assert "\n" not in text and str(path) in text
    return text


def test_truncated_eval_zip(tmp_path: Path) -> None:
    good = write_eval(tmp_path / "good.eval", [inspect_sample(i, "C") for i in range(1, 20)])
    data = good.read_bytes()
    for cut in (10, len(data) // 2, len(data) - 30):
        bad = tmp_path / f"cut{cut}.eval"
        bad.write_bytes(data[:cut])
        with pytest.raises(InputError) as exc:
            read_log(bad)
        assert "truncated or corrupt" in _one_line(exc, bad)


def test_corrupt_member_and_missing_header(tmp_path: Path) -> None:
    good = write_eval(tmp_path / "good.eval", [inspect_sample(1, "C")])
    data = bytearray(good.read_bytes())
    at = data.find(b'"scores"')
    data[at : at + 8] = b"corrupt!"  # stored member: now fails its CRC
    bad = tmp_path / "crc.eval"
    bad.write_bytes(bytes(data))
    with pytest.raises(InputError) as exc:
        read_log(bad)
    _one_line(exc, bad)
    import zipfile

    empty = tmp_path / "empty.eval"
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("other.txt", "x")
    with pytest.raises(InputError, match=r"no header\.json"):
        read_log(empty)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"eval": {"task": "t", "model": "m"}, "samples": "x"}, "samples must be a list"),
        ({"eval": {"task": "t", "model": 3}, "samples": [{}]}, "eval.model must be text"),
        ({"eval": {"task": "t", "model": "m"}, "samples": [1]}, "sample 1 is a int"),
        ({"eval": {"task": "t", "model": "m"}, "samples": [{"id": [1]}]}, "sample 1: id must"),
        ({"eval": {"task": "t", "model": "m"}, "samples": [{"id": 1, "scores": []}]},
         "scores must be an object"),
        ({"eval": {"task": "t", "model": "m"}, "samples": [{"id": 1, "epoch": 0}]}, "epoch must"),
        ([1, 2], "nor a JSON object"),
    ],
)  # fmt: skip
def test_inspect_json_wrong_types(tmp_path: Path, doc: object, message: str) -> None:
    path = tmp_path / "log.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError, match=message) as exc:
        read_log(path, fmt="inspect")
    _one_line(exc, path)


def test_lm_eval_bad_lines(tmp_path: Path) -> None:
    path = write_lm(tmp_path, [lm_line(0, 1.0)])
    path.write_text(path.read_text() + "[1, 2]\n")
    with pytest.raises(InputError, match=r":2: each line must be a JSON object"):
        read_log(path)
    line = lm_line(0, 1.0)
    del line["doc_id"]
    path.write_text(json.dumps(lm_line(0, 1.0)) + "\n" + json.dumps(line) + "\n")
    with pytest.raises(InputError, match=r":2: missing or invalid doc_id"):
        read_log(path)
    path.write_text(json.dumps(lm_line(0, 1.0)) + '\n{"doc_id": 1, "resps": tru\n')
    with pytest.raises(InputError, match=r":2: invalid JSON"):
        read_log(path)
    path.write_text(json.dumps(lm_line(0, 1.0)) + "\n" + "[" * 100_000 + "\n")
    with pytest.raises(InputError, match="nests deeper"):
        read_log(path)


@pytest.mark.parametrize("fmt", ["inspect", "lm-eval", "simple-evals"])
def test_random_bytes(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "noise.json"
    path.write_bytes(os.urandom(1 << 16))
    with pytest.raises(InputError) as exc:
        read_log(path, fmt=fmt)
    _one_line(exc, path)
    with pytest.raises(InputError, match="not a log of"):
        read_log(path)


def test_a_100_mb_file_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.eval"
    with path.open("wb") as fh:  # sparse: instant to make, 100 MB to read
        fh.truncate(100 * 1000 * 1000)
    monkeypatch.setenv("DONTGUESS_MAX_LOG_BYTES", str(50 * 1000 * 1000))
    with pytest.raises(InputError, match=r"100\.0 MB, over the 50\.0 MB limit") as exc:
        read_log(path)
    _one_line(exc, path)
    monkeypatch.setenv("DONTGUESS_MAX_LOG_BYTES", "lots")
    with pytest.raises(InputError, match="DONTGUESS_MAX_LOG_BYTES must be a whole number"):
        read_log(path)


def test_cli_exit_2_one_line_and_no_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_eval(tmp_path / "good.eval", [inspect_sample(1, "C")])
    bad = tmp_path / "bad.eval"
    bad.write_bytes(good.read_bytes()[:40])
    out = tmp_path / "out.jsonl"
    assert main(["convert", "log", str(good), str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and str(bad) in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.eval", "good.eval"]
    assert main(["score", str(bad)]) == 2
    assert main(["audit", str(bad)]) == 2
    assert (
        main(["score", "--from", "inspect", str(tmp_path / "good.eval"), "--bootstrap", "0"]) == 0
    )


def test_a_100_mb_non_log_fails_on_its_first_bytes(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:
        fh.truncate(100 * 1000 * 1000)
    with pytest.raises(InputError, match=r"neither a \.eval zip archive nor a JSON object"):
        read_log(path, fmt="inspect")
