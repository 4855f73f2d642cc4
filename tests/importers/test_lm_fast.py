"""The columnar lm-eval reader and the batched abstention screen give the line reader's records."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.importers.logs import lm_line, write_lm

from dontguess.errors import InputError
from dontguess.importers import _abstain_batch, _lm_fast, lm_eval, read_lm_eval
from dontguess.importers._abstain_batch import declined_many, screen_pattern, widen
from dontguess.importers._common import declined, depth_ok
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
        m.setattr(lm_eval, "read_fast", lambda *_a, **_k: None)
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
    texts = ["We need 3 more.\n#### 3", "It would not fit, so 4.", "I don't know."]
    assert _abstain_batch._screen(texts).tolist() == [False, False, True]


def test_widen_keeps_boundaries_and_drops_lookarounds() -> None:
    assert widen(re.compile(r"(?<!x)\bno\b")) == r"\bno\b"
    assert widen(re.compile("(a)\\1", re.IGNORECASE)) is None  # flags: read every text
    assert widen(re.compile(r"don't know")) == r"don['`]t[\t-\r\x1c-\x20]+know"


def test_widen_refuses_scoped_flags() -> None:
    """(?i:...) inside a pattern was widened as if case mattered: the screen then missed
    'xABC', which the pattern matches, and ruled out a text the detector must read."""
    assert re.search(r"x(?i:abc)", "xABC")
    assert widen(re.compile(r"x(?i:abc)")) is None
    assert widen(re.compile(r"x(?:abc)")) == "xabc"  # (a plain group is flattened)


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
        [
            {**lm_line(i, 1.0, loglik=True), "filtered_resps": f}
            for i, f in enumerate(
                [
                    [["-1", "F"], ["-1", "T"]],
                    [["nan", "F"], ["-2", "T"]],
                    [["-3", "F"], ["nan", "T"]],
                    [["x", "F"], ["-1", "T"]],
                    [[], ["-1", "T"]],
                    [["-1", "F"]],
                    "[['-1', 'F']]",
                    [["1_0", "F"], [" -1 ", "T"]],
                    [[True, "F"], [0.5, "T"]],
                    None,
                    [],
                ]
            )
        ],
        [
            {**lm_line(i, 1.0, loglik=True), "filtered_resps": [[a, "F"], [b, "T"]]}
            for i, (a, b) in enumerate([("-9", "-1"), ("-1", "-1"), ("-1", "nan"), ("-0.0", "0")])
        ],
    ],
    ids=["loglik", "filters", "text-ids", "two-metrics", "empty-resps", "choices", "argmax"],
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


def _outcome(path: Path, monkeypatch: pytest.MonkeyPatch, *, fast: bool) -> Any:
    """The records read, or the error message (the fast reader, or only the line reader)."""
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(lm_eval, "read_fast", lambda *_a, **_k: None)
        try:
            return read_lm_eval(path)
        except InputError as exc:
            return str(exc)


def _line(n: int, **changes: Any) -> bytes:
    return json.dumps({**lm_line(n, float(n % 2)), **changes}).encode()


_GOOD = [_line(0), _line(1), _line(2)]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"\n".join(_GOOD), None),  # no newline at the end
        (b"\r\n".join(_GOOD) + b"\r\n", None),
        (b"\n\n".join(_GOOD) + b"\n \t\n", None),  # blank lines are skipped
        (b"\n".join(b"  " + g + b" " for g in _GOOD) + b"\n", None),
        (_GOOD[0] + b" " + _GOOD[1] + b"\n" + _GOOD[2] + b"\n", ":1: invalid JSON"),
        (_GOOD[0] + b"\n" + _GOOD[1][:-1] + b"\n}\n", ":2: invalid JSON"),  # across lines
        (b"\xef\xbb\xbf" + b"\n".join(_GOOD), None),  # a byte-order mark
        (b"\n".join([*_GOOD, _line(3, doc="[" * 201 + "]" * 201)]), None),  # a string
        (b"\n".join([*_GOOD, _line(3).replace(b'"?"', b"[" * 198 + b"]" * 198)]), None),
        (b"\n".join([*_GOOD, _line(3).replace(b'"?"', b"[" * 199 + b"]" * 199)]), ":4: JSON nests"),
        (b"\n".join([*_GOOD, _line(3).replace(b'"?"', b'"\xff"')]), ":4: JSON is not UTF-8"),
        (b"\n".join([*_GOOD, _line(3).replace(b'"?"', b"1" * 5000)]), None),  # over 4300 digits
        (b"\n".join([*_GOOD, _line(3).replace(b'"?"', b"[-0.5e-7, true, null, {}]")]), None),
        (b"\n".join([*_GOOD, _line(3).replace(b'"?"', b"NaN")]), None),
        (b"\n".join([*_GOOD, _line(3, exact_match=1e400)]), None),  # inf
        (b"\n".join([*_GOOD, _line(3, exact_match=10**400)]), None),  # no float
        (b"\n".join([*_GOOD, _line(3).replace(b'"?"', b'"\\ud800"')]), None),
        (b"\n".join([*_GOOD, _line(3, doc_id=True)]), None),
        (b"\n".join([*_GOOD, _line(3, doc_id=2**70)]), None),
        (b"\n".join([*_GOOD, _line(3, resps=[["I don't know"], ["x"]])]), None),
        (b"\n".join([*_GOOD, _line(3, resps=None)]), None),
        (b"\n".join([*_GOOD, _line(3, filtered_resps=None, resps=[])]), None),
    ],
    ids=["no-final-newline", "crlf", "blank-lines", "spaces", "two-on-a-line", "across-lines",
         "bom", "brackets-in-text", "depth-200", "depth-201", "bad-utf8", "huge-int", "values",
         "nan", "inf", "huge-metric", "lone-surrogate", "bool-id", "big-id", "two-responses",
         "null-resps", "no-responses"],
)  # fmt: skip
def test_the_fast_reader_accepts_and_refuses_what_the_line_reader_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, error: str | None
) -> None:
    path = write_lm(tmp_path, [])
    path.write_bytes(content)
    fast, slow = (_outcome(path, monkeypatch, fast=f) for f in (True, False))
    if error is None:
        assert isinstance(slow, GradedTable), slow
        _same(fast, slow)
    else:
        assert isinstance(slow, str) and error in slow, slow
        assert fast == slow


def test_the_fast_reader_reads_a_file_of_the_common_shape_alone(tmp_path: Path) -> None:
    lines = [b"\n".join(_GOOD), b"\r\n".join(_GOOD), b"\n\n".join(_GOOD) + b"\n"]
    lines += [b"\n".join([*_GOOD, _line(3).replace(b'"?"', b"[" * 198 + b"]" * 198)])]
    for content in lines:
        path = write_lm(tmp_path, [])
        path.write_bytes(content)
        assert _lm_fast.read_columns(path) is not None, content[-40:]


def _reference_scan(data: bytes) -> list[int] | None:
    """Line starts then the end, or None if a line nests too deep: line by line."""
    starts = [0] + [i + 1 for i, b in enumerate(data) if b == ord("\n")]
    starts += [len(data)] * (starts[-1] != len(data))
    ok = all(depth_ok(data[a:b]) for a, b in itertools.pairwise(starts))
    return starts if ok else None


@pytest.mark.parametrize("where", [4093, 0, 3800, 3950])
@pytest.mark.parametrize("short", [False, True])
def test_scan_finds_lines_and_deep_nesting_across_blocks(where: int, short: bool) -> None:
    """Lines found by memchr and (after 4,096 short lines) vectorised; a line nesting 201
    deep is found wherever it sits relative to the 4,096-byte bracket-count blocks (its
    brackets all in its last block, in its first, or straddling two), one nesting 200
    deep and brackets in a string are accepted."""
    head = b"\n".join([b'{"a": [1, {"b": "[[{"}]}'] * (5000 if short else 50)) + b"\n"
    for depth, end in ((201, b"\n"), (200, b""), (1, b"\n")):
        nested = b"[" * (depth - 1) + b"]" * (depth - 1)  # inside {"d": ...}
        pad = (where - len(head) - len(b'{"x": ""}\n')) % 4096 + 4096
        deep = b'{"d": ' + nested + b"}"
        data = head + b'{"x": "' + b"y" * pad + b'"}\n' + deep + b"\n" + b'{"s": "[[[[[["}' + end
        if depth == 1:
            data += b'{"s": "' + b"[" * 300 + b'"}'  # many brackets, inside a string
        assert data.index(deep) % 4096 == where
        got, want = _lm_fast._scan(data), _reference_scan(data)
        assert (got is None) == (want is None) == (depth == 201)
        if got is not None:
            assert got.tolist() == want
