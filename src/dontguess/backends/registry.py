"""Model spec strings → backends.

Spec forms:

- ``openai:MODEL@URL[,URL...]``: an OpenAI-compatible server; several URLs are replicas.
  Each URL is an absolute ``http://`` or ``https://`` base URL, usually ending in ``/v1``;
  anything else (no scheme, no host, a user name or password, a query, a bad port) is an
  :class:`~dontguess.errors.InputError` naming the bad part, raised before any request.
  A pasted endpoint (``…/v1/chat/completions`` or ``…/v1/completions``) is cut back to its
  base URL; ``--api`` chooses the endpoint.
- ``openai/MODEL[@URL]``: the same (inspect_ai's and LiteLLM's spelling); the record name
  is ``openai:MODEL`` either way.
- ``openai:MODEL`` (no ``@URL``): the base URL is the ``base_url=`` option (``--base-url``),
  else ``OPENAI_BASE_URL``, checked the same way, or, only when both are unset or empty,
  :data:`DEFAULT_OPENAI_BASE_URL`. A spec such as
  ``openai:m@127.0.0.1:8000/v1`` (a URL without its scheme) is refused rather than read as
  a model name, so a key never goes to a host the user did not name.
  The key is ``api_key=`` or ``OPENAI_API_KEY``.
- ``scripted:calibrated[,seed=S]``, ``scripted:guesser[,seed=S]``, ``scripted:table=PATH``.
- ``hf:PATH``: a local Hugging Face model (needs ``pip install 'dontguess[hf]'``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from dontguess.backends._body import parse_body_fields
from dontguess.backends._url import base_url
from dontguess.backends.base import Backend
from dontguess.errors import InputError

__all__ = [
    "DEFAULT_OPENAI_BASE_URL",
    "ModelSpec",
    "base_url",
    "make_backend",
    "normalised_urls",
    "parse_body_fields",
    "parse_spec",
]

DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1"
_URL_SPLIT = re.compile(r"@(?=https?://)", re.IGNORECASE)
_OPENAI_OPTS = ("api", "concurrency", "timeout", "max_reply_bytes", "max_tokens_field")


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A parsed model spec.

    Attributes:
        kind: ``openai``, ``scripted`` or ``hf``.
        model: the model name (openai), the scripted options, or the hf path.
        urls: checked base URLs (openai only; empty means "from the environment").
    """

    kind: str
    model: str
    urls: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """Identity used in records: no URL, no key."""
        return f"{self.kind}:{self.model}"


def parse_spec(spec: str) -> ModelSpec:
    """Split ``spec`` into kind, model and checked base URLs.

    >>> parse_spec("openai:llama-3@http://a:8000/v1,http://b:8000/v1").urls
    ('http://a:8000/v1', 'http://b:8000/v1')
    >>> parse_spec("openai:m@http://127.0.0.1:8000/v1/chat/completions").urls
    ('http://127.0.0.1:8000/v1',)
    >>> parse_spec("scripted:calibrated,seed=2").name
    'scripted:calibrated,seed=2'
    >>> parse_spec("openai/meta-llama/Llama-3.1-8B@http://h:8000/v1").name
    'openai:meta-llama/Llama-3.1-8B'
    >>> parse_spec("openai:m@127.0.0.1:8000/v1")
    Traceback (most recent call last):
    ...
    dontguess.errors.InputError: model spec 'openai:m@127.0.0.1:8000/v1': ...
    """
    if spec[:7].lower() == "openai/":  # inspect_ai / LiteLLM spelling
        kind, sep, rest = "openai", ":", spec[7:]
    else:
        kind, sep, rest = spec.partition(":")
    if not sep or kind not in ("openai", "scripted", "hf") or not rest:
        raise InputError(
            "model spec must look like openai:MODEL@URL, openai/MODEL, scripted:MODE or "
            f"hf:PATH, got {spec!r}"
        )
    if kind != "openai":
        return ModelSpec(kind, rest)
    parts = _URL_SPLIT.split(rest, maxsplit=1)
    model, where = parts[0], f"model spec {spec!r}"
    if not model:
        raise InputError(f"model spec {spec!r} names no model")
    if len(parts) == 1:
        _no_bare_url(model, where)
        return ModelSpec(kind, model)
    urls = tuple(base_url(u, where=where) for u in parts[1].split(",") if u.strip())
    return ModelSpec(kind, model, urls)


def _no_bare_url(model: str, where: str) -> None:
    """Refuse ``MODEL@host...`` where the part after ``@`` is a URL without a scheme."""
    head, at, tail = model.rpartition("@")
    if not at or not (tail.lower() == "localhost" or any(c in tail for c in ".:/")):
        return
    if "://" in tail or re.match(r"(?i)https?:", tail):
        raise InputError(f"{where}: URL {tail!r} must start with http:// or https://")
    raise InputError(
        f"{where}: {tail!r} after '@' looks like a URL without a scheme; write "
        f"openai:{head}@http://{tail} (or https://). A model name holding '@' needs the "
        "URL spelled out too: openai:NAME@https://HOST/v1"
    )


def _given_urls(spec: str, given: str | None = None) -> list[tuple[str, str, str]]:
    """``(where, URL as written, source)`` of each base URL an openai spec will use."""
    if parse_spec(spec).kind != "openai":
        return []
    parts = _URL_SPLIT.split(spec[len("openai:") :], maxsplit=1)  # "openai/" is as long
    if len(parts) == 2:
        where = f"model spec {spec!r}"
        return [(where, u.strip(), "model spec") for u in parts[1].split(",") if u.strip()]
    if given is not None and given.strip():
        return [("--base-url", given.strip(), "--base-url")]
    env = os.environ.get("OPENAI_BASE_URL", "").strip()
    if env:
        return [("OPENAI_BASE_URL", env, "OPENAI_BASE_URL")]
    return []


def _openai_urls(parsed: ModelSpec, given: str | None = None) -> tuple[str, ...]:
    """The spec's URLs, else ``given`` (``--base-url``), else ``OPENAI_BASE_URL`` (checked),
    else the default."""
    if parsed.urls:
        return parsed.urls
    if given is not None and given.strip():
        return (base_url(given, where="--base-url"),)
    env = os.environ.get("OPENAI_BASE_URL", "").strip()
    if env:
        return (base_url(env, where="OPENAI_BASE_URL"),)
    return (DEFAULT_OPENAI_BASE_URL,)


def normalised_urls(spec: str, *, given: str | None = None) -> list[tuple[str, str, str]]:
    """The base URLs of an openai spec that were rewritten: ``(as written, used, source)``.

    Empty when every URL was used as written (and for other kinds). The CLI prints these,
    so a pasted endpoint that was cut back is visible.

    >>> normalised_urls("openai:m@http://127.0.0.1:8000/v1/chat/completions")
    [('http://127.0.0.1:8000/v1/chat/completions', 'http://127.0.0.1:8000/v1', 'model spec')]
    >>> normalised_urls("openai/m", given="http://h/v1")
    []
    """
    out = []
    for where, url, source in _given_urls(spec, given):
        used = base_url(url, where=where)
        if used != url:
            out.append((url, used, source))
    return out


def make_backend(spec: str, **opts: Any) -> Backend:
    """Build the backend a spec string names.

    Keyword options by kind: openai: ``api_key``, ``api`` (chat|completions),
    ``concurrency``, ``timeout``, ``max_reply_bytes`` (reply body cap, default 8 MiB),
    ``base_url`` (used when the spec names none, before ``OPENAI_BASE_URL``),
    ``max_tokens_field`` (``auto``, ``max_tokens`` or ``max_completion_tokens``);
    scripted: ``answer_key``, ``concurrency``; hf: passed to ``HFBackend``. Options a kind
    does not use are ignored. URLs are checked here, before any request is sent.
    """
    parsed = parse_spec(spec)
    if parsed.kind == "openai":
        from dontguess.backends.openai_compat import OpenAIBackend

        urls = _openai_urls(parsed, opts.get("base_url"))
        key = opts.get("api_key") or os.environ.get("OPENAI_API_KEY")
        keep = {k: opts[k] for k in _OPENAI_OPTS if opts.get(k) is not None}
        return OpenAIBackend(parsed.model, urls, api_key=key, **keep)
    if parsed.kind == "scripted":
        from dontguess.backends.scripted import ScriptedBackend

        return ScriptedBackend.from_options(
            parsed.model,
            answer_key=opts.get("answer_key"),
            concurrency=opts.get("concurrency") or 64,
        )
    from dontguess.backends.hf import HFBackend  # type: ignore[import-not-found,unused-ignore]

    drop = ("answer_key", "api_key", "api", "max_reply_bytes", "base_url", "max_tokens_field")
    hf_opts = {k: v for k, v in opts.items() if k not in drop}
    backend: Backend = HFBackend(parsed.model, **hf_opts)
    return backend
