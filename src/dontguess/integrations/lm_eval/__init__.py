"""lm-evaluation-harness tasks that grade three ways and score at each confidence target.

``pip install 'dontguess[lm-eval]'``, then::

    lm_eval --model local-chat-completions --apply_chat_template \\
        --model_args model=MODEL,base_url=http://127.0.0.1:8000/v1/chat/completions \\
        --include_path "$(dontguess integrations lm-eval-path)" \\
        --tasks dontguess_simpleqa --metadata '{"dataset": "questions.jsonl"}' --log_samples \\
        --output_path out

The folder (:func:`tasks_path`) holds one task per condition of ``dontguess run``:
``dontguess_simpleqa_closed`` (the question alone) and ``dontguess_simpleqa_t0``,
``…_t0.5``, ``…_t0.75``, ``…_t0.9`` (the target stated in dontguess's wording), grouped as
``dontguess_simpleqa``. The questions are any set ``dontguess run --dataset`` reads
(``--metadata '{"dataset": …, "limit": N}'``; default the built-in ``simpleqa``). Each
document is graded by :class:`~dontguess.grading.DeterministicGrader` into ``C`` / ``I`` /
``N`` (``null`` when the rules cannot decide: ungraded, counted nowhere), and the metrics
``score_t0`` … ``score_t0.9``, ``abstention_rate`` and ``error_rate`` aggregate those
letters with :mod:`dontguess.scoring`. ``dontguess score samples_….jsonl`` reads the
samples file back (docs/integrations.md).
"""

from __future__ import annotations

from dontguess.integrations.lm_eval._tasks import (
    TASK_TARGETS,
    aggregate,
    grade_doc,
    load_docs,
    prompt,
    tasks_path,
)

__all__ = ["TASK_TARGETS", "aggregate", "grade_doc", "load_docs", "prompt", "tasks_path"]
