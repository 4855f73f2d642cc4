"""Download built-in question sets into a local cache: verified, atomic, offline-aware.

Environment:

* ``DONTGUESS_CACHE`` — cache folder (default: the user cache folder, e.g.
  ``~/.cache/dontguess``); files go to ``datasets/<set>/<revision[:12]>/``.
* ``DONTGUESS_OFFLINE=1`` — never download; a set not in the cache is an error naming
  the command that fetches it.
* ``DONTGUESS_DATASETS_MIRROR=URL`` — replace the scheme and host of every source URL
  with those of ``URL`` (a path in ``URL`` is put in front of the source's path).

A download streams into a hidden temporary file beside its destination while hashing it,
checks the length the server announced, the sha256 (when the registry knows it) and the
row count, then renames the file into place. Whatever goes wrong, Ctrl-C included, the
temporary file is removed: the cache holds whole, verified files or nothing.
``source.json`` beside each file records where it came from and its sha256.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from dontguess._util.rawtext import one_line
from dontguess.errors import InputError
from dontguess.items._download import DownloadError, download
from dontguess.items._registry import DataFile
from dontguess.items._rows import read_rows

__all__ = [
    "CACHE_ENV",
    "MIRROR_ENV",
    "OFFLINE_ENV",
    "Cached",
    "Progress",
    "cache_dir",
    "cached",
    "fetch",
    "file_sha256",
    "is_offline",
    "mirror_url",
]

CACHE_ENV = "DONTGUESS_CACHE"
OFFLINE_ENV = "DONTGUESS_OFFLINE"
MIRROR_ENV = "DONTGUESS_DATASETS_MIRROR"
SIDECAR = "source.json"

#: ``progress(bytes_done, bytes_total_or_None)``, called as a download goes.
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True, slots=True)
class Cached:
    """A verified file in the cache and where it came from (the ``source.json`` content)."""

    path: Path
    url: str
    fetched_from: str
    revision: str
    sha256: str
    verified: bool  # the sha256 matched the registry's (False: the registry has none)
    bytes: int
    rows: int
    licence: str
    fetched_at: str

    def document(self) -> dict[str, Any]:
        """The JSON-ready record (``path`` as text)."""
        return {**asdict(self), "path": str(self.path)}


def cache_dir() -> Path:
    """``$DONTGUESS_CACHE``, else the platform's user cache folder + ``dontguess``.

    Linux and others: ``$XDG_CACHE_HOME/dontguess`` or ``~/.cache/dontguess``; macOS:
    ``~/Library/Caches/dontguess``; Windows: ``%LOCALAPPDATA%\\dontguess\\Cache``.
    """
    env = os.environ.get(CACHE_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA", "").strip()
        return (Path(base) if base else home / "AppData" / "Local") / "dontguess" / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "dontguess"
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".cache") / "dontguess"


def is_offline() -> bool:
    """Whether ``$DONTGUESS_OFFLINE`` forbids downloads (``1``, ``true``, ``yes``, ``on``)."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def mirror_url(url: str) -> str:
    """``url`` with scheme and host (and a path prefix) from ``$DONTGUESS_DATASETS_MIRROR``.

    Raises:
        InputError: the variable is not an absolute http(s) URL.

    >>> import os; os.environ[MIRROR_ENV] = "http://127.0.0.1:8000/m/"
    >>> mirror_url("https://raw.githubusercontent.com/o/r/abc/f.csv")
    'http://127.0.0.1:8000/m/o/r/abc/f.csv'
    >>> del os.environ[MIRROR_ENV]
    """
    mirror = os.environ.get(MIRROR_ENV, "").strip()
    if not mirror:
        return url
    m = urlsplit(mirror)
    if m.scheme not in ("http", "https") or not m.netloc:
        raise InputError(
            f"{MIRROR_ENV} must be an absolute http(s) URL such as http://host:8000, got {mirror!r}"
        )
    u = urlsplit(url)
    return urlunsplit((m.scheme, m.netloc, m.path.rstrip("/") + u.path, u.query, ""))


def _folder(entry: DataFile) -> Path:
    return cache_dir() / "datasets" / entry.key / entry.revision[:12]


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def cached(entry: DataFile, name: str) -> Cached | None:
    """The cached copy of ``entry``, checked against its sha256; ``None`` if not cached.

    Raises:
        InputError: the cached file no longer has the sha256 it was stored with (or the
            registry's): it was changed after download; the message says how to refetch.
    """
    path = _folder(entry) / entry.filename
    if not path.is_file():
        return None
    try:
        doc = json.loads((path.parent / SIDECAR).read_text(encoding="utf-8"))
        record = Cached(**{**doc, "path": path})
    except (OSError, ValueError, TypeError):  # sidecar lost or damaged: rebuild it
        rows = _count_rows(path, entry)
        record = _record(path, entry, entry.url, (file_sha256(path), path.stat().st_size), rows)
        _write_atomic(path.parent / SIDECAR, _sidecar_bytes(record))
    expected = entry.sha256 or record.sha256
    if file_sha256(path) != expected:
        raise InputError(
            f"cached copy of {name!r} no longer matches its sha256 {expected[:12]}… "
            f"(changed after download): run `dontguess datasets fetch {name} --force`",
            path=str(path),
        )
    return record


def fetch(
    entry: DataFile, name: str, *, force: bool = False, progress: Progress | None = None
) -> Cached:
    """Download ``entry`` into the cache unless a verified copy is there already.

    Args:
        entry: the pinned file.
        name: the set name the user gave (used in messages).
        force: download again even when cached (replaces the copy only once verified).
        progress: called with ``(bytes_done, bytes_total_or_None)`` as bytes arrive.

    Raises:
        InputError: offline, unreachable or refusing server, a truncated download, a
            sha256 or row-count mismatch, a file that does not parse. Nothing is left in
            the cache in any of these cases.
    """
    if not force:
        try:
            have = cached(entry, name)
        except InputError:  # a copy changed since download: replace it when online
            if is_offline():
                raise
            have = None
        if have is not None:
            return have
    if is_offline():
        raise InputError(
            f"built-in set {name!r} is not in the cache ({_folder(entry)}) and "
            f"{OFFLINE_ENV}=1 forbids downloading: run `dontguess datasets fetch {name}` "
            f"with network access first (or copy {cache_dir()} from a machine that has it), "
            "or set DONTGUESS_DATA_DIR to a folder that holds the set"
        )
    folder = _folder(entry)
    _make_folder(folder)
    try:
        return _download_verified(entry, name, folder, progress)
    except BaseException:
        _remove_empty(folder, stop=cache_dir())
        raise


def _download_verified(
    entry: DataFile, name: str, folder: Path, progress: Progress | None
) -> Cached:
    url = mirror_url(entry.url)
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".part-", suffix="-" + entry.filename)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as sink:
            try:
                digest, size = download(url, sink, progress=progress, limit=_limit(entry))
            except DownloadError as exc:
                raise InputError(_unreachable(name, url, str(exc))) from exc
            sink.flush()
            os.fsync(sink.fileno())
        _verify(entry, name, url, tmp, digest)
        rows = _count(entry, name, tmp)
        record = _record(folder / entry.filename, entry, url, (digest, size), rows)
        _write_atomic(folder / SIDECAR, _sidecar_bytes(record))
        os.replace(tmp, folder / entry.filename)  # the data file last: present = complete
        return record
    finally:
        tmp.unlink(missing_ok=True)


def _limit(entry: DataFile) -> int:
    """Most bytes accepted from a server: 4x the known size, at least 64 MiB."""
    return max(4 * entry.size, 64 << 20)


def _unreachable(name: str, url: str, reason: str) -> str:
    return (
        f"cannot download built-in set {name!r} from {url}: {reason}; nothing was saved. "
        f"Run `dontguess datasets fetch {name}` with network access, or set {MIRROR_ENV} "
        "to a server that holds the file, or DONTGUESS_DATA_DIR to a folder that holds the set"
    )


def _verify(entry: DataFile, name: str, url: str, tmp: Path, digest: str) -> None:
    if entry.sha256 is not None and digest != entry.sha256:
        raise InputError(
            f"download of built-in set {name!r} from {url} has sha256 {digest}, expected "
            f"{entry.sha256}; nothing was saved (a changed or corrupt file, or a wrong "
            f"{MIRROR_ENV})"
        )


def _count(entry: DataFile, name: str, tmp: Path) -> int:
    try:
        rows = _count_rows(tmp, entry)
    except InputError as exc:
        raise InputError(
            f"download of built-in set {name!r} does not parse: {one_line(exc)}; nothing was saved"
        ) from exc
    if rows != entry.rows:
        raise InputError(
            f"download of built-in set {name!r} has {rows} rows, expected {entry.rows}; "
            "nothing was saved"
        )
    return rows


def _count_rows(path: Path, entry: DataFile) -> int:
    return sum(1 for _ in read_rows(path, json_key=entry.json_key))


def _record(
    path: Path, entry: DataFile, fetched_from: str, got: tuple[str, int], rows: int
) -> Cached:
    digest, size = got
    return Cached(
        path=path,
        url=entry.url,
        fetched_from=fetched_from,
        revision=entry.revision,
        sha256=digest,
        verified=entry.sha256 is not None and digest == entry.sha256,
        bytes=size,
        rows=rows,
        licence=entry.licence,
        fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _sidecar_bytes(record: Cached) -> bytes:
    doc = {k: v for k, v in record.document().items() if k != "path"}
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create the dataset cache folder ({exc.strerror}); set {CACHE_ENV} to a "
            "writable folder",
            path=str(folder),
        ) from exc


def _remove_empty(folder: Path, *, stop: Path) -> None:
    """Remove ``folder`` and its parents up to ``stop`` while they are empty."""
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty, or already gone
            return
        folder = folder.parent


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-", suffix="-" + path.name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
