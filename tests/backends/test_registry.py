"""Spec strings → backends."""

from __future__ import annotations

import pytest

from dontguess.backends import make_backend, parse_spec
from dontguess.backends.openai_compat import OpenAIBackend
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
