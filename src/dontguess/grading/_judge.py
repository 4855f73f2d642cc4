"""The LLM judge: a :class:`~dontguess.grading.Grader` that asks a model for a label.

The judge is handed a :class:`~dontguess.backends.base.Backend` (it never builds one),
sends it one chat message (:func:`~dontguess.grading._judge_prompt.judge_prompt`) at
temperature 0 with a fixed seed, and reads the reply with
:func:`~dontguess.grading._judge_prompt.parse_label`. Every way the judge can fail leaves
the record **ungraded** with a reason that starts with ``judge`` — never abstained:

=====================================  =================================================
judge outcome                          reason
=====================================  =================================================
reply with no / several / negated      ``judge reply names no label`` (…several labels
label, or an empty reply               (CORRECT, INCORRECT)…, …negates a label, …is empty)
error reply (4xx, refusal)             ``judge error: HTTP 400: …``
:class:`TransientBackendError`         ``judge error: gave up after 4 attempts: …``
:class:`FatalBackendError`             ``judge error: fatal: …`` (and every later record:
                                       ``judge stopped after a fatal error: …``)
=====================================  =================================================

Retries: a :class:`TransientBackendError` (429, 5xx, time-out, dropped connection,
malformed body) is retried up to ``max_retries`` times with exponential backoff
(``base_delay · 2**attempt``, capped at ``max_delay``, honouring ``Retry-After``). The
grading package cannot import the runner's ``RetryPolicy`` (the runner sits below it), so
this is the judge's own small loop; pass ``max_retries=0`` when the caller retries.

For a caller that journals judge calls (the runner), the steps are public:
:meth:`LLMJudge.request` builds the request, :meth:`LLMJudge.ask` sends it with retries,
:meth:`LLMJudge.read` turns the judge's reply into a :class:`Grade`.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from dontguess.backends.base import Backend, FatalBackendError, Request, TransientBackendError
from dontguess.errors import BackendError
from dontguess.grading._base import Grade
from dontguess.grading._judge_prompt import (
    JUDGE_TEMPLATE,
    check_template,
    judge_prompt,
    parse_label,
)
from dontguess.prompts import template_hash
from dontguess.records import Item, Reply

__all__ = ["LLMJudge"]

Sleep = Callable[[float], Awaitable[None]]


class LLMJudge:
    """Grade replies by asking a model for CORRECT, INCORRECT or NOT_ATTEMPTED.

    Args:
        backend: the judge model, built by the caller (any spec: ``openai:…``, ``hf:…``,
            ``scripted:…``); the judge never closes it.
        template: prompt text with ``{question}``, ``{reference}`` and ``{reply}``.
        max_tokens: token budget of one judge reply (a label needs a few; allow more for
            models that explain or reason first).
        seed: sampling seed sent with every request (servers that support it repeat).
        max_retries: retries of a :class:`TransientBackendError`, ≥ 0.
        base_delay / max_delay: backoff in seconds (see the module doc).
        sleep: the coroutine used to wait between retries (tests pass a fake).

    Attributes:
        name: the judge backend's name (kind and model; never a URL or key).
        template_hash: 12 hex digits of the template's SHA-256, stored with the run.
        fatal_error: the first :class:`FatalBackendError` message, after which the judge
            sends nothing more; ``None`` while the judge is healthy.

    Example:
        >>> import asyncio
        >>> from dontguess.backends.scripted import ScriptedBackend
        >>> judge = LLMJudge(ScriptedBackend("table", table={"Capital of France?": "CORRECT"}))
        >>> item = Item(id="q1", question="Capital of France?", answers=("Paris",))
        >>> grade = asyncio.run(judge.grade(item, Reply(text="I believe it's Paris.")))
        >>> grade.verdict, grade.decided_by, grade.judge_reply, grade.judge_calls
        (<Verdict.CORRECT: 'correct'>, 'judge', 'CORRECT', 1)
    """

    def __init__(
        self,
        backend: Backend,
        *,
        template: str = JUDGE_TEMPLATE,
        max_tokens: int = 64,
        seed: int = 0,
        max_retries: int = 3,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if max_tokens < 1:
            raise ValueError(f"max_tokens must be >= 1, got {max_tokens}")
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries}")
        if base_delay < 0 or max_delay < 0:
            raise ValueError(f"retry delays must be >= 0, got {base_delay} and {max_delay}")
        self.backend = backend
        self.name = backend.name
        self.template = check_template(template)
        self.template_hash = template_hash(template)
        self.max_tokens = max_tokens
        self.seed = seed
        self.max_retries = max_retries
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.fatal_error: str | None = None
        self._sleep = sleep
        self._rng = random.Random(seed)

    @property
    def spec(self) -> Mapping[str, Any]:
        """What a run's spec records about the judge (no URL, no key)."""
        return {
            "judge": self.name,
            "template_hash": self.template_hash,
            "temperature": 0.0,
            "seed": self.seed,
            "max_tokens": self.max_tokens,
        }

    def request(self, item: Item, reply_text: str) -> Request:
        """The judge request for ``reply_text`` as an answer to ``item``.

        ``Request.question`` carries the item's question, so a ``scripted:table=…`` judge
        can answer a label per question.
        """
        prompt = judge_prompt(item, reply_text, template=self.template)
        return Request(
            messages=(("user", prompt),),
            temperature=0.0,
            max_tokens=self.max_tokens,
            seed=self.seed,
            question=item.question,
        )

    async def ask(self, request: Request) -> tuple[Reply, int]:
        """Send ``request``, retrying transient failures; never raises a backend error.

        Returns:
            The judge's reply (text, or an error that names what failed) and the number of
            requests sent. After a :class:`FatalBackendError` :attr:`fatal_error` is set
            and later calls send nothing (0 requests).
        """
        if self.fatal_error is not None:
            return Reply(text=None, error=f"stopped after a fatal error: {self.fatal_error}"), 0
        attempt = 0
        while True:
            try:
                return await self.backend.complete(request), attempt + 1
            except TransientBackendError as exc:
                if attempt >= self.max_retries:
                    why = f"gave up after {attempt + 1} attempts: {exc}"
                    return Reply(text=None, error=why), attempt + 1
                await self._sleep(self._delay(attempt, exc.retry_after))
                attempt += 1
            except FatalBackendError as exc:
                self.fatal_error = self.fatal_error or str(exc)
                return Reply(text=None, error=f"fatal: {exc}"), attempt + 1
            except BackendError as exc:
                return Reply(text=None, error=f"{type(exc).__name__}: {exc}"), attempt + 1

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        return min(self.base_delay * 2.0**attempt, self.max_delay) * self._rng.uniform(0.5, 1.5)

    @staticmethod
    def read(judge_reply: Reply, *, calls: int = 1) -> Grade:
        """The grade a judge reply gives: its label, or ungraded with a ``judge…`` reason.

        >>> LLMJudge.read(Reply(text="NOT ATTEMPTED")).verdict
        <Verdict.ABSTAINED: 'abstained'>
        >>> LLMJudge.read(Reply(text="Maybe?")).reason
        'judge reply names no label'
        """
        if judge_reply.error is not None:
            return Grade(
                None, f"judge error: {judge_reply.error}", decided_by="judge", judge_calls=calls
            )
        text = judge_reply.text or ""
        try:
            verdict = parse_label(text)
        except ValueError as exc:
            return Grade(None, str(exc), decided_by="judge", judge_reply=text, judge_calls=calls)
        return Grade(
            verdict, method="judge", decided_by="judge", judge_reply=text, judge_calls=calls
        )

    async def grade(self, item: Item, reply: Reply) -> Grade:
        """Ask the judge about ``reply``; a model error is ungraded without asking."""
        if reply.error is not None:
            return Grade(None, f"backend error: {reply.error}", decided_by="judge")
        judge_reply, calls = await self.ask(self.request(item, reply.text or ""))
        return self.read(judge_reply, calls=calls)
