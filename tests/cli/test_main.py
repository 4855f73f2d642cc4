from __future__ import annotations

import subprocess
import sys

from dontguess.cli import main


def test_help_lists_commands(capsys) -> None:
    try:
        main(["--help"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    assert "confidence target" in out


def test_no_command_exits_2(capsys) -> None:
    assert main([]) == 2


def test_python_m_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "dontguess", "--version"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    assert proc.stdout.startswith("dontguess ")


def test_grader_modes_spelled_out_in_the_cli_match_the_grading_package() -> None:
    from dontguess.cli._judging import GRADER_MODES
    from dontguess.grading import GRADER_MODES as GRADING_MODES

    assert GRADER_MODES == GRADING_MODES


def test_build_parser_registers_only_the_command_asked_for() -> None:
    from dontguess.cli import build_parser

    def commands(parser) -> set[str]:
        return set(parser._subparsers._group_actions[0].choices)

    everything = commands(build_parser())
    assert {"score", "grade", "grade-check", "run", "lab"} <= everything
    assert commands(build_parser("score")) == {"score"}
    assert "grade-check" in commands(build_parser("grade-check"))  # module grade_check
    assert commands(build_parser("no-such-command")) == everything
    assert commands(build_parser(None)) == everything


def test_score_start_up_does_not_import_what_score_does_not_use(tmp_path) -> None:
    """`dontguess score` loads no grading rules, backends, importers, rich or pandas."""
    from dontguess.records import Graded, GradedTable, Verdict
    from dontguess.tables import write_graded

    path = tmp_path / "g.parquet"
    write_graded(GradedTable.from_records([Graded("q1", "m", Verdict.CORRECT)]), path)
    code = (
        "import sys; from dontguess.cli import main\n"
        f"rc = main(['score', {str(path)!r}, '--format', 'json'])\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr); sys.exit(rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert '"rows"' in proc.stdout
    loaded = set(proc.stderr.split())
    assert "dontguess.scoring" in loaded  # the list is real
    unused = {"dontguess.grading", "dontguess.backends", "dontguess.importers", "rich",
              "dontguess.confidence", "dontguess.lab", "dontguess.items", "pandas"}  # fmt: skip
    assert not unused & loaded, unused & loaded
