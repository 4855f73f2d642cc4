"""Frozen, typed records: what was asked, what came back, and how it was graded.

No I/O lives here. Row records (:class:`Item`, :class:`Reply`, :class:`Graded`) are what
backends, graders and the runner pass around; :class:`GradedTable` is the columnar form
(numpy arrays) that :mod:`dontguess.scoring` and :mod:`dontguess.metrics` consume.

The three-way verdict is the paper's (§4): a graded answer is correct, incorrect or an
abstention ("I don't know"). A reply that could not be graded (a backend error, an
unparsable judge reply) is *not* an abstention and *not* a wrong answer: it has
``verdict=None`` and an ``ungraded_reason``, and is counted apart.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "CLOSED",
    "Condition",
    "GRADED_COLUMNS",
    "GRADING_COLUMNS",
    "Graded",
    "GradedTable",
    "ITEM_COLUMNS",
    "Item",
    "Reply",
    "RunSpec",
    "UNGRADED_CODE",
    "VERDICT_CODES",
    "Verdict",
    "verdict_code",
]


class Verdict(enum.StrEnum):
    """The three gradable outcomes of one answer."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    ABSTAINED = "abstained"


#: Columns of the graded-records file format, in order; grouping columns follow.
GRADED_COLUMNS: tuple[str, ...] = (
    "item_id",
    "model",
    "verdict",
    "stated_target",
    "style",
    "sample",
    "confidence",
    "ungraded_reason",
    "answer",
)

#: Columns a run adds after :data:`GRADED_COLUMNS`: who decided each verdict (``method``:
#: ``rules`` or ``judge``; null for a model error or a file from elsewhere) and the LLM
#: judge's raw reply (``judge_reply``; null when no judge replied). Readers of graded files
#: take them as ordinary extra columns, so ``score --by method`` splits scores by grader
#: and files without them read as before.
GRADING_COLUMNS: tuple[str, ...] = ("method", "judge_reply")

#: Columns a run adds after :data:`GRADING_COLUMNS` so that its graded files stand alone:
#: the question as put to the model (before any rubric text), its gold answers (a list),
#: the grading ``kind``, the options of a multiple-choice item and the known wrong answers
#: (lists). With the ``template_hash`` group column, the stated target and spec.json's
#: ``templates`` they rebuild the exact prompt sent (:func:`dontguess.runner.rebuild_prompt`),
#: and ``dontguess grade`` re-grades a run whose question file is gone. Readers take them
#: as ordinary extra columns; files without them read as before.
ITEM_COLUMNS: tuple[str, ...] = ("question", "gold_answers", "kind", "choices", "incorrect_answers")

#: Integer codes used in columnar tables (int8). Ungraded is -1.
VERDICT_CODES: Mapping[Verdict, int] = {
    Verdict.CORRECT: 0,
    Verdict.INCORRECT: 1,
    Verdict.ABSTAINED: 2,
}
UNGRADED_CODE = -1


def _obj(values: Iterable[Any]) -> npt.NDArray[np.object_]:
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def verdict_code(verdict: Verdict | None) -> int:
    """Return the int8 code of ``verdict`` (``None`` → :data:`UNGRADED_CODE`).

    >>> verdict_code(Verdict.ABSTAINED), verdict_code(None)
    (2, -1)
    """
    return UNGRADED_CODE if verdict is None else VERDICT_CODES[verdict]


Rubric = Literal["closed", "open"]
Style = Literal["penalty", "reward"]


@dataclass(frozen=True, slots=True)
class Condition:
    """How a question was put to the model.

    Attributes:
        rubric: ``"closed"`` (the question alone, binary grading implied) or ``"open"``
            (the prompt states a confidence target ``t``).
        target: the stated target ``t`` in [0, 1) for the open rubric; ``None`` for closed.
        style: ``"penalty"`` (mistakes cost t/(1−t)) or ``"reward"`` (IDK earns t); open only.
        template_hash: short hash of the prompt template actually used, if known.
    """

    rubric: Rubric = "closed"
    target: float | None = None
    style: Style | None = None
    template_hash: str | None = None

    def __post_init__(self) -> None:
        if self.rubric not in ("closed", "open"):
            raise ValueError(f"rubric must be 'closed' or 'open', got {self.rubric!r}")
        if self.rubric == "closed":
            if self.target is not None:
                raise ValueError(f"a closed rubric states no target, got target={self.target}")
        else:
            if self.target is None or not (0.0 <= self.target < 1.0):
                raise ValueError(f"open-rubric target must be in [0, 1), got {self.target!r}")
            if self.style not in ("penalty", "reward"):
                raise ValueError(f"open-rubric style must be penalty|reward, got {self.style!r}")

    @property
    def label(self) -> str:
        """Short human label, e.g. ``closed`` or ``open t=0.75 (penalty)``."""
        if self.rubric == "closed":
            return "closed"
        return f"open t={self.target:g} ({self.style})"


CLOSED = Condition()


@dataclass(frozen=True, slots=True)
class Item:
    """One question with its gold answers.

    Attributes:
        id: stable identifier within its question set.
        question: the text put to the model (before any rubric instructions).
        answers: gold answer followed by accepted aliases; empty when no answer is
            correct (e.g. an unanswerable question, where only abstaining is right).
        kind: grading hint: ``"text"``, ``"number"``, ``"date"``, ``"choice"``,
            ``"unknowable"`` (any specific answer is wrong, IDK is an abstention), or
            ``"closed"`` (a closed world such as the lab's synthetic facts: the golds are
            the only right answers, so any other answer is wrong, with no judge).
        choices: option texts for multiple choice, in letter order.
        groups: free columns for grouping results (topic, popularity bucket, ...).
        incorrect_answers: known wrong answers (TruthfulQA); a reply matching one is
            incorrect, and a free-text reply matching no listed answer is left ungraded.
    """

    id: str
    question: str
    answers: tuple[str, ...] = ()
    kind: str = "text"
    choices: tuple[str, ...] = ()
    groups: Mapping[str, str] = field(default_factory=dict)
    incorrect_answers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reply:
    """What a backend returned for one request. A backend answers; it never grades.

    Attributes:
        text: the model's answer text; ``None`` when the request failed.
        error: why the request failed (after retries), else ``None``. Never answer text.
        logprobs: per-token log-probabilities when asked for.
        prompt_tokens / completion_tokens: usage as reported by the server, if any.
    """

    text: str | None
    error: str | None = None
    logprobs: tuple[float, ...] | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    def __post_init__(self) -> None:
        if (self.text is None) == (self.error is None):
            raise ValueError("a Reply has exactly one of text and error")


@dataclass(frozen=True, slots=True)
class Graded:
    """One graded answer: the unit that scoring aggregates.

    Attributes:
        item_id: the :class:`Item` id.
        model: model name or spec (never an API key).
        condition: closed rubric, or open rubric with its stated target and style.
        sample: 0-based sample index when an item is asked several times.
        verdict: correct / incorrect / abstained, or ``None`` when ungraded.
        ungraded_reason: why ``verdict`` is ``None`` (required then, forbidden otherwise).
        confidence: the model's confidence that its answer is right, in [0, 1], if known.
        answer: the answer text, if kept (reports HTML-escape it).
        groups: free columns for grouping (topic, popularity bucket, ...).
        method: which grader decided: ``"rules"`` or ``"judge"`` (an LLM judge, also when
            it left the record ungraded); ``None`` when no grader was asked (a model error)
            or the record came from elsewhere.
        judge_reply: the LLM judge's raw reply, kept for audits (also when unparsable);
            ``None`` when no judge replied.
        item: the question the record answers, when kept (a run keeps it, so its graded
            files hold the question and golds: :data:`ITEM_COLUMNS`); ``None`` otherwise.
            Its ``id`` is ``item_id``.
    """

    item_id: str
    model: str
    verdict: Verdict | None
    condition: Condition = CLOSED
    sample: int = 0
    ungraded_reason: str | None = None
    confidence: float | None = None
    answer: str | None = None
    groups: Mapping[str, str] = field(default_factory=dict)
    method: str | None = None
    judge_reply: str | None = None
    item: Item | None = None

    def __post_init__(self) -> None:
        if self.item is not None and self.item.id != self.item_id:
            raise ValueError(f"item {self.item_id!r}: the record's item has id {self.item.id!r}")
        if self.verdict is None and not self.ungraded_reason:
            raise ValueError(f"item {self.item_id!r}: an ungraded record needs ungraded_reason")
        if self.verdict is not None and self.ungraded_reason:
            raise ValueError(f"item {self.item_id!r}: a graded record has no ungraded_reason")
        if self.confidence is not None and not (0.0 <= self.confidence <= 1.0):
            raise ValueError(
                f"item {self.item_id!r}: confidence must be in [0, 1], got {self.confidence}"
            )
        if self.sample < 0:
            raise ValueError(f"item {self.item_id!r}: sample must be >= 0, got {self.sample}")


@dataclass(frozen=True)
class GradedTable:
    """Columnar graded records, the input of scoring and metrics.

    All arrays have the same length ``n``.

    Attributes:
        item_id: item identifiers (object array of str).
        model: model names (object array of str).
        stated_target: stated target t per record; ``nan`` means closed rubric (float64).
        style: prompt style per record, ``""`` for closed (object array of str).
        sample: sample index (int64).
        verdict: :data:`VERDICT_CODES` values, :data:`UNGRADED_CODE` for ungraded (int8).
        confidence: in [0, 1], ``nan`` where unknown (float64).
        ungraded_reason: ``""`` where graded (object array of str).
        answer: answer text or ``""`` (object array of str).
        groups: extra grouping columns, name → object array of str.
    """

    item_id: npt.NDArray[np.object_]
    model: npt.NDArray[np.object_]
    stated_target: npt.NDArray[np.float64]
    style: npt.NDArray[np.object_]
    sample: npt.NDArray[np.int64]
    verdict: npt.NDArray[np.int8]
    confidence: npt.NDArray[np.float64]
    ungraded_reason: npt.NDArray[np.object_]
    answer: npt.NDArray[np.object_]
    groups: Mapping[str, npt.NDArray[np.object_]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.verdict)
        for name in (
            "item_id",
            "model",
            "stated_target",
            "style",
            "sample",
            "confidence",
            "ungraded_reason",
            "answer",
        ):
            if len(getattr(self, name)) != n:
                raise ValueError(f"column {name!r} has {len(getattr(self, name))} rows, want {n}")
        for name, col in self.groups.items():
            if len(col) != n:
                raise ValueError(f"group column {name!r} has {len(col)} rows, want {n}")

    def __len__(self) -> int:
        return len(self.verdict)

    @classmethod
    def from_records(cls, records: list[Graded]) -> GradedTable:
        """Build the columnar table from row records (group columns are unioned, missing → "")."""
        names = sorted({k for r in records for k in r.groups})
        return cls(
            item_id=_obj(r.item_id for r in records),
            model=_obj(r.model for r in records),
            stated_target=np.array(
                [math.nan if r.condition.target is None else r.condition.target for r in records],
                dtype=np.float64,
            ),
            style=_obj(r.condition.style or "" for r in records),
            sample=np.array([r.sample for r in records], dtype=np.int64),
            verdict=np.array([verdict_code(r.verdict) for r in records], dtype=np.int8),
            confidence=np.array(
                [math.nan if r.confidence is None else r.confidence for r in records],
                dtype=np.float64,
            ),
            ungraded_reason=_obj(r.ungraded_reason or "" for r in records),
            answer=_obj(r.answer or "" for r in records),
            groups={k: _obj(r.groups.get(k, "") for r in records) for k in names},
        )

    def take(self, index: npt.NDArray[Any]) -> GradedTable:
        """Rows selected by a boolean mask or integer index."""
        return GradedTable(
            item_id=self.item_id[index],
            model=self.model[index],
            stated_target=self.stated_target[index],
            style=self.style[index],
            sample=self.sample[index],
            verdict=self.verdict[index],
            confidence=self.confidence[index],
            ungraded_reason=self.ungraded_reason[index],
            answer=self.answer[index],
            groups={k: v[index] for k, v in self.groups.items()},
        )


@dataclass(frozen=True, slots=True)
class RunSpec:
    """What a run asked for: enough to rerun it and to tell two runs apart.

    Attributes:
        models: model specs with no URL and no key (e.g. ``openai:gpt-4o-mini``).
        dataset: the question-set name or path given by the user.
        dataset_hash: hash of the loaded items (ids, questions, answers).
        conditions: the rubric conditions asked, closed and/or open at each target.
        samples: how many times each (item, condition) is asked (sample index 0..k-1).
        limit: the item limit given, if any.
        generation: generation parameters (temperature, max_tokens, seed, api, ...).
        schema_version: version of the run-directory layout.
    """

    models: tuple[str, ...]
    dataset: str
    dataset_hash: str
    conditions: tuple[Condition, ...]
    samples: int = 1
    limit: int | None = None
    generation: Mapping[str, Any] = field(default_factory=dict)
    schema_version: int = 1

    def __post_init__(self) -> None:
        if not self.models:
            raise ValueError("a RunSpec needs at least one model")
        if not self.conditions:
            raise ValueError("a RunSpec needs at least one condition")
        if self.samples < 1:
            raise ValueError(f"samples must be >= 1, got {self.samples}")
