"""err, err_iiv and δ on a hand-worked example; Theorem 1 as a property of any p̂."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dontguess.errors import InputError
from dontguess.theory import (
    above_threshold,
    calibration_delta,
    generative_error,
    iiv_error,
    iiv_threshold,
    sample_calibration_delta,
    theorem1_lower_bound,
)

# Prompt 0: V = {0}, |E| = 3. Prompt 1: V = {0, 1}, |E| = 2. Threshold 1/min|E| = 0.5.
VALID = np.array([[True, False, False, False], [True, True, False, False]])
P = np.array([[1.0, 0, 0, 0], [0.7, 0.3, 0, 0]])
P_HAT = np.array([[0.55, 0.35, 0.1, 0.0], [0.2, 0.1, 0.6, 0.1]])
MU = np.array([1.0, 1.0])  # normalised to 1/2 each


def test_hand_example() -> None:
    assert iiv_threshold(VALID) == 0.5
    # err = 1/2 (1 - 0.55) + 1/2 (1 - 0.3) = 0.575
    assert generative_error(P_HAT, VALID, MU) == pytest.approx(0.575)
    # A = {(0,0), (1,2)}. err_iiv = 1/2 [1/2 (0 + 0/3) + 1/2 (0.7 + 0.3 + 1/2)] = 0.375
    assert iiv_error(P_HAT, P, VALID, MU) == pytest.approx(0.375)
    # p_hat(A) = 1/2 (0.55 + 0.6) = 0.575; p(A) = 1/2 (1 + 0) = 0.5
    assert calibration_delta(P_HAT, P, MU, valid=VALID) == pytest.approx(0.075)
    # without valid, V_c = support of p: here the same sets, so the same delta
    assert calibration_delta(P_HAT, P, MU) == pytest.approx(0.075)
    # delta_z at z = 0.3: A adds (0,1): p_hat(A) = 1/2 (0.9 + 0.6) = 0.75, p(A) = 0.5
    assert calibration_delta(P_HAT, P, MU, threshold=0.3) == pytest.approx(0.25)
    # err_iiv at z = 0.05 (all but (0,3) above): 1/2 [1/2 (2/3) + 1/2 (0 + 2/2)] = 5/12
    assert iiv_error(P_HAT, P, VALID, MU, threshold=0.05) == pytest.approx(5 / 12)


def test_mass_outside_candidates_is_error() -> None:
    assert generative_error([[0.5, 0.0]], [[True, False]], [1.0]) == pytest.approx(0.5)


def test_sample_delta_tracks_exact_delta() -> None:
    rng = np.random.default_rng(0)
    k = 20_000
    prompts = rng.integers(0, 2, size=k)
    model = np.array([[c, rng.choice(4, p=P_HAT[c] / P_HAT[c].sum())] for c in prompts])
    train = np.array([[c, rng.choice(4, p=P[c])] for c in prompts])
    est = sample_calibration_delta(
        above_threshold(P_HAT, model, threshold=0.5), above_threshold(P_HAT, train, threshold=0.5)
    )
    assert est.n_model == est.n_training == k
    assert est.difference == pytest.approx(0.075, abs=4 * est.std_error)
    assert 0.0 < est.std_error < 0.01


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: iiv_threshold([[True, True]]), r"prompt 0 has \|E_c\| = 0"),
        (lambda: iiv_error(P_HAT, P[:1], VALID, MU), r"p must have shape"),
        (lambda: iiv_error(P_HAT, [[0.5, 0.5, 0, 0], [1, 0, 0, 0]], VALID, MU), r"zero mass"),
        (lambda: generative_error([[0.9, 0.9]], [[True, False]], [1.0]), r"summing to at most 1"),
        (lambda: generative_error(P_HAT, VALID, [1.0]), r"mu must be a 1-D array of length 2"),
        (lambda: generative_error(P_HAT, VALID, [0.0, 0.0]), r"positive total mass"),
        (lambda: generative_error([1.0], [True], [1.0]), r"2-D array"),
        (lambda: calibration_delta(P_HAT, P, MU, threshold=2.0), r"threshold must be in"),
        (lambda: above_threshold(P_HAT, [[5, 0]], threshold=0.5), r"outside p_hat"),
        (lambda: sample_calibration_delta([], [True]), r"at least one model sample"),
    ],
)
def test_bad_inputs(call: object, match: str) -> None:
    with pytest.raises(InputError, match=match):
        call()  # type: ignore[operator]


@st.composite
def _instances(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    n_prompts = draw(st.integers(1, 5))
    n_cands = draw(st.integers(2, 7))
    seed = draw(st.integers(0, 2**32 - 1))
    spiky = draw(st.sampled_from([0.05, 0.3, 1.0, 5.0]))
    leak = draw(st.sampled_from([0.0, 0.0, 0.2]))
    rng = np.random.default_rng(seed)
    valid = np.zeros((n_prompts, n_cands), dtype=bool)
    for c in range(n_prompts):
        n_valid = rng.integers(1, n_cands)  # at least one valid and one error
        valid[c, rng.choice(n_cands, size=n_valid, replace=False)] = True
    p = np.where(valid, rng.dirichlet(np.ones(n_cands), size=n_prompts), 0.0)
    p /= p.sum(axis=1, keepdims=True)
    p_hat = rng.dirichlet(np.full(n_cands, spiky), size=n_prompts) * (1 - leak)
    mu = rng.random(n_prompts) + 1e-3
    return p_hat, p, valid, mu


@settings(max_examples=300, deadline=None)
@given(_instances())
def test_theorem1_holds_for_any_p_hat(inst: tuple[np.ndarray, ...]) -> None:
    """Theorem 1: err >= 2 err_iiv - max|V_c|/min|E_c| - delta, for arbitrary p_hat."""
    p_hat, p, valid, mu = inst
    err = generative_error(p_hat, valid, mu)
    bound = theorem1_lower_bound(
        iiv_error(p_hat, p, valid, mu),
        max_valid=int(valid.sum(axis=1).max()),
        min_errors=int((~valid).sum(axis=1).min()),
        delta=calibration_delta(p_hat, p, mu, valid=valid),
    )
    assert err >= bound - 1e-9
