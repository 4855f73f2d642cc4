"""inspect_ai logs: ``.eval`` (a zip archive) and ``.json`` (one object).

A ``.eval`` archive holds ``header.json`` (``eval``: task, model, …; ``results``),
``samples/<id>_epoch_<n>.json`` and ``summaries.json``; a ``.json`` log holds the same as
one object with a ``samples`` list. Mapping (docs/import.md):

- one record per sample × scorer; ``item_id`` = sample ``id``, ``sample`` = epoch − 1;
  the model is ``eval.model``, the benchmark ``eval.task``; closed rubric;
- score value ``C`` → correct, ``I`` → incorrect, ``N`` (no answer) → abstained,
  ``P`` (partial, 0.5) → ungraded unless a ``partial_threshold`` is given; ``True`` /
  ``False`` and the numbers 1 / 0 → correct / incorrect; other numbers → ungraded unless
  thresholded (value ≥ threshold → correct); a dict or list value → ungraded;
- the scorer's extracted ``answer`` (else the model's output) goes through
  :func:`dontguess.grading.detect_abstention`: a declined answer is abstained whatever the
  scorer gave it (its value stays in ``source_score``);
- a number in [0, 1] at ``metadata.confidence`` of the score becomes ``confidence``;
- a sample with no score is ungraded (reason: the sample's error, or "no score");
- with several scorers in one log the model name gets `` · scorer`` so that each scorer
  is its own row; a log with no samples holds aggregates only and is refused.
"""

from __future__ import annotations

import math
import re
import zipfile
import zlib
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
from dontguess.records import UNGRADED_CODE, GradedTable

__all__ = ["ZIP_MAGIC", "grade_value", "read_inspect"]

ZIP_MAGIC = b"PK\x03\x04"
_MEMBER_LIMIT = 1 << 30
_WORDS = {"c": 1.0, "correct": 1.0, "yes": 1.0, "true": 1.0, "i": 0.0, "incorrect": 0.0,
          "no": 0.0, "false": 0.0, "p": 0.5, "partial": 0.5}  # fmt: skip


def grade_value(raw: Any, threshold: float | None) -> tuple[int, str, float | None]:
    """Map one inspect score value to ``(verdict code, ungraded reason, numeric value)``.

    >>> grade_value("C", None)[:2], grade_value("N", None)[:2], grade_value("P", None)[0]
    ((0, ''), (2, ''), -1)
    >>> grade_value(0.75, 0.5), grade_value(True, None)
    ((0, '', 0.75), (0, '', 1.0))
    """
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word == "n":
            return ABSTAINED, "", 0.0
        if word not in _WORDS:
            return UNGRADED_CODE, f"score value {raw[:20]!r} is not C, I, P, N or a number", None
        value = _WORDS[word]
    elif isinstance(raw, bool):
        value = 1.0 if raw else 0.0
    elif isinstance(raw, int | float) and math.isfinite(raw):
        value = float(raw)
    elif raw is None:
        return UNGRADED_CODE, "the score has no value", None
    else:
        return UNGRADED_CODE, f"score value is a {type(raw).__name__}, not one value", None
    code, reason = score_verdict(value, threshold)
    if value == 0.5 and code == UNGRADED_CODE:
        reason = "partial credit P (give a partial threshold)"
    return code, reason, value


def _member(archive: zipfile.ZipFile, name: str, where: str) -> Any:
    info = archive.getinfo(name)
    if info.file_size > _MEMBER_LIMIT:
        raise InputError(
            f"{name} in the archive is {info.file_size:,} bytes, too large", path=where
        )
    with archive.open(info) as fh:
        data = fh.read(_MEMBER_LIMIT + 1)
    return load_json(data, where, what=name)


#: The zip compression method number of Zstandard (inspect_ai >= 0.3.2xx writes .eval so).
_ZSTD = 93


def _teach_zstd(archive: zipfile.ZipFile, where: str) -> None:
    """Let ``zipfile`` read Zstandard members, as inspect_ai itself does.

    Python < 3.14's zipfile knows no method 93; the ``zipfile-zstd`` package (installed with
    inspect_ai, and with ``dontguess[inspect]``) registers it when imported.
    """
    if not any(info.compress_type == _ZSTD for info in archive.infolist()):
        return
    try:
        import zipfile_zstd  # type: ignore[import-untyped]  # noqa: F401  (registers method 93)
    except ImportError:
        raise InputError(
            "this .eval archive is compressed with Zstandard; to read it: "
            "pip install 'dontguess[inspect]' (or zipfile-zstd)",
            path=where,
        ) from None


def _natural(name: str) -> list[Any]:
    """Sort key putting ``samples/2_epoch_1.json`` before ``samples/10_epoch_1.json``."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", name)]


def _read_zip(path: Path) -> tuple[dict[str, Any], list[Any]]:
    where = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            _teach_zstd(archive, where)
            names = archive.namelist()
            head = "header.json" if "header.json" in names else "_journal/start.json"
            if head not in names:
                raise InputError("not an inspect .eval archive (no header.json)", path=where)
            header = _member(archive, head, where)
            sample_names = [n for n in names if n.startswith("samples/") and n.endswith(".json")]
            samples = [_member(archive, n, where) for n in sorted(sample_names, key=_natural)]
            if not samples and "summaries.json" in names:
                summaries = _member(archive, "summaries.json", where)
                samples = summaries if isinstance(summaries, list) else [summaries]
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise InputError(f"not a readable .eval archive (truncated or corrupt): {reason}",
                         path=where) from None  # fmt: skip
    if isinstance(header, dict) and "eval" not in header and "eval" in header.get("log", {}):
        header = header["log"]
    return header, samples


def _read_log(path: Path) -> tuple[dict[str, Any], list[Any]]:
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(ZIP_MAGIC):
        return _read_zip(path)
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        raise InputError(
            "not an inspect log (neither a .eval zip archive nor a JSON object)", path=str(path)
        )
    doc = load_json(path.read_bytes(), str(path))
    if not isinstance(doc, dict):
        raise InputError(
            f"an inspect log is a JSON object, got {type(doc).__name__}", path=str(path)
        )
    samples = doc.get("samples") or []
    return doc, samples


def _spec(header: Any, path: Path) -> tuple[str, str, str]:
    """(model, task, status) of the log."""
    spec = header.get("eval") if isinstance(header, dict) else None
    if not isinstance(spec, dict):
        raise InputError("not an inspect log (no 'eval' object)", path=str(path))
    model, task = spec.get("model"), spec.get("task")
    if not isinstance(model, str) or not model:
        raise InputError(f"eval.model must be text, got {model!r}", path=str(path))
    if not isinstance(task, str) or not task:
        raise InputError(f"eval.task must be text, got {task!r}", path=str(path))
    return model, task, str(header.get("status", ""))


def read_inspect(path: str | Path, *, partial_threshold: float | None = None) -> GradedTable:
    """Read an inspect_ai ``.eval`` or ``.json`` log (mapping in the module docstring).

    Raises:
        AggregateOnlyError: the log has no samples (header-only, cancelled early).
        InputError: a corrupt or truncated archive, invalid JSON, or a sample of the wrong
            shape (file and sample named).
    """
    path = Path(path)
    check_size(path)
    threshold = check_threshold(partial_threshold)
    header, samples = _read_log(path)
    model, task, status = _spec(header, path)
    if not isinstance(samples, list):
        raise InputError(f"samples must be a list, got {type(samples).__name__}", path=str(path))
    if not samples:
        raise AggregateOnlyError(
            f"the log holds no samples (status {status or 'unknown'}), only aggregate results; "
            "re-run inspect with log_samples=True for per-answer records",
            path=str(path),
        )
    for k, sample in enumerate(samples, start=1):
        if not isinstance(sample, dict):
            raise InputError(
                f"sample {k} is a {type(sample).__name__}, not an object", path=str(path)
            )
        if not isinstance(sample.get("scores", {}), dict | None):
            raise InputError(f"sample {k}: scores must be an object", path=str(path))
    scorers = {name for s in samples for name in (s.get("scores") or {})}
    builder = Builder()
    for k, sample in enumerate(samples, start=1):
        _add_sample(builder, sample, k, path, (model, task), threshold, several=len(scorers) > 1)
    return builder.table()


def _output_text(sample: dict[str, Any]) -> str:
    output = sample.get("output")
    if not isinstance(output, dict):
        return ""
    if isinstance(output.get("completion"), str):
        return str(output["completion"])
    choices = output.get("choices")
    message = (
        choices[0].get("message")
        if isinstance(choices, list) and choices and isinstance(choices[0], dict)
        else None
    )
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict)]
        content = "".join(p for p in parts if isinstance(p, str))
    return content if isinstance(content, str) else ""


def _ids(sample: dict[str, Any], k: int, path: Path) -> tuple[str, int]:
    sid, epoch = sample.get("id"), sample.get("epoch", 1)
    if isinstance(sid, bool) or not isinstance(sid, str | int) or sid == "":
        raise InputError(
            f"sample {k}: id must be text or a whole number, got {sid!r}", path=str(path)
        )
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 1:
        raise InputError(
            f"sample {k}: epoch must be a whole number >= 1, got {epoch!r}", path=str(path)
        )
    return str(sid), epoch - 1


def _confidence(score: dict[str, Any]) -> float:
    meta = score.get("metadata")
    value = meta.get("confidence") if isinstance(meta, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool) and 0.0 <= value <= 1.0:
        return float(value)
    return math.nan


def _add_sample(
    builder: Builder,
    sample: dict[str, Any],
    k: int,
    path: Path,
    spec: tuple[str, str],
    threshold: float | None,
    *,
    several: bool,
) -> None:
    item_id, epoch = _ids(sample, k, path)
    model, task = spec
    output = _output_text(sample)
    groups = {"benchmark": task, "harness": "inspect", "abstain_possible": "yes"}
    scores = sample.get("scores") or {}
    if not scores:
        error = sample.get("error")
        message = error.get("message") if isinstance(error, dict) else error
        reason = f"sample error: {str(message)[:200]}" if message else "the log has no score"
        builder.add(item_id=item_id, model=model, verdict=UNGRADED_CODE, reason=reason,
                    sample=epoch, answer=output, groups=groups)  # fmt: skip
        return
    for name, score in scores.items():
        if not isinstance(score, dict):
            raise InputError(f"sample {k}: score {name!r} must be an object", path=str(path))
        code, reason, value = grade_value(score.get("value"), threshold)
        answer = score.get("answer") if isinstance(score.get("answer"), str) else ""
        if declined(answer or output):
            code, reason = ABSTAINED, ""
        builder.add(
            item_id=item_id,
            model=f"{model} · {name}" if several else model,
            verdict=code,
            reason=reason,
            sample=epoch,
            confidence=_confidence(score),
            answer=answer or output,
            groups={**groups, "scorer": str(name), "source_score": fmt_score(value)},
        )
