"""lm-evaluation-harness ``samples_<task>_<time>.jsonl`` files (written with ``--log_samples``).

Each line is one document: ``doc_id``, ``doc``, ``target``, ``arguments``, ``resps``,
``filtered_resps``, ``filter``, ``metrics`` (the metric names) and one key per metric
(``exact_match``, ``acc``, ``acc_norm``, …). Mapping (docs/import.md):

- one record per document × filter × metric; ``item_id`` = ``doc_id``; closed rubric;
- metric value 1 → correct, 0 → incorrect, any other number → ungraded unless a
  ``partial_threshold`` is given (value ≥ threshold → correct); the verdict letters
  ``C`` / ``I`` / ``N`` (inspect's, written by dontguess's own lm-eval tasks) → correct /
  incorrect / abstained, ``null`` → ungraded; when every metric of a line holds the same
  letter (dontguess's tasks: ``score_t0`` … ``error_rate``) the line is one record;
- generated answers (``generate_until``): the raw response goes through
  :func:`dontguess.grading.detect_abstention`; a declined answer is *abstained* whatever
  the metric gave it (the metric's value stays in ``source_score``);
- log-likelihood tasks (``multiple_choice``, ``loglikelihood``): the model could not
  abstain, so ``abstain_possible`` is ``no``;
- model and task type come from the neighbouring ``results_<time>.json`` when present
  (``model_name``, ``configs[task].output_type``); otherwise the model is ``unknown`` and
  the task type is read from the responses. When a file holds several filters or metrics,
  the model name gets `` · metric/filter`` so each scoring rule is its own row.

Some writers store ``doc``, ``arguments`` and ``resps`` as Python ``repr`` text; those are
read with :func:`ast.literal_eval` (bounded in size).

A file whose lines all have the first line's shape is read by a typed decoder that builds
only the fields used (:mod:`dontguess.importers._lm_fast` and ``_lm_table``: the same
records, several times faster); any other file, and any file with a problem, is read line
by line here, which names the line at fault.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dontguess.errors import InputError
from dontguess.importers._common import (
    ABSTAINED,
    AggregateOnlyError,
    Builder,
    check_size,
    check_threshold,
    declined,
    fmt_score,
    load_json,
    score_verdict,
)
from dontguess.importers._lm_fast import LINE_LIMIT, LOGLIKELIHOOD, choice, generation
from dontguess.importers._lm_table import read_fast
from dontguess.importers.inspect_log import grade_value
from dontguess.records import UNGRADED_CODE, GradedTable

__all__ = ["read_lm_eval", "task_and_stamp"]

_STRUCTURAL = frozenset(
    ["doc_id", "doc", "target", "arguments", "resps", "filtered_resps", "filter", "metrics",
     "doc_hash", "prompt_hash", "target_hash"]
)  # fmt: skip
_STAMP = re.compile(r"_(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d+)?)$")
_FLOAT_MAX = sys.float_info.max
_LETTERS = ("C", "I", "N", None)  # verdict letters; None: the task left it ungraded


def task_and_stamp(path: Path) -> tuple[str, str | None]:
    """Task name and timestamp from ``samples_<task>_<time>.jsonl`` (stamp None if absent).

    >>> task_and_stamp(Path("samples_gsm8k_2025-09-09T13-31-53.431753.jsonl"))
    ('gsm8k', '2025-09-09T13-31-53.431753')
    """
    stem = path.name.split(".jsonl")[0] if ".jsonl" in path.name else path.stem
    stem = stem.removeprefix("samples_")
    match = _STAMP.search(stem)
    if match is None:
        return stem, None
    return stem[: match.start()], match.group(1)


def _results(path: Path, task: str, stamp: str | None) -> dict[str, str]:
    """Model name and output type from the neighbouring results file, when there is one."""
    if stamp is None:
        return {}
    results = path.with_name(f"results_{stamp}.json")
    if not results.is_file():
        return {}
    check_size(results)
    doc = load_json(results.read_bytes(), str(results))
    if not isinstance(doc, dict):
        raise InputError(f"expected a JSON object, got {type(doc).__name__}", path=str(results))
    out: dict[str, str] = {}
    model = doc.get("model_name") or _model_from_config(doc.get("config"))
    if isinstance(model, str) and model:
        out["model"] = model
    config = (doc.get("configs") or {}).get(task) if isinstance(doc.get("configs"), dict) else None
    if isinstance(config, dict) and isinstance(config.get("output_type"), str):
        out["output_type"] = config["output_type"]
    return out


def _refuse_results(path: Path) -> None:
    """A ``results_<time>.json`` file: aggregate metrics only, so say where the records are."""
    doc = load_json(path.read_bytes(), str(path))
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), dict):
        raise InputError("not an lm-eval samples file (JSON lines with doc_id)", path=str(path))
    tasks = ", ".join(list(doc["results"])[:3]) + (", …" if len(doc["results"]) > 3 else "")
    raise AggregateOnlyError(
        f"an lm-eval results file holds aggregate metrics only (tasks {tasks}); read the "
        "samples_<task>_<time>.jsonl files next to it (lm-eval --log_samples writes them)",
        path=str(path),
    )


def _model_from_config(config: Any) -> str | None:
    if not isinstance(config, dict):
        return None
    args = config.get("model_args")
    if isinstance(args, str):
        for part in args.split(","):
            key, _, value = part.partition("=")
            if key.strip() in ("pretrained", "model", "engine") and value.strip():
                return value.strip()
    model = config.get("model")
    return model if isinstance(model, str) and model else None


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open("rb") as fh:
        lineno = 0
        while True:
            raw = fh.readline(LINE_LIMIT + 1)
            if not raw:
                return
            lineno += 1
            if len(raw) > LINE_LIMIT:
                raise InputError(
                    f"line longer than {LINE_LIMIT >> 20} MiB", path=str(path), line=lineno
                )
            if not raw.strip():
                continue
            obj = load_json(raw, str(path), line=lineno)
            if not isinstance(obj, dict):
                raise InputError(
                    f"each line must be a JSON object, got {type(obj).__name__}",
                    path=str(path),
                    line=lineno,
                )
            yield lineno, obj


def _metrics(row: dict[str, Any]) -> list[str]:
    named = row.get("metrics")
    if isinstance(named, list) and named:
        found = [m for m in named if isinstance(m, str) and m in row]
        values = {json.dumps(row[m]) for m in found}
        if len(found) > 1 and len(values) == 1 and row[found[0]] in _LETTERS:
            return found[:1]  # one verdict stored under every metric (dontguess's tasks)
        return found
    return [k for k, v in row.items() if k not in _STRUCTURAL and isinstance(v, int | float)]


def _value(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return 1.0 if raw else 0.0
    if isinstance(raw, int) and abs(raw) > _FLOAT_MAX:
        return None  # float() would overflow
    if isinstance(raw, int | float) and math.isfinite(raw):
        return float(raw)
    return None


def _letter(raw: str | None, metric: str) -> tuple[int, str, float | None]:
    """Verdict code, reason and value of a verdict letter (``None``: ungraded)."""
    if raw is None:
        return UNGRADED_CODE, f"{metric}: the task left the answer ungraded", None
    return grade_value(raw, None)


def read_lm_eval(path: str | Path, *, partial_threshold: float | None = None) -> GradedTable:
    """Read an lm-eval samples file into graded records (mapping in the module docstring).

    Args:
        path: ``samples_<task>_<time>.jsonl``.
        partial_threshold: a metric value at or above it counts as correct, below it as
            incorrect; without it, values other than 0 and 1 are ungraded.

    Raises:
        InputError: the file is missing, too large, not JSON lines, or a line lacks
            ``doc_id`` or any metric (file and line named).
    """
    path = Path(path)
    check_size(path)
    threshold = check_threshold(partial_threshold)
    if path.suffix.lower() == ".json":
        _refuse_results(path)
    task, stamp = task_and_stamp(path)
    info = _results(path, task, stamp)
    # the common shape, read as columns (None: read line by line, naming any line at fault)
    table = read_fast(path, task=task, info=info, threshold=threshold)
    if table is not None:
        return table
    rows = list(_lines(path))
    if not rows:
        raise InputError("no samples (the file holds only blank lines)", path=str(path))
    combos = {(str(r.get("filter", "none")), m): None for _, r in rows for m in _metrics(r)}
    builder = Builder(extra=("filter",))
    for lineno, row in rows:
        _add_row(builder, row, lineno, path, task, info, threshold, several=len(combos) > 1)
    return builder.table()


def _add_row(
    builder: Builder,
    row: dict[str, Any],
    lineno: int,
    path: Path,
    task: str,
    info: dict[str, str],
    threshold: float | None,
    *,
    several: bool,
) -> None:
    if "doc_id" not in row or isinstance(row["doc_id"], dict | list) or row["doc_id"] is None:
        raise InputError("missing or invalid doc_id", path=str(path), line=lineno)
    metrics = _metrics(row)
    if not metrics:
        raise InputError(
            "no per-sample metric (such as exact_match or acc) on the line",
            path=str(path),
            line=lineno,
        )
    text = generation(row.get("resps"))
    output_type = info.get("output_type") or ("generate_until" if text is not None else "")
    loglik = output_type in LOGLIKELIHOOD or (not output_type and text is None)
    answer = choice(row.get("filtered_resps")) if loglik else (text or "")
    said_idk = not loglik and declined(text)
    filt = str(row.get("filter", "none"))
    model = info.get("model", "unknown")
    for metric in metrics:
        value = _value(row[metric])
        if row[metric] in _LETTERS:
            code, reason, value = _letter(row[metric], metric)
        elif value is None:
            code, reason = UNGRADED_CODE, f"{metric} is not a number: {str(row[metric])[:40]!r}"
        else:
            code, reason = score_verdict(value, threshold)
        if said_idk:
            code, reason = ABSTAINED, ""
        builder.add(
            item_id=str(row["doc_id"]),
            model=f"{model} · {metric}/{filt}" if several else model,
            verdict=code,
            reason=reason,
            answer=answer,
            groups={
                "benchmark": task,
                "harness": "lm-eval",
                "scorer": metric,
                "source_score": fmt_score(value),
                "abstain_possible": "no" if loglik else "yes",
                "filter": filt,
            },
        )
