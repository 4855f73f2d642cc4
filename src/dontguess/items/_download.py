"""Stream one HTTP(S) URL into a file object while hashing it (standard library only).

Every failure becomes a :class:`DownloadError` whose message is one short reason ("connection
refused", "HTTP 404 Not Found", "truncated: 512 of 1024 bytes"); :mod:`._fetch` turns it
into the user-facing error. Nothing here touches the file system.
"""

from __future__ import annotations

import hashlib
import http.client
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import BinaryIO

__all__ = ["TIMEOUT_S", "DownloadError", "download"]

#: Seconds to wait for a connection or for the next block of bytes.
TIMEOUT_S = 60.0
_BLOCK = 1 << 16


class DownloadError(Exception):
    """A download failed; the message is the reason in a few words (private to items)."""


def _user_agent() -> str:
    from importlib import metadata

    try:  # the installed distribution's version; importing the package root would loop
        version = metadata.version("dontguess")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"dontguess/{version} (+datasets fetch)"


def _reason(exc: BaseException) -> str:
    """A few words for a connection-level failure."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"the server answered HTTP {exc.code} {exc.reason}".rstrip()
    inner = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(inner, ConnectionRefusedError):
        return "connection refused (no server there, or no network)"
    if isinstance(inner, socket.gaierror):
        return "host name not found (no network?)"
    if isinstance(inner, TimeoutError | socket.timeout):
        return f"no answer within {TIMEOUT_S:g} s"
    if isinstance(inner, ssl.SSLError):
        return f"TLS error: {inner}"
    if isinstance(inner, OSError) and inner.strerror:
        return inner.strerror
    return str(inner) or type(inner).__name__


def download(
    url: str,
    sink: BinaryIO,
    *,
    progress: Callable[[int, int | None], None] | None = None,
    limit: int,
    timeout: float = TIMEOUT_S,
) -> tuple[str, int]:
    """Write the body of ``url`` to ``sink``; return ``(sha256 hex, bytes)``.

    Args:
        url: an absolute http(s) URL.
        sink: an open binary file.
        progress: called with ``(bytes_done, bytes_total_or_None)`` after each block.
        limit: most bytes accepted; a larger body is refused.
        timeout: seconds for the connection and for each read.

    Raises:
        DownloadError: unreachable host, refused connection, an HTTP error status, a
            body shorter than its ``Content-Length``, a connection lost mid-way, a body
            over ``limit``.
    """
    if not url.startswith(("http://", "https://")):
        raise DownloadError(f"not an http(s) URL: {url!r}")
    request = urllib.request.Request(url, headers={"User-Agent": _user_agent()})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # scheme checked above
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise DownloadError(_reason(exc)) from exc
    with response:
        total = _length(response.headers.get("Content-Length"))
        if total is not None and total > limit:
            raise DownloadError(f"the server announces {total} bytes, over the limit {limit}")
        return _stream(response, sink, total, limit, progress)


def _length(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _stream(
    response: http.client.HTTPResponse,
    sink: BinaryIO,
    total: int | None,
    limit: int,
    progress: Callable[[int, int | None], None] | None,
) -> tuple[str, int]:
    digest = hashlib.sha256()
    done = 0
    while True:
        try:
            block = response.read(_BLOCK)
        except (OSError, http.client.HTTPException) as exc:
            got = f"{done} of {total}" if total is not None else str(done)
            raise DownloadError(f"connection lost after {got} bytes ({_reason(exc)})") from exc
        if not block:
            break
        done += len(block)
        if done > limit:
            raise DownloadError(f"more than {limit} bytes: refused")
        digest.update(block)
        sink.write(block)
        if progress is not None:
            progress(done, total)
    if total is not None and done != total:
        raise DownloadError(f"truncated: got {done} of {total} bytes")
    return digest.hexdigest(), done
