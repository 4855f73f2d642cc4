"""Start and stop the stand-in judge server process (judge_server.py) from tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from standin_fixture import Standin

SERVER = Path(__file__).resolve().parent / "judge_server.py"


@contextmanager
def judge_standin(*args: str) -> Iterator[Standin]:
    """The stand-in judge on 127.0.0.1 with ``args``; ``.url`` ends in ``/v1``."""
    proc = subprocess.Popen(
        [sys.executable, str(SERVER), "--port", "0", *args], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"stand-in judge did not start: {line!r}")
        yield Standin(proc, int(line.split()[1]))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
