"""Start and stop the stand-in judge server process (judge_server.py) from tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from standin_fixture import Standin, serve

SERVER = Path(__file__).resolve().parent / "judge_server.py"


@contextmanager
def judge_standin(*args: str) -> Iterator[Standin]:
    """The stand-in judge on 127.0.0.1 with ``args``; ``.url`` ends in ``/v1``."""
    with serve(SERVER, *args) as server:
        yield server
