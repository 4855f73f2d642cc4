"""Run directories: layout, schema version, and the DONE marker written last.

::

    RUN_DIR/
      spec.json        schema version, RunSpec, package versions, git revision (never a key)
      journal.sqlite   every completed request (SQLite, WAL), the resume point
      graded.parquet   graded records, the columns of the score format + group columns
      graded.jsonl     the same records as JSON lines
      summary.json     score rows, calibration audit, error counts, timings, tokens
      DONE             written last: the run finished and every file above is complete

A rerun of the same command into the same directory resumes from the journal. A directory
holding a different run (other models, items, conditions, samples or generation
parameters) is refused rather than mixed.
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

from dontguess.errors import StoreError
from dontguess.records import GRADED_COLUMNS, Graded, RunSpec

__all__ = [
    "DONE",
    "GRADED_COLUMNS",
    "RUN_SCHEMA_VERSION",
    "RunDir",
    "atomic_write",
    "graded_rows",
    "spec_document",
]

RUN_SCHEMA_VERSION = 1
DONE = "DONE"
_PACKAGES = ("dontguess", "aiohttp", "numpy", "pyarrow", "rich")


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file and ``os.replace``."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def graded_rows(records: Iterable[Graded]) -> list[dict[str, Any]]:
    """Records as score-format rows: :data:`GRADED_COLUMNS`, then group columns (sorted).

    ``verdict`` is ``correct``/``incorrect``/``abstained`` or ``None`` (ungraded);
    ``stated_target`` and ``style`` are ``None`` for the closed rubric.
    """
    records = list(records)
    groups = sorted({k for r in records for k in r.groups})
    return [
        {
            "item_id": r.item_id,
            "model": r.model,
            "verdict": None if r.verdict is None else str(r.verdict),
            "stated_target": r.condition.target,
            "style": r.condition.style,
            "sample": r.sample,
            "confidence": r.confidence,
            "ungraded_reason": r.ungraded_reason,
            "answer": r.answer,
            **{g: r.groups.get(g, "") for g in groups},
        }
        for r in records
    ]


def _git_revision() -> str | None:
    """The git commit of the dontguess source tree in use, if it is a checkout."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def _versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def spec_document(spec: RunSpec) -> dict[str, Any]:
    """The JSON form of ``spec`` (the identity part of spec.json)."""
    doc = asdict(spec)
    doc["conditions"] = [asdict(c) for c in spec.conditions]
    doc["models"] = list(spec.models)
    doc["generation"] = dict(spec.generation)
    return doc


class RunDir:
    """One run directory (see the module doc for its layout)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @property
    def journal_path(self) -> Path:
        """Where the request journal lives."""
        return self.path / "journal.sqlite"

    @property
    def done(self) -> bool:
        """Whether the run finished (DONE exists)."""
        return (self.path / DONE).exists()

    def begin(self, spec: RunSpec, *, extra: Mapping[str, Any] | None = None) -> None:
        """Create or reopen the directory for ``spec``; remove DONE until the run ends.

        Raises:
            StoreError: the directory holds a run with a different spec or schema.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        wanted = spec_document(spec)
        spec_file = self.path / "spec.json"
        if spec_file.exists():
            try:
                old = json.loads(spec_file.read_text(encoding="utf-8"))
            except ValueError as exc:
                raise StoreError(f"{spec_file}: not JSON ({exc})") from exc
            if old.get("schema_version") != RUN_SCHEMA_VERSION:
                raise StoreError(f"{spec_file}: schema_version {old.get('schema_version')!r}")
            if old.get("spec") != wanted:
                diff = sorted(k for k in wanted if old.get("spec", {}).get(k) != wanted[k])
                raise StoreError(
                    f"{self.path} holds a different run (differs in {', '.join(diff)}); "
                    "use a new --out directory"
                )
        doc = {
            "schema_version": RUN_SCHEMA_VERSION,
            "spec": wanted,
            "versions": _versions(),
            "git_revision": _git_revision(),
            **(extra or {}),
        }
        (self.path / DONE).unlink(missing_ok=True)
        atomic_write(spec_file, json.dumps(doc, indent=2, sort_keys=True).encode())

    def read_spec(self) -> dict[str, Any]:
        """The stored spec.json document."""
        try:
            doc: dict[str, Any] = json.loads((self.path / "spec.json").read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"{self.path}: no readable spec.json ({exc})") from exc
        return doc

    def write_graded(self, records: Sequence[Graded]) -> None:
        """Write graded.jsonl and graded.parquet (atomically each)."""
        rows = graded_rows(records)
        lines = "".join(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n" for r in rows)
        data = lines.encode("utf-8")
        atomic_write(self.path / "graded.jsonl", data)
        names = list(rows[0]) if rows else list(GRADED_COLUMNS)
        self._write_parquet(data, names)

    def _write_parquet(self, jsonl: bytes, names: list[str]) -> None:
        # Parsed from the JSONL bytes with an explicit schema: pa.array() on Python lists
        # would import pandas (seconds of start-up) through pyarrow's pandas shim.
        import pyarrow as pa
        import pyarrow.json as pa_json
        import pyarrow.parquet as pq

        types = {"stated_target": pa.float64(), "sample": pa.int64(), "confidence": pa.float64()}
        schema = pa.schema([(n, types.get(n, pa.string())) for n in names])
        if jsonl:
            table = pa_json.read_json(
                pa.BufferReader(jsonl),
                read_options=pa_json.ReadOptions(block_size=max(1 << 20, len(jsonl) + 1)),
                parse_options=pa_json.ParseOptions(explicit_schema=schema),
            )
        else:
            table = schema.empty_table()
        tmp = self.path / f".graded.parquet.tmp{os.getpid()}"
        pq.write_table(table, tmp)
        os.replace(tmp, self.path / "graded.parquet")

    def write_summary(self, summary: Mapping[str, Any]) -> None:
        """Write summary.json (NaN becomes null)."""
        text = json.dumps(_clean(summary), indent=2, sort_keys=True, allow_nan=False)
        atomic_write(self.path / "summary.json", text.encode())

    def mark_done(self) -> None:
        """Write DONE: call after every other file is complete."""
        atomic_write(self.path / DONE, b"ok\n")


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return _clean(value.item())
    return value
