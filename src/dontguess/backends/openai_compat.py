"""OpenAI-compatible HTTP backend: vLLM, SGLang, llama.cpp server, Ollama, OpenAI, OpenRouter.

One pooled :class:`aiohttp.ClientSession` per backend (aiohttp was chosen by measurement:
``httpx.AsyncClient`` slowed down as the number of connections grew). Several base URLs
serve one model as replicas; each URL has its own concurrency limit and each request goes
to the URL with the fewest requests in flight. Base URLs are checked by
:func:`~dontguess.backends.registry.base_url` (absolute ``http(s)://``, no credentials);
redirects are never followed, so the key only goes to the host named.

Status handling:

- 200 → :class:`~dontguess.records.Reply` with text. A body over ``max_reply_bytes``
  (default 8 MiB, read in chunks and abandoned once over) is an error reply naming the
  limit. A body that is not usable (not JSON, nested too deep, no ``choices``, a
  non-integer ``index``, answer text that is not a string) raises
  :class:`~dontguess.backends.base.TransientBackendError` (bounded retries by the runner);
  token counts that are not non-negative integers are dropped, bad log-probabilities too.
- 401/403 (authentication), 404 (no such endpoint or model), 3xx (a redirect) and a
  connection failure (refused, DNS, TLS) on a base URL that has never answered raise
  :class:`~dontguess.backends.base.FatalBackendError`: every further request would fail
  the same way. :meth:`OpenAIBackend.check` finds an unreachable server before any request.
- 429 and 5xx, time-outs, dropped connections, and connection failures once the base URL
  has answered → :class:`TransientBackendError` (the runner retries, honouring
  ``Retry-After``); any other 4xx → ``Reply(error=...)`` with the server's message, at once.

The API key is sent in the ``Authorization`` header only. Every string this backend emits
(error replies, exception messages, body snippets, answer text) passes through one
:class:`~dontguess._util.redact.Redactor` before it is cut to length.

``Request.extra`` (``--body KEY=VALUE``) adds or replaces body fields; a ``None`` value
leaves the field out. The token limit goes in ``max_tokens``, or in
``max_completion_tokens`` for OpenAI reasoning models (``max_tokens_field=``, default
``auto``: chosen by the model name, :func:`~dontguess.backends._body.length_field`).

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

from dontguess._util.redact import Redactor
from dontguess.backends._body import length_field
from dontguess.backends._openai_reply import ReplyParser
from dontguess.backends._url import base_url
from dontguess.backends.base import FatalBackendError, Request, TransientBackendError
from dontguess.errors import InputError
from dontguess.records import Reply

__all__ = ["DEFAULT_MAX_REPLY_BYTES", "OpenAIBackend", "parse_retry_after"]

#: Default cap on a reply body (8 MiB); ``max_reply_bytes=`` / ``--max-reply-mb`` change it.
DEFAULT_MAX_REPLY_BYTES = 8 * 2**20
_API_PATHS = {"chat": "/chat/completions", "completions": "/completions"}
_ERROR_BODY_BYTES = 64 * 2**10  # of a 4xx/5xx body, enough for the server's message
_THREAD_PARSE_BYTES = 2**20  # bodies above this are parsed off the event loop
_CHECK_TIMEOUT = 10.0


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    >>> parse_retry_after("2"), parse_retry_after(None), parse_retry_after("soon")
    (2.0, None, None)
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds else None  # NaN
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class _Endpoint:
    """One base URL with its own concurrency limit, in-flight count, and whether it has
    ever answered (any HTTP status) in this backend's life."""

    __slots__ = ("answered", "base", "in_flight", "semaphore", "url")

    def __init__(self, base: str, path: str, concurrency: int) -> None:
        self.base = base
        self.url = base + path
        self.semaphore = asyncio.Semaphore(concurrency)
        self.in_flight = 0
        self.answered = False


class _Body:
    """A response body read up to a cap: its first bytes and whether it went over."""

    __slots__ = ("data", "over")

    def __init__(self, data: bytes, over: bool) -> None:
        self.data = data
        self.over = over


class OpenAIBackend:
    """Client for an OpenAI-compatible ``/chat/completions`` or ``/completions`` API.

    Args:
        model: the model name sent in the body.
        base_urls: one or more absolute base URLs, usually ending in ``/v1`` (replicas of
            one model); checked, and a pasted ``/chat/completions`` is cut off.
        api_key: bearer token, or ``None`` for servers that need none.
        api: ``"chat"`` or ``"completions"``.
        concurrency: requests in flight per base URL.
        timeout: seconds allowed for one request (connect + read).
        max_reply_bytes: largest reply body read, in bytes (default 8 MiB); a larger one
            ends that request as an error reply naming the limit.
        max_tokens_field: body field of the token limit: ``max_tokens``,
            ``max_completion_tokens`` or ``auto`` (the latter for OpenAI reasoning models).

    Raises:
        InputError: a bad base URL or option, before anything is sent.
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
        max_reply_bytes: float = DEFAULT_MAX_REPLY_BYTES,
        max_tokens_field: str = "auto",
    ) -> None:
        if not base_urls:
            raise InputError(f"model {model!r}: no base URL given")
        if api not in _API_PATHS:
            raise InputError(f"api must be 'chat' or 'completions', got {api!r}")
        if concurrency < 1:
            raise InputError(f"concurrency must be >= 1, got {concurrency}")
        if not 1 <= max_reply_bytes < 2**53:  # NaN fails too
            raise InputError(
                "the reply size cap (--max-reply-mb, max_reply_bytes=) must be at least "
                f"1 byte and finite, got {max_reply_bytes} bytes"
            )
        self.name = f"openai:{model}"
        self.model = model
        self.api = api
        self.max_concurrency = concurrency * len(base_urls)
        self.max_reply_bytes = int(max_reply_bytes)
        self.max_tokens_field = length_field(model, max_tokens_field)
        self._bases = [base_url(u) for u in base_urls]
        self._urls = [b + _API_PATHS[api] for b in self._bases]
        self._concurrency = concurrency
        self._key = api_key or None
        self._redact = Redactor([self._key])
        self._parser = ReplyParser(api, self._redact)
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._endpoints = [_Endpoint(b, _API_PATHS[api], concurrency) for b in self._bases]

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
        return self._session

    @property
    def base_urls(self) -> tuple[str, ...]:
        """The checked base URLs (no key: URLs holding credentials are refused)."""
        return tuple(self._bases)

    def body(self, request: Request) -> dict[str, Any]:
        """The JSON body sent for ``request`` (``extra`` fields last; ``None`` removes one).

        >>> b = OpenAIBackend("o3-mini", ["http://h/v1"])
        >>> b.body(Request(prompt="hi", extra={"temperature": None, "top_p": 0.5}))
        {'model': 'o3-mini', 'max_completion_tokens': 256, 'messages': [...], 'top_p': 0.5}
        """
        body: dict[str, Any] = {
            "model": self.model,
            "temperature": request.temperature,
            self.max_tokens_field: request.max_tokens,
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
        return {k: v for k, v in body.items() if v is not None}

    async def check(self) -> None:
        """Make sure every base URL can be reached, before sending any request.

        One ``GET <base>/models`` per base URL not yet heard from, with a 10 s connect
        limit. Any HTTP status (even 401 or 404) counts as reachable, and so does a
        server that accepts the connection but is slow to answer.

        Raises:
            FatalBackendError: a base URL refuses connections, does not resolve, fails
                the TLS handshake or does not accept a connection within the limit.
        """
        session = self._session or self._open()
        await asyncio.gather(*(self._probe(session, e) for e in self._endpoints if not e.answered))

    async def _probe(self, session: aiohttp.ClientSession, endpoint: _Endpoint) -> None:
        limit = min(self._timeout, _CHECK_TIMEOUT)
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=limit, sock_read=limit)
        try:
            async with session.get(
                endpoint.base + "/models", timeout=timeout, allow_redirects=False
            ):
                endpoint.answered = True
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            raise self._unreachable(endpoint, exc) from exc
        except (TimeoutError, aiohttp.ClientError):
            return  # it took the connection: the server is there

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
                replies = await self._post(session, endpoint, data, request.n)
        finally:
            endpoint.in_flight -= 1
        return replies[: request.n]

    async def _post(
        self, session: aiohttp.ClientSession, endpoint: _Endpoint, data: bytes, n: int
    ) -> list[Reply]:
        try:
            async with session.post(endpoint.url, data=data, allow_redirects=False) as resp:
                endpoint.answered = True
                cap = self.max_reply_bytes if resp.status == 200 else _ERROR_BODY_BYTES
                body = await _read_capped(resp, cap)
                status, headers = resp.status, resp.headers
        except TimeoutError as exc:
            raise TransientBackendError(f"timed out after {self._timeout:g} s") from exc
        except aiohttp.ClientConnectorError as exc:
            if not endpoint.answered:
                raise self._unreachable(endpoint, exc) from exc
            raise self._transient(f"{type(exc).__name__}: {exc}") from exc
        except aiohttp.ClientError as exc:
            raise self._transient(f"{type(exc).__name__}: {exc}") from exc
        if status == 200:
            return await self._ok(body, n)
        if status == 429 or status >= 500:
            retry_after = parse_retry_after(headers.get("Retry-After"))
            raise self._transient(f"HTTP {status}: {self._message(body)}", retry_after)
        self._raise_fatal(status, endpoint, body, headers.get("Location"))
        return [Reply(text=None, error=f"HTTP {status}: {self._message(body)}")] * n

    async def _ok(self, body: _Body, n: int) -> list[Reply]:
        """The replies of a 200 body, or an error reply for each sample if it is too big."""
        if body.over:
            mib = self.max_reply_bytes / 2**20
            why = (
                f"reply body over the {mib:g} MiB limit; raise it with --max-reply-mb "
                "(max_reply_bytes= in Python) if the answers really are that long"
            )
            return [Reply(text=None, error=why)] * n
        if len(body.data) > _THREAD_PARSE_BYTES:
            return await asyncio.to_thread(self._parser.parse, body.data)
        return self._parser.parse(body.data)

    def _raise_fatal(
        self, status: int, endpoint: _Endpoint, body: _Body, location: str | None
    ) -> None:
        """Raise :class:`FatalBackendError` for a status no further request can fix."""
        if status in (401, 403):
            raise self._fatal(
                f"authentication failed at {endpoint.url} (HTTP {status}: "
                f"{self._message(body)}): check --api-key / OPENAI_API_KEY"
            )
        if status == 404:
            raise self._fatal(
                f"not found (HTTP 404) at {endpoint.url}: {self._message(body)}; "
                + _hint_404(endpoint.base)
            )
        if 300 <= status < 400:
            raise self._fatal(
                f"HTTP {status} from {endpoint.url}: the server redirects to "
                f"{location or '(no Location)'}; redirects are not followed (the key would "
                "go along): put the final URL in the model spec"
            )

    def _unreachable(self, endpoint: _Endpoint, exc: BaseException) -> FatalBackendError:
        return self._fatal(
            f"cannot connect to {endpoint.base} ({type(exc).__name__}: {exc}): check that "
            "the server is running and that the URL in the model spec is right"
        )

    def _fatal(self, message: str) -> FatalBackendError:
        return FatalBackendError(self._redact(message, limit=1000))

    def _transient(self, message: str, retry_after: float | None = None) -> TransientBackendError:
        return TransientBackendError(self._redact(message, limit=1000), retry_after=retry_after)

    def _message(self, body: _Body | bytes) -> str:
        """The server's error message (``error.message`` if JSON), scrubbed, ≤ 500 chars."""
        raw = body.data if isinstance(body, _Body) else body
        return self._parser.message(raw)

    async def aclose(self) -> None:
        """Close the pooled connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None


async def _read_capped(resp: aiohttp.ClientResponse, cap: int) -> _Body:
    """Read at most ``cap`` bytes of the body, in chunks; stop (and say so) once over."""
    if resp.content_length is not None and resp.content_length > cap:
        return _Body(b"", True)
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(64 * 2**10):
        size += len(chunk)
        if size > cap:
            chunks.append(chunk[: len(chunk) - (size - cap)])
            resp.close()
            return _Body(b"".join(chunks), True)
        chunks.append(chunk)
    return _Body(b"".join(chunks), False)


def _hint_404(base: str) -> str:
    """What to check after a 404: ``/v1`` if the base URL lacks it, else the rest.

    >>> _hint_404("http://127.0.0.1:8000")
    'the base URL http://127.0.0.1:8000 does not end in /v1, ... (try http://127.0.0.1:8000/v1)'
    """
    if not base.endswith("/v1"):
        return (
            f"the base URL {base} does not end in /v1, where OpenAI-compatible servers "
            f"serve (try {base}/v1)"
        )
    return "check the base URL, --api (chat or completions) and the model name"
