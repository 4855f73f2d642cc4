"""Thin adapters that run dontguess's grading and scoring inside other tools.

- :mod:`dontguess.integrations.inspect`: an inspect_ai scorer (C / I / N with the reason),
  metrics for the confidence-target score at each t, the abstention and error rates, and
  a solver that states the target (``pip install 'dontguess[inspect]'``);
- :mod:`dontguess.integrations.lm_eval`: lm-evaluation-harness task YAMLs (closed and open
  rubric at each t) with ``process_results`` and per-t aggregations
  (``pip install 'dontguess[lm-eval]'``; ``dontguess integrations lm-eval-path``);
- :mod:`dontguess.integrations.trl`: a TRL reward function, +1 right, −t/(1−t) wrong,
  0 for "I don't know" (``pip install 'dontguess[trl]'``).

Each third-party import happens inside the function that needs it; a missing one raises
:class:`~dontguess.errors.MissingDependencyError` with the pip command. See
docs/integrations.md.
"""

from __future__ import annotations

__all__: list[str] = []
