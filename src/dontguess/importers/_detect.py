"""Tell a harness log from a graded-records file by its first bytes (no full parse).

Only the head of the file (64 KiB) is read, so sniffing a large file costs nothing; a
``.eval`` archive is recognised by its zip signature plus its name or its member list.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

__all__ = ["FORMATS", "detect_format"]

#: Log formats read by :func:`dontguess.importers.read_log` (values of ``--from``).
FORMATS = ("inspect", "lm-eval", "simple-evals")

_HEAD = 64 << 10
_ZIP = b"PK\x03\x04"
_INSPECT = re.compile(rb'^\{\s*"(?:version|status|eval)"\s*:')
_LM_RESULTS = (b'"configs"', b'"n-samples"', b'"lm_eval_version"', b'"group_subtasks"')
_SE_AGGREGATE = (b':std"', b'"framework": "quality_benchmark"', b'"sampler_name"')


def detect_format(path: str | Path) -> str | None:
    """The log format of ``path`` (one of :data:`FORMATS`), or None for anything else.

    None means "not a known log": a graded-records file, a directory, or an unreadable path
    (the records reader then reports what is wrong with it).
    """
    path = Path(path)
    try:
        if not path.is_file():
            return None
        if path.suffix.lower() == ".eval":
            return "inspect"  # inspect's own suffix: its reader names what is wrong
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
    except OSError:
        return None
    if head.startswith(_ZIP):
        return "inspect" if _is_eval_zip(path) else None
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return (
            "simple-evals" if b"<h1>Metrics</h1>" in head or b"<h1>Examples</h1>" in head else None
        )
    if not head.startswith(b"{"):
        return None
    first = _first_object(head)
    if first is not None:
        return _line_format(first)
    if _INSPECT.match(head) and b'"eval"' in head:
        return "inspect"
    if head.startswith(b'{\n  "results"') or (
        b'"results"' in head and any(k in head for k in _LM_RESULTS)
    ):
        return "lm-eval"
    if any(k in head for k in _SE_AGGREGATE) or (b'"providers"' in head and b'"run_id"' in head):
        return "simple-evals"
    return None


def _is_eval_zip(path: Path) -> bool:
    if path.suffix.lower() == ".eval":
        return True
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False
    return "header.json" in names or "_journal/start.json" in names


def _first_object(head: bytes) -> dict[str, object] | None:
    """The first line as a JSON object when the file is JSON lines (else None)."""
    line, newline, _ = head.partition(b"\n")
    if not newline and len(head) >= _HEAD:
        return None  # the first line goes on past the head
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return obj if isinstance(obj, dict) else None


def _line_format(obj: dict[str, object]) -> str | None:
    keys = set(obj)
    if isinstance(obj.get("eval"), dict):
        return "inspect"
    if isinstance(obj.get("results"), dict) and keys & {"configs", "n-samples", "versions"}:
        return "lm-eval"
    if "doc_id" in keys and keys & {"resps", "filtered_resps", "arguments"}:
        return "lm-eval"
    if obj.get("validation_type") == "judge_consistency":
        return "simple-evals"
    if "instruction" in keys and keys & {"judge_answer", "judge_pred"}:
        return "simple-evals"
    return None
