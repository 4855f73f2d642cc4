"""Abstention policies and score_policies on a small file worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dontguess.confidence import (
    consistency_policy,
    estimator_columns,
    estimator_report,
    parse_consistency,
    score_policies,
    threshold_policy,
)
from dontguess.errors import InputError
from dontguess.records import Condition, Graded, GradedTable, Verdict
from dontguess.scoring import observation1

OK, BAD, IDK = Verdict.CORRECT, Verdict.INCORRECT, Verdict.ABSTAINED
OPEN = Condition("open", 0.5, "penalty")


def _hand_run() -> GradedTable:
    """Five questions, two closed-rubric samples each, and the open rubric at t = 0.5.

    q1: Paris/Paris (both right, agree)      conf .9 / .8
    q2: Lyon/Nice (both wrong, disagree)     conf .6 / .5
    q3: 42/41 (right, then wrong: disagree)  conf .4 / .3
    q4: "I don't know" / Rome (wrong)        conf  - / .7
    q5: timeout / Bern (right)               conf  - / .95
    """

    def g(q: str, s: int, v: Verdict | None, ans: str, conf: float | None) -> Graded:
        reason = None if v else "timeout"
        return Graded(q, "m", v, sample=s, answer=ans, confidence=conf, ungraded_reason=reason)

    closed = [
        g("q1", 0, OK, "Paris", 0.9), g("q1", 1, OK, "Paris", 0.8),
        g("q2", 0, BAD, "Lyon", 0.6), g("q2", 1, BAD, "Nice", 0.5),
        g("q3", 0, OK, "42", 0.4), g("q3", 1, BAD, "41", 0.3),
        g("q4", 0, IDK, "I don't know", None), g("q4", 1, BAD, "Rome", 0.7),
        g("q5", 0, None, "", None), g("q5", 1, OK, "Bern", 0.95),
    ]  # fmt: skip
    open_verdicts = (("q1", OK), ("q2", IDK), ("q3", BAD), ("q4", IDK), ("q5", OK))
    prompted = [Graded(q, "m", v, OPEN, answer="x") for q, v in open_verdicts]
    return GradedTable.from_records(closed + prompted)


def _by_policy(rows: list[dict], t: float) -> dict[str, dict]:
    return {r["policy"]: r for r in rows if r["scored_target"] == t}


def test_threshold_and_consistency_policies_by_hand() -> None:
    v = np.array([0, 1, 0, 2, -1, 1], dtype=np.int8)
    c = np.array([0.9, 0.6, 0.4, 0.9, 0.9, np.nan])
    assert threshold_policy(v, c, target=0.5).tolist() == [0, 1, 2, 2, -1, -1]
    assert threshold_policy(v, c, target=0.0).tolist() == [0, 1, 0, 2, -1, -1]
    agree = np.array([1.0, 0.5, 2 / 3, np.nan, 1.0, 1.0])
    assert consistency_policy(v, agree).tolist() == [0, 2, 2, 2, -1, 1]
    assert consistency_policy(v, agree, threshold=0.6).tolist() == [0, 2, 0, 2, -1, 1]
    with pytest.raises(ValueError, match="target must be in"):
        threshold_policy(v, c, target=1.0)
    with pytest.raises(ValueError, match="threshold must be in"):
        consistency_policy(v, agree, threshold=0.0)
    with pytest.raises(ValueError, match="shape"):
        threshold_policy(v, c[:2], target=0.5)


def test_parse_consistency() -> None:
    assert parse_consistency("consistency@3:0.5") == (3, 0.5)
    cases = (("consistency@1", "K in 2"), ("consistency@21", "K in 2"),
             ("consistency@2:0", r"\(0, 1\]"), ("consistency@2:1.5", r"\(0, 1\]"),
             ("consistency", "consistency@K"), ("consistency@2:0.5.5", "bad"))  # fmt: skip
    for bad, match in cases:
        with pytest.raises(ValueError, match=match):
            parse_consistency(bad)


def test_score_policies_by_hand() -> None:
    rows = score_policies(_hand_run(), targets=(0.5, 0.75), bootstrap=200, seed=1)
    at = _by_policy(rows, 0.5)
    assert list(at) == ["prompted", "as-is", "threshold:agreement", "threshold:confidence",
                        "consistency@2"]  # fmt: skip

    def counts(r: dict) -> tuple[int, int, int, int]:
        return r["n_correct"], r["n_incorrect"], r["n_abstained"], r["n_undecided"]

    # as-is: first graded samples q1 C, q2 I, q3 C, q4 A, q5 C (its sample 1)
    assert counts(at["as-is"]) == (3, 1, 1, 0) and at["as-is"]["score"] == pytest.approx(0.4)
    # answer iff conf > 0.5: q3 (0.4) withheld
    assert counts(at["threshold:confidence"]) == (2, 1, 2, 0)
    assert at["threshold:confidence"]["score"] == pytest.approx(0.2)
    # two samples must agree: q2, q3 disagree; q5 has one graded sample → undecided
    assert counts(at["consistency@2"]) == (1, 0, 3, 1)
    assert at["consistency@2"]["score"] == pytest.approx(0.25)
    # agreement over all samples: q1 1.0 answers, q2/q3 0.5 is not > 0.5, q5 has none
    assert counts(at["threshold:agreement"]) == (1, 0, 3, 1)
    assert counts(at["prompted"]) == (2, 1, 2, 0) and at["prompted"]["score"] == pytest.approx(0.2)
    assert all(r["n_questions"] == 5 for r in at.values())
    # paired with the prompted model on the questions both decided
    assert at["as-is"]["difference"] == pytest.approx(0.4 - 0.2)
    assert at["as-is"]["n_paired"] == 5 and 0 < at["as-is"]["p_value"] <= 1
    assert at["consistency@2"]["n_paired"] == 4
    assert at["consistency@2"]["prompted_score"] == pytest.approx((1 - 1) / 4)  # q1..q4 prompted
    lo, hi = at["as-is"]["score_ci_low"], at["as-is"]["score_ci_high"]
    assert lo <= 0.4 <= hi
    # t = 0.75 (penalty 3): nothing prompted there, so no paired test
    hi_t = _by_policy(rows, 0.75)
    assert "prompted" not in hi_t
    assert hi_t["as-is"]["score"] == pytest.approx(0.0)
    assert hi_t["threshold:confidence"]["score"] == pytest.approx(0.4)  # q1, q5 only
    assert hi_t["consistency@2"]["score"] == pytest.approx(0.25)  # does not depend on t
    assert hi_t["as-is"]["difference"] is None and hi_t["as-is"]["n_paired"] == 0


def test_threshold_policy_matches_observation1() -> None:
    """The policy score is observation1's threshold score: one rule, two paths (seeded)."""
    rng = np.random.default_rng(3)
    q = rng.random(300)
    right = rng.random(300) < q
    recs = [Graded(f"q{i}", "m", OK if r else BAD, confidence=float(p)) for i, (r, p) in
            enumerate(zip(right, q, strict=True))]  # fmt: skip
    targets = (0.0, 0.5, 0.75, 0.9)
    rows = score_policies(GradedTable.from_records(recs), targets=targets, bootstrap=0)
    mine = {r["scored_target"]: r["score"] for r in rows if r["policy"] == "threshold:confidence"}
    for ref in observation1(right, q, targets):
        assert mine[ref["target"]] == pytest.approx(ref["threshold_score"])


def test_consistency_generalised_to_k_with_a_threshold() -> None:
    answers = {"q1": ["a1", "a1", "a1"], "q2": ["b", "b", "c"], "q3": ["d", "e", "f"]}
    recs = [Graded(q, "m", OK, sample=s, answer=f"Answer {x}")
            for q, xs in answers.items() for s, x in enumerate(xs)]  # fmt: skip
    table = GradedTable.from_records(recs)
    rows = score_policies(table, targets=(0.5,), consistency=["consistency@3", "consistency@3:0.6"],
                          bootstrap=0)  # fmt: skip
    by = _by_policy(rows, 0.5)
    assert by["consistency@3"]["n_correct"] == 1  # only q1: all three agree
    assert by["consistency@3:0.6"]["n_correct"] == 2  # q2's first answer has 2/3 ≥ 0.6


def test_score_policies_errors_are_clear() -> None:
    open_only = GradedTable.from_records([Graded("q1", "m", OK, OPEN)])
    with pytest.raises(InputError, match="closed-rubric"):
        score_policies(open_only, bootstrap=0)
    one = GradedTable.from_records([Graded("q1", "m", OK, confidence=0.5, answer="x")])
    with pytest.raises(InputError, match=r"consistency@2 needs 2 samples.*--samples 2"):
        score_policies(one, consistency=["consistency@2"], bootstrap=0)
    with pytest.raises(InputError, match=r"estimator 'verbal'.*have: confidence"):
        score_policies(one, estimators=["verbal"], bootstrap=0)


def test_named_confidence_columns_and_their_errors() -> None:
    recs = [Graded(f"q{i}", "m", OK, confidence=0.5, groups={"confidence_verbal": v})
            for i, v in enumerate(["0.9", "", "0.1"])]  # fmt: skip
    cols = estimator_columns(GradedTable.from_records(recs))
    assert list(cols) == ["confidence", "verbal"]
    assert cols["verbal"][0] == 0.9 and math.isnan(cols["verbal"][1])
    bad = [Graded("q1", "m", OK, groups={"confidence_verbal": "high"})]
    with pytest.raises(InputError, match=r"'confidence_verbal', record 1: .* got 'high'"):
        estimator_columns(GradedTable.from_records(bad))
    wide = [Graded(f"q{i}", "m", OK, groups={"confidence_verbal": v})
            for i, v in enumerate(["0.2", "", "1.5"])]  # fmt: skip
    with pytest.raises(InputError, match=r"'confidence_verbal', record 3: .* got '1\.5'"):
        estimator_columns(GradedTable.from_records(wide))
    reasons = [
        Graded(
            "q1",
            "m",
            OK,
            groups={"confidence_verbal": "", "confidence_verbal_reason": "not one number: 'hi'"},
        )
    ]
    assert estimator_columns(GradedTable.from_records(reasons)) == {}  # a reason is no estimator
    same = [Graded("q1", "m", OK, confidence=0.25, groups={"confidence_logprob": "0.25"})]
    assert list(estimator_columns(GradedTable.from_records(same))) == ["logprob"]


def test_estimator_report_per_estimator() -> None:
    rows = estimator_report(_hand_run(), n_bins=2)
    assert [(r["estimator"], r["n"]) for r in rows] == [("agreement", 3), ("confidence", 4)]
    conf = rows[1]  # answered first samples with a confidence: q1 .9 C, q2 .6 I, q3 .4 C, q5 .95 C
    expected = ((0.9 - 1) ** 2 + 0.6**2 + (0.4 - 1) ** 2 + (0.95 - 1) ** 2) / 4
    assert conf["brier_score"] == pytest.approx(expected)
