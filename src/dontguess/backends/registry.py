"""Model spec strings → backends.

Spec forms:

- ``openai:MODEL@URL[,URL...]``: an OpenAI-compatible server; several URLs are replicas.
  Without ``@URL`` the base URL is ``OPENAI_BASE_URL`` (default ``https://api.openai.com/v1``).
  The key is ``api_key=`` or ``OPENAI_API_KEY``.
- ``scripted:calibrated[,seed=S]``, ``scripted:guesser[,seed=S]``, ``scripted:table=PATH``.
- ``hf:PATH``: a local Hugging Face model (needs ``pip install 'dontguess[hf]'``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from dontguess.backends.base import Backend
from dontguess.errors import InputError

__all__ = ["DEFAULT_OPENAI_BASE_URL", "ModelSpec", "make_backend", "parse_spec"]

DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1"
_URL_SPLIT = re.compile(r"@(?=https?://)")


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A parsed model spec.

    Attributes:
        kind: ``openai``, ``scripted`` or ``hf``.
        model: the model name (openai), the scripted options, or the hf path.
        urls: base URLs (openai only; empty means "from the environment").
    """

    kind: str
    model: str
    urls: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """Identity used in records: no URL, no key."""
        return f"{self.kind}:{self.model}"


def parse_spec(spec: str) -> ModelSpec:
    """Split ``spec`` into kind, model and URLs.

    >>> parse_spec("openai:llama-3@http://a:8000/v1,http://b:8000/v1").urls
    ('http://a:8000/v1', 'http://b:8000/v1')
    >>> parse_spec("scripted:calibrated,seed=2").name
    'scripted:calibrated,seed=2'
    """
    kind, sep, rest = spec.partition(":")
    if not sep or kind not in ("openai", "scripted", "hf") or not rest:
        raise InputError(
            f"model spec must look like openai:MODEL@URL, scripted:MODE or hf:PATH, got {spec!r}"
        )
    if kind != "openai":
        return ModelSpec(kind, rest)
    parts = _URL_SPLIT.split(rest, maxsplit=1)
    model = parts[0]
    urls = tuple(u.strip() for u in parts[1].split(",") if u.strip()) if len(parts) > 1 else ()
    if not model:
        raise InputError(f"model spec {spec!r} names no model")
    return ModelSpec(kind, model, urls)


def make_backend(spec: str, **opts: Any) -> Backend:
    """Build the backend a spec string names.

    Keyword options by kind: openai: ``api_key``, ``api`` (chat|completions),
    ``concurrency``, ``timeout``; scripted: ``answer_key``, ``concurrency``; hf: passed to
    ``HFBackend``. Options a kind does not use are ignored.
    """
    parsed = parse_spec(spec)
    if parsed.kind == "openai":
        from dontguess.backends.openai_compat import OpenAIBackend

        urls = parsed.urls or (os.environ.get("OPENAI_BASE_URL") or DEFAULT_OPENAI_BASE_URL,)
        key = opts.get("api_key") or os.environ.get("OPENAI_API_KEY")
        keep = {k: opts[k] for k in ("api", "concurrency", "timeout") if opts.get(k) is not None}
        return OpenAIBackend(parsed.model, urls, api_key=key, **keep)
    if parsed.kind == "scripted":
        from dontguess.backends.scripted import ScriptedBackend

        return ScriptedBackend.from_options(
            parsed.model,
            answer_key=opts.get("answer_key"),
            concurrency=opts.get("concurrency") or 64,
        )
    from dontguess.backends.hf import HFBackend  # type: ignore[import-not-found,unused-ignore]

    hf_opts = {k: v for k, v in opts.items() if k not in ("answer_key", "api_key", "api")}
    backend: Backend = HFBackend(parsed.model, **hf_opts)
    return backend
