"""run(): plan, resume from the journal, grade, store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dontguess.backends.scripted import ScriptedBackend
from dontguess.errors import StoreError
from dontguess.prompts import build_conditions
from dontguess.records import Item, RunSpec
from dontguess.runner import RunOptions, run
from dontguess.runner import core as core_mod
from dontguess.store import RunDir

from .fakes import ChoicesFake, ExactGrader, FlakyBackend

ITEMS = [Item(id=f"i{n}", question=f"question {n}", answers=(f"gold {n}",)) for n in range(30)]


@pytest.fixture(autouse=True)
def _no_scoring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scoring is SCORING's; here only the runner is under test."""
    monkeypatch.setattr(core_mod, "_score", lambda table, targets: ([{"n": len(table)}], []))


def _spec(
    models: tuple[str, ...], samples: int = 1, targets: tuple[float, ...] = (0.5,)
) -> RunSpec:
    return RunSpec(
        models=models,
        dataset="unit",
        dataset_hash="h",
        conditions=tuple(build_conditions(targets, ["closed", "open"], "penalty")),
        samples=samples,
    )


def test_scripted_run_writes_the_run_directory(tmp_path: Path) -> None:
    key = {i.question: i.answers[0] for i in ITEMS}
    backend = ScriptedBackend("calibrated", answer_key=key)
    result = run(_spec((backend.name,)), ITEMS, [backend], ExactGrader(), RunDir(tmp_path))
    assert len(result.records) == 60 and result.n_errors == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        ".lock", "DONE", "graded.jsonl", "graded.parquet", "journal.sqlite", "spec.json",
        "summary.json",
    ]  # fmt: skip
    rows = [json.loads(line) for line in (tmp_path / "graded.jsonl").read_text().splitlines()]
    for row, rec in zip(rows, result.records, strict=True):
        c = backend.confidence(ITEMS[int(row["item_id"][1:])].question)
        if row["stated_target"] == 0.5:
            assert (row["verdict"] == "abstained") == (c <= 0.5)
        assert row["template_hash"] == rec.condition.template_hash
    assert {r["stated_target"] for r in rows} == {None, 0.5}
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["requests"] == {
        "total": 60, "sent": 60, "answered": 60, "failed": 0, "calls": 60, "resumed": 0,
        "cached": 0, "unreadable": 0, "errors": 0, "error_reasons": {},
    }  # fmt: skip


def test_rerun_sends_nothing_and_samples_do_not_collide(tmp_path: Path) -> None:
    b = FlakyBackend()
    spec = _spec((b.name,), samples=3)
    first = run(spec, ITEMS[:5], [b], ExactGrader(), RunDir(tmp_path))
    assert len(b.calls) == 5 * 2 * 3 and set(b.calls.values()) == {1}
    b2 = FlakyBackend()
    second = run(spec, ITEMS[:5], [b2], ExactGrader(), RunDir(tmp_path))
    assert b2.calls == {}
    assert second.records == first.records
    assert second.summary["requests"]["resumed"] == 30


def test_errors_are_retried_by_a_rerun(tmp_path: Path) -> None:
    opts = RunOptions(policy=core_mod.RetryPolicy(max_retries=0, base_delay=0))
    spec = _spec(("fake:flaky",))
    bad = run(spec, ITEMS[:4], [FlakyBackend(fails=1)], ExactGrader(), RunDir(tmp_path), opts)
    assert bad.n_errors == 8
    assert all(r.verdict is None and "boom" in (r.ungraded_reason or "") for r in bad.records)
    b = FlakyBackend()
    good = run(spec, ITEMS[:4], [b], ExactGrader(), RunDir(tmp_path), opts)
    assert good.n_errors == 0 and len(b.calls) == 8


def test_identical_requests_are_sent_once(tmp_path: Path) -> None:
    twins = [Item("a", "same?", ("x",)), Item("b", "same?", ("y",))]
    b = FlakyBackend()
    result = run(_spec((b.name,)), twins, [b], ExactGrader(), RunDir(tmp_path))
    assert len(b.calls) == 2 and len(result.records) == 4


def test_a_different_run_is_refused(tmp_path: Path) -> None:
    b: Any = FlakyBackend()
    run(_spec((b.name,)), ITEMS[:2], [b], ExactGrader(), RunDir(tmp_path))
    with pytest.raises(StoreError, match="differs in conditions"):
        run(_spec((b.name,), targets=(0.9,)), ITEMS[:2], [b], ExactGrader(), RunDir(tmp_path))


class _LogprobBackend(FlakyBackend):
    async def complete(self, request: Any) -> Any:
        from dontguess.records import Reply

        return Reply(text="x", logprobs=(-0.1, -0.2))


def test_logprobs_give_the_answer_probability_as_confidence(tmp_path: Path) -> None:
    b = _LogprobBackend()
    b.name = "fake:lp"
    result = run(_spec((b.name,)), ITEMS[:2], [b], ExactGrader(), RunDir(tmp_path))
    assert all(r.confidence == pytest.approx(0.7408182) for r in result.records)  # e^-0.3


def test_two_models_in_one_run(tmp_path: Path) -> None:
    a, b = FlakyBackend(), FlakyBackend()
    b.name = "fake:other"
    result = run(_spec((a.name, b.name)), ITEMS[:3], [a, b], ExactGrader(), RunDir(tmp_path))
    assert {r.model for r in result.records} == {"fake:flaky", "fake:other"}
    assert len(a.calls) == len(b.calls) == 6 and len(result.records) == 12


def _n_spec(model: str, samples: int, per: int) -> RunSpec:
    return RunSpec(
        models=(model,),
        dataset="unit",
        dataset_hash="h",
        conditions=tuple(build_conditions((0.5,), ["open"], "penalty")),
        samples=samples,
        generation={"n_per_request": per, "seed": 100},
    )


def test_n_per_request_asks_several_samples_in_one_call(tmp_path: Path) -> None:
    b = ChoicesFake()
    result = run(_n_spec(b.name, 5, 2), ITEMS[:3], [b], ExactGrader(), RunDir(tmp_path))
    # samples 0-1 and 2-3 in one call each (seed follows the first sample); sample 4 alone
    # goes through complete(), as any n = 1 request does
    assert sorted((s, n, seed) for _, s, n, seed in b.log) == [(0, 2, 100)] * 3 + [(2, 2, 102)] * 3
    assert sorted(k[-2:] for k in b.calls) == ["#4"] * 3
    assert len(result.records) == 15 and result.n_errors == 0
    for r in result.records:
        assert r.answer is not None and r.answer.endswith(f"#{r.sample}")
    assert result.summary["requests"] | {"error_reasons": {}} == {
        "total": 15, "sent": 15, "answered": 15, "failed": 0, "calls": 9, "resumed": 0,
        "cached": 0, "unreadable": 0, "errors": 0, "error_reasons": {},
    }  # fmt: skip
    again = ChoicesFake()
    second = run(_n_spec(b.name, 5, 2), ITEMS[:3], [again], ExactGrader(), RunDir(tmp_path))
    assert again.log == [] and second.records == result.records


def test_missing_choices_are_errors_and_a_rerun_asks_only_for_them(tmp_path: Path) -> None:
    short = ChoicesFake(max_n=1)
    first = run(_n_spec(short.name, 3, 3), ITEMS[:2], [short], ExactGrader(), RunDir(tmp_path))
    assert len(short.log) == 2 and first.n_errors == 4
    missing = [r for r in first.records if r.verdict is None]
    assert sorted(r.sample for r in missing) == [1, 1, 2, 2]
    assert {r.ungraded_reason for r in missing} == {"backend error: server returned 1 of 3 choices"}
    full = ChoicesFake()
    second = run(_n_spec(full.name, 3, 3), ITEMS[:2], [full], ExactGrader(), RunDir(tmp_path))
    assert sorted((s, n, seed) for _, s, n, seed in full.log) == [(1, 2, 101)] * 2
    assert second.n_errors == 0 and second.summary["requests"]["resumed"] == 2
    assert all(r.answer and r.answer.endswith(f"#{r.sample}") for r in second.records)


def test_backends_without_choices_send_one_request_per_sample(tmp_path: Path) -> None:
    b = FlakyBackend()
    result = run(_n_spec(b.name, 3, 3), ITEMS[:2], [b], ExactGrader(), RunDir(tmp_path))
    assert len(b.calls) == 6 and set(b.calls.values()) == {1}
    assert result.summary["requests"]["calls"] == 6
