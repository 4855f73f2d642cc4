"""Per-answer confidences a run adds to its records (``run --confidence``).

Each estimator named in ``spec.generation["confidence"]`` becomes columns of the graded
records (``confidence_<name>``, empty where there is none) that
:func:`dontguess.confidence.estimator_columns` reads back:

* ``logprob``: from the reply's log-probabilities (asked for with ``--logprobs``, which the
  CLI turns on): ``confidence_logprob`` (sequence probability), ``confidence_logprob_mean``
  (geometric-mean token probability) and ``confidence_logprob_first`` (first token);
* ``verbal``: one follow-up request per answered record with
  :data:`dontguess.confidence.VERBAL_TEMPLATE`, sent to the same model, journaled in the
  ``verbal_replies`` table (a rerun resumes); ``confidence_verbal`` and, where unparsable,
  ``confidence_verbal_reason``;
* ``agreement``: the share of the question's K samples agreeing with the answer
  (``confidence_agreement``; needs ``--samples`` ≥ 2).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any

from dontguess.backends.base import Backend, Request
from dontguess.confidence import (
    VerbalConfidence,
    agreement_column,
    first_token_probability,
    mean_token_probability,
    parse_verbal_confidence,
    sequence_probability,
    verbal_prompt,
)
from dontguess.records import Graded, GradedTable, Reply, RunSpec
from dontguess.runner._plan import Job
from dontguess.runner.execute import Pending, RetryPolicy, execute, run_together
from dontguess.runner.journal import Journal, request_key

__all__ = ["ESTIMATORS", "VERBAL_TABLE", "add_confidences", "check_estimators"]

#: Estimators ``run --confidence`` accepts.
ESTIMATORS = ("agreement", "logprob", "verbal")
#: Journal table of the verbal follow-up replies.
VERBAL_TABLE = "verbal_replies"
_VERBAL_MAX_TOKENS = 16


def _cell(value: float | None) -> str:
    return "" if value is None or math.isnan(value) else repr(float(value))


def _token_columns(reply: Reply | None) -> dict[str, str]:
    lp = reply.logprobs if reply is not None and reply.text is not None else None
    if not lp:
        return dict.fromkeys(("confidence_logprob", "confidence_logprob_mean",
                              "confidence_logprob_first"), "")  # fmt: skip
    return {
        "confidence_logprob": _cell(sequence_probability(lp)),
        "confidence_logprob_mean": _cell(mean_token_probability(lp)),
        "confidence_logprob_first": _cell(first_token_probability(lp)),
    }


def _verbal_request(job: Job, answer: str) -> Request:
    return Request(
        messages=(("user", verbal_prompt(job.item.question, answer)),),
        temperature=0.0,
        max_tokens=_VERBAL_MAX_TOKENS,
        question=None,
    )


async def _ask_verbal(
    backends: Sequence[Backend], jobs: Sequence[Job], replies: Mapping[str, Reply],
    journal_path: Any, policy: RetryPolicy,
) -> dict[str, VerbalConfidence]:  # fmt: skip
    """The parsed follow-up reply of every answered job, by job key (resuming the journal)."""
    journal = Journal(journal_path, table=VERBAL_TABLE)
    try:
        stored = journal.load()
        by_name = {b.name: b for b in backends}
        asked: dict[str, str] = {}  # job key -> follow-up key
        todo: dict[str, dict[str, Pending]] = {b.name: {} for b in backends}
        for job in jobs:
            reply = replies.get(job.key)
            if reply is None or reply.text is None or job.model not in by_name:
                continue
            request = _verbal_request(job, reply.text)
            key = request_key(job.model, request, {"purpose": "verbal"})
            asked[job.key] = key
            old = stored.get(key)
            if old is None or old[0].error is not None:
                todo[job.model].setdefault(key, Pending((key,), request))
        parts = await run_together(
            execute(by_name[name], list(p.values()), journal, policy=policy)
            for name, p in todo.items() if p
        )  # fmt: skip
    finally:
        journal.close()
    got = {key: reply for key, (reply, _) in stored.items()}
    for part in parts:
        got.update(part)
    out = {}
    for job_key, key in asked.items():
        reply = got.get(key)
        if reply is None or reply.text is None:
            error = reply.error if reply is not None else "not asked"
            out[job_key] = VerbalConfidence(None, f"follow-up failed: {error}")
        else:
            out[job_key] = parse_verbal_confidence(reply.text)
    return out


def _answered(record: Graded) -> bool:
    return record.verdict is not None and record.verdict.value in ("correct", "incorrect")


async def add_confidences(
    spec: RunSpec,
    backends: Sequence[Backend],
    jobs: Sequence[Job],
    replies: Mapping[str, Reply],
    records: Sequence[Graded],
    journal_path: Any,
    policy: RetryPolicy,
) -> list[Graded]:
    """``records`` with the ``confidence_*`` columns of the estimators the spec names.

    Records and jobs are matched by (model, item, condition, sample). Nothing changes when
    the spec names no estimator (runs made without ``--confidence`` read as before).
    """
    wanted = tuple(spec.generation.get("confidence") or ())
    if not wanted:
        return list(records)
    key_of = {(j.model, j.item.id, j.condition, j.sample): j.key for j in jobs}
    keys = [key_of.get((r.model, r.item_id, r.condition, r.sample)) for r in records]
    extra: list[dict[str, str]] = [{} for _ in records]
    if "logprob" in wanted:
        for cols, key in zip(extra, keys, strict=True):
            cols.update(_token_columns(replies.get(key) if key else None))
    if "verbal" in wanted:
        answered = {k for r, k in zip(records, keys, strict=True) if k and _answered(r)}
        asked = [j for j in jobs if j.key in answered]
        verbal = await _ask_verbal(backends, asked, replies, journal_path, policy)
        for cols, key in zip(extra, keys, strict=True):
            parsed = verbal.get(key or "", VerbalConfidence(None, None))
            cols["confidence_verbal"] = _cell(parsed.value)
            cols["confidence_verbal_reason"] = parsed.reason or ""
    if "agreement" in wanted:
        column = agreement_column(GradedTable.from_records(list(records)))
        for cols, value in zip(extra, column.tolist(), strict=True):
            cols["confidence_agreement"] = _cell(value)
    return [dataclasses.replace(r, groups={**r.groups, **cols})
            for r, cols in zip(records, extra, strict=True)]  # fmt: skip


def check_estimators(names: Sequence[str], samples: int) -> list[str]:
    """The ``--confidence`` names, checked: known, no repeats, agreement with K in 2 … 20.

    >>> check_estimators(["verbal", "logprob"], 1)
    ['logprob', 'verbal']
    """
    from dontguess.confidence import MAX_SAMPLES
    from dontguess.errors import InputError

    for name in names:
        if name not in ESTIMATORS:
            raise InputError(f"--confidence: unknown estimator {name!r} (choose from "
                             f"{', '.join(ESTIMATORS)})")  # fmt: skip
    if "agreement" in names and not 2 <= samples <= MAX_SAMPLES:
        raise InputError(
            f"--confidence agreement compares the K samples of a question: use --samples K "
            f"with K in 2..{MAX_SAMPLES} (got --samples {samples})"
        )
    return sorted(set(names))
