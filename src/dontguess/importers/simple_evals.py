"""openai/simple-evals outputs and their forks.

Formats with per-answer records (docs/import.md):

``<eval>_<sampler>.html`` (simple-evals' report)
    one record per example: the last user message is the question (``item_id`` = a hash of
    it, so the same question pairs across models; repeats of one question are samples),
    the sampled message is the answer. ``Score: True`` / ``1.0`` → correct; ``False`` /
    ``0.0`` → incorrect, or abstained when the answer declines
    (:func:`dontguess.grading.detect_abstention`; SimpleQA's report keeps only
    ``is_correct``, so "not attempted" is recovered this way); other numbers ungraded
    unless thresholded. Model = the sampler part of the file name, benchmark = the eval.
``NN_<model>.jsonl`` (kuk/simple-evals-ru SimpleQA results)
    SimpleQA grader letters ``judge_answer`` A / B / C → correct / incorrect / abstained
    (``judge_pred`` when the letter is missing); ``item_id`` = ``simpleqa-<id>``.
``judge_consistency_validation.jsonl`` (adorosario/simple-evals confidence runs)
    each response re-graded several times: the letters A / B / C when all runs agree,
    else ungraded; model = ``<run_id> round <line>`` (the file does not name the system).

``<eval>_<sampler>.json``, ``quality_benchmark_results.json`` and ``run_metadata.json`` hold
aggregate metrics only and raise :class:`~dontguess.importers.AggregateOnlyError`.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter
from pathlib import Path
from typing import Any

from dontguess.errors import InputError
from dontguess.importers._common import (
    ABSTAINED,
    CORRECT,
    INCORRECT,
    AggregateOnlyError,
    Builder,
    check_size,
    check_threshold,
    declined,
    fmt_score,
    load_json,
    score_verdict,
)
from dontguess.records import UNGRADED_CODE, GradedTable

__all__ = ["EVAL_NAMES", "read_simple_evals", "split_name"]

#: Eval names of simple-evals, longest first (file names are ``<eval>_<sampler>``).
EVAL_NAMES = ("healthbench_consensus", "healthbench_hard", "healthbench", "browsecomp",
              "humaneval", "simpleqa", "mgsm", "mmlu", "math", "gpqa", "drop")  # fmt: skip
_LETTERS = {"A": CORRECT, "B": INCORRECT, "C": ABSTAINED}
_PREDS = {"correct": CORRECT, "incorrect": INCORRECT, "not_attempted": ABSTAINED}
_EXAMPLE = re.compile(
    r"<h3>Sampled message</h3>.*?<pre>(?P<answer>.*?)</pre>.*?"
    r"<h3>Results</h3>(?P<results>.*?)(?:<hr>|$)",
    re.S,
)
_USER = re.compile(r'<div class="message user">.*?<pre>(.*?)</pre>', re.S)
_FIELD = re.compile(r"<p>(Correct Answer|Extracted Answer|Score): ?(.*?)</p>", re.S)


def split_name(path: Path) -> tuple[str, str]:
    """``(eval, sampler)`` from a report file name.

    >>> split_name(Path("simpleqa_gpt-4o_assistant.html"))
    ('simpleqa', 'gpt-4o_assistant')
    """
    stem = path.stem
    for name in EVAL_NAMES:
        if stem.startswith(name + "_"):
            return name, stem[len(name) + 1 :]
    head, _, rest = stem.partition("_")
    return head, rest or "unknown"


def read_simple_evals(path: str | Path, *, partial_threshold: float | None = None) -> GradedTable:
    """Read a simple-evals output with per-answer records (formats in the module docstring).

    Raises:
        AggregateOnlyError: an aggregate-metrics file (``<eval>_<sampler>.json`` and such).
        InputError: an unreadable file, or a record of the wrong shape (file and line named).
    """
    path = Path(path)
    check_size(path)
    threshold = check_threshold(partial_threshold)
    data = path.read_bytes()
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return _read_html(path, data, threshold)
    first = data.split(b"\n", 1)[0]
    if path.suffix.lower() == ".jsonl" or (first.rstrip().endswith(b"}") and b"\n{" in data):
        return _read_jsonl(path, data)
    doc = load_json(data, str(path))
    raise AggregateOnlyError(
        f"holds aggregate metrics only ({_describe(doc)}); simple-evals writes each answer "
        "to the <eval>_<sampler>.html report next to it",
        path=str(path),
    )


def _describe(doc: Any) -> str:
    if not isinstance(doc, dict):
        return f"a JSON {type(doc).__name__}"
    keys = list(doc)[:4]
    return "keys " + ", ".join(map(str, keys)) + (", …" if len(doc) > 4 else "")


def _read_html(path: Path, data: bytes, threshold: float | None) -> GradedTable:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text (bad byte at offset {exc.start})", path=str(path)
        ) from None
    _, _, body = text.partition("<h1>Examples</h1>")
    if not body:
        raise InputError("not a simple-evals report (no 'Examples' section)", path=str(path))
    bench, model = split_name(path)
    builder = Builder()
    seen: Counter[str] = Counter()
    for k, chunk in enumerate(body.split("<hr>")[:-1] or [body], start=1):
        _add_example(builder, chunk, k, path, (bench, model), seen, threshold)
    if not len(builder):
        raise AggregateOnlyError("the report lists no examples", path=str(path))
    return builder.table()


def _add_example(
    builder: Builder,
    chunk: str,
    k: int,
    path: Path,
    names: tuple[str, str],
    seen: Counter[str],
    threshold: float | None,
) -> None:
    match = _EXAMPLE.search(chunk)
    users = _USER.findall(chunk.split("<h3>Sampled message</h3>")[0])
    if match is None or not users:
        raise InputError(f"example {k}: no prompt, sampled message and results", path=str(path))
    question = html.unescape(users[-1])
    answer = html.unescape(match.group("answer"))
    fields = {name: html.unescape(value).strip() for name, value in _FIELD.findall(chunk)}
    raw = fields.get("Score", "")
    value = {"true": 1.0, "false": 0.0}.get(raw.lower())
    if value is None:
        try:
            value = float(raw)
        except ValueError:
            value = None
    if value is None:
        code, reason = UNGRADED_CODE, f"score {raw[:20]!r} is not a number or True/False"
    else:
        code, reason = score_verdict(value, threshold)
        if code == INCORRECT and declined(answer):
            code = ABSTAINED
    item = "q-" + hashlib.sha256(question.encode("utf-8")).hexdigest()[:16]
    builder.add(
        item_id=item, model=names[1], verdict=code, reason=reason, sample=seen[item],
        answer=answer,
        groups={"benchmark": names[0], "harness": "simple-evals", "scorer": "score",
                "source_score": fmt_score(value), "abstain_possible": "yes"},
    )  # fmt: skip
    seen[item] += 1


def _read_jsonl(path: Path, data: bytes) -> GradedTable:
    builder = Builder()
    for lineno, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        obj = load_json(raw, str(path), line=lineno)
        if not isinstance(obj, dict):
            raise InputError(f"each line must be a JSON object, got {type(obj).__name__}",
                             path=str(path), line=lineno)  # fmt: skip
        if obj.get("validation_type") == "judge_consistency":
            _add_consistency(builder, obj, lineno, path)
        else:
            _add_ru(builder, obj, lineno, path)
    if not len(builder):
        raise InputError("no records", path=str(path))
    return builder.table()


def _ru_model(path: Path) -> str:
    head, _, rest = path.stem.partition("_")
    return rest if head.isdigit() and rest else path.stem


def _add_ru(builder: Builder, obj: dict[str, Any], lineno: int, path: Path) -> None:
    qid = obj.get("id")
    if isinstance(qid, bool) or not isinstance(qid, int | str) or qid == "":
        raise InputError(f"id must be a number or text, got {qid!r}", path=str(path), line=lineno)
    letter = str(obj.get("judge_answer") or "").strip().upper()[:1]
    pred = str(obj.get("judge_pred") or "").strip().lower()
    if letter in _LETTERS:
        code, reason = _LETTERS[letter], ""
    elif pred in _PREDS:
        code, reason = _PREDS[pred], ""
    else:
        raise InputError(
            f"judge_answer must be A, B or C (or judge_pred correct / incorrect / not_attempted), "
            f"got {obj.get('judge_answer')!r}",
            path=str(path),
            line=lineno,
        )
    answer = obj.get("answer") if isinstance(obj.get("answer"), str) else ""
    builder.add(
        item_id=f"simpleqa-{qid}", model=_ru_model(path), verdict=code, reason=reason,
        answer=str(answer),
        groups={"benchmark": "simpleqa", "harness": "simple-evals", "scorer": "judge_answer",
                "source_score": "1" if code == CORRECT else "0", "abstain_possible": "yes"},
    )  # fmt: skip


def _add_consistency(builder: Builder, obj: dict[str, Any], lineno: int, path: Path) -> None:
    summary = obj.get("summary")
    results = summary.get("detailed_results") if isinstance(summary, dict) else None
    if not isinstance(results, list):
        raise InputError("summary.detailed_results must be a list", path=str(path), line=lineno)
    model = f"{obj.get('run_id', 'run')} round {lineno}"
    for k, res in enumerate(results, start=1):
        if not isinstance(res, dict) or not isinstance(res.get("evaluations"), list):
            raise InputError(f"result {k}: no evaluations list", path=str(path), line=lineno)
        grades = sorted({str(e.get("grade", "")).strip().upper() for e in res["evaluations"]
                         if isinstance(e, dict)})  # fmt: skip
        if len(grades) == 1 and grades[0] in _LETTERS:
            code, reason = _LETTERS[grades[0]], ""
        else:
            code, reason = UNGRADED_CODE, f"judge runs disagree or are missing: {grades}"
        builder.add(
            item_id=str(res.get("question_id", k)), model=model, verdict=code, reason=reason,
            answer=str(res.get("predicted_answer") or ""),
            groups={"benchmark": "simpleqa", "harness": "simple-evals", "scorer": "judge",
                    "source_score": "1" if code == CORRECT else ("0" if reason == "" else ""),
                    "abstain_possible": "yes"},
        )  # fmt: skip
