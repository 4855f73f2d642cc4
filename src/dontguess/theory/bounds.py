"""The paper's closed-form bounds (Kalai, Nachum, Vempala, Zhang 2025, §3).

Every function returns the raw value of the bound; a lower bound ≤ 0 is vacuous but is
returned as is, so its terms can be inspected. Inputs are checked at the boundary and a
bad one raises :class:`dontguess.errors.InputError` (a ``ValueError``).
"""

from __future__ import annotations

import math

from dontguess.theory._checks import check_gamma, check_int, check_unit

__all__ = [
    "corollary3_width",
    "lemma1_width",
    "theorem1_lower_bound",
    "theorem2_leading_term",
    "theorem2_lower_bound",
    "theorem2_slack",
    "theorem2_upper_bound",
    "theorem2_upper_slack",
    "theorem3_lower_bound",
]


def theorem1_lower_bound(
    err_iiv: float, *, max_valid: int, min_errors: int, delta: float = 0.0
) -> float:
    """Theorem 1 (§3.1, the IIV reduction; Corollary 1 with prompts).

    ``err ≥ 2·err_iiv − max_c|V_c| / min_c|E_c| − δ``

    Without prompts pass ``max_valid=|V|`` and ``min_errors=|E|``.

    Args:
        err_iiv: misclassification rate of the thresholded model on the IIV distribution D,
            in [0, 1].
        max_valid: max_c |V_c| ≥ 1, the most valid responses of any prompt.
        min_errors: min_c |E_c| ≥ 1, the fewest erroneous responses of any prompt.
        delta: calibration gap δ = |p̂(A) − p(A)| at threshold 1/min_c|E_c|, in [0, 1].

    Returns:
        The lower bound on the generative error err (may be ≤ 0, i.e. vacuous).

    >>> round(theorem1_lower_bound(0.3, max_valid=2, min_errors=20, delta=0.05), 10)
    0.45
    """
    err_iiv = check_unit("err_iiv", err_iiv)
    max_valid = check_int("max_valid", max_valid)
    min_errors = check_int("min_errors", min_errors)
    delta = check_unit("delta", delta)
    return 2.0 * err_iiv - max_valid / min_errors - delta


def theorem2_leading_term(sr: float, *, min_errors: int, delta: float = 0.0) -> float:
    """The N-free part of Theorem 2 (§3.3.1): ``sr − 2/min_c|E_c| − δ``.

    >>> theorem2_leading_term(0.2, min_errors=364)  # doctest: +ELLIPSIS
    0.194505...
    """
    sr = check_unit("sr", sr)
    min_errors = check_int("min_errors", min_errors)
    delta = check_unit("delta", delta)
    return sr - 2.0 / min_errors - delta


def theorem2_slack(n: int, *, gamma: float | None = None) -> float:
    """The finite-sample slack of Theorem 2's lower bound.

    ``(35 + 6 ln N)/√N`` (the printed 99% form, ``gamma=None``) or ``6 ln(3N/γ)/√N``
    (confidence 1 − γ).

    >>> round(theorem2_slack(10**6), 6)
    0.117893
    >>> round(theorem2_slack(10**6, gamma=0.01), 6)
    0.117116
    """
    n = check_int("n", n)
    if gamma is None:
        return (35.0 + 6.0 * math.log(n)) / math.sqrt(n)
    gamma = check_gamma(gamma)
    return 6.0 * math.log(3.0 * n / gamma) / math.sqrt(n)


def theorem2_lower_bound(
    sr: float, *, n: int, min_errors: int, delta: float = 0.0, gamma: float | None = None
) -> float:
    """Theorem 2 (§3.3.1, arbitrary facts): hallucination floor from the singleton rate.

    With probability ≥ 99% over the facts and the N training examples:

    ``err ≥ sr − 2/min_c|E_c| − (35 + 6 ln N)/√N − δ``

    and with probability ≥ 1 − γ (pass ``gamma``):

    ``err ≥ sr − 2/min_c|E_c| − 6 ln(3N/γ)/√N − δ``.

    Args:
        sr: singleton rate |S|/N in [0, 1] (see :func:`dontguess.theory.singleton_rate`).
        n: number of training examples N ≥ 1, IDK examples included.
        min_errors: min_c |E_c| ≥ 1 (e.g. 364 wrong birthdays).
        delta: calibration gap δ in [0, 1].
        gamma: failure probability in (0, 1), or ``None`` for the printed 99% form.

    >>> round(theorem2_lower_bound(0.2, n=10**6, min_errors=364), 6)
    0.076612
    """
    lead = theorem2_leading_term(sr, min_errors=min_errors, delta=delta)
    return lead - theorem2_slack(n, gamma=gamma)


def theorem2_upper_slack(n: int, *, gamma: float | None = None) -> float:
    """Slack of the calibrated learner's upper bound: ``13/√N`` or ``5·sqrt(ln(5/γ)/N)``.

    >>> theorem2_upper_slack(10**4)
    0.13
    """
    n = check_int("n", n)
    if gamma is None:
        return 13.0 / math.sqrt(n)
    gamma = check_gamma(gamma)
    return 5.0 * math.sqrt(math.log(5.0 / gamma) / n)


def theorem2_upper_bound(
    sr: float, *, n: int, max_errors: int, gamma: float | None = None
) -> float:
    """Theorem 2's matching upper bound (§3.3.1, Appendix B calibrated learner).

    A calibrated learner (δ = 0) that memorises seen facts and, on unseen prompts, says IDK
    with probability 1 − α_c and otherwise answers uniformly over R_c has, w.p. ≥ 99%,

    ``err ≤ sr − sr/(max_c|E_c| + 1) + 13/√N``

    (with ``gamma``: ``5·sqrt(ln(5/γ)/N)`` in place of ``13/√N``).

    >>> round(theorem2_upper_bound(0.2, n=10**4, max_errors=3), 6)
    0.28
    """
    sr = check_unit("sr", sr)
    max_errors = check_int("max_errors", max_errors)
    return sr - sr / (max_errors + 1) + theorem2_upper_slack(n, gamma=gamma)


def lemma1_width(n: int, gamma: float) -> float:
    """Lemma 1 (Appendix B): with abstentions, ``|MM − sr| ≤ 4.42·sqrt(ln(5/γ)/N)`` w.p. ≥ 1 − γ.

    MM is the missing mass of answered facts, sr the singleton rate.

    >>> round(lemma1_width(10**4, 0.01), 6)
    0.110187
    """
    n = check_int("n", n)
    gamma = check_gamma(gamma)
    return 4.42 * math.sqrt(math.log(5.0 / gamma) / n)


def corollary3_width(n: int, gamma: float) -> float:
    """Corollary 3 (Good–Turing): ``|M − GT| ≤ 1/N + 2.42·sqrt(ln(4/γ)/N)`` w.p. ≥ 1 − γ.

    M is the missing mass, GT the fraction of the N samples that are singletons.

    >>> round(corollary3_width(10**4, 0.01), 6)
    0.059335
    """
    n = check_int("n", n)
    gamma = check_gamma(gamma)
    return 1.0 / n + 2.42 * math.sqrt(math.log(4.0 / gamma) / n)


def theorem3_lower_bound(opt_g: float, *, choices: int) -> float:
    """Theorem 3 (§3.3.2, poor models, pure multiple choice): ``err ≥ 2(1 − 1/C)·opt(G)``.

    Applies when every prompt has exactly one valid answer (|V_c| = 1) among
    C = min_c|E_c| + 1 choices; there is no δ term.

    Args:
        opt_g: opt(G), the best error of any thresholded classifier of the model family,
            in [0, 1].
        choices: C ≥ 2, the number of answer choices.

    >>> theorem3_lower_bound(0.25, choices=2)
    0.25
    """
    opt_g = check_unit("opt_g", opt_g)
    choices = check_int("choices", choices, low=2)
    return 2.0 * (1.0 - 1.0 / choices) * opt_g
