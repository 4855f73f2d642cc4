from __future__ import annotations

import json

import pytest

from dontguess.cli import main


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, float]:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_theorem2_printed_form(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(
        capsys,
        [
            "bound",
            "theorem2",
            "--sr",
            "0.2",
            "--n",
            "1e6",
            "--min-errors",
            "364",
            "--delta",
            "0",
            "--format",
            "json",
        ],
    )
    # 0.2 - 2/364 - (35 + 6 ln 1e6)/1000 = 0.2 - 0.0054945 - 0.1178931
    assert out["bound"] == pytest.approx(0.0766124, abs=1e-7)
    assert out["slack"] == pytest.approx(0.1178931, abs=1e-7)
    assert out["errors_term"] == pytest.approx(2 / 364)
    assert out["sr"] == 0.2 and out["delta"] == 0.0 and out["confidence"] == 0.99


def test_theorem2_gamma_form(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(
        capsys,
        [
            "bound",
            "theorem2",
            "--sr",
            "0.2",
            "--n",
            "1000000",
            "--min-errors",
            "364",
            "--gamma",
            "0.05",
            "--format",
            "json",
        ],
    )
    # 6 ln(3e6/0.05)/1000 = 6 ln(6e7)/1000 = 6 * 17.9098/1000
    assert out["slack"] == pytest.approx(0.1074591, abs=1e-6)
    assert out["bound"] == pytest.approx(0.2 - 2 / 364 - out["slack"])


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            [
                "theorem1",
                "--err-iiv",
                "0.3",
                "--max-valid",
                "2",
                "--min-errors",
                "20",
                "--delta",
                "0.05",
            ],
            0.45,
        ),
        (["theorem2-upper", "--sr", "0.2", "--n", "10000", "--max-errors", "3"], 0.28),
        (["theorem3", "--opt-g", "0.3", "--choices", "4"], 0.45),
        (["lemma1", "--n", "10000", "--gamma", "0.01"], 0.1101867),
        (["corollary3", "--n", "10000", "--gamma", "0.01"], 0.0593355),
    ],
)
def test_other_bounds(capsys: pytest.CaptureFixture[str], argv: list[str], expected: float) -> None:
    out = _json(capsys, ["bound", *argv, "--format", "json"])
    assert out["bound"] == pytest.approx(expected, abs=1e-6)


def test_table_output_lists_terms(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bound", "theorem2", "--sr", "0.01", "--n", "100", "--min-errors", "3"]) == 0
    out = capsys.readouterr().out
    assert "slack" in out and "errors_term" in out and "vacuous" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["theorem2", "--sr", "1.5", "--n", "10", "--min-errors", "3"], "sr must be in"),
        (["theorem2", "--sr", "0.1", "--n", "10", "--min-errors", "0"], "min_errors must be"),
        (["theorem2", "--sr", "0.1", "--n", "10", "--min-errors", "3", "--gamma", "2"], "gamma"),
        (["theorem3", "--opt-g", "0.1", "--choices", "1"], "choices must be"),
    ],
)
def test_bad_values_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["bound", *argv]) == 2
    assert message in capsys.readouterr().err


def test_bad_syntax_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["bound", "theorem2", "--sr", "0.1", "--n", "1.5", "--min-errors", "3"])
    assert exc.value.code == 2
    assert "expected an integer" in capsys.readouterr().err
