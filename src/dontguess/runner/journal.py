"""The per-run request journal: SQLite in WAL mode, one row per completed sample.

Rows are keyed by :func:`request_key`, a hash of the model identity, the messages (or
prompt), the generation parameters and the sample index, so repeated samples never collide
and a rerun of the same command skips every request already answered. A request asking
for ``n`` choices writes ``n`` rows, one per sample.

Writes are batched: rows are committed when 64 are waiting or 50 ms after the first of them
arrived, whichever comes first (and at the end). With ``synchronous=NORMAL`` a committed
WAL transaction survives ``kill -9`` of the process, so a killed run loses at most the
requests in flight plus those completed in the last ~50 ms. Rows that ended in error are
kept (the summary counts them) and are sent again by a rerun.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dontguess.backends.base import Request
from dontguess.errors import StoreError
from dontguess.records import Reply

__all__ = ["BATCH_ROWS", "BATCH_SECONDS", "Journal", "request_key"]

BATCH_ROWS = 64
BATCH_SECONDS = 0.05

_SCHEMA = """
CREATE TABLE IF NOT EXISTS replies (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    text TEXT,
    error TEXT,
    logprobs TEXT,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    attempts INTEGER NOT NULL,
    finished_at REAL NOT NULL
)
"""
_INSERT = "INSERT OR REPLACE INTO replies VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"


def request_key(model: str, request: Request, params: Mapping[str, Any] | None = None) -> str:
    """SHA-256 (hex) of model identity, messages/prompt, generation parameters, sample index.

    ``params`` holds parameters that change the answer but are not in the request
    (e.g. ``api``). A sample answered as choice of an ``n > 1`` request keys on that
    request with its own ``sample`` index, so its ``n`` enters the key (``n == 1`` is left
    out, so keys of separate requests are unchanged). ``question`` and ``target`` are hints
    for simulated backends and do not enter the key (they are functions of the messages).

    >>> r = Request(prompt="2+2?")
    >>> request_key("m", r) == request_key("m", r), request_key("m", r) == request_key("n", r)
    (True, False)
    """
    doc: list[Any] = [
        model,
        [list(m) for m in request.messages],
        request.prompt,
        request.temperature,
        request.max_tokens,
        request.seed,
        request.logprobs,
        request.sample,
        sorted((str(k), v) for k, v in request.extra.items()),
        sorted((str(k), v) for k, v in (params or {}).items()),
    ]
    if request.n != 1:
        doc.append(["n", request.n])
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Journal:
    """Append-only (per key) store of replies; see the module doc for durability."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open journal ({exc})") from exc
        self._pending: list[tuple[Any, ...]] = []
        self._timer: asyncio.TimerHandle | None = None
        self.committed = 0

    def load(self) -> dict[str, tuple[Reply, int]]:
        """Every stored reply with its attempt count, by key."""
        out: dict[str, tuple[Reply, int]] = {}
        rows = self._db.execute(
            "SELECT key, text, error, logprobs, prompt_tokens, completion_tokens, attempts "
            "FROM replies"
        )
        for key, text, error, lp, pt, ct, attempts in rows:
            logprobs = tuple(json.loads(lp)) if lp else None
            out[key] = (Reply(text, error, logprobs, pt, ct), attempts)
        return out

    def add(self, key: str, model: str, reply: Reply, attempts: int) -> None:
        """Queue one completed request; committed within ~50 ms or 64 rows."""
        lp = json.dumps(list(reply.logprobs)) if reply.logprobs is not None else None
        self._pending.append(
            (
                key,
                model,
                reply.text,
                reply.error,
                lp,
                reply.prompt_tokens,
                reply.completion_tokens,
                attempts,
                time.time(),
            )
        )
        if len(self._pending) >= BATCH_ROWS:
            self.flush()
        elif self._timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                self.flush()
                return
            self._timer = loop.call_later(BATCH_SECONDS, self.flush)

    def flush(self) -> None:
        """Commit every queued row now."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._pending:
            return
        rows, self._pending = self._pending, []
        try:
            self._db.execute("BEGIN")
            self._db.executemany(_INSERT, rows)
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: journal write failed ({exc})") from exc
        self.committed += len(rows)

    def close(self) -> None:
        """Flush and close the database."""
        self.flush()
        self._db.close()
