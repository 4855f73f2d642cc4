"""Exact measurement: the calibrated learner meets Theorem 2 from both sides."""

from __future__ import annotations

import numpy as np
import pytest

from dontguess.lab.calibrated import calibrated_p_hat
from dontguess.lab.evaluate import evaluate_policies, graded_records
from dontguess.lab.measure import IDK_COL, measure, mention_bucket, truth_matrix
from dontguess.lab.world import WorldConfig, make_world
from dontguess.records import Verdict


@pytest.fixture(scope="module")
def world():  # type: ignore[no-untyped-def]
    return make_world(WorldConfig(people=20000, n_train=20000, n_test=4000, zipf_exponent=0.8))


def test_calibrated_learner_is_calibrated_and_within_theorem2(world) -> None:  # type: ignore[no-untyped-def]
    m = measure(world, calibrated_p_hat(world))
    assert m.delta == pytest.approx(0.0, abs=1e-12)
    assert m.theorem2_bound <= m.err <= m.theorem2_upper_bound
    # err ~ MM (1 - 1/|R_c|) ~ sr: within sampling noise of the 4000 test prompts
    assert m.err == pytest.approx(world.singleton_rate, abs=0.05)
    assert m.theorem2_leading_term == pytest.approx(world.singleton_rate - 2 / 39)
    assert m.err >= m.theorem1_bound
    for bucket in ("1", "2", "3-5", "6+"):
        assert m.err_by_mentions[bucket]["err"] == pytest.approx(0.0, abs=1e-12)
    assert m.unseen_idk == pytest.approx(0.2)
    assert m.unseen_err == pytest.approx(1 - 0.2 - _correct_share(world), abs=1e-9)


def _correct_share(world) -> float:  # type: ignore[no-untyped-def]
    """Mean p(correct) of the calibrated learner on unseen test prompts (alpha/|R_c|)."""
    unseen = world.answer_counts[world.test_prompts] == 0
    facts = world.fact_of(world.test_prompts)[unseen]
    return float(np.mean(np.where(facts == 0, 0.8 / 365, 0.8 / 40)))


def test_oracle_and_always_idk(world) -> None:  # type: ignore[no-untyped-def]
    truth = truth_matrix(world, world.test_prompts)
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
    p_hat = calibrated_p_hat(world)
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
