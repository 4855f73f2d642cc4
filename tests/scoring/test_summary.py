"""summarize: rows, denominators, closed vs open rubric, undefined values, bootstrap."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.scoring.helpers import concat, make_table, simpleqa_table

from dontguess.errors import SchemaError
from dontguess.scoring import UndefinedMetricWarning, confidence_target_score, summarize

KEYS = [
    "model", "stated_target", "style", "score_target", "penalty", "n", "n_correct",
    "n_incorrect", "n_abstained", "n_ungraded", "accuracy", "error_rate", "abstention_rate",
    "ungraded_rate", "attempted_accuracy", "f_score", "score", "score_ci_low", "score_ci_high",
    "reward_score", "score_if_ungraded_wrong", "score_if_ungraded_right",
    "error_rate_if_ungraded_right", "error_rate_if_ungraded_wrong",
    "reward_score_if_ungraded_wrong", "reward_score_if_ungraded_right",
]  # fmt: skip


def test_rows_have_the_contract_keys_and_hand_worked_values() -> None:
    table = make_table([0, 0, 0, 1, 2, -1])  # C=3 I=1 A=1 U=1
    rows = summarize(table, targets=(0.0, 0.75))
    assert [list(r) for r in rows] == [KEYS, KEYS]
    r0, r75 = rows
    assert (r0["model"], r0["stated_target"], r0["style"]) == ("m", None, None)
    assert (r0["n"], r0["n_correct"], r0["n_incorrect"], r0["n_abstained"], r0["n_ungraded"]) == (
        5, 3, 1, 1, 1,
    )  # fmt: skip
    assert r0["accuracy"] == pytest.approx(0.6)
    assert r0["error_rate"] == pytest.approx(0.2)
    assert r0["abstention_rate"] == pytest.approx(0.2)
    assert r0["ungraded_rate"] == pytest.approx(1 / 6)  # over ALL records
    assert r0["attempted_accuracy"] == pytest.approx(0.75)
    assert r0["f_score"] == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert r0["score"] == pytest.approx(0.6) and r0["penalty"] == 0.0
    assert r75["score"] == pytest.approx(0.0) and r75["penalty"] == pytest.approx(3.0)
    assert r75["reward_score"] == pytest.approx(0.75 + 0.25 * r75["score"])
    assert r0["score_ci_low"] is None and r0["score_ci_high"] is None


@pytest.mark.parametrize(
    ("abstain", "right", "wrong", "expected"),
    [(52, 22, 26, [0.22, -0.04, -0.56, -2.12]), (1, 24, 75, [0.24, -0.51, -2.01, -6.51])],
)
def test_openai_blog_rows_rescore_through_summarize(
    abstain: int, right: int, wrong: int, expected: list[float]
) -> None:
    rows = summarize(simpleqa_table("x", abstain, right, wrong))
    assert [r["score_target"] for r in rows] == [0.0, 0.5, 0.75, 0.9]
    assert [round(r["score"], 2) for r in rows] == expected


def test_closed_rescored_at_every_target_open_only_at_stated() -> None:
    closed = make_table([0, 1, 2])
    open_half = make_table([0, 0, 2], stated_target=0.5)
    open_nine = make_table([2, 2, 0], stated_target=0.9)
    rows = summarize(concat(closed, open_half, open_nine), targets=(0.0, 0.75))
    got = [(r["stated_target"], r["style"], r["score_target"]) for r in rows]
    assert got == [(None, None, 0.0), (None, None, 0.75), (0.5, "penalty", 0.5),
                   (0.9, "penalty", 0.9)]  # fmt: skip
    rows = summarize(concat(closed, open_half), targets=(0.0, 0.75), all_targets=True)
    got = [(r["stated_target"], r["score_target"]) for r in rows]
    assert got == [(None, 0.0), (None, 0.75), (0.5, 0.0), (0.5, 0.5), (0.5, 0.75)]


def test_styles_are_never_mixed() -> None:
    pen = make_table([0, 1], stated_target=0.5, style="penalty")
    rew = make_table([2, 2], stated_target=0.5, style="reward")
    rows = summarize(concat(pen, rew), zero_division=math.nan)
    assert [(r["style"], r["n_abstained"]) for r in rows] == [("penalty", 0), ("reward", 2)]


def test_by_columns_and_models_group_records() -> None:
    a = make_table([0, 0, 1, 2], model="a", groups={"topic": ["x", "x", "y", "y"]})
    b = make_table([1, 1], model="b", groups={"topic": ["x", "y"]})
    rows = summarize(concat(a, b), targets=(0.0,), by=("topic",))
    got = [(r["model"], r["topic"], r["n_correct"], r["n"]) for r in rows]
    assert got == [("a", "x", 2, 2), ("a", "y", 0, 2), ("b", "x", 0, 1), ("b", "y", 0, 1)]
    with pytest.raises(SchemaError, match="no group column 'nope'"):
        summarize(a, by=("nope",))


def test_undefined_values_warn_once_or_follow_zero_division() -> None:
    table = make_table([2, 2, 2])
    with pytest.warns(UndefinedMetricWarning, match="no attempted answer") as caught:
        rows = summarize(table, targets=(0.5,))
    assert len(caught) == 1
    assert math.isnan(rows[0]["attempted_accuracy"]) and math.isnan(rows[0]["f_score"])
    assert rows[0]["score"] == 0.0 and rows[0]["abstention_rate"] == 1.0
    rows = summarize(make_table([-1, -1]), targets=(0.5,), zero_division=math.nan)
    assert rows[0]["n"] == 0 and rows[0]["ungraded_rate"] == 1.0 and math.isnan(rows[0]["score"])
    rows = summarize(table, targets=(0.5,), zero_division=0.0)
    assert rows[0]["attempted_accuracy"] == 0.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"targets": (1.0,)}, "targets must be in"), ({"targets": ()}, "at least one"),
     ({"bootstrap": -1}, "bootstrap must be"), ({"confidence_level": 1.0}, "confidence_level"),
     ({"zero_division": "skip"}, "zero_division")],
)  # fmt: skip
def test_bad_arguments_are_named(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        summarize(make_table([0]), **kwargs)  # type: ignore[arg-type]


def test_bad_stated_target_is_refused() -> None:
    with pytest.raises(ValueError, match="stated_target must be"):
        summarize(make_table([0], stated_target=1.5, style="penalty"))


def _random_table(seed: int, n: int = 3000) -> tuple:
    rng = np.random.default_rng(seed)
    models = np.array(["alpha", "beta", "gamma"], dtype=object)[rng.integers(0, 3, n)]
    stated = np.array([np.nan, 0.5, 0.9])[rng.integers(0, 3, n)]
    verdict = rng.choice([-1, 0, 1, 2], size=n, p=[0.05, 0.4, 0.3, 0.25])
    topic = np.array(["geo", "art"], dtype=object)[rng.integers(0, 2, n)]
    table = make_table(verdict, model=models, stated_target=stated, groups={"topic": topic},
                       item_id=[f"q{i % 400}" for i in range(n)])  # fmt: skip
    return table, models, stated, verdict, topic


def test_summarize_agrees_with_a_per_group_python_reference() -> None:
    table, models, stated, verdict, topic = _random_table(1)
    rows = summarize(table, targets=(0.0, 0.75), by=("topic",))
    assert len(rows) == 3 * (2 + 1 + 1) * 2
    for r in rows:
        st_mask = np.isnan(stated) if r["stated_target"] is None else stated == r["stated_target"]
        mask = (models == r["model"]) & st_mask & (topic == r["topic"])
        ref = confidence_target_score(verdict[mask], target=r["score_target"])
        assert r["score"] == pytest.approx(ref)
        assert r["n_ungraded"] == int((verdict[mask] == -1).sum())


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_rows_invariant_to_record_order_including_bootstrap(seed: int) -> None:
    table, *_ = _random_table(seed % 7, n=300)
    perm = np.random.default_rng(seed).permutation(len(table))
    a = summarize(table, by=("topic",), bootstrap=50, seed=3)
    b = summarize(table.take(perm), by=("topic",), bootstrap=50, seed=3)
    assert a == b


def test_bootstrap_ci_brackets_estimate_and_is_seeded() -> None:
    table = simpleqa_table("x", 52, 22, 26)
    r1 = summarize(table, targets=(0.5,), bootstrap=400, seed=1)[0]
    r2 = summarize(table, targets=(0.5,), bootstrap=400, seed=1)[0]
    r3 = summarize(table, targets=(0.5,), bootstrap=400, seed=2)[0]
    assert r1 == r2 and r1 != r3
    assert r1["score_ci_low"] < r1["score"] < r1["score_ci_high"]
    # normal approximation of the SE of a mean of 100 iid points in {1, -1, 0}
    points = np.array([0] * 52 + [1] * 22 + [-1] * 26)
    se = points.std() / 10
    assert r1["score_ci_high"] - r1["score_ci_low"] == pytest.approx(2 * 1.96 * se, rel=0.2)


def test_bootstrap_clusters_samples_of_one_item() -> None:
    base = simpleqa_table("x", 52, 22, 26)
    # every item asked 3 times with the same verdict: 300 records but 100 clusters
    tripled = concat(base, base, base)
    tripled = make_table(tripled.verdict, model="x", item_id=list(tripled.item_id))
    a = summarize(base, targets=(0.5,), bootstrap=300, seed=4)[0]
    b = summarize(tripled, targets=(0.5,), bootstrap=300, seed=4)[0]
    assert b["n"] == 300
    assert (b["score_ci_low"], b["score_ci_high"]) == pytest.approx(
        (a["score_ci_low"], a["score_ci_high"])
    )  # clustering by item: no false precision from repeated samples


def test_empty_table_gives_no_rows() -> None:
    assert summarize(make_table([])) == []


def test_many_group_combinations_use_the_sparse_path() -> None:
    n = 300
    groups = {f"g{k}": [f"v{(i * (k + 7)) % 97}" for i in range(n)] for k in range(3)}
    table = make_table([i % 3 for i in range(n)], groups=groups)
    rows = summarize(table, targets=(0.5,), by=tuple(groups), zero_division=math.nan)
    assert sum(r["n"] for r in rows) == n
    for r in rows[:20]:
        mask = np.ones(n, bool)
        for k in groups:
            mask &= np.array(groups[k]) == r[k]
        ref = confidence_target_score(table.verdict[mask], target=0.5)
        assert r["score"] == pytest.approx(ref)


def test_by_names_may_not_clash_with_row_keys() -> None:
    table = make_table([0], groups={"score": ["x"], "topic": ["y"]})
    with pytest.raises(ValueError, match="clashes"):
        summarize(table, by=("score",))
    with pytest.raises(ValueError, match="repeats"):
        summarize(table, by=("topic", "topic"))


def test_from_records_with_conditions_and_samples() -> None:
    from dontguess.records import Condition, Graded, GradedTable, Verdict

    half = Condition("open", 0.5, "reward")
    recs = [
        Graded("q1", "m", Verdict.CORRECT, sample=0),
        Graded("q1", "m", Verdict.INCORRECT, sample=1),
        Graded("q1", "m", Verdict.ABSTAINED, half),
        Graded("q2", "m", None, half, ungraded_reason="judge reply unparsable"),
        Graded("q2", "m", Verdict.CORRECT, half, groups={"topic": "art"}),
    ]
    rows = summarize(GradedTable.from_records(recs), targets=(0.0,), bootstrap=20)
    closed, open_half = rows
    assert (closed["n"], closed["score"], closed["stated_target"]) == (2, 0.5, None)
    assert (open_half["style"], open_half["score_target"], open_half["n_ungraded"]) == (
        "reward",
        0.5,
        1,
    )
    assert open_half["reward_score"] == pytest.approx((1 + 0.5 * 1) / 2)
    assert open_half["ungraded_rate"] == pytest.approx(1 / 3)


def test_group_keys_past_int64_fall_back_to_row_sorting() -> None:
    # 5 group columns of 400 distinct values each: 400**5 * 3 * 4 > 2**62 combinations
    n = 400
    groups = {f"g{k}": [f"v{(i * (k + 3)) % 400}" for i in range(n)] for k in range(5)}
    table = make_table([i % 3 for i in range(n)], groups=groups)
    rows = summarize(table, targets=(0.5,), by=tuple(groups), bootstrap=5, zero_division=math.nan)
    assert sum(r["n"] for r in rows) == n and len(rows) == n
    for r in rows[:10]:
        mask = np.ones(n, bool)
        for k in groups:
            mask &= np.array(groups[k]) == r[k]
        assert r["n"] == int(mask.sum())
        assert r["n_correct"] == int((table.verdict[mask] == 0).sum())


RECORDS = st.lists(
    st.tuples(
        st.sampled_from(["alpha", "beta", "gamma"]),  # model
        st.sampled_from([math.nan, 0.5, 0.9]),  # stated target
        st.sampled_from(["geo", "art"]),  # topic
        st.integers(-1, 2),  # verdict
    ),
    min_size=1,
    max_size=80,
)


@settings(max_examples=30, deadline=None)
@given(RECORDS, st.booleans())
def test_summarize_matches_a_dict_reference(records: list[tuple], fresh: bool) -> None:
    # fresh=True: every string is its own object, as a file reader would make them
    def s(x: str) -> str:
        out = "".join(list(x)) if fresh else x
        assert (out is x) != fresh
        return out

    models = [s(m) for m, *_ in records]
    stated = [t for _, t, _, _ in records]
    topics = [s(g) for _, _, g, _ in records]
    verdict = [v for *_, v in records]
    table = make_table(verdict, model=models, stated_target=stated, groups={"topic": topics})
    rows = summarize(table, targets=(0.0, 0.75), by=("topic",), zero_division=math.nan)
    ref: dict[tuple, list[int]] = {}
    for m, t, g, v in records:
        ref.setdefault((m, None if math.isnan(t) else t, g), [0, 0, 0, 0])[v + 1] += 1
    got = {(r["model"], r["stated_target"], r["topic"]) for r in rows}
    assert got == set(ref)
    for r in rows:
        u, c, i, a = ref[(r["model"], r["stated_target"], r["topic"])]
        assert (r["n_ungraded"], r["n_correct"], r["n_incorrect"], r["n_abstained"]) == (u, c, i, a)
        expected_ts = [0.0, 0.75] if r["stated_target"] is None else [r["stated_target"]]
        assert r["score_target"] in expected_ts
