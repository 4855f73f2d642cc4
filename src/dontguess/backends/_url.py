"""Checking a base URL: absolute ``http(s)://host[:port]/path``, no credentials.

A leaf module: :mod:`~dontguess.backends.registry` (which builds backends) and
:mod:`~dontguess.backends.openai_compat` (which a registry builds) both import it, so
neither imports the other at module level.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from dontguess.errors import InputError

__all__ = ["base_url"]

_ENDPOINTS = ("/chat/completions", "/completions")

#: The user-info part of a URL ("user:password@"), masked in every message.
_USERINFO = re.compile(r"(://)[^/@\s'\"]*@")


def base_url(url: str, *, where: str | None = None) -> str:
    """``url`` checked as an absolute ``http(s)://host[:port]/path`` base URL.

    A trailing ``/chat/completions`` or ``/completions`` (a pasted endpoint) and trailing
    slashes are cut off, and the scheme is lower-cased.

    Args:
        url: the base URL as the user wrote it.
        where: where it came from, for the message (a spec, ``OPENAI_BASE_URL``).

    Raises:
        InputError: naming ``where``, the URL and what is wrong with it.

    >>> base_url("HTTP://127.0.0.1:8000/v1/")
    'http://127.0.0.1:8000/v1'
    >>> base_url("http://user:pw@host/v1")
    Traceback (most recent call last):
    ...
    dontguess.errors.InputError: base URL 'http://***@host/v1' holds a user name or ...
    """
    text = url.strip()

    def bad(why: str) -> InputError:
        message = f"{where}: URL {text!r} {why}" if where else f"base URL {text!r} {why}"
        return InputError(_USERINFO.sub(r"\1***@", message))  # never echo a password

    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in text):
        raise bad("contains a space or a control character")
    if "://" not in text:
        raise bad(f"has no http:// or https:// scheme; write http://{text} (or https://)")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise bad(f"is not a valid URL ({exc}); a port must be a number in 1..65535") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise bad(f"has scheme {parts.scheme!r}; only http:// and https:// are supported")
    if "@" in parts.netloc:
        raise bad("holds a user name or password; give the key with --api-key or OPENAI_API_KEY")
    if not parts.hostname:
        raise bad("has no host")
    if port == 0:
        raise bad("has port 0; a port must be a number in 1..65535")
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise bad("has a query (?...) or fragment (#...); a base URL is scheme, host, port, path")
    path = parts.path.rstrip("/")
    for suffix in _ENDPOINTS:
        if path.endswith(suffix):
            path = path[: -len(suffix)].rstrip("/")
            break
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))
