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
