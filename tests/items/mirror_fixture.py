"""A dataset mirror for tests: a real server process on 127.0.0.1 and registry overrides.

``mirror`` starts ``dataset_server.py`` over a temporary folder, points
``DONTGUESS_DATASETS_MIRROR`` at it, gives the test its own ``DONTGUESS_CACHE`` and clears
``DONTGUESS_OFFLINE`` / ``DONTGUESS_DATA_DIR``. ``Mirror.publish`` writes a small file in
the set's upstream format at the path of the set's real source URL and points the
registry entry at its row count and sha256 (the real entries describe the full upstream
files, which tests never download).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import dontguess.items as items
from dontguess.items import _registry

SERVER = Path(__file__).resolve().parent / "dataset_server.py"

SIMPLEQA_CSV = (
    "metadata,problem,answer\n"
    "\"{'topic': 'Science', 'answer_type': 'Person', 'urls': []}\",Who won prize A?,Ada\n"
    "\"{'topic': 'Art', 'answer_type': 'Date', 'urls': []}\",When was B painted?,1890\n"
    "\"{'topic': 'Art', 'answer_type': 'Number', 'urls': []}\",\"How many, C?\",7\n"
)
NQ_JSONL = (
    '{"question": "who wrote d", "answer": ["E", "F"]}\n'
    '{"question": "where is g", "answer": ["H"]}\n'
)


@dataclasses.dataclass
class Mirror:
    root: Path
    port: int
    monkeypatch: pytest.MonkeyPatch

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def requests(self, name: str) -> int:
        """How many times the server was asked for set ``name``'s file."""
        path = urlsplit(items.DATASETS[name].url).path
        with urllib.request.urlopen(f"{self.url}/__stats", timeout=10) as reply:
            counts: dict[str, int] = json.loads(reply.read())["requests"]
        return counts.get(path, 0)

    def file(self, name: str) -> Path:
        return self.root / urlsplit(items.DATASETS[name].url).path.lstrip("/")

    def publish(
        self, name: str, content: bytes, *, rows: int, sha256: str | bool | None = True
    ) -> _registry.DataFile:
        """Serve ``content`` as set ``name``'s file; the registry expects ``rows`` rows and
        ``sha256`` (True: the content's digest; None: no digest pinned; a str: that)."""
        path = self.file(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        digest = hashlib.sha256(content).hexdigest() if sha256 is True else sha256
        entry = dataclasses.replace(
            items.DATASETS[name], rows=rows, sha256=digest or None, size=len(content)
        )
        self.monkeypatch.setitem(_registry.FILES, entry.key, entry)
        for other, key in _registry.SET_FILES.items():
            if key == entry.key:
                self.monkeypatch.setitem(items.DATASETS, other, entry)
        return entry


@pytest.fixture
def mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Mirror]:
    root = tmp_path / "mirror"
    root.mkdir()
    proc = subprocess.Popen(
        [sys.executable, str(SERVER), str(root)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"dataset server did not start: {line!r}")
        m = Mirror(root, int(line.split()[1]), monkeypatch)
        monkeypatch.setenv("DONTGUESS_DATASETS_MIRROR", m.url)
        monkeypatch.setenv("DONTGUESS_CACHE", str(tmp_path / "cache"))
        monkeypatch.delenv("DONTGUESS_OFFLINE", raising=False)
        monkeypatch.delenv("DONTGUESS_DATA_DIR", raising=False)
        yield m
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
