"""The synthetic-facts laboratory: the paper's arguments on trained models (§3.3, §4).

Top-down: :mod:`~dontguess.lab.world` draws people with arbitrary facts, a Zipf prompt
distribution μ and N i.i.d. training examples (a share IDK); :mod:`~dontguess.lab.corpus`
writes them as text; :mod:`~dontguess.lab.calibrated` is the Appendix B calibrated learner;
:mod:`~dontguess.lab.gpt` trains a small GPT-2 by cross-entropy (torch, lazily imported);
:mod:`~dontguess.lab.answer_probs` reads its exact answer distribution;
:mod:`~dontguess.lab.measure` computes err, err_iiv, δ and the bounds exactly under μ;
:mod:`~dontguess.lab.evaluate` scores answer policies at confidence targets;
:mod:`~dontguess.lab.incentives` post-trains under binary vs confidence-target reward (§4);
:mod:`~dontguess.lab.poor_models` and :mod:`~dontguess.lab.letters` show Theorem 3;
:mod:`~dontguess.lab.sweep`, :mod:`~dontguess.lab.demo` and :mod:`~dontguess.lab.gpu_run`
tie it together.
The lab never imports the runner.
"""

from __future__ import annotations

from dontguess.lab.calibrated import calibrated_p_hat
from dontguess.lab.corpus import corpus_lines, prompt_text
from dontguess.lab.measure import Measurement, measure
from dontguess.lab.world import World, WorldConfig, make_world, tune_exponent

__all__ = [
    "Measurement",
    "World",
    "WorldConfig",
    "calibrated_p_hat",
    "corpus_lines",
    "make_world",
    "measure",
    "prompt_text",
    "tune_exponent",
]
