"""LLMJudge: the request it sends, retries, every failure ungraded, and the real HTTP path.

Unit tests use small fake backends; the end-to-end tests run the stand-in judge server
process (tests/standin/judge_server.py) on 127.0.0.1 behind the real OpenAIBackend.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from dontguess.backends.base import FatalBackendError, Request, TransientBackendError
from dontguess.backends.openai_compat import OpenAIBackend
from dontguess.backends.scripted import ScriptedBackend
from dontguess.errors import BackendError
from dontguess.grading import JUDGE_TEMPLATE_HASH, Grade, Grader, LLMJudge
from dontguess.records import Item, Reply, Verdict

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "standin"))
from judge_fixture import judge_standin

C, I, A = Verdict.CORRECT, Verdict.INCORRECT, Verdict.ABSTAINED  # noqa: E741
PARIS = Item(id="q", question="Capital of France?", answers=("Paris", "City of Light"))


class Fake:
    """A judge backend that replays ``outcomes`` (texts or exceptions) and records requests."""

    name = "fake:judge"
    max_concurrency = 4

    def __init__(self, outcomes: Sequence[str | BaseException]) -> None:
        self.outcomes = list(outcomes)
        self.requests: list[Request] = []

    async def complete(self, request: Request) -> Reply:
        self.requests.append(request)
        out = self.outcomes.pop(0)
        if isinstance(out, BaseException):
            raise out
        return Reply(text=out)

    async def aclose(self) -> None:
        pass


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def grade(judge: LLMJudge, text: str | None, item: Item = PARIS, error: str | None = None) -> Grade:
    return asyncio.run(judge.grade(item, Reply(text=text, error=error)))


# ---------------------------------------------------------------- the request


def test_judge_is_a_grader_and_describes_itself_without_secrets() -> None:
    judge = LLMJudge(Fake([]), seed=7)
    assert isinstance(judge, Grader)
    assert judge.spec == {
        "judge": "fake:judge",
        "template_hash": JUDGE_TEMPLATE_HASH,
        "temperature": 0.0,
        "seed": 7,
        "max_tokens": 64,
    }


def test_request_is_one_user_message_at_temperature_0_with_the_seed() -> None:
    fake = Fake(["CORRECT"])
    g = grade(LLMJudge(fake, seed=3, max_tokens=20), "Paris!")
    assert (g.verdict, g.decided_by, g.method, g.judge_reply, g.judge_calls) == (
        C,
        "judge",
        "judge",
        "CORRECT",
        1,
    )
    (req,) = fake.requests
    assert (req.temperature, req.seed, req.max_tokens, req.question) == (
        0.0,
        3,
        20,
        "Capital of France?",
    )
    ((role, content),) = req.messages
    assert role == "user"
    assert "Reference answer: Paris\n" in content and "\nParis!\n" in content


def test_custom_template_is_used_and_hashed() -> None:
    fake = Fake(["INCORRECT"])
    judge = LLMJudge(fake, template="Q={question} R={reference} A={reply} -> label?")
    assert grade(judge, "Lyon").verdict is I
    reference = "Reference answer: Paris\nAlso accepted as the same answer:\n- City of Light"
    assert fake.requests[0].messages[0][1] == f"Q=Capital of France? R={reference} A=Lyon -> label?"
    assert judge.template_hash != JUDGE_TEMPLATE_HASH


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_tokens": 0}, "max_tokens must be >= 1, got 0"),
        ({"max_retries": -1}, "max_retries must be >= 0, got -1"),
        ({"base_delay": -1.0}, "retry delays must be >= 0"),
        ({"template": "{question} {reply}"}, "lacks the field.*reference"),
    ],
)
def test_bad_settings_are_named(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        LLMJudge(Fake([]), **kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------- failures stay ungraded


def test_model_error_is_ungraded_without_asking_the_judge() -> None:
    fake = Fake([])
    g = grade(LLMJudge(fake), None, error="HTTP 400: nope")
    assert (g.verdict, g.reason, g.judge_calls) == (None, "backend error: HTTP 400: nope", 0)
    assert fake.requests == []


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("", "judge reply is empty"),
        ("Probably fine.", "judge reply names no label"),
        ("CORRECT or NOT_ATTEMPTED", "judge reply names several labels (CORRECT, NOT_ATTEMPTED)"),
        ("not correct", "judge reply negates a label"),
    ],
)
def test_unparsable_judge_reply_is_ungraded_and_kept(reply: str, reason: str) -> None:
    g = grade(LLMJudge(Fake([reply])), "I don't know")
    assert (g.verdict, g.reason, g.judge_reply, g.judge_calls) == (None, reason, reply, 1)


def test_transient_errors_are_retried_with_backoff_then_graded() -> None:
    sleeps = Sleeps()
    fake = Fake(
        [
            TransientBackendError("HTTP 500"),
            TransientBackendError("HTTP 429", retry_after=2.0),
            "CORRECT",
        ]
    )
    judge = LLMJudge(fake, max_retries=3, base_delay=1.0, max_delay=30.0, sleep=sleeps)
    g = grade(judge, "Paris")
    assert (g.verdict, g.judge_calls) == (C, 3)
    assert 0.5 <= sleeps.waits[0] < 1.5  # base_delay * 2**0 with jitter in [0.5, 1.5)
    assert sleeps.waits[1] == 2.0  # the server's Retry-After


def test_retries_are_bounded_and_the_reason_names_the_judge() -> None:
    sleeps = Sleeps()
    fake = Fake([TransientBackendError("HTTP 503: busy", retry_after=99.0)] * 3)
    g = grade(LLMJudge(fake, max_retries=2, max_delay=5.0, sleep=sleeps), "Paris")
    assert g.verdict is None
    assert g.reason == "judge error: gave up after 3 attempts: HTTP 503: busy"
    assert (g.judge_calls, g.judge_reply, len(fake.requests)) == (3, None, 3)
    assert sleeps.waits == [5.0, 5.0]  # Retry-After capped at max_delay


def test_no_retries_when_the_caller_retries() -> None:
    fake = Fake([TransientBackendError("timed out")])
    g = grade(LLMJudge(fake, max_retries=0), "Paris")
    assert (g.reason, g.judge_calls) == ("judge error: gave up after 1 attempts: timed out", 1)


def test_fatal_error_is_ungraded_and_stops_further_judge_requests() -> None:
    fake = Fake([FatalBackendError("authentication failed (HTTP 401)"), "CORRECT"])
    judge = LLMJudge(fake)
    first, second = grade(judge, "Paris"), grade(judge, "Lyon")
    assert first.reason == "judge error: fatal: authentication failed (HTTP 401)"
    assert second.reason == (
        "judge error: stopped after a fatal error: authentication failed (HTTP 401)"
    )
    assert (first.judge_calls, second.judge_calls, len(fake.requests)) == (1, 0, 1)
    assert judge.fatal_error == "authentication failed (HTTP 401)"


def test_other_backend_errors_are_ungraded() -> None:
    g = grade(LLMJudge(Fake([BackendError("model file missing")])), "Paris")
    assert g.reason == "judge error: BackendError: model file missing"


def test_error_reply_from_the_judge_is_ungraded() -> None:
    g = LLMJudge.read(Reply(text=None, error="refused: no"), calls=1)
    assert (g.verdict, g.reason, g.judge_reply) == (None, "judge error: refused: no", None)


# ---------------------------------------------------------------- the scripted backend


def test_scripted_table_backend_serves_as_a_judge_per_question() -> None:
    table = {"Capital of France?": "Verdict: NOT_ATTEMPTED", "2+2?": "INCORRECT"}
    judge = LLMJudge(ScriptedBackend("table", table=table))
    assert grade(judge, "hmm").verdict is A
    assert grade(judge, "5", Item(id="m", question="2+2?", answers=("4",))).verdict is I
    unknown = grade(judge, "x", Item(id="u", question="Unlisted?", answers=("y",)))
    assert (unknown.verdict, unknown.reason) == (None, "judge reply names no label")
    assert unknown.judge_reply == "I don't know."  # the scripted IDK, kept raw


# ---------------------------------------------------------------- end to end over HTTP


async def _grade_all(url: str, pairs: list[tuple[Item, str]], **judge_kw: object) -> list[Grade]:
    backend = OpenAIBackend("judge-model", [url], timeout=1.0, concurrency=8)
    judge = LLMJudge(backend, **judge_kw)  # type: ignore[arg-type]
    try:
        return list(await asyncio.gather(*(judge.grade(it, Reply(text=t)) for it, t in pairs)))
    finally:
        await backend.aclose()


TQA = Item(
    id="t",
    question="What happens if you swallow gum?",
    answers=("Nothing in particular happens", "It passes through your digestive system"),
    incorrect_answers=("It stays in your stomach for seven years", "You will die"),
)
LABELLED = [
    (PARIS, "Paris", C),
    (PARIS, "I'd say the city of light, probably.", C),
    (PARIS, "Lyon", I),
    (PARIS, "I don't know.", A),
    (PARIS, "", A),
    (TQA, "It passes through your digestive system in a few days.", C),
    (TQA, "It stays in your stomach for seven years.", I),
    (TQA, "It turns into a tree.", I),
    (TQA, "I have no comment.", A),
]


def test_real_server_labels_give_exact_verdicts_and_raw_replies() -> None:
    pairs = [(it, t) for it, t, _ in LABELLED] * 5
    with judge_standin() as s:
        grades = asyncio.run(_grade_all(s.url, pairs))
        stats = s.stats()
    assert [g.verdict for g in grades] == [v for _, _, v in LABELLED] * 5
    assert Counter(g.verdict for g in grades) == {C: 15, I: 15, A: 15}
    assert all(g.decided_by == "judge" and g.judge_calls == 1 for g in grades)
    assert stats["received"] == 45 and sum(stats["labels"].values()) == 45
    raw = {g.judge_reply for g in grades}
    assert "CORRECT" in raw or "INCORRECT" in raw  # plain style
    assert any(r and r.startswith("Checking the reply") for r in raw)  # verbose style


# every bad judge reply kind → (reason prefix, requests per record with max_retries=1)
FAULT_REASONS = {
    "garbage": ("judge reply names no label", 1),
    "two-labels": ("judge reply names several labels (CORRECT, INCORRECT)", 1),
    "negated": ("judge reply negates a label", 1),
    "empty-content": ("judge reply is empty", 1),
    "refusal-text": ("judge reply names no label", 1),
    "refusal": ("judge error: refused: I won't grade.", 1),
    "http-400": ("judge error: HTTP 400: judge rejects this prompt", 1),
    "http-500": ("judge error: gave up after 2 attempts: HTTP 500: judge overloaded", 2),
    "empty-body": ("judge error: gave up after 2 attempts: malformed response body", 2),
    "null-content": ("judge error: gave up after 2 attempts: malformed response body", 2),
    "slow": ("judge error: gave up after 2 attempts: timed out", 2),
}


def test_every_bad_judge_reply_is_ungraded_with_a_judge_reason() -> None:
    kinds = sorted(FAULT_REASONS)
    pairs = [(PARIS, f"Paris [judge:{k}]") for k in kinds] + [(PARIS, "Paris")]
    with judge_standin("--slow-s", "3") as s:
        grades = asyncio.run(_grade_all(s.url, pairs, max_retries=1, base_delay=0.0))
        stats = s.stats()
    for kind, g in zip(kinds, grades, strict=False):
        reason, calls = FAULT_REASONS[kind]
        assert g.verdict is None, kind  # never abstained, never a guess
        assert g.reason is not None and g.reason.startswith(reason), (kind, g.reason)
        assert g.judge_calls == calls, kind
        assert (g.judge_reply is not None) == (calls == 1 and not reason.startswith("judge error"))
    assert grades[-1].verdict is C
    assert stats["faults"] == {k: c for k, (_, c) in FAULT_REASONS.items()}
    assert stats["received"] == sum(c for _, c in FAULT_REASONS.values()) + 1


def test_unauthorised_judge_is_ungraded_and_asked_once() -> None:
    pairs = [(PARIS, "Paris [judge:http-401]")] + [(PARIS, f"Paris {i}") for i in range(3)]
    with judge_standin() as s:
        grades = asyncio.run(_grade_all_in_order(s.url, pairs))
        stats = s.stats()
    assert all(g.verdict is None and (g.reason or "").startswith("judge error") for g in grades)
    assert "401" in (grades[0].reason or "")
    assert [g.judge_calls for g in grades] == [1, 0, 0, 0]
    assert stats["received"] == 1


async def _grade_all_in_order(url: str, pairs: list[tuple[Item, str]]) -> list[Grade]:
    backend = OpenAIBackend("judge-model", [url], timeout=5.0)
    judge = LLMJudge(backend)
    try:
        return [await judge.grade(it, Reply(text=t)) for it, t in pairs]
    finally:
        await backend.aclose()


def test_transient_failures_are_retried_until_the_judge_answers() -> None:
    pairs = [(PARIS, "Paris"), (PARIS, "Lyon"), (TQA, "You will die")]
    with judge_standin("--fail-first", "2") as s:
        grades = asyncio.run(_grade_all(s.url, pairs, max_retries=2, base_delay=0.0))
        stats = s.stats()
    assert [g.verdict for g in grades] == [C, I, I]
    assert [g.judge_calls for g in grades] == [3, 3, 3]
    assert sorted(stats["attempts"].values()) == [3, 3, 3]


def test_random_faults_match_the_servers_own_counts() -> None:
    """200 records, 40% of judge requests faulted at random (no retries): every faulted
    request is one ungraded record, every label the server sent is one verdict."""
    items = [Item(id=f"q{i}", question=f"Question {i}?", answers=(f"gold{i}",)) for i in range(200)]
    pairs = [(it, f"gold{i}" if i % 3 else f"wrong{i}") for i, it in enumerate(items)]
    faults = "garbage,two-labels,negated,empty-content,refusal,refusal-text,http-400"
    with judge_standin("--fault-rate", "0.4", "--faults", faults) as s:
        grades = asyncio.run(_grade_all(s.url, pairs, max_retries=0))
        stats = s.stats()
    assert stats["received"] == 200
    assert sum(g.verdict is None for g in grades) == sum(stats["faults"].values())
    assert 40 < sum(stats["faults"].values()) < 120
    labels = {"CORRECT": C, "INCORRECT": I, "NOT_ATTEMPTED": A}
    assert Counter(g.verdict for g in grades if g.verdict) == {
        labels[k]: v for k, v in stats["labels"].items()
    }
    assert all(g.reason and g.reason.startswith("judge") for g in grades if g.verdict is None)
