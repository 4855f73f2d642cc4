"""The secret scrubber (dontguess._util.redact) and its use by the OpenAI backend."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dontguess._util.redact import MIN_FRAGMENT, Redactor
from dontguess.backends.base import TransientBackendError
from dontguess.backends.openai_compat import OpenAIBackend

KEY = "sk-test-Q7vLm2Zp9XcR4tNw"


def _pieces(key: str, n: int) -> list[str]:
    return [key[i : i + n] for i in range(len(key) - n + 1)]


def _leaks(text: str, key: str, n: int = 8) -> list[str]:
    return [p for p in _pieces(key, n) if p in text]


def test_whole_key_partial_key_and_header_values() -> None:
    r = Redactor([KEY])
    assert r(f"bad key {KEY}!") == "bad key ***!"
    assert r(f"echo {KEY[:-1]} end") == "echo *** end"  # 19 of 20: a piece of the key
    assert r(f"mid {KEY[5:13]} end") == "mid *** end"
    assert r("Authorization: Bearer abc.def-123") == "Authorization: ***"
    assert r("{'authorization': 'Basic dXNlcjpwdw=='}") == "{'authorization': '***'}"
    assert r('"x-api-key": "k-123456"') == '"x-api-key": "***"'
    assert r("got Bearer other-token here") == "got Bearer *** here"
    assert r("no secret here, 401 Unauthorized") == "no secret here, 401 Unauthorized"


def test_answers_keep_authorization_words() -> None:
    r = Redactor([KEY])
    text = "Send the header Authorization: Bearer <token>."
    assert r(text, headers=False) == text
    assert r(f"{text} {KEY}", headers=False) == f"{text} ***"


def test_scrub_runs_before_the_cut() -> None:
    """Regression (issue 13): a key cut by the length limit leaked all but its tail."""
    r = Redactor([KEY])
    text = "x" * 490 + KEY + " more"
    assert not _leaks(r(text, limit=500), KEY, MIN_FRAGMENT)
    old = (text[:500]).replace(KEY, "***")  # what the backend did before
    assert _leaks(old, KEY)  # the test can fail
    # a tail that is the start of the key is dropped after the cut
    assert r("y" * 20 + KEY[:4] + "!zz", limit=24).endswith("***")


def test_short_placeholder_keys_are_not_secrets() -> None:
    r = Redactor(["x", None, ""])
    assert r("HTTP 401: x is not a key") == "HTTP 401: x is not a key"


@settings(max_examples=200, deadline=None)
@given(
    key=st.text(string.ascii_letters + string.digits + "-_", min_size=12, max_size=60),
    before=st.text(max_size=300),
    after=st.text(max_size=300),
    start=st.integers(0, 59),
    length=st.integers(MIN_FRAGMENT, 60),
    limit=st.one_of(st.none(), st.integers(0, 700)),
)
def test_no_piece_of_the_key_survives(
    key: str, before: str, after: str, start: int, length: int, limit: int | None
) -> None:
    piece = key[start : start + length]
    text = before + key + after + " " + piece + " Bearer " + key[::-1]
    out = Redactor([key])(text, limit=limit)
    assert not _leaks(out, key, MIN_FRAGMENT), out
    if limit is not None:
        assert len(out) <= limit + 3


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=500), limit=st.integers(0, 600))
def test_text_without_secrets_is_only_cut(text: str, limit: int) -> None:
    r = Redactor(["sk-" + "Z" * 30])
    if "authorization" in text.lower() or "bearer" in text.lower() or "basic" in text.lower():
        return
    if "key" in text.lower() or "ZZZZZZ" in text:
        return
    assert r(text, limit=limit) == text[:limit]


def test_backend_server_message_is_scrubbed_before_the_cut() -> None:
    """Regression (issue 13): old code cut at 500 characters, then scrubbed."""
    backend = OpenAIBackend("m", ["http://127.0.0.1:9/v1"], api_key=KEY)
    msg = b'{"error": {"message": "' + b"x" * 490 + KEY.encode() + b'"}}'
    assert not _leaks(backend._message(msg), KEY, MIN_FRAGMENT)


@pytest.mark.parametrize(
    "body",
    [
        f"<html>{'x' * 150} Authorization: Bearer {KEY}</html>",  # junk
        f'{{"detail": "{" " * 180}{KEY}", "auth": "Bearer {KEY}"}}',  # no choices
        f'{{"choices": [{{"index": 0, "message": {{"content": null}}}}], "k": "{KEY}"}}',
    ],
)
def test_unusable_200_body_snippet_is_scrubbed(body: str) -> None:
    """Regression (issue 13): the raw snippet of an unusable 200 reply was not scrubbed."""
    backend = OpenAIBackend("m", ["http://127.0.0.1:9/v1"], api_key=KEY)
    with pytest.raises(TransientBackendError, match="malformed response body") as info:
        backend._parser.parse(body.encode())
    assert not _leaks(str(info.value), KEY, MIN_FRAGMENT), str(info.value)


def test_answer_text_and_refusals_are_scrubbed() -> None:
    backend = OpenAIBackend("m", ["http://127.0.0.1:9/v1"], api_key=KEY)
    (reply,) = backend._parser.parse(
        f'{{"choices": [{{"message": {{"content": "42 {KEY}"}}}}]}}'.encode()
    )
    assert reply.text == "42 ***"
    (refused,) = backend._parser.parse(
        f'{{"choices": [{{"message": {{"content": null, "refusal": "{KEY[:-1]}"}}}}]}}'.encode()
    )
    assert refused.error == "refused: ***"
