"""Run directories: layout, schema version, a lock, and the DONE marker written last.

::

    RUN_DIR/
      .lock            held (flock) by the process writing the directory: pid, host, start
      spec.json        schema version, RunSpec, grading (grader, judge), package versions,
                       git revision (never a key)
      journal.sqlite   every completed model request and judge call (SQLite, WAL), the
                       resume point
      graded.parquet   graded records: the columns of the score format, ``method`` and
                       ``judge_reply``, the question columns (``question``,
                       ``gold_answers``, ``kind``, ``choices``, ``incorrect_answers``),
                       then group columns (``template_hash`` among them)
      graded.jsonl     the same records as JSON lines
      summary.json     score rows, calibration audit, error counts, timings, tokens
      DONE             written last: the three files above are one complete set

A rerun of the same command into the same directory resumes from the journal. A directory
holding a different run (other models, items, conditions, samples or generation
parameters) is refused rather than mixed, and so is one graded another way (another
grader mode or judge: ``dontguess grade`` re-grades into a new directory); a directory
that holds no result yet (no journal row, no graded file, no DONE: what a run that failed
before its first answer leaves) is taken over by the new spec.

**Lock.** :meth:`RunDir.begin` takes an exclusive ``flock`` on ``.lock`` and keeps it until
:meth:`RunDir.release`; a second process is refused with a :class:`StoreError` naming the
holder. The operating system drops the lock when its process dies (even by ``kill -9``), so
a lock is never stale; the file itself stays and is reused.

**Outputs (the commit protocol).** :meth:`RunDir.commit` writes graded.jsonl,
graded.parquet and summary.json under temporary names and fsyncs them, removes DONE, renames
the three into place, fsyncs the directory, and writes DONE last (temp name, fsync, rename).
Hence:

- DONE present: graded.jsonl, graded.parquet and summary.json are the complete set of
  the pass that wrote DONE; never a mix of two passes.
- A rerun leaves the previous set and its DONE untouched until its own set is on disk, so
  a rerun that fails (server down, Ctrl-C, ``kill -9``, an error) leaves the last finished
  result readable. A first run that fails leaves no graded file and no DONE.
- DONE is absent only during the final renames (or if a crash hits them): readers treat a
  directory without DONE as unfinished, and a rerun completes it.

A run that fails before any answer was journaled removes what it created (:meth:`discard`),
so a failed first attempt leaves no directory behind.

**Self-contained records.** Records that keep their item (runs do) carry the question, its
gold answers and the item's grading fields (:data:`~dontguess.records.ITEM_COLUMNS`), so a
run can be audited and re-graded without its question file. The prompt is not stored per
record: the ``template_hash`` column names the template (spec.json's ``templates`` holds
each one's text once), and the template filled with ``question`` and ``stated_target`` is
the exact prompt sent. That keeps each open-rubric record several hundred bytes smaller
than a stored prompt would (the template wording is most of it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import platform
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

from dontguess.errors import StoreError
from dontguess.records import GRADED_COLUMNS, GRADING_COLUMNS, ITEM_COLUMNS, Graded, Item, RunSpec

__all__ = [
    "DEFAULT_GRADING",
    "DONE",
    "GRADED_COLUMNS",
    "LOCK",
    "OUTPUTS",
    "RUN_SCHEMA_VERSION",
    "RunDir",
    "atomic_write",
    "describe_grading",
    "graded_rows",
    "spec_document",
]

RUN_SCHEMA_VERSION = 1
DONE = "DONE"
LOCK = ".lock"
#: The files a finished pass replaces together (DONE guards them).
OUTPUTS = ("graded.jsonl", "graded.parquet", "summary.json")
#: spec.json's ``grading`` for a run that stored none (made before the judge existed).
DEFAULT_GRADING: Mapping[str, Any] = {"grader": "rules", "judge": None}
_JOURNAL_TABLES = ("replies", "judge_replies")
_JOURNAL_FILES = ("journal.sqlite", "journal.sqlite-wal", "journal.sqlite-shm")
_PACKAGES = ("dontguess", "aiohttp", "numpy", "pyarrow", "rich")


def _fsync_dir(path: Path) -> None:
    """Make renames and removals in ``path`` durable (a no-op where unsupported)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp{os.getpid()}")


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a fsynced temp file and ``os.replace``.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.txt"
    >>> atomic_write(p, b"hi"); p.read_bytes()
    b'hi'
    """
    tmp = _temp_name(path)
    try:
        _write_synced(tmp, data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def _item_columns(item: Item | None) -> dict[str, Any]:
    if item is None:
        return dict.fromkeys(ITEM_COLUMNS)
    return {
        "question": item.question,
        "gold_answers": list(item.answers),
        "kind": item.kind,
        "choices": list(item.choices),
        "incorrect_answers": list(item.incorrect_answers),
    }


def graded_rows(records: Iterable[Graded]) -> list[dict[str, Any]]:
    """Records as score-format rows: :data:`GRADED_COLUMNS`, :data:`GRADING_COLUMNS`, the
    :data:`~dontguess.records.ITEM_COLUMNS` when any record keeps its item, then group
    columns (sorted).

    ``verdict`` is ``correct``/``incorrect``/``abstained`` or ``None`` (ungraded);
    ``stated_target`` and ``style`` are ``None`` for the closed rubric; ``method`` is who
    decided (``rules``/``judge``, ``None`` for a model error) and ``judge_reply`` the
    judge's raw reply (``None`` when no judge replied). ``gold_answers``, ``choices`` and
    ``incorrect_answers`` are lists of text (null for a record without its item).

    >>> from dontguess.records import Verdict
    >>> item = Item(id="q1", question="2+2?", answers=("4", "four"))
    >>> row = graded_rows([Graded("q1", "m", Verdict.CORRECT, answer="4", item=item)])[0]
    >>> row["question"], row["gold_answers"], row["answer"]
    ('2+2?', ['4', 'four'], '4')
    """
    records = list(records)
    groups = sorted({k for r in records for k in r.groups})
    with_items = any(r.item is not None for r in records)
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
            "method": r.method,
            "judge_reply": r.judge_reply,
            **(_item_columns(r.item) if with_items else {}),
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


def _holder(fd: int) -> str:
    """Who holds the lock whose file is open as ``fd`` (as written by :func:`_lock`)."""
    try:
        doc = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"pid {doc['pid']} on host {doc['host']}, started {doc['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "holder not recorded yet"


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except OSError:
        return False


def _lock(path: Path) -> int | None:
    """Take the exclusive run lock ``path``: its open descriptor (``None`` on Windows)."""
    if sys.platform == "win32":  # pragma: no cover - no flock; runs are not kept apart
        return None
    import fcntl

    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot create lock file {path}: {exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise StoreError(
                f"{path.parent} is in use by another dontguess run ({holder}); "
                "wait for it to finish or choose another --out"
            ) from None
        except OSError as exc:
            os.close(fd)
            raise StoreError(f"cannot lock {path}: {exc}") from exc
        if _same_file(fd, path):
            break
        os.close(fd)  # removed by a failed run's discard() meanwhile: lock the new file
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    info = {"pid": os.getpid(), "host": socket.gethostname(), "started": started}
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(info).encode(), 0)
    return fd


def _journal_rows(path: Path) -> int | None:
    """Rows (model replies and judge replies) in the journal at ``path``: 0 when there is
    none, ``None`` when unreadable."""
    if not path.exists():
        return 0
    try:
        db = sqlite3.connect(path)
        try:
            rows = 0
            for table in _JOURNAL_TABLES:
                query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
                if db.execute(query, (table,)).fetchone():
                    rows += int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            return rows
        finally:
            db.close()
    except sqlite3.Error:
        return None


def _make_dirs(path: Path) -> list[Path]:
    """Create ``path`` and its parents; the folders that did not exist, deepest first."""
    missing: list[Path] = []
    p = path.absolute()
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise StoreError(f"{path}: exists and is not a directory") from exc
    except OSError as exc:
        raise StoreError(f"cannot create run directory {path}: {exc}") from exc
    return missing


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_parquet(path: Path, jsonl: bytes, names: list[str]) -> None:
    # Parsed from the JSONL bytes with an explicit schema: pa.array() on Python lists
    # would import pandas (seconds of start-up) through pyarrow's pandas shim.
    import pyarrow as pa
    import pyarrow.json as pa_json
    import pyarrow.parquet as pq

    texts = pa.list_(pa.string())
    types = {
        "stated_target": pa.float64(),
        "sample": pa.int64(),
        "confidence": pa.float64(),
        "gold_answers": texts,
        "choices": texts,
        "incorrect_answers": texts,
    }
    schema = pa.schema([(n, types.get(n, pa.string())) for n in names])
    if jsonl:
        table = pa_json.read_json(
            pa.BufferReader(jsonl),
            read_options=pa_json.ReadOptions(block_size=max(1 << 20, len(jsonl) + 1)),
            parse_options=pa_json.ParseOptions(explicit_schema=schema),
        )
    else:
        table = schema.empty_table()
    pq.write_table(table, path)
    _fsync_file(path)


class RunDir:
    """One run directory (see the module doc for its layout, lock and commit protocol).

    Example:
        >>> import tempfile
        >>> from dontguess.records import Condition
        >>> spec = RunSpec(models=("m",), dataset="d", dataset_hash="h", conditions=(Condition(),))
        >>> rd = RunDir(Path(tempfile.mkdtemp()) / "run")
        >>> rd.begin(spec)
        >>> rd.commit([], {"rows": []})
        >>> rd.release()
        >>> rd.done, sorted(p.name for p in rd.path.iterdir())
        (True, ['.lock', 'DONE', 'graded.jsonl', 'graded.parquet', 'spec.json', 'summary.json'])
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock_fd: int | None = None
        self._created: list[Path] = []
        self._begun = False
        self._fresh = False

    @property
    def journal_path(self) -> Path:
        """Where the request journal lives."""
        return self.path / "journal.sqlite"

    @property
    def done(self) -> bool:
        """Whether a pass finished (DONE exists): the graded files are one complete set."""
        return (self.path / DONE).exists()

    def holds_result(self) -> bool:
        """Whether the directory holds anything a run produced: journal rows, outputs, DONE.

        An unreadable journal counts as a result (it is never removed or overwritten).
        """
        if (self.path / DONE).exists() or any((self.path / n).exists() for n in OUTPUTS):
            return True
        return _journal_rows(self.journal_path) != 0

    def begin(
        self,
        spec: RunSpec,
        *,
        extra: Mapping[str, Any] | None = None,
        grading: Mapping[str, Any] | None = None,
    ) -> None:
        """Create or reopen the directory for ``spec`` and lock it until :meth:`release`.

        A previous pass's graded files and DONE stay until :meth:`commit` replaces them.

        Args:
            spec: what the run asks.
            extra: more JSON fields for spec.json (not part of the run's identity).
            grading: how the run grades (``{"grader": ..., "judge": ...}``, no key);
                ``None`` means :data:`DEFAULT_GRADING`. Part of the identity: a directory
                graded another way is refused.

        Raises:
            StoreError: another process holds the lock; the directory holds a run with a
                different spec, grading or schema; it cannot be created.
        """
        grading = dict(DEFAULT_GRADING if grading is None else grading)
        self._created = _make_dirs(self.path)
        self._lock_fd = _lock(self.path / LOCK)
        self._begun = True
        try:
            self._fresh = not self.holds_result()
            if not self._fresh:
                self._check_spec(spec, grading)
            for tmp in self.path.glob(".*.tmp*"):  # left by a killed run
                tmp.unlink(missing_ok=True)
            doc = {
                "schema_version": RUN_SCHEMA_VERSION,
                "spec": spec_document(spec),
                "grading": grading,
                "versions": _versions(),
                "git_revision": _git_revision(),
                **(extra or {}),
            }
            atomic_write(
                self.path / "spec.json", json.dumps(doc, indent=2, sort_keys=True).encode()
            )
        except BaseException:
            self.discard()
            raise

    def _check_spec(self, spec: RunSpec, grading: Mapping[str, Any]) -> None:
        """Refuse a directory whose stored result belongs to another spec, grading or schema."""
        spec_file = self.path / "spec.json"
        if not spec_file.exists():
            raise StoreError(f"{self.path} holds run files but no spec.json; use a new --out")
        try:
            old = json.loads(spec_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"{spec_file}: not readable JSON ({exc})") from exc
        if not isinstance(old, dict) or old.get("schema_version") != RUN_SCHEMA_VERSION:
            version = old.get("schema_version") if isinstance(old, dict) else None
            raise StoreError(f"{spec_file}: schema_version {version!r}")
        wanted = spec_document(spec)
        stored = old.get("spec")
        stored = stored if isinstance(stored, dict) else {}
        if stored != wanted:
            diff = sorted(k for k in wanted if stored.get(k) != wanted[k])
            raise StoreError(
                f"{self.path} holds a different run (differs in {', '.join(diff)}); "
                "use a new --out directory"
            )
        _check_grading(self.path, old.get("grading", DEFAULT_GRADING), grading)

    def read_spec(self) -> dict[str, Any]:
        """The stored spec.json document."""
        try:
            doc: dict[str, Any] = json.loads((self.path / "spec.json").read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"{self.path}: no readable spec.json ({exc})") from exc
        return doc

    def commit(self, records: Sequence[Graded], summary: Mapping[str, Any]) -> None:
        """Replace graded.jsonl, graded.parquet and summary.json together, then write DONE.

        See the module doc: files are staged and fsynced first; DONE is removed before the
        renames and written after them, so DONE always vouches for one complete set.
        """
        rows = graded_rows(records)
        lines = "".join(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n" for r in rows)
        jsonl = lines.encode("utf-8")
        names = list(rows[0]) if rows else [*GRADED_COLUMNS, *GRADING_COLUMNS]
        text = json.dumps(_clean(summary), indent=2, sort_keys=True, allow_nan=False)
        staged = {name: _temp_name(self.path / name) for name in OUTPUTS}
        try:
            _write_synced(staged["graded.jsonl"], jsonl)
            _write_parquet(staged["graded.parquet"], jsonl, names)
            _write_synced(staged["summary.json"], text.encode())
            (self.path / DONE).unlink(missing_ok=True)
            _fsync_dir(self.path)
            for name, tmp in staged.items():
                os.replace(tmp, self.path / name)
            _fsync_dir(self.path)
            atomic_write(self.path / DONE, b"ok\n")
        finally:
            for tmp in staged.values():
                tmp.unlink(missing_ok=True)

    def discard(self) -> bool:
        """After a failed run: remove what :meth:`begin` made if it still holds no result.

        Removes spec.json, the (empty) journal and the lock file, and the folders
        :meth:`begin` created; a directory that held a result before is left alone. Always
        releases the lock. Returns whether anything was removed.
        """
        try:
            if not self._begun or not self._fresh or self.holds_result():
                return False
            for name in (
                "spec.json",
                *_JOURNAL_FILES,
                *(p.name for p in self.path.glob(".*.tmp*")),
            ):
                (self.path / name).unlink(missing_ok=True)
            (self.path / LOCK).unlink(missing_ok=True)
            for folder in self._created:  # deepest first; stop at one that is not empty
                try:
                    folder.rmdir()
                except OSError:
                    break
            return True
        finally:
            self.release()

    def release(self) -> None:
        """Drop the lock (closing its descriptor); safe to call twice."""
        self._begun = False
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


def describe_grading(grading: Any) -> str:
    """A grading document in words.

    >>> describe_grading({"grader": "cascade", "judge": {"judge": "openai:j"}})
    'cascade with judge openai:j'
    >>> describe_grading({"grader": "rules", "judge": None})
    'rules'
    """
    if not isinstance(grading, Mapping):
        return repr(grading)
    judge = grading.get("judge")
    name = judge.get("judge") if isinstance(judge, Mapping) else judge
    mode = str(grading.get("grader"))
    return f"{mode} with judge {name}" if name else mode


def _check_grading(path: Path, old: Any, new: Mapping[str, Any]) -> None:
    """Refuse to resume a run graded another way (other mode, judge, template, ...)."""
    if old == dict(new):
        return
    raise StoreError(
        f"{path} was graded by {describe_grading(old)}, this command grades by "
        f"{describe_grading(new)} (or with other judge settings); to grade its answers "
        f"another way without asking the model again run: dontguess grade {path} "
        "--judge SPEC --grader MODE --out NEW_DIR (or choose a new --out)"
    )


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
