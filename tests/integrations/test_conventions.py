"""The model and URL spellings users bring, and --body / --max-tokens-field (issue 10).

Each case runs the ``dontguess`` CLI (in this process, for speed; the --body case also as
a subprocess) against the stand-in server process: accepted spellings must reach the right
path, bad ones exit 2 with one line naming the bad part, nothing sent, nothing written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from standin_fixture import Standin, standin

from dontguess.cli import main

from .conftest import dontguess, write_questions

N = 2
FAST = ["--rubric", "closed", "--format", "csv", "--no-progress", "--max-retries", "0"]
CHAT, COMPLETIONS = "/v1/chat/completions", "/v1/completions"


@pytest.fixture(scope="module")
def server() -> Standin:
    with standin() as s:
        yield s  # type: ignore[misc]


def _paths(server: Standin) -> dict[str, int]:
    return dict(server.stats()["paths"])


# (spec, extra args, environment, path the requests must reach, URL printed as rewritten)
ACCEPTED = [
    ("openai:standin@{url}", [], {}, CHAT, None),
    ("openai/standin@{url}", [], {}, CHAT, None),
    ("openai/standin", ["--base-url", "{url}"], {}, CHAT, None),
    ("openai/standin", [], {"OPENAI_BASE_URL": "{url}"}, CHAT, None),
    ("openai:standin", ["--base-url", "{url}"], {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"},
     CHAT, None),
    ("openai:standin@{url}/chat/completions", [], {}, CHAT, "{url}/chat/completions"),
    ("openai/standin", ["--base-url", "{url}/chat/completions/"], {}, CHAT,
     "{url}/chat/completions/"),
    ("openai/standin", [], {"OPENAI_BASE_URL": "{url}/chat/completions"}, CHAT,
     "{url}/chat/completions"),
    ("openai:standin@{url}/completions", ["--api", "completions"], {}, COMPLETIONS,
     "{url}/completions"),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "extra", "env", "path", "rewritten"), ACCEPTED)
def test_accepted_spelling_reaches_the_right_path(
    server: Standin,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    spec: str,
    extra: list[str],
    env: dict[str, str],
    path: str,
    rewritten: str | None,
) -> None:
    questions = write_questions(tmp_path / "q.jsonl", N)
    fill = {"url": server.url}
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v.format(**fill))
    before = _paths(server)
    rc = main(["run", "--model", spec.format(**fill), "--dataset", str(questions),
               "--out", str(tmp_path / "run"), *FAST,
               *(a.format(**fill) for a in extra)])  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 0, err
    after = _paths(server)
    assert after.get(path, 0) - before.get(path, 0) == N
    assert sum(after.values()) - sum(before.values()) == N  # and nowhere else
    graded = [json.loads(x) for x in (tmp_path / "run" / "graded.jsonl").read_text().splitlines()]
    assert {r["model"] for r in graded} == {"openai:standin"}  # one identity for every spelling
    if rewritten is None:
        assert "read as base URL" not in err
    else:
        line = f"URL {rewritten.format(**fill)} read as base URL {server.url}"
        assert line in err, err


BAD = [
    (["--model", "openai/standin", "--base-url", "127.0.0.1:{port}/v1"], {},
     "--base-url: URL '127.0.0.1:{port}/v1' has no http:// or https:// scheme"),
    (["--model", "openai/standin", "--base-url", "http://127.0.0.1:99999/v1"], {},
     "--base-url: URL 'http://127.0.0.1:99999/v1' is not a valid URL"),
    (["--model", "openai/standin"], {"OPENAI_BASE_URL": "http://127.0.0.1:port/v1"},
     "OPENAI_BASE_URL: URL 'http://127.0.0.1:port/v1' is not a valid URL"),
    (["--model", "openai:standin@http://127.0.0.1:0/v1"], {}, "has port 0"),
    (["--model", "openai/standin@127.0.0.1:{port}/v1"], {},
     "'127.0.0.1:{port}/v1' after '@' looks like a URL without a scheme"),
    (["--model", "openai/"], {}, "model spec must look like openai:MODEL@URL, openai/MODEL"),
    (["--model", "openai:standin@ftp://127.0.0.1/v1"], {},
     "URL 'ftp://127.0.0.1/v1' must start with http:// or https://"),
    (["--model", "openai/standin", "--base-url", "http://127.0.0.1:{port}/v1?x=1"], {},
     "has a query"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "env", "message"), BAD)
def test_bad_spelling_fails_naming_the_bad_part(
    server: Standin,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    fill = {"port": str(server.port)}
    questions = write_questions(tmp_path / "q.jsonl", N)
    received = server.stats()["received"]
    rc = main(["run", *(a.format(**fill) for a in args), "--dataset", str(questions),
               "--out", str(tmp_path / "run"), *FAST])  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 2
    assert message.format(**fill) in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert server.stats()["received"] == received  # nothing sent
    assert not (tmp_path / "run").exists()  # nothing written


def test_body_fields_arrive_and_are_recorded(server: Standin, tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", N)
    key = "sk-test-body-5f1e9c"
    body = ["top_p=0.5", "reasoning_effort=low", 'stop=["\\n\\n"]',
            'extra_body={"top_k": 5}', "temperature=null"]  # fmt: skip
    args = ["run", "--model", f"openai/standin@{server.url}", "--dataset", str(questions),
            "--out", str(tmp_path / "run"), "--api-key", key, "--max-tokens", "33",
            "--max-tokens-field", "max_completion_tokens", *FAST,
            *(x for b in body for x in ("--body", b))]  # fmt: skip
    proc = dontguess(*args)
    assert proc.returncode == 0, proc.stderr
    sent = server.stats()["bodies"][-N:]
    for b in sent:
        assert b["top_p"] == 0.5 and b["reasoning_effort"] == "low"
        assert b["stop"] == ["\n\n"] and b["extra_body"] == {"top_k": 5}
        assert "temperature" not in b and "max_tokens" not in b
        assert b["max_completion_tokens"] == 33
    spec = json.loads((tmp_path / "run" / "spec.json").read_text())["spec"]
    assert spec["generation"]["body"] == {
        "top_p": 0.5, "reasoning_effort": "low", "stop": ["\n\n"],
        "extra_body": {"top_k": 5}, "temperature": None,
    }  # fmt: skip
    assert spec["generation"]["max_tokens_field"] == "max_completion_tokens"
    for f in (tmp_path / "run").iterdir():
        assert key not in f.read_bytes().decode("utf-8", "replace"), f.name
    received = server.stats()["received"]
    again = dontguess(*args)  # the same fields: resumed from the journal, nothing sent
    assert again.returncode == 0, again.stderr
    assert server.stats()["received"] == received


def test_reasoning_model_gets_max_completion_tokens_automatically(
    server: Standin, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 1)
    for model, field in (("o3-mini", "max_completion_tokens"), ("gpt-4o", "max_tokens")):
        rc = main(["run", "--model", f"openai/{model}@{server.url}", "--dataset",
                   str(questions), "--out", str(tmp_path / model), *FAST])  # fmt: skip
        assert rc == 0, capsys.readouterr().err
        last = server.stats()["bodies"][-1]
        assert last["model"] == model and last[field] == 256
        assert ({"max_tokens", "max_completion_tokens"} - {field}).isdisjoint(last)
        spec = json.loads((tmp_path / model / "spec.json").read_text())["spec"]
        assert "max_tokens_field" not in spec["generation"]  # auto is the default


BAD_BODY = [
    ("model=x", "--body model: dontguess sets 'model' itself"),
    ("api_key=sk-live-0123", "--body api_key: 'api_key' looks like a credential"),
    ('extra_body={"Authorization": "Bearer sk-live-0123"}', "'extra_body.Authorization' looks"),
    ("top_p", "--body 'top_p': expected KEY=VALUE"),
    ("stop=[1,", "--body stop: value '[1,' is not valid JSON"),
    ("temperature=0.5", "--body temperature: use --temperature"),
    ("top_p=", "--body top_p: no value after '='"),
]


@pytest.mark.parametrize(("body", "message"), BAD_BODY)
def test_bad_body_field_fails_before_anything_is_sent(
    server: Standin,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    body: str,
    message: str,
) -> None:
    questions = write_questions(tmp_path / "q.jsonl", N)
    received = server.stats()["received"]
    rc = main(["run", "--model", f"openai:standin@{server.url}", "--dataset", str(questions),
               "--out", str(tmp_path / "run"), "--body", body, *FAST])  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 2 and message in err, err
    assert "sk-live-0123" not in err  # a credential is named by its field, never echoed
    assert server.stats()["received"] == received
    assert not (tmp_path / "run").exists()
