"""Spec strings → backends."""

from __future__ import annotations

import pytest

from dontguess.backends import make_backend, parse_spec
from dontguess.backends.openai_compat import OpenAIBackend
from dontguess.backends.registry import DEFAULT_OPENAI_BASE_URL
from dontguess.backends.scripted import ScriptedBackend
from dontguess.errors import InputError


def test_parse_openai_with_replicas() -> None:
    s = parse_spec("openai:org/model@3@http://a:1/v1,https://b/v1")
    assert (s.kind, s.model, s.urls) == ("openai", "org/model@3", ("http://a:1/v1", "https://b/v1"))
    assert s.name == "openai:org/model@3"
    ollama = parse_spec("openai:llama3.1:8b@http://127.0.0.1:11434/v1")
    assert (ollama.model, ollama.urls) == ("llama3.1:8b", ("http://127.0.0.1:11434/v1",))


@pytest.mark.parametrize("bad", ["", "gpt-4", "foo:bar", "openai:", "openai:@http://x/v1"])
def test_bad_specs(bad: str) -> None:
    with pytest.raises(InputError, match="spec"):
        parse_spec(bad)


def test_env_base_url_and_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:5/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    b = make_backend("openai:m", concurrency=3)
    assert isinstance(b, OpenAIBackend)
    assert b._urls == ["http://127.0.0.1:5/v1/chat/completions"] and b._key == "sk-env"
    assert b.name == "openai:m" and b.max_concurrency == 3


def test_scripted() -> None:
    b = make_backend("scripted:guesser,seed=4", answer_key={"q": "a"})
    assert isinstance(b, ScriptedBackend) and b.name == "scripted:guesser,seed=4"
    with pytest.raises(InputError, match="unknown scripted option"):
        make_backend("scripted:calibrated,color=red")


# --- model URLs (issue 13) --------------------------------------------------------------


def test_url_without_scheme_is_refused_not_sent_to_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression (issue 13): this spec was read as model 'standin@127.0.0.1:8000/v1' and
    sent, with the user's key, to api.openai.com."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    spec = "openai:standin@127.0.0.1:8000/v1"
    with pytest.raises(InputError, match=r"'127\.0\.0\.1:8000/v1' after '@' looks like a URL"):
        parse_spec(spec)
    with pytest.raises(InputError, match=r"openai:standin@http://127\.0\.0\.1:8000/v1"):
        make_backend(spec)


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ("openai:m@localhost:8000", "'localhost:8000' after '@' looks like a URL"),
        ("openai:m@localhost", "'localhost' after '@' looks like a URL"),
        ("openai:m@api.example.com", "'api.example.com' after '@'"),
        ("openai:m@ftp://host/v1", "'ftp://host/v1' must start with http:// or https://"),
        ("openai:m@http:/host/v1", "'http:/host/v1' must start with http:// or https://"),
        ("openai:m@http://a/v1,b:8000/v1", "URL 'b:8000/v1' has no http:// or https:// scheme"),
        ("openai:m@http:///v1", "URL 'http:///v1' has no host"),
        ("openai:m@http://u:pw@host/v1", "holds a user name or password"),
        ("openai:m@http://host:80a/v1", "a port must be a number in 1..65535"),
        ("openai:m@http://host:99999/v1", "a port must be a number in 1..65535"),
        ("openai:m@http://host:0/v1", "has port 0"),
        ("openai:m@http://host/v1?key=1", r"has a query \(\?\.\.\.\)"),
        ("openai:m@http://host/v1#x", "or fragment"),
        ("openai:m@http://ho st/v1", "contains a space"),
        ("openai:m@http://[::1/v1", "is not a valid URL"),
    ],
)
def test_malformed_urls_name_the_bad_part(spec: str, match: str) -> None:
    with pytest.raises(InputError, match=match) as info:
        make_backend(spec)
    shown = spec.replace("u:pw@", "***@")  # a password is never echoed
    assert str(info.value).startswith(f"model spec {shown!r}: ")


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("http://127.0.0.1:8000/v1/chat/completions", "http://127.0.0.1:8000/v1"),
        ("http://127.0.0.1:8000/v1/completions/", "http://127.0.0.1:8000/v1"),
        ("HTTPS://api.example.com/v1/", "https://api.example.com/v1"),
        ("http://[::1]:8000/v1", "http://[::1]:8000/v1"),
        ("http://host", "http://host"),
    ],
)
def test_urls_are_normalised(url: str, base: str) -> None:
    """A pasted endpoint is cut back to its base URL, so the path is not doubled."""
    assert parse_spec(f"openai:m@{url}").urls == (base,)
    b = make_backend(f"openai:m@{url}", api="completions")
    assert isinstance(b, OpenAIBackend) and b._urls == [base + "/completions"]


def test_model_names_with_at_still_parse() -> None:
    assert parse_spec("openai:gpt-4o@2024-08-06").model == "gpt-4o@2024-08-06"
    named = parse_spec("openai:x@q4.gguf@https://h/v1")
    assert (named.model, named.urls) == ("x@q4.gguf", ("https://h/v1",))


def test_bad_openai_base_url_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "127.0.0.1:8000/v1")
    with pytest.raises(InputError, match=r"^OPENAI_BASE_URL: URL '127\.0\.0\.1:8000/v1' has no"):
        make_backend("openai:m")


def test_default_url_only_when_none_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    b = make_backend("openai:m")
    assert isinstance(b, OpenAIBackend) and b._urls == [
        DEFAULT_OPENAI_BASE_URL + "/chat/completions"
    ]
    monkeypatch.setenv("OPENAI_BASE_URL", "  ")  # empty counts as unset
    assert make_backend("openai:m")._urls == b._urls  # type: ignore[attr-defined]
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:5/v1/chat/completions")
    assert make_backend("openai:m")._urls == ["http://127.0.0.1:5/v1/chat/completions"]  # type: ignore[attr-defined]
    # a spec URL wins over the variable
    assert make_backend("openai:m@http://h:1/v1")._urls == ["http://h:1/v1/chat/completions"]  # type: ignore[attr-defined]


def test_backend_checks_its_urls_too() -> None:
    with pytest.raises(InputError, match=r"^base URL 'localhost:8000/v1' has no http"):
        OpenAIBackend("m", ["localhost:8000/v1"])
    with pytest.raises(InputError, match=r"reply size cap .* must be at least 1 byte"):
        OpenAIBackend("m", ["http://h/v1"], max_reply_bytes=0)


def test_hf_does_not_get_openai_options(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    seen: dict[str, object] = {}

    class FakeHF:
        name = "hf:x"
        max_concurrency = 1

        def __init__(self, path: str, **opts: object) -> None:
            seen.update(opts)

    monkeypatch.setitem(
        sys.modules, "dontguess.backends.hf", types.SimpleNamespace(HFBackend=FakeHF)
    )
    make_backend("hf:x", max_reply_bytes=5, api_key="k", api="chat", timeout=3.0)
    assert seen == {"timeout": 3.0}


def test_a_password_in_the_url_is_refused_without_being_echoed() -> None:
    # The refusal was printed to the terminal (and CI logs) with the password in it.
    with pytest.raises(InputError) as info:
        parse_spec("openai:m@http://user:s3cretpw@127.0.0.1:9/v1")
    assert "s3cretpw" not in str(info.value) and "user name or password" in str(info.value)
