"""The response cache shared by runs: keys, what is cached, serving a run from it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from dontguess.backends.openai_compat import OpenAIBackend
from dontguess.errors import StoreError
from dontguess.prompts import build_conditions
from dontguess.records import Item, Reply, RunSpec
from dontguess.runner import Journal, ResponseCache, RunOptions, default_cache_dir, run
from dontguess.runner import core as core_mod
from dontguess.runner._cache import CACHE_FILE, cache_identity
from dontguess.store import RunDir

from .fakes import ChoicesFake, ExactGrader, FlakyBackend

ITEMS = [Item(id=f"i{n}", question=f"question {n}", answers=(f"gold {n}",)) for n in range(6)]


@pytest.fixture(autouse=True)
def _no_scoring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core_mod, "_score", lambda table, targets: ([{"n": len(table)}], []))


class Served(FlakyBackend):
    """A fake HTTP model: it has base URLs, so the cache serves it."""

    def __init__(self, url: str = "http://127.0.0.1:1/v1") -> None:
        super().__init__()
        self.name = "openai:fake"
        self.base_urls = (url,)
        self.api = "chat"


class ServedChoices(ChoicesFake):
    def __init__(self, max_n: int | None = None) -> None:
        super().__init__(max_n)
        self.name = "openai:choices"
        self.base_urls = ("http://127.0.0.1:1/v1",)


def _spec(name: str, seed: int | None = 0, samples: int = 1, **gen: object) -> RunSpec:
    return RunSpec(
        models=(name,),
        dataset="unit",
        dataset_hash="h",
        conditions=tuple(build_conditions([0.5], ["closed", "open"], "penalty")),
        samples=samples,
        generation={"seed": seed, **gen},
    )


def _sent(backend: FlakyBackend) -> int:
    return sum(backend.calls.values())


def test_a_new_run_directory_is_served_from_the_cache(tmp_path: Path) -> None:
    options = RunOptions(cache=tmp_path / "cache")
    first_backend = Served()
    first = run(
        _spec("openai:fake"), ITEMS, [first_backend], ExactGrader(), RunDir(tmp_path / "a"), options
    )
    assert _sent(first_backend) == 12 and first.summary["requests"]["cached"] == 0
    assert first.summary["cache"]["stored"] == 12 and first.summary["cache"]["hits"] == 0
    again = Served()
    second = run(
        _spec("openai:fake"), ITEMS, [again], ExactGrader(), RunDir(tmp_path / "b"), options
    )
    assert _sent(again) == 0
    req = second.summary["requests"]
    assert (req["cached"], req["sent"], req["resumed"], req["total"]) == (12, 0, 0, 12)
    assert second.summary["cache"]["hits"] == 12 and second.summary["cache"]["stored"] == 0
    assert [(r.answer, r.verdict) for r in second.records] == [
        (r.answer, r.verdict) for r in first.records
    ]
    # the new directory's journal holds every answer it used (attempts 0: from the cache)
    with sqlite3.connect(tmp_path / "b" / "journal.sqlite") as db:
        assert db.execute("SELECT COUNT(*), MAX(attempts) FROM replies").fetchone() == (12, 0)
    db.close()


@pytest.mark.parametrize(
    ("change", "spec_args"),
    [
        ("seed", {"seed": 1}),
        ("temperature", {"temperature": 0.7}),
        ("max tokens", {"max_tokens": 9}),
        ("body field", {"body": {"top_p": 0.5}}),
    ],
)
def test_another_request_is_not_served(
    tmp_path: Path, change: str, spec_args: dict[str, object]
) -> None:
    options = RunOptions(cache=tmp_path / "cache")
    run(_spec("openai:fake"), ITEMS, [Served()], ExactGrader(), RunDir(tmp_path / "a"), options)
    seed = spec_args.pop("seed", 0)
    other = Served()
    spec = _spec("openai:fake", seed=seed, **spec_args)  # type: ignore[arg-type]
    result = run(spec, ITEMS, [other], ExactGrader(), RunDir(tmp_path / "b"), options)
    assert _sent(other) == 12, change
    assert result.summary["requests"]["cached"] == 0


def test_another_prompt_template_or_server_is_not_served(tmp_path: Path) -> None:
    options = RunOptions(cache=tmp_path / "cache")
    run(_spec("openai:fake"), ITEMS, [Served()], ExactGrader(), RunDir(tmp_path / "a"), options)
    custom = "Only if over {percent}%: {question}"
    spec = RunSpec(
        models=("openai:fake",), dataset="unit", dataset_hash="h", samples=1,
        conditions=tuple(build_conditions([0.5], ["closed", "open"], "penalty", custom=custom)),
        generation={"seed": 0},
    )  # fmt: skip
    other = Served()
    run(spec, ITEMS, [other], ExactGrader(), RunDir(tmp_path / "b"),
        RunOptions(cache=tmp_path / "cache", template=custom))  # fmt: skip
    assert _sent(other) == 6  # the closed prompts are the same; the open ones are not
    elsewhere = Served("http://127.0.0.1:2/v1")  # same name, another server
    run(_spec("openai:fake"), ITEMS, [elsewhere], ExactGrader(), RunDir(tmp_path / "c"), options)
    assert _sent(elsewhere) == 12


def test_without_a_cache_nothing_is_read_or_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DONTGUESS_CACHE", str(tmp_path / "home"))
    for out in ("a", "b"):
        backend = Served()
        result = run(_spec("openai:fake"), ITEMS, [backend], ExactGrader(), RunDir(tmp_path / out))
        assert _sent(backend) == 12 and "cache" not in result.summary
    assert not (tmp_path / "home").exists()
    assert default_cache_dir() == tmp_path / "home" / "responses"


def test_errors_are_not_cached_and_only_http_models_are(tmp_path: Path) -> None:
    items = [*ITEMS[:2], Item(id="bad", question="PERMANENT failure", answers=("x",))]
    options = RunOptions(cache=tmp_path / "cache")
    offline = FlakyBackend()  # no base URLs: never cached
    run(_spec("fake:flaky"), items, [offline], ExactGrader(), RunDir(tmp_path / "o"), options)
    backend = Served()
    first = run(
        _spec("openai:fake"), items, [backend], ExactGrader(), RunDir(tmp_path / "a"), options
    )
    assert first.n_errors == 2 and first.summary["cache"]["stored"] == 4
    with sqlite3.connect(tmp_path / "cache" / CACHE_FILE) as db:
        assert db.execute("SELECT DISTINCT model FROM responses").fetchall() == [("openai:fake",)]
    db.close()
    again = Served()
    run(_spec("openai:fake"), items, [again], ExactGrader(), RunDir(tmp_path / "b"), options)
    assert len(again.calls) == 2 and all("PERMANENT" in k for k in again.calls)


def test_several_samples_per_request_are_cut_to_what_the_cache_lacks(tmp_path: Path) -> None:
    options = RunOptions(cache=tmp_path / "cache")
    spec = _spec("openai:choices", samples=4, n_per_request=4)
    capped = ServedChoices(max_n=3)  # sample 3 ends in error: not cached
    first = run(spec, ITEMS[:1], [capped], ExactGrader(), RunDir(tmp_path / "a"), options)
    assert first.n_errors == 2 and first.summary["cache"]["stored"] == 6
    full = ServedChoices()
    result = run(spec, ITEMS[:1], [full], ExactGrader(), RunDir(tmp_path / "b"), options)
    # only sample 3 is asked, alone (n=1 goes through complete()), under each condition
    assert full.log == [] and sorted(k[-2:] for k in full.calls) == ["#3", "#3"]
    req = result.summary["requests"]
    assert (req["cached"], req["sent"], req["errors"]) == (6, 2, 0)
    assert [r.sample for r in result.records] == [0, 1, 2, 3] * 2


def test_the_cache_file_holds_no_key_and_no_url(tmp_path: Path) -> None:
    key = "sk-cache-test-0123456789abcdef"
    backend = OpenAIBackend("m", ["http://127.0.0.1:9/v1"], api_key=key)
    identity = cache_identity(backend)
    assert identity is not None and key not in identity
    cache = ResponseCache(tmp_path)
    cache.bind([backend])
    cache.store([("k1", "openai:m", Reply(text="Paris", prompt_tokens=3, logprobs=(-0.1,)))])
    assert cache.lookup("openai:m", ["k1", "k2"]) == {
        "k1": Reply(text="Paris", prompt_tokens=3, logprobs=(-0.1,))
    }
    cache.close()
    blob = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert key[:8].encode() not in blob and b"127.0.0.1" not in blob


def test_damaged_rows_are_asked_again_and_a_newer_cache_is_refused(tmp_path: Path) -> None:
    backend = Served()
    cache = ResponseCache(tmp_path)
    cache.bind([backend])
    cache.store([("k1", backend.name, Reply(text="a")), ("k2", backend.name, Reply(text="b"))])
    cache.db.execute("UPDATE responses SET logprobs = '[\"x\"]' WHERE text = 'a'")
    assert cache.lookup(backend.name, ["k1", "k2"]) == {"k2": Reply(text="b")}
    assert cache.unreadable == 1
    cache.db.execute("PRAGMA user_version = 99")
    cache.close()
    with pytest.raises(StoreError, match="made by a newer dontguess"):
        ResponseCache(tmp_path)


def test_a_cache_that_cannot_be_opened_stops_the_run_before_anything(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    backend = Served()
    with pytest.raises(StoreError, match="cannot open the response cache"):
        run(_spec("openai:fake"), ITEMS, [backend], ExactGrader(), RunDir(tmp_path / "a"),
            RunOptions(cache=tmp_path / "file"))  # fmt: skip
    assert _sent(backend) == 0 and not (tmp_path / "a").exists()


def test_a_failed_cache_write_is_counted_not_raised(tmp_path: Path) -> None:
    backend = Served()
    cache = ResponseCache(tmp_path)
    cache.bind([backend])
    other = sqlite3.connect(tmp_path / CACHE_FILE, timeout=0)
    other.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    cache.db.execute("PRAGMA busy_timeout = 0")
    cache.store([("k1", backend.name, Reply(text="a"))])
    other.execute("ROLLBACK")
    other.close()
    assert (cache.stored, cache.write_errors) == (0, 1) and "locked" in str(cache.last_error)
    cache.store([("k1", backend.name, Reply(text="a"))])
    assert cache.stored == 1


def test_two_caches_on_one_file_share_answers(tmp_path: Path) -> None:
    """Two runs at once (WAL): what one stores the other reads; a repeat keeps the first."""
    backend = Served()
    one, two = ResponseCache(tmp_path), ResponseCache(tmp_path)
    for c in (one, two):
        c.bind([backend])
    one.store([("k", backend.name, Reply(text="first"))])
    two.store([("k", backend.name, Reply(text="second"))])
    assert two.lookup(backend.name, ["k"]) == {"k": Reply(text="first")}
    assert (one.stored, two.stored) == (1, 0)


def test_the_journal_hands_committed_rows_to_its_listener(tmp_path: Path) -> None:
    seen: list[list[tuple[str, str, Reply]]] = []
    journal = Journal(tmp_path / "j.sqlite")
    journal.on_commit = seen.append
    journal.add("k", "m", Reply(text="a"), 1)
    journal.add("e", "m", Reply(text=None, error="no"), 1)
    assert seen == [[("k", "m", Reply(text="a"))], [("e", "m", Reply(text=None, error="no"))]]
    journal.close()
