"""Convert graded answers published by other projects into dontguess graded records.

Each converter reads the source format and returns a :class:`GradedTable`; nothing is
re-graded, only renamed. Mappings:

``simple-evals-ru`` (kuk/simple-evals-ru ``data/results/simpleqa/NN_model.jsonl``)
    one JSON line per SimpleQA question. ``id`` → ``item_id`` (as ``simpleqa-<id>``, the 0-based
    row of the upstream SimpleQA file); ``judge_pred`` ``correct`` / ``incorrect`` /
    ``not_attempted`` → ``correct`` / ``incorrect`` / ``abstained``; ``answer`` → ``answer``;
    model = the file name without its ``NN_`` prefix (``01_gemini_flash_1_5.jsonl`` →
    ``gemini_flash_1_5``). The prompt stated no target: closed rubric. No confidence.

``triviaqa-persona`` (Clivia0617/persona-hallucination-study ``results/rq3_responses.csv``)
    ``qid`` → ``item_id``; ``model_actual`` (the model that actually served the request) →
    ``model``; ``judge_verdict`` correct / incorrect → ``verdict`` (the study has no abstain
    grade); ``content`` → ``answer``; ``certainty_score`` → ``confidence``. The certainty
    score is the study's lexical measure (1.0 for an answer without hedges, lower with each
    hedge word); it already lies in [0, 1] and is used as is (a value outside is an error),
    so read it as "stated certainty", not as a probability. Each question is asked in 81
    settings; ``sample`` numbers the repeats of a (model, question) pair in file order, and
    ``model_key``, ``condition``, ``pair_label``, ``warmup_k`` become grouping columns.
    Closed rubric.

Not converted: the ``simpleqa_abstention_customgpt`` file classifies answers only as attempt
or abstention, without grading whether attempts are right, so it cannot give
right / wrong / abstained shares.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dontguess._util.rawtext import check_json_lines, decode_utf8, normalize_newlines, one_line
from dontguess.errors import InputError, SchemaError
from dontguess.records import UNGRADED_CODE, GradedTable
from dontguess.tables import concat_graded
from dontguess.tables._io import Where, read_csv_table

__all__ = ["FORMATS", "from_simple_evals_ru", "from_triviaqa_persona"]

#: Source formats understood by ``dontguess convert``.
FORMATS = ("simple-evals-ru", "triviaqa-persona")

_SIMPLE_EVALS_VERDICT = {"correct": 0, "incorrect": 1, "not_attempted": 2}
_PERSONA_VERDICT = {"correct": 0, "incorrect": 1}
_PERSONA_GROUPS = ("model_key", "condition", "pair_label", "warmup_k")
_PERSONA_COLUMNS = ("qid", "model_actual", "judge_verdict", "content", "certainty_score")

#: Makes the error about 0-based record ``row``: (row, message) -> InputError.
_ErrorAt = Callable[[int, str], InputError]


def _obj(values: Sequence[Any]) -> Any:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _codes(words: Sequence[Any], mapping: dict[str, int], column: str, error: _ErrorAt) -> Any:
    """Verdict codes; an unknown word is an error at its record."""
    codes = np.full(len(words), UNGRADED_CODE, dtype=np.int8)
    for row, word in enumerate(words):
        key = word.strip().lower() if isinstance(word, str) else None
        if key not in mapping:
            raise error(row, f"{column} must be one of {', '.join(mapping)}, got {_show(word)}")
        codes[row] = mapping[key]
    return codes


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _model_from_name(path: Path) -> str:
    stem = path.stem
    head, _, rest = stem.partition("_")
    return rest if head.isdigit() and rest else stem


def from_simple_evals_ru(paths: Sequence[str | Path]) -> GradedTable:
    """Read simple-evals-ru SimpleQA result files (see the module docstring for the mapping).

    Raises:
        InputError: a file is not UTF-8 JSON lines within the size and nesting limits; a line
            has a bad ``id``, ``judge_pred`` or ``answer``, or repeats an ``id`` of its model
            (file, line and value named).
        SchemaError: a line lacks ``id`` or ``judge_pred``.
    """
    if not paths:
        raise InputError("no input files given")
    parts = []
    seen: dict[tuple[str, str], str] = {}
    for p in paths:
        path = Path(p)
        model = _model_from_name(path)
        lines, rows = _simple_evals_rows(path)
        if not rows:
            raise InputError("no records", path=str(path))

        def error(
            row: int, message: str, path: Path = path, lines: list[int] = lines
        ) -> InputError:
            return InputError(message, path=str(path), line=lines[row])

        item_id = [f"simpleqa-{_simple_evals_id(r, error, k)}" for k, r in enumerate(rows)]
        for k, item in enumerate(item_id):
            first = seen.setdefault((model, item), f"{path}:{lines[k]}")
            if first != f"{path}:{lines[k]}":
                raise error(
                    k, f"duplicate id {rows[k]['id']!r} for model {model!r} (also at {first})"
                )
        parts.append(
            _table(
                item_id=item_id,
                model=[model] * len(rows),
                verdict=_codes(
                    [r["judge_pred"] for r in rows], _SIMPLE_EVALS_VERDICT, "judge_pred", error
                ),
                answer=[_answer_text(r.get("answer"), error, k) for k, r in enumerate(rows)],
            )
        )
    return concat_graded(parts)


def _simple_evals_rows(path: Path) -> tuple[list[int], list[dict[str, Any]]]:
    """The JSON object of each non-blank line, and its 1-based line number."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from exc
    decode_utf8(data, str(path))
    body = normalize_newlines(data).removeprefix(b"\xef\xbb\xbf")
    check_json_lines(body, str(path))
    lines, rows = [], []
    for lineno, raw in enumerate(body.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw.decode("utf-8"))
        except json.JSONDecodeError as exc:
            message = f"invalid JSON: {exc.msg}"
            if exc.msg == "Extra data":
                message = "more than one JSON value on the line (JSONL holds one object per line)"
            raise InputError(message, path=str(path), line=lineno) from None
        except RecursionError:
            raise InputError("JSON nested too deeply", path=str(path), line=lineno) from None
        for key in ("id", "judge_pred"):
            if not isinstance(row, dict) or key not in row:
                raise SchemaError(f"missing key {key!r}", path=str(path), line=lineno)
        lines.append(lineno)
        rows.append(row)
    return lines, rows


def _simple_evals_id(row: dict[str, Any], error: _ErrorAt, k: int) -> str:
    value = row["id"]
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip():
        raise error(k, f"id must be a number or non-empty text, got {_show(value)}")
    return _checked_text(str(value).strip(), "id", error, k)


def _answer_text(value: Any, error: _ErrorAt, k: int) -> str:
    """The answer as text: numbers as written in JSON, null as empty; no arrays or objects."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _checked_text(value, "answer", error, k)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    raise error(k, f"answer must be text or a number, got {_show(value)}")


def _checked_text(value: str, column: str, error: _ErrorAt, k: int) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise error(k, f"{column} holds an unpaired surrogate escape: {_show(value)}") from None
    return value


def from_triviaqa_persona(path: str | Path) -> GradedTable:
    """Read the persona study's ``rq3_responses.csv`` (see the module docstring).

    Raises:
        InputError: the file is not UTF-8 CSV; empty ``qid`` or ``model_actual``; unknown
            ``judge_verdict``; ``certainty_score`` not a number in [0, 1] (line and value named).
        SchemaError: a needed column is missing.
    """
    import pyarrow as pa

    path = Path(path)
    table, where = read_csv_table(path)
    need = (*_PERSONA_COLUMNS, *_PERSONA_GROUPS)
    missing = [c for c in need if c not in table.column_names]
    if missing:
        raise SchemaError(f"missing column {missing[0]!r}", path=str(path))
    if table.num_rows == 0:
        raise InputError("no records", path=str(path))
    try:
        col = {c: table.column(c).to_pylist() for c in need}
    except pa.ArrowException as exc:
        raise InputError(f"cannot read CSV: {one_line(exc)}", path=str(path)) from None
    for name in ("qid", "model_actual"):
        empty = [k for k, v in enumerate(col[name]) if not (v or "").strip()]
        if empty:
            raise where.error(empty[0], f"empty {name}")
    seen: dict[tuple[str, str], int] = {}
    sample = []
    for model, qid in zip(col["model_actual"], col["qid"], strict=True):
        key = (model, qid)
        sample.append(seen.get(key, 0))
        seen[key] = sample[-1] + 1
    return _table(
        item_id=col["qid"],
        model=col["model_actual"],
        verdict=_codes(col["judge_verdict"], _PERSONA_VERDICT, "judge_verdict", where.error),
        answer=[c or "" for c in col["content"]],
        confidence=_certainty(col["certainty_score"], where),
        sample=np.array(sample, dtype=np.int64),
        groups={g: _obj([v or "" for v in col[g]]) for g in _PERSONA_GROUPS},
    )


def _certainty(words: Sequence[str | None], where: Where) -> Any:
    """``certainty_score`` as floats in [0, 1]; empty is unknown (nan)."""
    out = np.full(len(words), np.nan)
    for row, word in enumerate(words):
        text = (word or "").strip()
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            raise where.error(row, f"certainty_score must be a number, got {_show(word)}") from None
        if not 0.0 <= value <= 1.0 and not math.isnan(value):
            raise where.error(row, f"certainty_score must be in [0, 1], got {_show(word)}")
        out[row] = value
    return out


def _table(
    *,
    item_id: Sequence[str],
    model: Sequence[str],
    verdict: Any,
    answer: Sequence[str],
    confidence: Any = None,
    sample: Any = None,
    groups: dict[str, Any] | None = None,
) -> GradedTable:
    """Closed-rubric records with every verdict graded."""
    n = len(item_id)
    return GradedTable(
        item_id=_obj(item_id),
        model=_obj(model),
        stated_target=np.full(n, np.nan),
        style=_obj([""] * n),
        sample=np.zeros(n, dtype=np.int64) if sample is None else sample,
        verdict=verdict,
        confidence=np.full(n, np.nan) if confidence is None else confidence,
        ungraded_reason=_obj([""] * n),
        answer=_obj(answer),
        groups=groups or {},
    )
