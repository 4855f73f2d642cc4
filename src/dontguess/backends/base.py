"""The backend protocol: a backend answers one request; it never grades.

A :class:`Request` is one chat (``messages``) or completion (``prompt``) call with its
generation parameters and the sample index. A backend returns a
:class:`~dontguess.records.Reply`: answer text, or an error message when the request failed
in a way retrying cannot fix (an HTTP 4xx other than 429). A backend that can return several
samples from one call (the OpenAI ``n`` field) also implements :class:`ChoicesBackend`;
the runner then sends ``Request(n=k)`` once instead of ``k`` requests. Failures that a retry may fix
(429, 5xx, time-outs, dropped connections, malformed bodies) are raised as
:class:`TransientBackendError`; the runner owns the bounded retry loop, so every backend
gets the same policy. Failures that make every further request pointless (a refused key, a
missing endpoint, a redirect, a server that cannot be reached before it ever answered) are
raised as :class:`FatalBackendError`: the runner stops the run at once.

A backend may also offer ``async def check(self) -> None``, a cheap reachability test the
runner awaits once before sending (:meth:`OpenAIBackend.check
<dontguess.backends.openai_compat.OpenAIBackend.check>` probes ``GET <base>/models``); it
raises :class:`FatalBackendError` for a server that cannot be reached. Every string a
backend emits (``Reply.error``, exception messages, answer text) must already be scrubbed of
the API key (:class:`dontguess._util.redact.Redactor`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from dontguess.errors import BackendError
from dontguess.records import Reply

__all__ = [
    "Backend",
    "ChoicesBackend",
    "FatalBackendError",
    "Message",
    "Request",
    "TransientBackendError",
]

#: One chat message as ``(role, content)``.
Message = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Request:
    """One call to a model.

    Attributes:
        messages: chat messages ``((role, content), ...)``; empty for a completion call.
        prompt: the completion prompt, used when ``messages`` is empty.
        temperature: sampling temperature.
        max_tokens: upper bound on generated tokens.
        seed: sampling seed passed to the server, if any.
        logprobs: ask for per-token log-probabilities.
        sample: 0-based sample index; repeated samples of one prompt are distinct requests.
            With ``n > 1`` it is the index of the first of the ``n`` samples asked for.
        n: how many choices to ask for in this one call (the OpenAI ``n`` field); choice
            ``j`` is sample ``sample + j``. Only :class:`ChoicesBackend` honours ``n > 1``.
        question: the bare question (before any rubric text). HTTP backends ignore it;
            simulated backends (:mod:`dontguess.backends.scripted`) answer from it.
        target: the stated confidence target, ``None`` for the closed rubric. Same use.
        extra: additional body fields sent verbatim by HTTP backends (e.g. ``top_p``).
    """

    messages: tuple[Message, ...] = ()
    prompt: str | None = None
    temperature: float = 0.0
    max_tokens: int = 256
    seed: int | None = None
    logprobs: bool = False
    sample: int = 0
    n: int = 1
    question: str | None = None
    target: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if bool(self.messages) == (self.prompt is not None):
            raise ValueError("a Request has exactly one of messages and prompt")
        if self.max_tokens < 1:
            raise ValueError(f"max_tokens must be >= 1, got {self.max_tokens}")
        if self.n < 1:
            raise ValueError(f"n must be >= 1, got {self.n}")
        if self.temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {self.temperature}")


class TransientBackendError(BackendError):
    """A failure a retry may fix: HTTP 429 or 5xx, a time-out, a dropped connection, or
    a malformed response body.

    Attributes:
        retry_after: seconds the server asked us to wait (``Retry-After``), if it did.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class FatalBackendError(BackendError):
    """A failure that makes every further request pointless: the run stops at once.

    Raised for authentication failures (HTTP 401/403), an endpoint that does not exist
    (HTTP 404 on the API path) and an endpoint that cannot be reached before it ever
    answered (connection refused, DNS, TLS). The message names the endpoint (never a key)
    and says what to check. The runner writes no ``DONE`` and the CLI exits 1.
    """


@runtime_checkable
class Backend(Protocol):
    """Anything that answers :class:`Request` objects.

    Attributes:
        name: the model's identity in records: kind and model, never a URL or a key
            (e.g. ``openai:gpt-4o-mini``).
        max_concurrency: how many requests the runner may keep in flight at once.
    """

    name: str
    max_concurrency: int

    async def complete(self, request: Request) -> Reply:
        """Answer one request, or raise :class:`TransientBackendError`."""
        ...

    async def aclose(self) -> None:
        """Release connections; the backend is not used afterwards."""
        ...


@runtime_checkable
class ChoicesBackend(Backend, Protocol):
    """A backend that answers ``request.n`` samples in one call (the OpenAI ``n`` field)."""

    async def complete_choices(self, request: Request) -> list[Reply]:
        """Up to ``request.n`` replies in choice order, or raise :class:`TransientBackendError`.

        A failure of the whole call (an HTTP 4xx) is one error reply repeated ``n`` times.
        The list may be shorter than ``n`` when the server returned fewer choices; the
        runner records each missing sample as an error.
        """
        ...
