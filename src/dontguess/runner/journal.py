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

Only well-formed replies are stored (:func:`checked_reply`): a reply with a wrong type, a
non-finite log-probability, a negative or out-of-range token count, or text that is not
valid Unicode is journaled as an error instead, so a rerun asks again rather than trusting
it. Reading back, a row that does not make a well-formed reply (a file edited or damaged
by hand) is skipped and counted in :attr:`Journal.unreadable`; its request is asked again.
A file SQLite cannot read at all raises :class:`~dontguess.errors.StoreError`.

**Listener.** ``Journal.on_commit``, when set, is called after each commit with the rows
just committed as ``(key, model, reply)`` (the response cache,
:mod:`~dontguess.runner._cache`, uses it so that answers are cached as they are journaled).

**Tables.** Model replies live in the table ``replies``; the LLM judge's replies in
``judge_replies`` (same columns; ``Journal(path, table="judge_replies")``), keyed by
:func:`request_key` of the judge request, whose prompt holds the question, the reference
answers and the reply judged, so another judge, template or reply never reuses a row.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
import sqlite3
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from dontguess.backends.base import Request
from dontguess.errors import StoreError
from dontguess.records import Reply

__all__ = [
    "BATCH_ROWS",
    "BATCH_SECONDS",
    "JOURNAL_TABLES",
    "Journal",
    "checked_reply",
    "reply_problem",
    "request_key",
]

BATCH_ROWS = 64
BATCH_SECONDS = 0.05

#: The journal's tables: model replies, judge replies, verbal-confidence follow-ups.
JOURNAL_TABLES = ("replies", "judge_replies", "verbal_replies")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS {table} (
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
_INSERT = "INSERT OR REPLACE INTO {table} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"


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


_MAX_INT = 2**63 - 1  # SQLite INTEGER


def _text_problem(name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return f"{name} is {type(value).__name__}, not text"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"{name} is not valid Unicode ({exc.reason} at position {exc.start})"
    return None


def reply_problem(reply: Reply) -> str | None:
    """Why ``reply`` cannot be stored as it is, or ``None`` when it is well-formed.

    >>> reply_problem(Reply(text="Paris", logprobs=(-0.1,), prompt_tokens=3)) is None
    True
    >>> reply_problem(Reply(text="x", prompt_tokens="ten"))  # type: ignore[arg-type]
    'prompt_tokens is str, not a count'
    >>> reply_problem(Reply(text="x", logprobs=(float("nan"),)))
    'logprobs hold a non-finite value'
    """
    for name in ("text", "error"):
        problem = _text_problem(name, getattr(reply, name))
        if problem:
            return problem
    if (reply.text is None) == (reply.error is None):
        return "a reply needs exactly one of text and error"
    for name in ("prompt_tokens", "completion_tokens"):
        value = getattr(reply, name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{name} is {type(value).__name__}, not a count"
        if not 0 <= value <= _MAX_INT:
            return f"{name} is out of range: {value}"
    lp = reply.logprobs
    if lp is not None:
        if not isinstance(lp, tuple | list) or any(
            isinstance(x, bool) or not isinstance(x, int | float) for x in lp
        ):
            return "logprobs are not a list of numbers"
        if not all(math.isfinite(x) for x in lp):
            return "logprobs hold a non-finite value"
    return None


def checked_reply(reply: Reply) -> Reply:
    """``reply`` if well-formed, else an error reply saying what was wrong with it.

    >>> checked_reply(Reply(text="x", completion_tokens=-1)).error
    'unusable reply: completion_tokens is out of range: -1'
    """
    problem = reply_problem(reply)
    if problem is None:
        return reply
    return Reply(text=None, error=f"unusable reply: {problem}")


def _row_reply(row: tuple[Any, ...]) -> tuple[Reply, int] | None:
    """A stored row as ``(reply, attempts)``, or ``None`` when it is not well-formed."""
    text, error, lp, pt, ct, attempts = row
    try:
        logprobs = None if lp is None else tuple(json.loads(lp))
        reply = Reply(text, error, logprobs, pt, ct)
    except (ValueError, TypeError, RecursionError):
        return None
    if reply_problem(reply) or isinstance(attempts, bool) or not isinstance(attempts, int):
        return None
    return reply, attempts


class Journal:
    """Append-only (per key) store of replies; see the module doc for durability.

    Args:
        path: the SQLite file (created if missing).
        table: ``"replies"`` (model replies) or ``"judge_replies"`` (judge replies).

    Attributes:
        committed: rows committed by this object.
        unreadable: rows the last :meth:`load` skipped as not well-formed.
        on_commit: called with ``[(key, model, reply), ...]`` after each commit, if set.
    """

    def __init__(self, path: str | Path, *, table: str = "replies") -> None:
        if table not in JOURNAL_TABLES:
            raise ValueError(f"table must be one of {JOURNAL_TABLES}, got {table!r}")
        self.path = Path(path)
        self.table = table
        self._db: sqlite3.Connection | None = None
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA.format(table=table))
        except sqlite3.Error as exc:
            if self._db is not None:
                self._db.close()
            raise StoreError(f"cannot open journal {self.path}: {exc}") from exc
        self._pending: list[tuple[Any, ...]] = []
        self._replies: list[tuple[str, str, Reply]] = []
        self.on_commit: Callable[[list[tuple[str, str, Reply]]], None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self.committed = 0
        self.unreadable = 0
        self._failure: StoreError | None = None

    @property
    def db(self) -> sqlite3.Connection:
        """The open database connection."""
        if self._db is None:
            raise StoreError(f"journal {self.path} is closed")
        return self._db

    def load(self) -> dict[str, tuple[Reply, int]]:
        """Every well-formed stored reply with its attempt count, by key.

        Raises:
            StoreError: SQLite cannot read the file (``"cannot open journal PATH: ..."``).
        """
        out: dict[str, tuple[Reply, int]] = {}
        self.unreadable = 0
        try:
            rows = self.db.execute(
                "SELECT key, text, error, logprobs, prompt_tokens, completion_tokens, attempts "
                f"FROM {self.table}"
            ).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open journal {self.path}: {exc}") from exc
        for key, *row in rows:
            got = _row_reply(tuple(row))
            if got is None or not isinstance(key, str):
                self.unreadable += 1
            else:
                out[key] = got
        return out

    def add(self, key: str, model: str, reply: Reply, attempts: int) -> Reply:
        """Queue one completed request; committed within ~50 ms or 64 rows.

        Returns:
            The reply as stored: ``reply``, or an error reply if it was not well-formed
            (see :func:`checked_reply`).
        """
        if self._failure is not None:
            raise self._failure
        reply = checked_reply(reply)
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
        self._replies.append((key, model, reply))
        if len(self._pending) >= BATCH_ROWS:
            self.flush()
        elif self._timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                self.flush()
                return reply
            self._timer = loop.call_later(BATCH_SECONDS, self._flush_later)
        return reply

    def _flush_later(self) -> None:
        """The timer's flush: a failure is kept and raised by the next add or flush."""
        self._timer = None
        try:
            self.flush()
        except StoreError as exc:
            self._failure = exc

    def flush(self) -> None:
        """Commit every queued row now.

        Raises:
            StoreError: the write failed (now, or in an earlier timed flush).
        """
        if self._failure is not None:
            raise self._failure
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._pending:
            return
        rows, self._pending = self._pending, []
        replies, self._replies = self._replies, []
        db = self.db
        try:
            db.execute("BEGIN")
            db.executemany(_INSERT.format(table=self.table), rows)
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise StoreError(f"journal write failed {self.path}: {exc}") from exc
        self.committed += len(rows)
        if self.on_commit is not None:
            self.on_commit(replies)

    def close(self) -> None:
        """Flush and close the database; safe to call twice."""
        if self._db is None:
            return
        try:
            self.flush()
        finally:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._db.close()
            self._db = None
