"""The detector's guarded patterns find what the plain ones find, so its decisions are unchanged.

``_abstain`` compiles its phrase patterns through :func:`guarded` (a lookahead for the
characters a match can start with, for speed). Here each guarded pattern is compared with
the plain pattern it came from (search spans, ``split``, ``sub``) and whole decisions are
compared: ``detect_abstention`` with the plain patterns, with the guarded ones, and the
importers' batch path (``declined_many``: the RE2 screen, then the detector), on the
answers of the shared labelled sets, answers shaped as in ``bench/import_throughput.py``
and random text made of the characters the patterns look at.
"""

from __future__ import annotations

import importlib.util
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.grading import test_abstain_real as real

from dontguess.grading import _abstain, detect_abstention
from dontguess.grading._abstain_guard import first_chars, guarded
from dontguess.importers._abstain_batch import declined_many

ROOT = Path(__file__).resolve().parents[2]
NAMES = [name for name, value in vars(_abstain).items() if isinstance(value, re.Pattern)]
GUARDED = [n for n in NAMES if getattr(_abstain, n).pattern.startswith("(?=[")]
PIECES = [
    " ", "  ", "\n", ".", ". ", "!", "?", ";", ",", ":", "'", '"', "-", "e.g.", "i.e.", "vs.",
    "dr.", "n't", "not", "no", "i", "i'm", "don't", "know", "sure", "but", "however", "the",
    "answer", "is", "was", "probably", "sorry", "unknown", "1987", "42", "#### 7", "need",
    "nevím", "není", "známo", "не", "знаю", "nicht", "je ne sais pas", "不知道", "。", "但是",
    "可能", "わかりません", "<unknown>", "some", "one of", "cannot", "determine", "a", "x",
]  # fmt: skip


def _plain(name: str) -> re.Pattern[str]:
    """The pattern ``_abstain.<name>`` was guarded from."""
    pattern = getattr(_abstain, name)
    if not pattern.pattern.startswith("(?=["):
        return pattern
    head = pattern.pattern.index("])(?:") + len("])(?:")
    plain = re.compile(pattern.pattern[head:-1], pattern.flags)
    assert guarded(plain).pattern == pattern.pattern  # the split is right
    return plain


def _random_texts(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(PIECES, k=rng.randint(1, 40))) for _ in range(n)]


def _bench_texts(n: int = 4000) -> list[str]:
    """Answers as bench/import_throughput.py writes them (refusals, hedges, worked steps)."""
    path = ROOT / "bench" / "import_throughput.py"
    spec = importlib.util.spec_from_file_location("bench_import", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rng = random.Random(1)
    texts = []
    for _ in range(n):
        question, _, c = bench._problem(rng)
        texts.append(bench._answer(rng, c, question)[0])
    return texts


def _views(texts: list[str]) -> Iterator[str]:
    """Each text as the detector's patterns see it: raw, folded and lower-cased, and each
    clause of that."""
    for text in texts:
        yield text
        lowered = _abstain._DOT.sub(
            _abstain._protect, re.sub(r"\s+", " ", _abstain.fold_quotes(text).replace("*", ""))
        ).lower()
        yield lowered
        for clause, _, _ in _abstain._clauses(lowered.strip()):
            yield clause
            yield _abstain._strip_leading(clause)


def _same_matches(texts: list[str]) -> None:
    views = list(_views(texts))
    for name in GUARDED:
        fast, plain = getattr(_abstain, name), _plain(name)
        for text in views:  # every match (search, sub and split find these), with its groups
            got = [(m.span(), m.groups()) for m in fast.finditer(text)]
            assert got == [(m.span(), m.groups()) for m in plain.finditer(text)], (name, text)


def test_the_detectors_main_patterns_are_guarded() -> None:
    for name in ("_GATE", "_ABSTAIN", "_HEDGE", "_COMMIT", "_CLAUSE_SPLIT", "_APOLOGY"):
        assert name in GUARDED, name


def test_first_chars_cover_every_alternative() -> None:
    assert first_chars(re.compile(r"(?:^|,?\s+)(?:but|yet)\b")) == r"[\U0000002c\sby]"
    assert first_chars(re.compile(r"(?<!\bvs)[.!]+(?=\s|$)|[。\n]+")) == (
        r"[\U0000002e\U00000021\U00003002\U0000000a]"
    )
    assert first_chars(re.compile(r"a?b*c{0,2}d")) == "[abcd]"
    assert first_chars(re.compile(r"(?>ab|c)|\d")) == r"[ac\d]"


@pytest.mark.parametrize("pattern", [r"a?", r"(?:x|)", r"\b", r"[^a]b", r".x", r"(a)?\1b", "(?i)a"])
def test_patterns_left_alone(pattern: str) -> None:
    compiled = re.compile(pattern)
    assert first_chars(compiled) is None
    assert guarded(compiled) is compiled


def test_guarded_keeps_groups_and_matches() -> None:
    plain = re.compile(r"(?<!\S)(\S*)\.(?=\s+(\S))|(?P<w>\bnot?\b)")
    fast = guarded(plain)
    assert fast.groupindex == plain.groupindex and fast.groups == plain.groups
    for text in _random_texts(500):
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_same_matches_on_random_and_bench_texts() -> None:
    _same_matches(_random_texts(1000) + _bench_texts(300))


def test_same_decisions_on_random_and_bench_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _random_texts(1500) + _bench_texts()
    fast = [detect_abstention(t) for t in texts]
    assert any(fast) and not all(fast)
    assert declined_many(texts).tolist() == fast
    mixed = [None, "", *texts[:50], None, *texts[:50]]  # no text, empty, repeats
    assert declined_many(mixed).tolist() == [bool(t) and detect_abstention(t) for t in mixed]
    ascii_only = [t for t in texts if t.isascii()]  # (the screen's one-buffer path)
    assert declined_many(ascii_only).tolist() == [detect_abstention(t) for t in ascii_only]
    for name in GUARDED:
        monkeypatch.setattr(_abstain, name, _plain(name))
    assert [detect_abstention(t) for t in texts] == fast


@pytest.mark.shared
def test_same_matches_and_decisions_on_the_shared_labelled_answers(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        *real._simple_evals_ru(shared_data),
        *real._classifications(shared_data),
        *real._czech(shared_data),
        *real._evouna(shared_data),
    ]
    texts = list(dict.fromkeys(text for _, _, text, _, _, _ in rows))
    assert len(texts) > 20_000
    _same_matches(texts[::29])  # (every text: 10 s more)
    fast = [detect_abstention(t) for t in texts]
    want = [bool(t.strip()) and f for t, f in zip(texts, fast, strict=True)]
    assert declined_many(texts).tolist() == want
    for name in GUARDED:
        monkeypatch.setattr(_abstain, name, _plain(name))
    some = range(0, len(texts), 4)  # (every text: 6 s more)
    assert [detect_abstention(texts[i]) for i in some] == [fast[i] for i in some]


@pytest.mark.parametrize(
    "pattern",
    [r"(?i:abc)", r"(?i)abc", r"(?i:no)t", r"(?:(?i:idk)|x)y", r"(?x) a b c"],
)
def test_caseless_patterns_keep_their_matches(pattern: str) -> None:
    """A pattern whose first characters may come in another case is left as it is (a
    scoped ``(?i:...)`` was guarded by its lower-case letters only, missing 'ABC')."""
    text = "ABC abc NOT not IDKy idky Xy"
    plain = re.compile(pattern)
    assert [m.span() for m in guarded(pattern).finditer(text)] == [
        m.span() for m in plain.finditer(text)
    ]
