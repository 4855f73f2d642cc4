"""Re-grade a finished run into a new directory without asking the model again.

:func:`regrade` reads a finished run directory (spec.json, graded.jsonl, DONE), rebuilds
each record's (item, condition, sample, reply) from its graded row (the model's answer
text, or its error for a ``backend error: …`` record) and grades them again with another
grader into a new run directory: its spec.json holds the same RunSpec plus
``regraded_from`` and the new ``grading``; its journal holds only the new judge's calls,
so a rerun of the same ``dontguess grade`` resumes. The source directory is only read
(never locked, never written). Each record keeps its model confidence.

The items are either given (loaded again by the caller, ``dataset`` may point elsewhere;
they must hash to the run's ``dataset_hash``) or, with ``items=None``, rebuilt from the
graded records themselves, which keep each question and its golds
(:mod:`~dontguess.runner._selfcontained`); those must hash to the run's ``dataset_hash``
too, so a record changed by hand is refused. The new directory keeps the source's prompt
templates, so it is self-contained in turn.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dontguess.errors import InputError
from dontguess.records import Condition, Graded, GradedTable, Item, Reply, RunSpec
from dontguess.runner._grade import GraderLike, grade_journaled
from dontguess.runner._judging import grading_document, judge_of
from dontguess.runner._plan import Job
from dontguess.runner._selfcontained import (
    TEMPLATES_KEY,
    check_items,
    has_items,
    items_from_rows,
)
from dontguess.runner.core import (
    RunOptions,
    RunResult,
    _Counts,
    _score_targets,
    _summary,
    close_all,
)
from dontguess.store import DONE, RunDir

__all__ = ["SourceRun", "read_source", "regrade", "regrade_async"]

_MODEL_ERROR = "backend error: "


@dataclasses.dataclass(frozen=True)
class SourceRun:
    """A finished run as :func:`regrade` needs it.

    Attributes:
        path: the run directory.
        spec: its RunSpec.
        rows: its graded.jsonl rows, in order.
        summary: its summary.json (``{}`` if unreadable).
        templates: spec.json's prompt templates by hash (``{}`` for runs made before
            runs kept them).
    """

    path: Path
    spec: RunSpec
    rows: list[dict[str, Any]]
    summary: Mapping[str, Any]
    templates: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def self_contained(self) -> bool:
        """Whether every record keeps its question and golds (re-gradable alone)."""
        return has_items(self.rows)

    def items(self) -> list[Item]:
        """The question set, rebuilt from the records and checked against the run's hash.

        Raises:
            InputError: a record lacks its question (a run made before records kept
                it: load the question set instead), or the rebuilt set does not hash to
                the run's ``dataset_hash``.
        """
        where = str(self.path / "graded.jsonl")
        if not self.rows:
            raise InputError("no records to rebuild the questions from", path=where)
        items = items_from_rows(self.rows, where)
        check_items(items, self.spec, where)
        return items


def _spec_from(doc: Any, where: Path) -> RunSpec:
    try:
        s = doc["spec"]
        return RunSpec(
            models=tuple(s["models"]),
            dataset=s["dataset"],
            dataset_hash=s["dataset_hash"],
            conditions=tuple(Condition(**c) for c in s["conditions"]),
            samples=int(s["samples"]),
            limit=s.get("limit"),
            generation=dict(s.get("generation") or {}),
            schema_version=int(s.get("schema_version", 1)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(
            f"not a dontguess run spec ({type(exc).__name__}: {exc})", path=str(where)
        ) from exc


def _rows(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read graded records ({exc})", path=str(path)) from exc
    for n, line in enumerate(lines, 1):
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise InputError(f"not a JSON record ({exc})", path=str(path), line=n) from exc
        if not isinstance(row, dict):
            raise InputError("a record must be a JSON object", path=str(path), line=n)
        rows.append(row)
    return rows


def read_source(path: str | Path) -> SourceRun:
    """Read the finished run at ``path``.

    Raises:
        InputError: not a run directory, unfinished (no DONE), or unreadable files.
    """
    path = Path(path)
    if not (path / "spec.json").is_file():
        raise InputError("not a run directory (no spec.json)", path=str(path))
    if not (path / DONE).exists():
        raise InputError(
            "the run is not finished (no DONE): rerun its `dontguess run` command first",
            path=str(path),
        )
    spec_file = path / "spec.json"
    try:
        doc = json.loads(spec_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"not readable JSON ({exc})", path=str(spec_file)) from exc
    try:
        summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        summary = {}
    rows = _rows(path / "graded.jsonl")
    return SourceRun(
        path,
        _spec_from(doc, spec_file),
        rows,
        summary if isinstance(summary, dict) else {},
        _templates(doc),
    )


def _templates(doc: Any) -> dict[str, str]:
    found = doc.get(TEMPLATES_KEY) if isinstance(doc, dict) else None
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}


def _condition(spec: RunSpec, row: Mapping[str, Any]) -> Condition:
    target, style = row.get("stated_target"), row.get("style")
    for c in spec.conditions:
        if c.target == target and c.style == style:
            return c
    raise ValueError(f"no condition of the run has stated_target={target!r}, style={style!r}")


def _reply(row: Mapping[str, Any]) -> Reply:
    answer, reason = row.get("answer"), row.get("ungraded_reason")
    if isinstance(answer, str):
        return Reply(text=answer)
    if answer is None and isinstance(reason, str) and reason.startswith(_MODEL_ERROR):
        return Reply(text=None, error=reason.removeprefix(_MODEL_ERROR))
    raise ValueError("a record without its answer text (and not a model error)")


def _jobs(source: SourceRun, items: Sequence[Item]) -> tuple[list[Job], dict[str, Reply]]:
    by_id = {i.id: i for i in items}
    where = str(source.path / "graded.jsonl")
    jobs: list[Job] = []
    replies: dict[str, Reply] = {}
    for n, row in enumerate(source.rows):
        try:
            item = by_id[row["item_id"]]
            job = Job(
                str(row["model"]), item, _condition(source.spec, row), int(row["sample"]), str(n)
            )
            replies[job.key] = _reply(row)
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                f"cannot re-grade this record: {exc!s}", path=where, line=n + 1
            ) from exc
        jobs.append(job)
    return jobs, replies


async def regrade_async(
    source: SourceRun,
    items: Sequence[Item] | None,
    grader: GraderLike,
    out: RunDir,
    options: RunOptions | None = None,
) -> RunResult:
    """Grade ``source``'s answers again with ``grader`` into ``out`` (see the module doc).

    ``items=None`` rebuilds the question set from ``source``'s records (:meth:`SourceRun.items`).

    ``out`` is locked for the whole pass and written with the run's commit protocol
    (graded files and summary together, DONE last). The judge's backend is closed at the end.

    Raises:
        InputError: ``out`` is the source directory, a record cannot be matched to
            ``items`` / the run's conditions, or (``items=None``) the records do not
            rebuild the run's question set.
        FatalBackendError: the judge cannot be used; nothing is committed, no DONE.
        StoreError: ``out`` is locked, or holds another run or grading.
    """
    options = options or RunOptions()
    try:
        if out.path.resolve() == source.path.resolve():
            raise InputError("--out must be a new directory: the source run is never modified")
        t0 = time.perf_counter()
        jobs, replies = _jobs(source, source.items() if items is None else items)
        origin = str(source.path.resolve())
        extra = {**options.notes, "regraded_from": origin}
        if source.templates:
            extra[TEMPLATES_KEY] = dict(source.templates)
        out.begin(source.spec, extra=extra, grading=grading_document(grader))
        try:
            records, grading = await grade_journaled(jobs, replies, grader, out)
            kept = [row.get("confidence") for row in source.rows]
            records = [
                dataclasses.replace(r, confidence=c) for r, c in zip(records, kept, strict=True)
            ]
            summary = _regrade_summary(source, replies, records, grading, options)
            summary["timing"] = {"grade_s": time.perf_counter() - t0}
            summary["timing"]["total_s"] = summary["timing"]["grade_s"]
            out.commit(records, summary)
        except Exception:
            out.discard()  # a pass that journaled nothing leaves nothing behind
            raise
        finally:
            out.release()
        return RunResult(records, summary)
    finally:
        await close_all([getattr(judge_of(grader), "backend", None)])


def _regrade_summary(
    source: SourceRun,
    replies: Mapping[str, Reply],
    records: list[Graded],
    grading: dict[str, Any],
    options: RunOptions,
) -> dict[str, Any]:
    """The run summary of the re-graded records; model tokens as the source counted them."""
    table = GradedTable.from_records(records)
    counts = _Counts(sent=0, answered=0, calls=0, resumed=0, unreadable=0)
    summary = _summary(table, replies, counts, _score_targets(source.spec, options))
    summary["grading"] = grading
    summary["regraded_from"] = str(source.path.resolve())
    tokens = source.summary.get("tokens")
    if isinstance(tokens, dict):
        summary["tokens"] = tokens
    return summary


def regrade(
    source: SourceRun,
    items: Sequence[Item] | None,
    grader: GraderLike,
    out: RunDir,
    options: RunOptions | None = None,
) -> RunResult:
    """Synchronous wrapper of :func:`regrade_async`."""
    return asyncio.run(regrade_async(source, items, grader, out, options))
