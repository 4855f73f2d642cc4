"""Planning: every (model, item, condition, sample) job and the requests that answer them.

See :mod:`dontguess.runner.core` for how samples map to requests and keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from dontguess.backends.base import Backend, ChoicesBackend, Request
from dontguess.prompts import render, template_for
from dontguess.records import Condition, Item, Reply, RunSpec
from dontguess.runner.execute import Pending
from dontguess.runner.journal import request_key

__all__ = ["Job", "Planned", "partition", "plan"]


@dataclass(frozen=True, slots=True)
class Job:
    """One (model, item, condition, sample) and the key of the request that answers it."""

    model: str
    item: Item
    condition: Condition
    sample: int
    key: str


def plan(
    backend: Backend,
    items: Sequence[Item],
    spec: RunSpec,
    template: str | None = None,
) -> tuple[list[Job], list[Pending]]:
    """Every job of ``backend`` and the distinct requests they need (see the module doc).

    The request for samples ``i .. i+m-1`` carries ``sample=i``, ``n=m`` and seed
    ``seed + i``; sample ``i + j``'s key is that request's key with ``sample=i + j``.
    """
    gen = dict(spec.generation)
    params = {"api": gen.get("api", "chat")}
    per = int(gen.get("n_per_request", 1)) if isinstance(backend, ChoicesBackend) else 1
    jobs: list[Job] = []
    pending: dict[tuple[str, ...], Pending] = {}
    for condition in spec.conditions:
        text = template_for(condition, template)
        for item in items:
            content = render(text, item.question, condition.target)
            for start in range(0, spec.samples, per):
                request = _request(gen, content, item, condition, start)
                request = replace(request, n=min(per, spec.samples - start))
                keys = tuple(
                    request_key(backend.name, replace(request, sample=start + j), params)
                    for j in range(request.n)
                )
                pending.setdefault(keys, Pending(keys, request))
                jobs.extend(
                    Job(backend.name, item, condition, start + j, key) for j, key in enumerate(keys)
                )
    return jobs, list(pending.values())


def _request(
    gen: Mapping[str, Any], content: str, item: Item, condition: Condition, sample: int
) -> Request:
    seed = gen.get("seed")
    return Request(
        messages=(("user", content),),
        temperature=float(gen.get("temperature", 0.0)),
        max_tokens=int(gen.get("max_tokens", 256)),
        seed=None if seed is None else int(seed) + sample,
        logprobs=bool(gen.get("logprobs", False)),
        sample=sample,
        question=item.question,
        target=condition.target,
        extra=dict(gen.get("body") or {}),  # --body KEY=VALUE fields
    )


def _unfinished(pending: Pending, done: Mapping[str, Reply]) -> list[Pending]:
    """The parts of ``pending`` whose samples are not in ``done``, one per contiguous run.

    >>> p = Pending(("a", "b", "c", "d"), Request(prompt="q", n=4, seed=10))
    >>> [(x.keys, x.request.n, x.request.sample, x.request.seed)
    ...  for x in _unfinished(p, {"b": Reply(text="ok")})]
    [(('a',), 1, 0, 10), (('c', 'd'), 2, 2, 12)]
    """
    parts: list[Pending] = []
    j = 0
    while j < len(pending.keys):
        if pending.keys[j] in done:
            j += 1
            continue
        end = j
        while end < len(pending.keys) and pending.keys[end] not in done:
            end += 1
        if j == 0 and end == len(pending.keys):
            return [pending]
        req = pending.request
        part = replace(
            req, sample=req.sample + j, n=end - j, seed=None if req.seed is None else req.seed + j
        )
        parts.append(Pending(pending.keys[j:end], part))
        j = end
    return parts


Planned = list[tuple[Backend, list[Job], list[Pending]]]


def partition(
    planned: Planned, stored: Mapping[str, tuple[Reply, int]]
) -> tuple[list[Job], dict[str, list[Pending]], dict[str, Reply]]:
    """All jobs; the requests still to send per backend; the replies already journaled."""
    jobs: list[Job] = []
    todo: dict[str, list[Pending]] = {}
    done: dict[str, Reply] = {}
    for backend, b_jobs, pending in planned:
        jobs.extend(b_jobs)
        todo[backend.name] = []
        for p in pending:
            for key in p.keys:
                old = stored.get(key)
                if old is not None and old[0].error is None:
                    done[key] = old[0]
            todo[backend.name].extend(_unfinished(p, done))
    return jobs, todo, done
