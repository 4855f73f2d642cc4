"""The columnar lm-eval reader and the batched abstention screen give the line reader's records."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.importers.logs import lm_line, write_lm

from dontguess.importers import _abstain_batch, lm_eval, read_lm_eval
from dontguess.importers._abstain_batch import declined_many, screen_pattern, widen
from dontguess.importers._common import declined
from dontguess.records import GradedTable

TEXTS = [
    "I don't know.", "I  DON`T\n know", "**I am not sure.**", "i'm\tnot   sure", "Paris",
    "", "   ", "#### 42", "I'm not sure, but I think it's 42.\n#### 42", "No idea.",
    "Sorry, I have no information on that.", "Je ne sais pas.", "Nevím.", "我不知道",
    "I can't\u00a0say.", "We need 3 more.\n#### 3", "n o t", "Dr. No was a film", "N/A",
    "I ca*n*'t tell", "unknown", "The answer is unknown to me.", "I'd rather not guess.",
    "Unfortunately I cannot determine that.", "I\x1cdon't know", "it's\u2024 not",
    'I "really" don\'t know', 'He said "I don\'t know", so 42.', "I do not know the answer",
]  # fmt: skip


def _both(path: Path, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> tuple[GradedTable, ...]:
    fast = read_lm_eval(path, **kw)
    with monkeypatch.context() as m:
        m.setattr(lm_eval, "read_columns", lambda _path: None)
        slow = read_lm_eval(path, **kw)
    return fast, slow


def _same(a: GradedTable, b: GradedTable) -> None:
    for name in ("item_id", "model", "style", "sample", "verdict", "ungraded_reason", "answer"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist(), name
    for name in ("stated_target", "confidence"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert list(a.groups) == list(b.groups)
    for name in a.groups:
        assert a.groups[name].tolist() == b.groups[name].tolist(), name


def test_declined_many_equals_declined_text_by_text() -> None:
    assert screen_pattern() is not None  # the detector's patterns translate: the fast path is on
    texts: list[str | None] = [*TEXTS, None]
    assert declined_many(texts).tolist() == [bool(t) and declined(t) for t in texts]
    assert declined_many([]).tolist() == []


def test_shared_lm_eval_logs_both_readers(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted((shared_data / "logs" / "lm_eval_harness").rglob("samples_*.jsonl"))
    assert files
    texts: list[str] = []
    for path in files:
        _same(*_both(path, monkeypatch))
        for line in path.read_text().splitlines():
            resps = json.loads(line)["resps"]
            texts += [r[0] for r in resps if isinstance(r, list) and r and isinstance(r[0], str)]
    assert texts
    assert declined_many(texts).tolist() == [declined(t) for t in texts]


def test_screen_rules_out_working_that_only_has_a_gate_word() -> None:
    import pyarrow as pa

    texts = ["We need 3 more.\n#### 3", "It would not fit, so 4.", "I don't know."]
    assert _abstain_batch._screen(pa.array(texts)).tolist() == [False, False, True]


def test_widen_keeps_boundaries_and_drops_lookarounds() -> None:
    assert widen(re.compile(r"(?<!x)\bno\b")) == r"\bno\b"
    assert widen(re.compile("(a)\\1", re.IGNORECASE)) is None  # flags: read every text
    assert widen(re.compile(r"don't know")) == r"don['`]t[\t-\r\x1c-\x20]+know"


def test_untranslatable_detector_means_every_text_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_abstain_batch, "screen_pattern", lambda: None)
    assert declined_many(["I don't know.", "Paris"]).tolist() == [True, False]


def test_columnar_reader_is_used_and_agrees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [lm_line(i, [1.0, 0.0, 0.5][i % 3], text=TEXTS[i % len(TEXTS)]) for i in range(60)]
    path = write_lm(tmp_path, lines)
    with monkeypatch.context() as m:  # the common shape never reaches the line reader
        m.setattr(lm_eval, "_lines", lambda _path: pytest.fail("read line by line"))
        read_lm_eval(path)
    for kw in ({}, {"partial_threshold": 0.5}):
        _same(*_both(path, monkeypatch, **kw))


@pytest.mark.parametrize(
    "lines",
    [
        [lm_line(i, float(i % 2), loglik=True, metric="acc") for i in range(8)],
        [lm_line(i, 1.0, filt=f) for i in range(4) for f in ("strict", "flexible")],
        [{**lm_line(i, 0.0, text="I don't know."), "doc_id": f"d{i}"} for i in range(3)],
        [{**lm_line(i, 1.0), "metrics": ["exact_match", "f1"], "f1": 0.25} for i in range(3)],
        [{**lm_line(0, 1.0), "resps": [[]]}, {**lm_line(1, 0.0), "resps": []}],
    ],
    ids=["loglik", "filters", "text-ids", "two-metrics", "empty-resps"],
)
def test_shapes_agree_with_the_line_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: list[dict[str, Any]]
) -> None:
    _same(*_both(write_lm(tmp_path, lines), monkeypatch))
    results = {"model_name": "m", "configs": {"quiz": {"output_type": "multiple_choice"}}}
    _same(*_both(write_lm(tmp_path, lines, results=results), monkeypatch))


@pytest.mark.parametrize(
    "second",
    [
        {**lm_line(1, 1.0), "exact_match": "C"},  # a verdict letter
        {**lm_line(1, 1.0), "exact_match": None},
        {**lm_line(1, 1.0), "metrics": ["acc"], "acc": 1.0},  # another metric
        {**lm_line(1, 1.0), "resps": "[['x']]"},  # Python repr text
        {k: v for k, v in lm_line(1, 1.0).items() if k != "filter"},
    ],
)
def test_other_shapes_fall_back_to_the_line_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, second: dict[str, Any]
) -> None:
    path = write_lm(tmp_path, [lm_line(0, 1.0), second])
    _same(*_both(path, monkeypatch))
