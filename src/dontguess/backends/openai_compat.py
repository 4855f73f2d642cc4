"""OpenAI-compatible HTTP backend: vLLM, SGLang, llama.cpp server, Ollama, OpenAI, OpenRouter.

One pooled :class:`aiohttp.ClientSession` per backend (aiohttp was chosen by measurement:
``httpx.AsyncClient`` slowed down as the number of connections grew). Several base URLs
serve one model as replicas; each URL has its own concurrency limit and each request goes
to the URL with the fewest requests in flight.

Status handling: 200 → :class:`~dontguess.records.Reply` with text; 429 and 5xx, time-outs,
dropped connections and malformed bodies → :class:`TransientBackendError` (the runner
retries, honouring ``Retry-After``); any other 4xx → ``Reply(error=...)`` with the server's
message, at once. The API key is sent in the ``Authorization`` header only and is scrubbed
from every error message.

``Request(n=k)`` sends the ``n`` body field; :meth:`OpenAIBackend.complete_choices` returns
the choices in ``index`` order, at most ``k`` (the request's token usage goes on the first).
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from collections.abc import Sequence
from typing import Any

import aiohttp

from dontguess.backends.base import Request, TransientBackendError
from dontguess.errors import InputError
from dontguess.records import Reply

__all__ = ["OpenAIBackend", "parse_retry_after"]

_API_PATHS = {"chat": "/chat/completions", "completions": "/completions"}


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    >>> parse_retry_after("2"), parse_retry_after(None), parse_retry_after("soon")
    (2.0, None, None)
    """
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class _Endpoint:
    """One base URL with its own concurrency limit and in-flight count."""

    __slots__ = ("in_flight", "semaphore", "url")

    def __init__(self, url: str, concurrency: int) -> None:
        self.url = url
        self.semaphore = asyncio.Semaphore(concurrency)
        self.in_flight = 0


class OpenAIBackend:
    """Client for an OpenAI-compatible ``/chat/completions`` or ``/completions`` API.

    Args:
        model: the model name sent in the body.
        base_urls: one or more base URLs ending in ``/v1`` (replicas of one model).
        api_key: bearer token, or ``None`` for servers that need none.
        api: ``"chat"`` or ``"completions"``.
        concurrency: requests in flight per base URL.
        timeout: seconds allowed for one request (connect + read).
    """

    def __init__(
        self,
        model: str,
        base_urls: Sequence[str],
        *,
        api_key: str | None = None,
        api: str = "chat",
        concurrency: int = 32,
        timeout: float = 120.0,
    ) -> None:
        if not base_urls:
            raise InputError(f"model {model!r}: no base URL given")
        if api not in _API_PATHS:
            raise InputError(f"api must be 'chat' or 'completions', got {api!r}")
        if concurrency < 1:
            raise InputError(f"concurrency must be >= 1, got {concurrency}")
        self.name = f"openai:{model}"
        self.model = model
        self.api = api
        self.max_concurrency = concurrency * len(base_urls)
        self._urls = [u.rstrip("/") + _API_PATHS[api] for u in base_urls]
        self._concurrency = concurrency
        self._key = api_key or None
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._endpoints: list[_Endpoint] = []

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self.max_concurrency, limit_per_host=self._concurrency, ttl_dns_cache=300
        )
        headers = {"Content-Type": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=self._timeout),
        )
        self._endpoints = [_Endpoint(u, self._concurrency) for u in self._urls]
        return self._session

    def body(self, request: Request) -> dict[str, Any]:
        """The JSON body sent for ``request``."""
        body: dict[str, Any] = {
            "model": self.model,
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
        }
        if self.api == "chat":
            if request.messages:
                body["messages"] = [{"role": r, "content": c} for r, c in request.messages]
            else:
                body["messages"] = [{"role": "user", "content": request.prompt}]
            if request.logprobs:
                body["logprobs"] = True
        else:
            body["prompt"] = (
                request.prompt
                if request.prompt is not None
                else "\n\n".join(c for _, c in request.messages)
            )
            if request.logprobs:
                body["logprobs"] = 1
        if request.seed is not None:
            body["seed"] = request.seed
        if request.n > 1:
            body["n"] = request.n
        body.update(request.extra)
        return body

    async def complete(self, request: Request) -> Reply:
        """Send ``request`` to the least-busy base URL; see the module doc for statuses."""
        return (await self.complete_choices(request))[0]

    async def complete_choices(self, request: Request) -> list[Reply]:
        """Send ``request`` once and return its choices (at most ``request.n``) in order.

        An HTTP 4xx is one error reply repeated ``request.n`` times; a server that returns
        fewer choices than asked gives a shorter list (the runner records the rest as errors).
        """
        session = self._session or self._open()
        endpoint = min(self._endpoints, key=lambda e: e.in_flight)
        data = json.dumps(self.body(request)).encode()
        endpoint.in_flight += 1
        try:
            async with endpoint.semaphore:
                replies = await self._post(session, endpoint.url, data, request.n)
        finally:
            endpoint.in_flight -= 1
        return replies[: request.n]

    async def _post(
        self, session: aiohttp.ClientSession, url: str, data: bytes, n: int
    ) -> list[Reply]:
        try:
            async with session.post(url, data=data) as resp:
                raw = await resp.read()
                status = resp.status
                retry_after = parse_retry_after(resp.headers.get("Retry-After"))
        except TimeoutError as exc:
            raise TransientBackendError(f"timed out after {self._timeout:g} s") from exc
        except aiohttp.ClientError as exc:
            raise TransientBackendError(self._scrub(f"{type(exc).__name__}: {exc}")) from exc
        if status == 429 or status >= 500:
            raise TransientBackendError(
                f"HTTP {status}: {self._message(raw)}", retry_after=retry_after
            )
        if status != 200:
            return [Reply(text=None, error=f"HTTP {status}: {self._message(raw)}")] * n
        return self._parse(raw)

    def _parse(self, raw: bytes) -> list[Reply]:
        try:
            doc = json.loads(raw)
            choices = list(doc["choices"])
            if not choices:
                raise IndexError("no choices")
            choices.sort(key=lambda c: int(c.get("index", 0)))
            usage = doc.get("usage") or {}
            replies = [self._choice(c, usage if i == 0 else {}) for i, c in enumerate(choices)]
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            snippet = raw[:200].decode("utf-8", "replace")
            raise TransientBackendError(f"malformed response body ({exc}): {snippet!r}") from exc
        return replies

    def _choice(self, choice: Any, usage: Any) -> Reply:
        """One choice as a reply; ``usage`` is the request's token counts (first choice only)."""
        text = choice["message"]["content"] if self.api == "chat" else choice["text"]
        if text is None and (why := _no_answer(choice)) is not None:
            return Reply(text=None, error=why, completion_tokens=usage.get("completion_tokens"))
        if not isinstance(text, str):
            raise TypeError(f"answer text is {type(text).__name__}")
        return Reply(
            text=text,
            logprobs=_logprobs(choice.get("logprobs"), self.api),
            prompt_tokens=usage.get("prompt_tokens"),
            completion_tokens=usage.get("completion_tokens"),
        )

    def _message(self, raw: bytes) -> str:
        """The server's error message (``error.message`` if JSON), key scrubbed, ≤ 500 chars."""
        text = raw.decode("utf-8", "replace")
        try:
            doc = json.loads(text)
            err = doc.get("error", doc) if isinstance(doc, dict) else doc
            msg = err.get("message", text) if isinstance(err, dict) else str(err)
            text = msg if isinstance(msg, str) else json.dumps(msg)
        except ValueError:
            pass
        return self._scrub(" ".join(text.split())[:500] or "(empty body)")

    def _scrub(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key else text

    async def aclose(self) -> None:
        """Close the pooled connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None


def _no_answer(choice: Any) -> str | None:
    """Why a 200 reply holds no text, when retrying would not change it; else ``None``.

    A refusal, a content filter, or the token budget spent before any answer text (e.g. on
    hidden reasoning) are final outcomes, not malformed bodies.
    """
    message = choice.get("message") or {}
    if isinstance(message.get("refusal"), str):
        return f"refused: {message['refusal'][:300]}"
    reason = choice.get("finish_reason")
    if reason in ("length", "content_filter"):
        return f"no answer text (finish_reason={reason})"
    return None


def _logprobs(block: Any, api: str) -> tuple[float, ...] | None:
    if not block:
        return None
    if api == "chat":
        return tuple(float(t["logprob"]) for t in block.get("content") or ())
    return tuple(float(x) for x in block.get("token_logprobs") or () if x is not None)
