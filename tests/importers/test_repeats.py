"""Repeated records in harness logs are refused whether the format is detected or forced."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.importers.logs import lm_line, write_lm

from dontguess.cli import main
from dontguess.errors import InputError
from dontguess.importers import read_logs


@pytest.fixture
def repeated(tmp_path: Path) -> Path:
    """An lm-eval samples file whose document 1 appears twice."""
    return write_lm(tmp_path, [lm_line(0, 1.0), lm_line(1, 0.0), lm_line(1, 1.0)])


@pytest.mark.parametrize(
    "extra",
    [[], ["--from", "lm-eval"], ["--partial-threshold", "0.5"]],
    ids=["detected", "forced", "threshold"],
)
def test_score_refuses_a_repeated_record(
    repeated: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    """--from and --partial-threshold read logs without the duplicate check (fixed)."""
    assert main(["score", *extra, str(repeated), "--bootstrap", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "duplicate record: item_id '1'" in err
    assert f"{repeated.name}: row 3" in err and "row 2" in err and "--allow-duplicates" in err
    argv = ["score", *extra, str(repeated), "--bootstrap", "0", "--allow-duplicates"]
    assert main([*argv, "--format", "json"]) == 0
    assert '"n": 3' in capsys.readouterr().out


def test_read_logs_refuses_one_run_given_twice(repeated: Path, tmp_path: Path) -> None:
    one = write_lm(tmp_path, [lm_line(0, 1.0), lm_line(1, 0.0)], task="other")
    copy = tmp_path / "copy" / one.name
    copy.parent.mkdir()
    shutil.copy(one, copy)
    with pytest.raises(InputError, match=r"copy/samples_other_.*: row 1: duplicate record"):
        read_logs([one, copy], fmt="lm-eval")
    assert len(read_logs([one, copy], fmt="lm-eval", allow_duplicates=True)) == 4
    with pytest.raises(InputError, match="row 3: duplicate record"):
        read_logs([repeated])


def test_convert_keeps_every_copy(repeated: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["convert", "lm-eval", str(repeated), "--out", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 3
