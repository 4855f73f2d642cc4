"""OpenAIBackend against the hostile server process on 127.0.0.1 (issue 13).

Each bad reply shape ends that one request with a reason (an error reply or a
TransientBackendError for the runner to retry, bounded); auth, not-found, redirects and an
unreachable server raise FatalBackendError; nothing crashes and no key leaves.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from dontguess.backends import Request, TransientBackendError, make_backend
from dontguess.backends.base import FatalBackendError
from dontguess.backends.openai_compat import OpenAIBackend
from dontguess.records import Reply

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "standin"))
from hostile_server import hostile
from standin_fixture import standin
from standin_model import make_question

KEY = "sk-hostile-Hq83Ka0Zm"  # 20 characters
ASK = Request(messages=(("user", make_question(1)[0]),))


def _run(backend: OpenAIBackend, make: Callable[[OpenAIBackend], Awaitable[Any]]) -> Any:
    async def go() -> Any:
        try:
            return await make(backend)
        finally:
            await backend.aclose()

    return asyncio.run(go())


def _ask(backend: OpenAIBackend, n: int = 1) -> Reply | BaseException:
    async def one(b: OpenAIBackend) -> Reply | BaseException:
        try:
            return (await b.complete_choices(Request(prompt="What is 1 plus 2?", n=n)))[0]
        except Exception as exc:  # the test looks at it
            return exc

    result: Reply | BaseException = _run(backend, one)
    return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def _no_key(text: str) -> None:
    assert not [KEY[i : i + 6] for i in range(len(KEY) - 5) if KEY[i : i + 6] in text], text


@pytest.mark.parametrize(
    ("mode", "why"),
    [
        ("junk", "not JSON"),
        ("nochoices", 'no "choices" list'),
        ("deep", "nested too deep"),
        ("infinity", "choice index is float inf"),
        ("nan", "choice index is float nan"),
        ("choicesdict", 'no "choices" list'),
        ("contentnum", "answer text is int 4"),
    ],
)
def test_unusable_200_is_a_transient_error_with_a_reason(mode: str, why: str) -> None:
    """Regression (issue 13): deep nesting and Infinity crashed the run (RecursionError,
    OverflowError); the junk snippet carried the key."""
    with hostile(mode) as s:
        err = _ask(OpenAIBackend("m", [s.url], api_key=KEY))
    assert isinstance(err, TransientBackendError), err
    assert f"malformed response body ({why}" in str(err)
    _no_key(str(err))


def test_wrong_type_usage_is_dropped_not_journaled() -> None:
    """Regression (issue 13): "prompt_tokens": "ten" went into the journal as text."""
    with hostile("badusage") as s:
        reply = _ask(OpenAIBackend("m", [s.url]))
    assert isinstance(reply, Reply) and reply.text is not None
    assert (reply.prompt_tokens, reply.completion_tokens) == (None, None)


def test_huge_body_stops_at_the_cap() -> None:
    """Regression (issue 13): a 50 MB answer was read whole into memory."""
    with hostile("huge", "--huge-mb", "50") as s:
        t0 = time.perf_counter()
        reply = _ask(OpenAIBackend("m", [s.url], max_reply_bytes=2**20))
        elapsed = time.perf_counter() - t0
        time.sleep(0.2)
        sent = s.stats()["bytes"]
    assert isinstance(reply, Reply), reply
    assert reply.error is not None and "1 MiB limit" in reply.error
    assert "--max-reply-mb" in reply.error
    assert elapsed < 20
    assert sent < 40 * 2**20  # the client hung up long before the 50 MB were written


def test_body_under_the_cap_is_read() -> None:
    with hostile("huge", "--huge-mb", "3") as s:
        reply = _ask(OpenAIBackend("m", [s.url], max_reply_bytes=4 * 2**20))
    assert isinstance(reply, Reply) and reply.text is not None and len(reply.text) == 3 * 2**20


@pytest.mark.parametrize("status", ["401", "403"])
def test_auth_failure_is_fatal_and_names_no_key(status: str) -> None:
    """Regression (issue 13): a 401 was one error reply per request, for every request."""
    with hostile(status) as s:
        err = _ask(OpenAIBackend("m", [s.url], api_key=KEY))
    assert isinstance(err, FatalBackendError), err
    msg = str(err)
    assert msg.startswith(f"authentication failed at {s.url}/chat/completions (HTTP {status}")
    assert msg.endswith("check --api-key / OPENAI_API_KEY")
    _no_key(msg)


def test_404_is_fatal_and_suggests_v1() -> None:
    """Regression (issue 13): leaving off /v1 gave `HTTP 404: 404: Not Found`, no hint."""
    with standin() as s:
        base = s.url.removesuffix("/v1")
        err = _ask(OpenAIBackend("m", [base]))
    assert isinstance(err, FatalBackendError), err
    assert f"at {base}/chat/completions" in str(err)
    assert f"(try {base}/v1)" in str(err)


def test_404_with_v1_names_the_url_and_the_server_message() -> None:
    with hostile("404") as s:
        err = _ask(OpenAIBackend("m", [s.url], api_key=KEY))
    assert isinstance(err, FatalBackendError)
    assert f"not found (HTTP 404) at {s.url}/chat/completions: 404 echo" in str(err)
    assert "try" not in str(err) and "model name" in str(err)
    _no_key(str(err))


def test_redirect_is_fatal_and_not_followed() -> None:
    with hostile("redirect") as s:
        err = _ask(OpenAIBackend("m", [s.url], api_key=KEY))
        paths = s.stats()["paths"]
    assert isinstance(err, FatalBackendError) and "redirects are not followed" in str(err)
    assert paths == {"/v1/chat/completions": 1}


def test_server_errors_stay_transient_and_scrubbed() -> None:
    with hostile("500") as s:
        err = _ask(OpenAIBackend("m", [s.url], api_key=KEY))
    assert isinstance(err, TransientBackendError) and not isinstance(err, FatalBackendError)
    assert str(err).startswith("HTTP 500: 500 echo Bearer ***")
    _no_key(str(err))


def test_unreachable_before_any_answer_is_fatal() -> None:
    """Regression (issue 13): a server that was down looked like a finished evaluation."""
    url = f"http://127.0.0.1:{_free_port()}/v1"
    err = _ask(OpenAIBackend("m", [url]))
    assert isinstance(err, FatalBackendError), err
    assert str(err).startswith(f"cannot connect to {url} (ClientConnectorError")
    assert "check that the server is running" in str(err)


def test_unreachable_after_an_answer_stays_transient() -> None:
    async def go(b: OpenAIBackend, server: Any) -> tuple[Reply, list[BaseException]]:
        first = await b.complete(ASK)
        server.proc.terminate()
        server.proc.wait(timeout=10)
        errors = []
        for _ in range(3):  # the pooled connection drops first, then connects are refused
            try:
                await b.complete(ASK)
            except Exception as exc:
                errors.append(exc)
        return first, errors

    with standin() as s:
        first, errors = _run(OpenAIBackend("m", [s.url]), lambda b: go(b, s))
    assert first.text is not None and len(errors) == 3
    assert all(type(e) is TransientBackendError for e in errors), errors
    assert "ClientConnectorError" in str(errors[-1])


def test_check_finds_a_dead_server_and_passes_a_live_one() -> None:
    dead = OpenAIBackend("m", [f"http://127.0.0.1:{_free_port()}/v1"])
    with pytest.raises(FatalBackendError, match=r"cannot connect to http://127\.0\.0\.1"):
        _run(dead, lambda b: b.check())
    with hostile("401") as s:  # any HTTP status is "reachable"
        live = OpenAIBackend("m", [s.url], api_key=KEY)
        assert _run(live, lambda b: b.check()) is None
        assert s.stats()["received"] == 0  # GET /v1/models only, no completion sent
    with standin() as s:  # GET /models is a 404 there: still reachable
        assert _run(OpenAIBackend("m", [s.url]), lambda b: b.check()) is None


def test_make_backend_passes_the_cap() -> None:
    b = make_backend("openai:m@http://127.0.0.1:9/v1", max_reply_bytes=1234)
    assert isinstance(b, OpenAIBackend) and b.max_reply_bytes == 1234
    assert make_backend("openai:m@http://127.0.0.1:9/v1").max_reply_bytes == 8 * 2**20  # type: ignore[attr-defined]
