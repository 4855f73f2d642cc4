"""OpenAIBackend against the stand-in server process on 127.0.0.1."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from dontguess.backends import ChoicesBackend, Request, TransientBackendError, make_backend
from dontguess.backends.openai_compat import OpenAIBackend, parse_retry_after
from dontguess.records import Reply

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "standin"))
from standin_fixture import standin
from standin_model import answer, make_question


def _ask(backend: OpenAIBackend, *requests: Request) -> list[object]:
    async def go() -> list[object]:
        try:
            return list(
                await asyncio.gather(
                    *(backend.complete(r) for r in requests), return_exceptions=True
                )
            )
        finally:
            await backend.aclose()

    return asyncio.run(go())


def test_chat_answer_tokens_and_auth_header() -> None:
    q, gold = make_question(5)
    with standin() as s:
        backend = OpenAIBackend("m", [s.url], api_key="sk-test-SECRET")
        (reply,) = _ask(backend, Request(messages=(("user", q),)))
        stats = s.stats()
    assert reply.text in (gold, str(int(gold) + 1))  # type: ignore[union-attr]
    assert reply.prompt_tokens == 10 and reply.completion_tokens == 2  # type: ignore[union-attr]
    assert stats["auth"] == {"Bearer ": 1}


def test_completions_endpoint() -> None:
    q, _ = make_question(2)
    with standin() as s:
        backend = OpenAIBackend("m", [s.url], api="completions")
        (reply,) = _ask(backend, Request(prompt=q))
    assert reply.text is not None  # type: ignore[union-attr]


def test_other_4xx_is_an_error_reply_with_the_server_message() -> None:
    with standin() as s:
        backend = OpenAIBackend("m", [s.url])
        (reply,) = _ask(backend, Request(messages=(("user", "BAD REQUEST"),)))
        assert s.stats()["received"] == 1
    assert reply.text is None  # type: ignore[union-attr]
    assert reply.error == "HTTP 400: bad question (code 17)"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("fault", "match"),
    [
        ("429", "HTTP 429: rate limited"),
        ("500", "HTTP 500: boom"),
        ("hang", "timed out"),
        ("drop", "ServerDisconnected|ClientOSError|Connection"),
        ("malformed", "malformed response body"),
    ],
)
def test_transient_failures_raise(fault: str, match: str) -> None:
    with standin("--fault", fault, "--hang-s", "2") as s:
        backend = OpenAIBackend("m", [s.url], timeout=0.3)
        (err,) = _ask(backend, Request(messages=(("user", "What is 1 plus 2?"),)))
    assert isinstance(err, TransientBackendError)
    assert err.__cause__ is not None or fault in ("429", "500")
    import re

    assert re.search(match, str(err)), str(err)
    if fault == "429":
        assert err.retry_after == 0.0


def test_replicas_share_the_load() -> None:
    with standin() as a, standin() as b:
        backend = make_backend(f"openai:m@{a.url},{b.url}", concurrency=2)
        assert isinstance(backend, OpenAIBackend)
        qs = [Request(messages=(("user", make_question(i)[0]),)) for i in range(40)]
        replies = _ask(backend, *qs)
        na, nb = a.stats()["received"], b.stats()["received"]
    assert all(getattr(r, "text", None) for r in replies)
    assert na + nb == 40 and na >= 5 and nb >= 5


def test_key_is_scrubbed_from_errors() -> None:
    backend = OpenAIBackend("m", ["http://127.0.0.1:9/v1"], api_key="sk-test-SECRET")
    assert "SECRET" not in backend._message(b'{"error": {"message": "bad key sk-test-SECRET"}}')


def test_body_and_logprobs_parsing() -> None:
    backend = OpenAIBackend("m", ["http://x/v1"])
    body = backend.body(Request(messages=(("user", "hi"),), seed=3, logprobs=True))
    assert body["seed"] == 3 and body["logprobs"] is True and body["messages"][0]["content"] == "hi"
    raw = (
        b'{"choices":[{"message":{"content":"Paris"},'
        b'"logprobs":{"content":[{"logprob":-0.5},{"logprob":-0.25}]}}]}'
    )
    assert backend._parser.parse(raw)[0].logprobs == (-0.5, -0.25)
    with pytest.raises(TransientBackendError, match="malformed"):
        backend._parser.parse(b'{"choices": []}')
    with pytest.raises(TransientBackendError, match="malformed"):
        backend._parser.parse(
            b'{"choices": [{"message": {"content": null}, "finish_reason": "stop"}]}'
        )


@pytest.mark.parametrize(
    ("choice", "error"),
    [
        ('{"message": {"content": null, "refusal": "I cannot help"}}', "refused: I cannot help"),
        ('{"message": {"content": null}, "finish_reason": "length"}',
         "no answer text (finish_reason=length)"),
        ('{"message": {"content": null}, "finish_reason": "content_filter"}',
         "no answer text (finish_reason=content_filter)"),
    ],
)  # fmt: skip
def test_final_empty_answers_are_errors_not_retries(choice: str, error: str) -> None:
    backend = OpenAIBackend("m", ["http://x/v1"])
    (reply,) = backend._parser.parse(f'{{"choices": [{choice}]}}'.encode())
    assert reply.text is None and reply.error == error


def test_parse_retry_after() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("later") is None


def _choices(backend: OpenAIBackend, request: Request) -> list[Reply]:
    async def go() -> list[Reply]:
        try:
            return await backend.complete_choices(request)
        finally:
            await backend.aclose()

    return asyncio.run(go())


def test_n_is_sent_only_when_above_one() -> None:
    backend = OpenAIBackend("m", ["http://x/v1"], api="completions")
    assert "n" not in backend.body(Request(prompt="q"))
    assert backend.body(Request(prompt="q", n=3))["n"] == 3
    assert isinstance(backend, ChoicesBackend)


def test_choices_are_ordered_by_index_and_usage_goes_on_the_first() -> None:
    backend = OpenAIBackend("m", ["http://x/v1"])
    raw = (
        b'{"choices": [{"index": 1, "message": {"content": "b"}},'
        b' {"index": 0, "message": {"content": "a"}},'
        b' {"index": 2, "message": {"content": null}, "finish_reason": "length"}],'
        b' "usage": {"prompt_tokens": 7, "completion_tokens": 9}}'
    )
    a, b, c = backend._parser.parse(raw)
    assert (a.text, a.prompt_tokens, a.completion_tokens) == ("a", 7, 9)
    assert (b.text, b.prompt_tokens, b.completion_tokens) == ("b", None, None)
    assert c.text is None and c.error == "no answer text (finish_reason=length)"


@pytest.mark.parametrize("api", ["chat", "completions"])
def test_one_request_returns_n_sampled_choices(api: str) -> None:
    q, _ = make_question(6)  # draws 20..24 answer 63, 63, 64, 64, 63: order shows
    with standin("--sampled") as s:
        backend = OpenAIBackend("m", [s.url], api=api)
        replies = _choices(backend, Request(prompt=q, n=5, seed=20))
        stats = s.stats()
    assert stats["received"] == 1 and stats["n"] == {"5": 1}
    # choice j is the stand-in's draw seed + j (the server lists choices in reverse)
    assert [r.text for r in replies] == [answer(q, 20 + j) for j in range(5)]
    assert [r.text for r in replies] != [r.text for r in replies][::-1]
    assert replies[0].completion_tokens == 10 and replies[1].completion_tokens is None


def test_fewer_choices_than_asked_and_4xx_for_all() -> None:
    q, _ = make_question(3)
    with standin("--max-n", "2") as s:
        short = _choices(OpenAIBackend("m", [s.url]), Request(prompt=q, n=4))
        bad = _choices(OpenAIBackend("m", [s.url]), Request(prompt="BAD REQUEST", n=3))
    assert len(short) == 2 and all(r.text == answer(q) for r in short)
    assert [r.error for r in bad] == ["HTTP 400: bad question (code 17)"] * 3
