"""SimpleQA-style questions in inspect_ai, scored with confidence targets by dontguess.

Runs against any OpenAI-compatible server::

    OPENAI_BASE_URL=http://127.0.0.1:8000/v1 OPENAI_API_KEY=none \\
        inspect eval examples/inspect_simpleqa.py --model openai/MODEL \\
        -T dataset=questions.jsonl -T target=0.75

``dataset`` is anything ``dontguess run --dataset`` reads (a built-in set such as
``simpleqa``, ``hf:NAME``, a JSONL / CSV / Parquet file with question and answer
columns); ``target`` states a confidence target in the prompt (open rubric; leave it out
for the question alone); ``judge`` names an inspect model that grades the replies the
rules cannot decide. The metrics are the score at t = 0, 0.5, 0.75 and 0.9, the
abstention rate and the error (hallucination) rate.
"""

from __future__ import annotations

from inspect_ai import Task, task
from inspect_ai.model import GenerateConfig
from inspect_ai.solver import generate

from dontguess.integrations.inspect import (
    confidence_target,
    confidence_target_prompt,
    dataset_samples,
)


@task
def simpleqa(
    dataset: str = "simpleqa",
    limit: int | None = None,
    target: float | None = None,
    style: str = "penalty",
    judge: str | None = None,
) -> Task:
    """SimpleQA-style short answers under a stated confidence target (or none)."""
    return Task(
        dataset=dataset_samples(dataset, limit=limit),
        solver=[confidence_target_prompt(target, style=style), generate()],
        scorer=confidence_target(judge=judge),
        config=GenerateConfig(temperature=0.0, max_tokens=256),  # as dontguess run
        name="simpleqa" if target is None else f"simpleqa_t{target:g}",
    )
