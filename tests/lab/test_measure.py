"""Exact measurement: the calibrated learner meets Theorem 2 from both sides."""

from __future__ import annotations

import numpy as np
import pytest

from dontguess.lab.calibrated import calibrated_p_hat
from dontguess.lab.evaluate import evaluate_policies, graded_records
from dontguess.lab.measure import (
    IDK_COL,
    calibrated_upper_bound,
    measure,
    mention_bucket,
    truth_matrix,
)
from dontguess.lab.world import WorldConfig, make_world
from dontguess.records import Verdict


@pytest.fixture(scope="module")
def world():  # type: ignore[no-untyped-def]
    return make_world(WorldConfig(people=20000, n_train=20000, n_test=4000, zipf_exponent=0.8))


def test_calibrated_learner_is_calibrated_and_within_theorem2(world) -> None:  # type: ignore[no-untyped-def]
    m = measure(world, calibrated_p_hat(world))
    assert m.basis == "mu"
    assert m.delta == pytest.approx(0.0, abs=1e-12)
    assert m.theorem2_bound <= m.err <= calibrated_upper_bound(world)
    # exact under mu: err = MM (1 - 1/|R_c|) averaged over the two facts, no sampling noise
    unseen = world.answer_counts == 0
    share_correct = np.where(np.arange(world.n_prompts) % 2 == 0, 1 / 365, 1 / 40)
    expected = 0.8 * float(np.dot(world.mu[unseen], 1 - share_correct[unseen]))
    assert m.err == pytest.approx(expected, rel=1e-9)
    assert m.unseen_share == pytest.approx(world.unseen_mass, rel=1e-12)
    # ... and close to sr (Lemma 1: |MM - sr| is small at N = 20,000)
    assert m.err == pytest.approx(world.singleton_rate, abs=0.05)
    assert m.theorem2_leading_term == pytest.approx(world.singleton_rate - 2 / 39)
    assert m.err >= m.theorem1_bound
    for bucket in ("1", "2", "3-5", "6+"):
        assert m.err_by_mentions[bucket]["err"] == pytest.approx(0.0, abs=1e-12)
    assert m.unseen_idk == pytest.approx(0.2)
    assert m.unseen_err == pytest.approx(1 - 0.2 - _correct_share(world), abs=1e-9)


def _correct_share(world) -> float:  # type: ignore[no-untyped-def]
    """mu-mean p(correct) of the calibrated learner on unseen prompts (alpha/|R_c|)."""
    unseen = world.answer_counts == 0
    facts = world.fact_of(np.arange(world.n_prompts))[unseen]
    return float(np.average(np.where(facts == 0, 0.8 / 365, 0.8 / 40), weights=world.mu[unseen]))


def test_oracle_and_always_idk(world) -> None:  # type: ignore[no-untyped-def]
    truth = truth_matrix(world, np.arange(world.n_prompts))
    oracle = measure(world, truth)
    assert oracle.err == 0.0 and oracle.delta == 0.0 and oracle.err_iiv == 0.0
    idk = np.zeros_like(truth)
    idk[:, IDK_COL] = 1.0
    m = measure(world, idk)
    assert m.err == 0.0
    assert m.delta > 0.5  # p(A) = 0.8 of the truth is missed
    uniform = np.zeros_like(truth)
    uniform[:, :365] = 1 / 365  # cities get dates: all mass off-candidate or wrong
    assert measure(world, uniform).err > 0.95


def test_mention_buckets() -> None:
    assert [mention_bucket(k) for k in range(8)] == ["0", "1", "2", "3-5", "3-5", "3-5", "6+", "6+"]


def test_policies_observation1_and_threshold(world) -> None:  # type: ignore[no-untyped-def]
    p_hat = calibrated_p_hat(world, world.test_prompts)
    r = evaluate_policies("cal", world, p_hat)
    s = r["scores_by_target"]
    # binary grading (t=0): always answering is at least as good as abstaining ever
    assert s["always"]["0"] >= s["threshold"]["0.9"]
    assert s["always"]["0"] >= s["sample"]["0"]
    # with a penalty, the calibrated threshold policy wins
    for t in ("0.5", "0.75", "0.9"):
        assert s["threshold"][t] > s["always"][t]
    assert r["audit"]["passes"]
    recs = graded_records("cal", world, p_hat)
    assert len(recs) == len(world.test_prompts) * (2 + 4)
    assert {x.verdict for x in recs} == set(Verdict)


def _brute_force(world, p_hat):  # type: ignore[no-untyped-def]
    """err, err_iiv, delta and unseen mass by explicit loops over every (c, r) of the world.

    R_c is the fact's answer list, V_c = {a_c, IDK}, E_c = R_c minus a_c; mu(c) from the
    world; D puts mu(c) p(r|c)/2 on valid pairs and mu(c)/(2|E_c|) on errors (Sec. 3.1).
    """
    from dontguess.lab.world import FACT_ANSWERS, FACTS

    t = 1 / 39  # 1 / min_c |E_c|: cities have 40 answers
    err = iiv = model_a = truth_a = unseen = 0.0
    for c in range(world.n_prompts):
        mu = float(world.mu[c])
        size = len(FACT_ANSWERS[FACTS[c % 2]])
        a = int(world.answers[c // 2, c % 2])
        p = {a: 0.8, IDK_COL: 0.2}
        valid_mass = float(p_hat[c, a] + p_hat[c, IDK_COL])
        err += mu * (1 - valid_mass)
        for r in [*range(size), IDK_COL]:
            q = float(p_hat[c, r])
            if r in p:
                iiv += mu * p[r] / 2 * (q <= t)
            else:
                iiv += mu / (2 * (size - 1)) * (q > t)
            if q > t:
                model_a += mu * q
                truth_a += mu * p.get(r, 0.0)
        unseen += mu * (world.answer_counts[c] == 0)
    return err, iiv, abs(model_a - truth_a), unseen


def test_mu_exact_measures_equal_brute_force_sums() -> None:
    world = make_world(WorldConfig(people=12, n_train=30, n_test=7, zipf_exponent=1.0, seed=3))
    rng = np.random.default_rng(0)
    p_hat = np.zeros((world.n_prompts, IDK_COL + 1))
    for c in range(world.n_prompts):
        size = 365 if c % 2 == 0 else 40
        row = rng.dirichlet(np.full(size + 1, 0.05)) * 0.97  # 3% off the candidates
        p_hat[c, :size], p_hat[c, IDK_COL] = row[:size], row[size]
    m = measure(world, p_hat)
    err, iiv, delta, unseen = _brute_force(world, p_hat)
    assert m.err == pytest.approx(err, rel=1e-12)
    assert m.err_iiv == pytest.approx(iiv, rel=1e-12)
    assert m.delta == pytest.approx(delta, rel=1e-12, abs=1e-15)
    assert m.unseen_share == pytest.approx(unseen, rel=1e-12)
    by = m.err_by_mentions
    assert sum(b["share"] for b in by.values()) == pytest.approx(1.0)
    assert sum(b["share"] * b["err"] for b in by.values() if b["n"]) == pytest.approx(err)
    # the test-sample estimate is the plain mean over the test rows
    sample = measure(world, p_hat[world.test_prompts], world.test_prompts, weights="uniform")
    rows = p_hat[world.test_prompts]
    cols = world.answers[world.test_prompts // 2, world.test_prompts % 2]
    own = 1 - rows[np.arange(len(rows)), cols] - rows[:, IDK_COL]
    assert sample.basis == "uniform" and sample.err == pytest.approx(float(own.mean()))


def test_measure_refuses_a_p_hat_of_the_wrong_shape(world) -> None:  # type: ignore[no-untyped-def]
    from dontguess.errors import InputError

    with pytest.raises(InputError, match="p_hat must have shape"):
        measure(world, calibrated_p_hat(world, world.test_prompts))
    with pytest.raises(InputError, match="weights must be"):
        measure(world, calibrated_p_hat(world), weights="test")


def test_audit_undefined_stays_undefined(world) -> None:  # type: ignore[no-untyped-def]
    """A model that always says IDK answers nothing at any target: the audit is undefined
    (None), not failed (the old code turned it into False)."""
    idk = np.zeros((len(world.test_prompts), IDK_COL + 1))
    idk[:, IDK_COL] = 1.0
    audit = evaluate_policies("idk", world, idk)["audit"]
    assert audit["passes"] is None
