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

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dontguess.errors import InputError, SchemaError
from dontguess.records import UNGRADED_CODE, GradedTable
from dontguess.tables import concat_graded

__all__ = ["FORMATS", "from_simple_evals_ru", "from_triviaqa_persona"]

#: Source formats understood by ``dontguess convert``.
FORMATS = ("simple-evals-ru", "triviaqa-persona")

_SIMPLE_EVALS_VERDICT = {"correct": 0, "incorrect": 1, "not_attempted": 2}
_PERSONA_VERDICT = {"correct": 0, "incorrect": 1}
_PERSONA_GROUPS = ("model_key", "condition", "pair_label", "warmup_k")


def _obj(values: Sequence[Any]) -> Any:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _codes(
    words: Sequence[Any], mapping: dict[str, int], column: str, path: Path, *, jsonl: bool
) -> Any:
    """Verdict codes; errors name the JSONL line, or the CSV data row (values span lines)."""
    codes = np.full(len(words), UNGRADED_CODE, dtype=np.int8)
    for row, word in enumerate(words):
        key = str(word).strip().lower() if word is not None else ""
        if key not in mapping:
            message = f"{column} must be one of {', '.join(mapping)}, got {word!r}"
            if jsonl:
                raise InputError(message, path=str(path), line=row + 1)
            raise InputError(f"data row {row + 1}: {message}", path=str(path))
        codes[row] = mapping[key]
    return codes


def _model_from_name(path: Path) -> str:
    stem = path.stem
    head, _, rest = stem.partition("_")
    return rest if head.isdigit() and rest else stem


def from_simple_evals_ru(paths: Sequence[str | Path]) -> GradedTable:
    """Read simple-evals-ru SimpleQA result files (see the module docstring for the mapping).

    Raises:
        InputError: a line is not JSON or has an unknown ``judge_pred`` (file and line named).
        SchemaError: a line lacks ``id`` or ``judge_pred``.
    """
    import json

    if not paths:
        raise InputError("no input files given")
    parts = []
    for p in paths:
        path = Path(p)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from exc
        rows = []
        for lineno, line in enumerate(lines, start=1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON: {exc.msg}", path=str(path), line=lineno) from exc
            for key in ("id", "judge_pred"):
                if not isinstance(row, dict) or key not in row:
                    raise SchemaError(f"missing key {key!r}", path=str(path), line=lineno)
            rows.append(row)
        if not rows:
            raise InputError("no records", path=str(path))
        n = len(rows)
        parts.append(
            _table(
                item_id=[f"simpleqa-{r['id']}" for r in rows],
                model=[_model_from_name(path)] * n,
                verdict=_codes(
                    [r["judge_pred"] for r in rows],
                    _SIMPLE_EVALS_VERDICT,
                    "judge_pred",
                    path,
                    jsonl=True,
                ),
                answer=[r.get("answer") or "" for r in rows],
            )
        )
    return concat_graded(parts)


def from_triviaqa_persona(path: str | Path) -> GradedTable:
    """Read the persona study's ``rq3_responses.csv`` (see the module docstring).

    Raises:
        InputError: unknown ``judge_verdict`` or ``certainty_score`` outside [0, 1].
        SchemaError: a needed column is missing.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    path = Path(path)
    try:
        table = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(newlines_in_values=True))
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"cannot read CSV: {exc}", path=str(path)) from exc
    need = ("qid", "model_actual", "judge_verdict", "content", "certainty_score", *_PERSONA_GROUPS)
    missing = [c for c in need if c not in table.column_names]
    if missing:
        raise SchemaError(f"missing column {missing[0]!r}", path=str(path))
    if table.num_rows == 0:
        raise InputError("no records", path=str(path))
    col = {c: table.column(c).to_pylist() for c in need}
    confidence = np.array([np.nan if v is None else v for v in col["certainty_score"]], float)
    bad = np.flatnonzero((confidence < 0) | (confidence > 1))
    if bad.size:
        raise InputError(
            f"data row {int(bad[0]) + 1}: certainty_score must be in [0, 1], "
            f"got {confidence[bad[0]]:g}",
            path=str(path),
        )
    seen: dict[tuple[str, str], int] = {}
    sample = []
    for model, qid in zip(col["model_actual"], col["qid"], strict=True):
        key = (str(model), str(qid))
        sample.append(seen.get(key, 0))
        seen[key] = sample[-1] + 1
    return _table(
        item_id=[str(q) for q in col["qid"]],
        model=[str(m) for m in col["model_actual"]],
        verdict=_codes(col["judge_verdict"], _PERSONA_VERDICT, "judge_verdict", path, jsonl=False),
        answer=[c or "" for c in col["content"]],
        confidence=confidence,
        sample=np.array(sample, dtype=np.int64),
        groups={g: _obj(["" if v is None else str(v) for v in col[g]]) for g in _PERSONA_GROUPS},
    )


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
