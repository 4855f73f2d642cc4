"""Start and stop the stand-in server process from tests."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SERVER = Path(__file__).resolve().parent / "standin_server.py"


class Standin:
    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc = proc
        self.port = port
        self.url = f"http://127.0.0.1:{port}/v1"

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/stats", timeout=10) as r:
            doc: dict[str, Any] = json.loads(r.read())
        return doc


@contextmanager
def serve(script: Path, *args: str) -> Iterator[Standin]:
    """Run the server ``script`` (it prints ``PORT n`` once listening) on 127.0.0.1."""
    proc = subprocess.Popen(
        [sys.executable, str(script), "--port", "0", *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"{Path(script).name} did not start: {line!r}")
        yield Standin(proc, int(line.split()[1]))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


@contextmanager
def standin(*args: str) -> Iterator[Standin]:
    """The stand-in model server with ``args``."""
    with serve(SERVER, *args) as server:
        yield server
