"""A response cache shared by runs (opt-in: ``dontguess run --cache [DIR]``).

Like lm-eval's ``--use_cache`` and inspect's cache: a new run directory that asks the same
model the same thing gets the answers a previous run received, without a request.

**Key.** The SHA-256 of the model's identity and the sample's journal key
(:func:`~dontguess.runner.journal.request_key`: model name, messages, temperature, token
limit, seed, log-probabilities, sample index, ``n``, extra body fields and the endpoint
kind). The identity is the model name, its base URLs (the same name on another server is
another model: llama.cpp's server answers to any name), the endpoint kind and the name of
the token-limit field; never the API key. A different seed, prompt, template, target,
temperature or sample index is a different key.

**What is cached.** Successful answers of ``openai:`` models only (text, log-probabilities,
token counts), as the run journals them, so a run killed half-way has cached what it
received. Errors are never cached. ``scripted:`` models answer instantly and ``hf:``
weights can change under the same path, so those are never cached.

**File.** ``DIR/responses.sqlite`` (SQLite, WAL, a 30 s busy timeout), so several runs may
share one cache at once; an answer cached twice keeps the first. ``DIR`` defaults to
``$DONTGUESS_CACHE/responses`` (the folder built-in question sets are downloaded into,
default ``~/.cache/dontguess``). A row that does not make a well-formed reply is ignored
(the request is sent). A write that fails (disk full, a lock held too long) does not stop
the run: the summary counts it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from dontguess.errors import StoreError
from dontguess.records import Reply
from dontguess.runner._plan import _unfinished
from dontguess.runner.execute import Pending
from dontguess.runner.journal import Journal, reply_problem

__all__ = ["CACHE_FILE", "ResponseCache", "cache_identity", "default_cache_dir", "serve"]

CACHE_FILE = "responses.sqlite"
_VERSION = 1
_CHUNK = 500  # keys per SELECT (below SQLite's variable limit)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    text TEXT NOT NULL,
    logprobs TEXT,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    created_at REAL NOT NULL
)
"""


def default_cache_dir() -> Path:
    """``$DONTGUESS_CACHE/responses`` (default ``~/.cache/dontguess/responses`` on Linux)."""
    from dontguess.items import cache_dir

    return cache_dir() / "responses"


def cache_identity(backend: Any) -> str | None:
    """What identifies ``backend``'s answers in the cache; ``None`` for a model never cached.

    Only backends with ``base_urls`` (``openai:`` models) are cached. No key enters it.
    """
    urls = getattr(backend, "base_urls", None)
    if not urls:
        return None
    doc = {
        "model": str(backend.name),
        "base_urls": sorted(str(u) for u in urls),
        "api": str(getattr(backend, "api", "")),
        "max_tokens_field": str(getattr(backend, "max_tokens_field", "")),
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def _key(identity: str, journal_key: str) -> str:
    return hashlib.sha256(f"{identity}\n{journal_key}".encode()).hexdigest()


class ResponseCache:
    """The response cache in ``folder`` (created if missing); see the module doc.

    Attributes:
        path: the SQLite file.
        hits: answers served by :meth:`lookup`.
        stored: answers this object wrote.
        write_errors: answers that could not be written; ``last_error`` says why.

    Raises:
        StoreError: the folder or file cannot be created or is not a response cache.
    """

    def __init__(self, folder: str | Path) -> None:
        self.path = Path(folder).expanduser() / CACHE_FILE
        self.hits = 0
        self.stored = 0
        self.unreadable = 0
        self.write_errors = 0
        self.last_error: str | None = None
        self._identities: dict[str, str] = {}
        self._db: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA busy_timeout = 30000")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
            if version > _VERSION:
                raise StoreError(f"response cache {self.path}: made by a newer dontguess")
            self._db.execute(_SCHEMA)
            self._db.execute(f"PRAGMA user_version = {_VERSION}")
        except (OSError, sqlite3.Error, StoreError) as exc:
            self.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(
                f"cannot open the response cache {self.path}: {exc}; choose another "
                "--cache DIR or run without --cache"
            ) from exc

    @property
    def db(self) -> sqlite3.Connection:
        """The open connection."""
        if self._db is None:
            raise StoreError(f"response cache {self.path} is closed")
        return self._db

    def bind(self, backends: Iterable[Any]) -> None:
        """Learn the identity of each backend by name (backends never cached are left out)."""
        for backend in backends:
            identity = cache_identity(backend)
            if identity is not None:
                self._identities[backend.name] = identity

    def cached_models(self) -> list[str]:
        """Names of the bound models whose answers are cached."""
        return sorted(self._identities)

    def lookup(self, model: str, keys: Sequence[str]) -> dict[str, Reply]:
        """The cached answers of ``model`` for journal ``keys``, by journal key.

        Raises:
            StoreError: SQLite cannot read the file.
        """
        identity = self._identities.get(model)
        if identity is None or not keys:
            return {}
        by_cache = {_key(identity, k): k for k in keys}
        found: dict[str, Reply] = {}
        wanted = list(by_cache)
        try:
            for i in range(0, len(wanted), _CHUNK):
                part = wanted[i : i + _CHUNK]
                marks = ",".join("?" * len(part))
                rows = self.db.execute(
                    "SELECT key, text, logprobs, prompt_tokens, completion_tokens "
                    f"FROM responses WHERE key IN ({marks})",
                    part,
                ).fetchall()
                for key, *row in rows:
                    reply = _reply(row)
                    if reply is None:
                        self.unreadable += 1
                    else:
                        found[by_cache[key]] = reply
        except sqlite3.Error as exc:
            raise StoreError(
                f"cannot read the response cache {self.path}: {exc}; remove it or run "
                "without --cache"
            ) from exc
        self.hits += len(found)
        return found

    def store(self, rows: Iterable[tuple[str, str, Reply]]) -> None:
        """Cache the successful answers among ``(journal key, model, reply)`` rows.

        Errors and models never cached are skipped; a failed write is counted, not raised.
        """
        values = []
        now = time.time()
        for key, model, reply in rows:
            identity = self._identities.get(model)
            if identity is None or reply.text is None or reply_problem(reply):
                continue
            lp = None if reply.logprobs is None else json.dumps(list(reply.logprobs))
            values.append(
                (_key(identity, key), model, reply.text, lp, reply.prompt_tokens,
                 reply.completion_tokens, now)
            )  # fmt: skip
        if not values:
            return
        try:
            db = self.db
            db.execute("BEGIN IMMEDIATE")
            before = db.total_changes
            db.executemany("INSERT OR IGNORE INTO responses VALUES (?, ?, ?, ?, ?, ?, ?)", values)
            added = db.total_changes - before
            db.execute("COMMIT")
            self.stored += added
        except (sqlite3.Error, StoreError) as exc:
            with contextlib.suppress(sqlite3.Error, StoreError):
                self.db.execute("ROLLBACK")
            self.write_errors += len(values)
            self.last_error = str(exc)

    def summary(self) -> dict[str, Any]:
        """What the cache did in this run (for summary.json)."""
        return {
            "path": str(self.path),
            "hits": self.hits,
            "stored": self.stored,
            "unreadable": self.unreadable,
            "write_errors": self.write_errors,
            "last_error": self.last_error,
            "models": self.cached_models(),
        }

    def close(self) -> None:
        """Close the database; safe to call twice."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def _reply(row: Sequence[Any]) -> Reply | None:
    """A cached row as a reply, or ``None`` when it does not make a well-formed one."""
    text, lp, pt, ct = row
    try:
        reply = Reply(text, None, None if lp is None else tuple(json.loads(lp)), pt, ct)
    except (ValueError, TypeError, RecursionError):
        return None
    return None if reply_problem(reply) else reply


def serve(
    cache: ResponseCache, todo: Mapping[str, Sequence[Pending]], journal: Journal
) -> tuple[dict[str, Reply], dict[str, list[Pending]]]:
    """Answer from ``cache`` what it holds of ``todo`` (backend name → requests to send).

    Cached answers are journaled in the run (attempts 0), so the run directory holds every
    answer it used; from then on the journal hands each answer it commits to the cache.

    Returns:
        The cached answers by journal key, and the requests still to send (a request of
        several samples is cut to the runs of samples the cache lacks).
    """
    hits: dict[str, Reply] = {}
    left: dict[str, list[Pending]] = {}
    for model, parts in todo.items():
        found = cache.lookup(model, [k for p in parts for k in p.keys])
        for key, reply in found.items():
            journal.add(key, model, reply, 0)
        hits.update(found)
        left[model] = [q for p in parts for q in _unfinished(p, found)]
    journal.flush()
    journal.on_commit = cache.store
    return hits, left
