"""inspect_ai adapter: a confidence-target scorer, its metrics, a rubric solver, samples.

``pip install 'dontguess[inspect]'``. In an inspect task::

    from dontguess.integrations.inspect import (
        confidence_target, confidence_target_prompt, dataset_samples)

    Task(dataset=dataset_samples("questions.jsonl"),
         solver=[confidence_target_prompt(0.75), generate()],
         scorer=confidence_target())

:func:`confidence_target` grades each sample with dontguess's graders (the rules, or the
rules then an LLM judge reached through inspect's model API) and stores ``C`` (correct),
``I`` (incorrect) or ``N`` (abstained, "I don't know"); a reply the grader cannot decide
is *unscored* (inspect's NaN sentinel) with the reason in the explanation, and counts in
no metric. Its metrics are the confidence-target score at each target t
(``score_t0.75``: +1 right, −t/(1−t) wrong, 0 abstained, over graded samples), the
abstention rate and the error (hallucination) rate, computed by
:mod:`dontguess.scoring` and :mod:`dontguess.metrics` on every epoch's score. The
numbers equal those of ``dontguess run`` on the same questions and replies, and
``dontguess score LOG`` reads the log back (docs/integrations.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dontguess.backends.base import Request
from dontguess.errors import BackendError, InputError
from dontguess.grading import CascadeGrader, DeterministicGrader, Grade, Grader, LLMJudge
from dontguess.integrations._common import (
    LETTERS,
    check_targets,
    metric_name,
    metric_values,
    require,
    verdict_codes,
)
from dontguess.prompts import render, template_for
from dontguess.records import Condition, Item, Reply
from dontguess.scoring import DEFAULT_TARGETS

__all__ = [
    "InspectModelBackend",
    "confidence_target",
    "confidence_target_prompt",
    "dataset_samples",
]


def _inspect(name: str) -> Any:
    return require(name, "inspect-ai", "inspect")


class InspectModelBackend:
    """An inspect_ai model (``get_model(...)``) as a dontguess backend, for the judge.

    Args:
        model: an inspect ``Model``, or a model name such as ``openai/gpt-4o-mini``
            resolved with ``inspect_ai.model.get_model`` at the first request (inside a
            running eval, so the eval's model settings apply).

    The request's temperature, token limit and seed go into inspect's ``GenerateConfig``;
    inspect does its own retries, so a failure that survives them is a
    :class:`~dontguess.errors.BackendError` (the judge leaves that record ungraded).
    """

    max_concurrency = 1

    def __init__(self, model: Any) -> None:
        self._model = model
        self.name = f"inspect:{model if isinstance(model, str) else model.name}"

    async def complete(self, request: Request) -> Reply:
        """Send ``request`` through inspect's model API."""
        model_api = _inspect("inspect_ai.model")
        if isinstance(self._model, str):
            self._model = model_api.get_model(self._model)
        messages = [model_api.ChatMessageUser(content=c) for _, c in request.messages]
        config = model_api.GenerateConfig(
            temperature=request.temperature, max_tokens=request.max_tokens, seed=request.seed
        )
        try:
            output = await self._model.generate(messages or request.prompt or "", config=config)
        except Exception as exc:  # inspect retried already; the judge records the reason
            raise BackendError(f"{type(exc).__name__}: {exc}") from exc
        if getattr(output, "error", None):
            return Reply(text=None, error=str(output.error))
        return Reply(text=output.completion)

    async def aclose(self) -> None:
        """Nothing to release: inspect owns the model's connections."""


def _grader(judge: Any, grader: Grader | None) -> Grader:
    if grader is not None:
        if judge is not None:
            raise InputError("give judge= or grader=, not both")
        return grader
    if judge is None:
        return DeterministicGrader()
    return CascadeGrader(DeterministicGrader(), LLMJudge(InspectModelBackend(judge)))


def _score(grade: Grade, text: str, target: float | None) -> Any:
    """The inspect ``Score`` of one grade."""
    scorer_api = _inspect("inspect_ai.scorer")
    meta = {"method": grade.method, "decided_by": grade.decided_by, "stated_target": target}
    if grade.judge_reply is not None:
        meta["judge_reply"] = grade.judge_reply
    if grade.verdict is None:
        meta["verdict"] = None
        return scorer_api.Score.unscored(
            answer=text, explanation=f"ungraded: {grade.reason}", metadata=meta
        )
    meta["verdict"] = grade.verdict.value
    how = f"{grade.method or 'graded'}, decided by {grade.decided_by}"
    return scorer_api.Score(
        value=LETTERS[grade.verdict],
        answer=text,
        explanation=f"{grade.verdict.value} ({how})",
        metadata=meta,
    )


def _metric(name: str, pick: Any) -> Any:
    """An inspect metric ``name``: ``pick`` of :func:`metric_values` over all epochs."""
    scorer_api = _inspect("inspect_ai.scorer")

    @scorer_api.metric(name=name, scores="unreduced")  # type: ignore[misc,untyped-decorator,unused-ignore]
    def factory() -> Any:
        def compute(scores: list[Any]) -> float:
            codes = verdict_codes(s.score.value for s in scores)
            value: float = pick(codes)
            return value

        return compute

    return factory()


def _metrics(targets: Sequence[float]) -> list[Any]:
    names = [metric_name(t) for t in targets] + ["abstention_rate", "error_rate"]
    return [_metric(n, lambda codes, n=n: metric_values(codes, targets)[n]) for n in names]


def confidence_target(
    targets: Iterable[float] = DEFAULT_TARGETS,
    judge: Any = None,
    *,
    grader: Grader | None = None,
) -> Any:
    """An inspect ``Scorer``: C / I / N by dontguess's graders, scored at each target.

    Args:
        targets: the confidence targets t whose scores are metrics (``score_t0.5``, …).
        judge: ``None`` grades by the rules alone (a reply they cannot decide is
            unscored, "needs a judge"); an inspect model name or ``Model`` adds an LLM
            judge for those replies (the cascade of ``dontguess run --judge``).
        grader: any dontguess :class:`~dontguess.grading.Grader` instead (not with
            ``judge``).

    The sample's ``input`` is the question, its ``target`` the gold answer and aliases,
    and ``metadata["kind"]`` / ``metadata["incorrect_answers"]`` are used when present.

    Raises:
        MissingDependencyError: inspect_ai is not installed.
        InputError: a target outside [0, 1), or both ``judge`` and ``grader``.
    """
    scorer_api = _inspect("inspect_ai.scorer")
    ts = check_targets(targets)
    chosen = _grader(judge, grader)

    @scorer_api.scorer(metrics=_metrics(ts), name="confidence_target")  # type: ignore[misc,untyped-decorator,unused-ignore]
    def confidence_target_scorer() -> Any:
        async def score(state: Any, target: Any) -> Any:
            meta = state.metadata or {}
            item = Item(
                id=str(state.sample_id),
                question=state.input_text,
                answers=tuple(str(a) for a in target.target),
                kind=str(meta.get("kind", "text")),
                incorrect_answers=tuple(meta.get("incorrect_answers") or ()),
            )
            text = state.output.completion if state.output is not None else ""
            grade = await chosen.grade(item, Reply(text=text))
            return _score(grade, text, meta.get("dontguess_target"))

        return score

    return confidence_target_scorer()


def confidence_target_prompt(
    target: float | None = None, *, style: str = "penalty", template: str | None = None
) -> Any:
    """An inspect ``Solver`` that puts the question in dontguess's rubric wording.

    Args:
        target: the stated confidence target (open rubric); ``None`` sends the question
            alone (closed rubric), as ``dontguess run`` does.
        style: ``"penalty"`` (a mistake costs t/(1−t)) or ``"reward"`` (IDK earns t).
        template: your own open-rubric template (``{question}``, ``{target}``,
            ``{percent}``, ``{penalty}``), as ``dontguess run --template``.

    The stated target goes to ``state.metadata["dontguess_target"]`` (and from there to
    each score's metadata).
    """
    solver_api = _inspect("inspect_ai.solver")
    if target is None:
        condition = Condition("closed")
    else:
        t = check_targets([target])[0]
        if style not in ("penalty", "reward"):
            raise InputError(f"style must be penalty or reward, got {style!r}")
        condition = Condition("open", t, style)  # type: ignore[arg-type]
    text = template_for(condition, template)

    @solver_api.solver(name="confidence_target_prompt")  # type: ignore[misc,untyped-decorator,unused-ignore]
    def confidence_target_solver() -> Any:
        async def solve(state: Any, generate: Any) -> Any:
            state.user_prompt.text = render(text, state.input_text, condition.target)
            state.metadata["dontguess_target"] = condition.target
            return state

        return solve

    return confidence_target_solver()


def dataset_samples(dataset: str, *, limit: int | None = None) -> list[Any]:
    """Inspect ``Sample`` objects for a question set ``dontguess run --dataset`` reads.

    Built-in names, ``hf:NAME[:SPLIT]`` and JSONL / JSON / CSV / Parquet files, so an
    inspect eval and a dontguess run see the same questions: ``id``, ``input`` (the
    question), ``target`` (gold answer and aliases), ``metadata`` (kind, incorrect
    answers, the item's groups).
    """
    from dontguess.items import load_items

    dataset_api = _inspect("inspect_ai.dataset")
    return [
        dataset_api.Sample(
            id=item.id,
            input=item.question,
            target=list(item.answers),
            metadata={
                "kind": item.kind,
                "incorrect_answers": list(item.incorrect_answers),
                **dict(item.groups),
            },
        )
        for item in load_items(dataset, limit=limit)
    ]
