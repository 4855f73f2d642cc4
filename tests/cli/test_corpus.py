"""``dontguess corpus stats``: JSON keys, table output, --output, and exit code 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dontguess.cli import main

CSV = "prompt,answer\nAda,1815\nAda,1815\nBob,1900\nCy,IDK\nCy,1901\nDee,IDK\n"
KEYS = {
    "n",
    "n_prompts",
    "n_singletons",
    "singleton_rate",
    "missing_mass_good_turing",
    "theorem2_lower_bound",
    "frequency_of_frequencies",
    "n_doubletons",
    "relations",
}


@pytest.fixture
def mentions(tmp_path: Path) -> Path:
    path = tmp_path / "m.csv"
    path.write_text(CSV)
    return path


def test_json_report(mentions: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["corpus", "stats", str(mentions), "--min-errors", "364", "--format", "json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert KEYS <= set(out)
    # N = 6 (2 IDK); singletons Bob and Cy (one answer + IDK); Ada is a doubleton.
    assert (out["n"], out["n_prompts"], out["n_singletons"], out["n_doubletons"]) == (6, 4, 2, 1)
    assert out["singleton_rate"] == pytest.approx(2 / 6)
    assert out["frequency_of_frequencies"] == {"1": 2, "2": 1}
    # 1/3 - 2/364 - (35 + 6 ln 6)/sqrt(6) = 1/3 - 0.0054945 - 45.750556/2.4494897
    assert out["theorem2_lower_bound"] == pytest.approx(1 / 3 - 2 / 364 - 18.677587, abs=1e-5)


def test_table_and_output_file(
    mentions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["corpus", "stats", str(mentions), "--min-errors", "364"]) == 0
    table = capsys.readouterr().out
    assert "singleton rate sr" in table and "Theorem 2 lower bound (99%)" in table
    target = tmp_path / "report.json"
    assert (
        main(["corpus", "stats", str(mentions), "--format", "json", "--output", str(target)]) == 0
    )
    assert capsys.readouterr().out == ""
    assert json.loads(target.read_text())["n"] == 6
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--regex", "(?P<prompt>a"], "invalid --regex"),
        (["--regex", "(?P<prompt>a)"], "lacks the named group(s) answer"),
        (["--prompt-col", "who"], "no column 'who'"),
        (
            ["--entities", "/nonexistent/list.txt", "--relation-pattern", "{entity} (?P<answer>x)"],
            "cannot read the entity list",
        ),
        (["--relation-pattern", "{entity} (?P<answer>x)"], "go together"),
        (["--spark-conf", "novalue"], "KEY=VALUE"),
        (["--min-errors", "0"], "min_errors must be"),
        (["--memory-limit", "lots"], "bad DuckDB setting"),
    ],
)
def test_bad_input_exits_2(
    mentions: Path, extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["corpus", "stats", str(mentions), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_missing_empty_and_corrupt_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["corpus", "stats", str(tmp_path / "nope.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    (tmp_path / "empty.jsonl").write_text("")
    assert main(["corpus", "stats", str(tmp_path / "empty.jsonl")]) == 2
    assert "error" in capsys.readouterr().err
    (tmp_path / "bad.parquet").write_bytes(b"\x00garbage")
    assert main(["corpus", "stats", str(tmp_path / "bad.parquet")]) == 2
    assert "cannot read" in capsys.readouterr().err
    (tmp_path / "t.txt").write_text("no facts here\n")
    assert (
        main(
            [
                "corpus",
                "stats",
                str(tmp_path / "t.txt"),
                "--regex",
                r"(?P<prompt>\d+)=(?P<answer>\d+)",
            ]
        )
        == 2
    )
    assert "no mentions found" in capsys.readouterr().err


def test_permission_denied_exits_2(
    mentions: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Tests may run as root, who can read anything: simulate an unreadable file.
    monkeypatch.setattr("os.access", lambda path, mode: False)
    assert main(["corpus", "stats", str(mentions)]) == 2
    assert "not readable (permission denied)" in capsys.readouterr().err
