"""Model backends: a backend answers; it never grades.

- :mod:`~dontguess.backends.base`: the :class:`Backend` protocol, :class:`Request`,
  :class:`ChoicesBackend` (several samples per call),
  :class:`TransientBackendError` (retryable failures), :class:`FatalBackendError`
  (failures that stop a run: authentication, a missing endpoint, an unreachable server).
- :mod:`~dontguess.backends.openai_compat`: any OpenAI-compatible server (aiohttp).
- :mod:`~dontguess.backends.scripted`: a deterministic offline backend.
- :mod:`~dontguess.backends.registry`: ``make_backend("openai:MODEL@URL")``.
- ``dontguess.backends.hf``: local Hugging Face models (lazy torch).
"""

from __future__ import annotations

from dontguess.backends.base import (
    Backend,
    ChoicesBackend,
    FatalBackendError,
    Message,
    Request,
    TransientBackendError,
)
from dontguess.backends.registry import ModelSpec, make_backend, parse_spec

__all__ = [
    "Backend",
    "ChoicesBackend",
    "FatalBackendError",
    "Message",
    "ModelSpec",
    "Request",
    "TransientBackendError",
    "make_backend",
    "parse_spec",
]
