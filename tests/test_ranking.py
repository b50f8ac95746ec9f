"""80/20 ranking and tiering, checked against figures worked out by hand."""

from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_engine.ranking import (
    CUSTOMER_SHARE,
    REVENUE_SHARE,
    Tier,
    concentration,
    is_scored,
    loyalty_years,
    normalised,
    rank_accounts,
    rank_by_criteria,
    scores,
    tier_set_problems,
    weight_problems,
)

PYRAMID = [Tier("main", 1), Tier("big", 5), Tier("ordinary", 20), Tier("small", 100)]
ABC = [Tier("A", 80), Tier("B", 95), Tier("C", 100)]


def test_revenue_share_by_hand():
    # total 1000: a 500 (50%, cum 50), b 300 (30, cum 80), c 150 (15, cum 95), d 50 (5, cum 100)
    rows = [("d", 50, "d"), ("b", 300, "b"), ("a", 500, "a"), ("c", 150, "c")]
    ranked = rank_accounts(rows, ABC, REVENUE_SHARE)
    assert [r.key for r in ranked] == ["a", "b", "c", "d"]
    assert [r.rank for r in ranked] == [1, 2, 3, 4]
    assert [r.share for r in ranked] == [50.0, 30.0, 15.0, 5.0]
    assert [r.cumulative_share for r in ranked] == [50.0, 80.0, 95.0, 100.0]
    # b starts at 50% (<80) -> A; c starts at 80% -> B; d starts at 95% -> C
    assert [r.tier_key for r in ranked] == ["A", "A", "B", "C"]


def test_customer_pyramid_on_100_customers_is_1_4_15_80():
    rows = [(i, 1000 - i, i) for i in range(100)]
    ranked = rank_accounts(rows, PYRAMID, CUSTOMER_SHARE)
    counts = {t.key: 0 for t in PYRAMID}
    for r in ranked:
        counts[r.tier_key] += 1
    assert counts == {"main": 1, "big": 4, "ordinary": 15, "small": 80}


def test_ties_share_rank_and_tier():
    # 400, 200, 200, 200: b, c, d tie at rank 2. b starts at 40% (< 80) -> A, so c and d too
    rows = [("c", 200, "c"), ("a", 400, "a"), ("d", 200, "d"), ("b", 200, "b")]
    ranked = rank_accounts(rows, ABC, REVENUE_SHARE)
    assert [(r.key, r.rank, r.tier_key) for r in ranked] == [
        ("a", 1, "A"),
        ("b", 2, "A"),
        ("c", 2, "A"),
        ("d", 2, "A"),
    ]
    assert [r.cumulative_share for r in ranked] == [40.0, 60.0, 80.0, 100.0]


def test_zero_revenue_is_last_with_no_share():
    rows = [("z", 0, "z"), ("a", 100, "a"), ("neg", -5, "neg")]
    ranked = rank_accounts(rows, ABC, REVENUE_SHARE)
    assert [(r.key, r.rank, r.share, r.tier_key) for r in ranked] == [
        ("a", 1, 100.0, "A"),
        ("neg", 2, 0.0, "C"),
        ("z", 2, 0.0, "C"),
    ]


def test_only_zero_revenue():
    ranked = rank_accounts([("z", 0, "z")], ABC)
    assert [(r.rank, r.share, r.cumulative_share, r.tier_key) for r in ranked] == [
        (1, 0.0, 0.0, "C")
    ]


def test_empty_and_bad_arguments():
    assert rank_accounts([], ABC) == []
    with pytest.raises(ValueError):
        rank_accounts([("a", 1, "a")], ABC, "alphabetical")
    with pytest.raises(ValueError):
        rank_accounts([("a", 1, "a")], [])


@pytest.mark.parametrize(
    ("thresholds", "problems"),
    [
        ([80, 95, 100], []),
        ([100], []),
        ([0, 50, 100], ["out_of_range"]),
        ([50, 120], ["out_of_range", "not_complete"]),
        ([80, 80, 100], ["not_increasing"]),
        ([95, 80, 100], ["not_increasing"]),
        ([80, 95], ["not_complete"]),
    ],
)
def test_tier_set_problems(thresholds, problems):
    assert tier_set_problems(thresholds) == problems


def test_concentration_curve():
    ranked = rank_accounts([("a", 75, "a"), ("b", 25, "b"), ("z", 0, "z")], ABC)
    assert concentration(ranked) == [(50.0, 75.0), (100.0, 100.0)]


revenues = st.lists(
    st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=60
)
tier_sets = st.lists(st.integers(1, 99), max_size=5, unique=True).map(
    lambda ts: [Tier(i, t) for i, t in enumerate(sorted(ts))] + [Tier(len(ts), 100)]
)


@given(revenues, tier_sets, st.sampled_from([CUSTOMER_SHARE, REVENUE_SHARE]))
def test_laws(rows, tiers, rule):
    data = [(i, rev, tie) for i, (rev, tie) in enumerate(rows)]
    ranked = rank_accounts(data, tiers, rule)
    # everybody ranked once
    assert sorted(r.key for r in ranked) == list(range(len(data)))
    positive = [r for r in ranked if r.revenue > 0]
    if positive:
        # shares sum to 100% and the cumulative share ends at 100%
        assert sum(r.share for r in positive) == pytest.approx(100.0)
        assert positive[-1].cumulative_share == pytest.approx(100.0)
    order = [t.key for t in tiers]
    for better, worse in pairwise(ranked):
        # revenue never increases down the ranking, and neither does the tier
        assert better.revenue >= worse.revenue or worse.revenue <= 0
        assert order.index(better.tier_key) <= order.index(worse.tier_key)
        if better.revenue == worse.revenue:
            assert better.tier_key == worse.tier_key
            assert better.rank == worse.rank
    # the first customer with revenue is always in the first tier
    if positive:
        assert positive[0].tier_key == tiers[0].key


# --- evaluation criteria (考评指标体系): the weighted score --------------------------------------
# Four customers, figures by hand. d has no won deal in the period (no deal size, no cycle).
CRITERIA_ROWS = [
    (
        "a",
        {
            "revenue": 1000,
            "order_count": 4,
            "deal_size": 250,
            "sales_cycle": 30,
            "loyalty_years": 2,
            "tolerance": 5,
            "advice": 1,
            "referrals": 0,
        },
        "a",
    ),
    (
        "b",
        {
            "revenue": 500,
            "order_count": 1,
            "deal_size": 500,
            "sales_cycle": 10,
            "loyalty_years": 8,
            "tolerance": 4,
            "advice": 5,
            "referrals": 3,
        },
        "b",
    ),
    (
        "c",
        {
            "revenue": 250,
            "order_count": 2,
            "deal_size": 125,
            "sales_cycle": 60,
            "loyalty_years": 0,
            "tolerance": 0,
            "advice": 0,
            "referrals": 1,
        },
        "c",
    ),
    (
        "d",
        {
            "revenue": 0,
            "order_count": 0,
            "deal_size": None,
            "sales_cycle": None,
            "loyalty_years": 4,
            "tolerance": 2,
            "advice": 0,
            "referrals": 0,
        },
        "d",
    ),
]


def test_revenue_and_sales_cycle_score_by_hand():
    # revenue / 1000: a 1, b .5, c .25, d 0; cycle (60 - own) / 60: a .5, b 5/6, c 0, d 0
    # (no deal). Score = 100 x (50 x rev + 50 x cycle) / 100: a 75, b 66.67, c 12.5, d 0.
    # Total 925/6; shares a 450/925 (48.65 %), b 400/925 (43.24 %, cum 91.89), c 75/925.
    # Tiers 80/95/100 on the cumulative score: a A, b starts at 48.65 -> A, c at 91.89 -> B,
    # d (score 0) last -> C.
    ranked = rank_by_criteria(CRITERIA_ROWS, ABC, REVENUE_SHARE, {"revenue": 50, "sales_cycle": 50})
    assert [r.key for r in ranked] == ["a", "b", "c", "d"]
    assert [r.score for r in ranked] == pytest.approx([75.0, 200 / 3, 12.5, 0.0])
    assert [r.revenue for r in ranked] == [1000, 500, 250, 0]
    assert [r.share for r in ranked] == pytest.approx([4500 / 92.5, 4000 / 92.5, 750 / 92.5, 0])
    assert [r.cumulative_share for r in ranked] == pytest.approx(
        [4500 / 92.5, 8500 / 92.5, 100.0, 100.0]
    )
    assert [r.rank for r in ranked] == [1, 2, 3, 4]
    assert [r.tier_key for r in ranked] == ["A", "A", "B", "C"]


def test_non_monetary_value_score_by_hand():
    # loyalty / 8: a .25, b 1, c 0, d .5; tolerance / 5: a 1, b .8, c 0, d .4; advice / 5:
    # a .2, b 1, c 0, d 0; referrals / 3: a 0, b 1, c 1/3, d 0. Equal weights (1 each):
    # score = 25 x sum: a 36.25, b 95, c 8.33, d 22.5 -> b, a, d, c. d has no revenue but a
    # score, so it is ranked on it. Customer rule 25/50/100: positions 0, 25, 50, 75 %.
    tiers = [Tier("T1", 25), Tier("T2", 50), Tier("T3", 100)]
    weights = {"loyalty_years": 1, "tolerance": 1, "advice": 1, "referrals": 1, "revenue": 0}
    ranked = rank_by_criteria(CRITERIA_ROWS, tiers, CUSTOMER_SHARE, weights)
    assert [(r.key, r.rank, r.tier_key) for r in ranked] == [
        ("b", 1, "T1"),
        ("a", 2, "T2"),
        ("d", 3, "T3"),
        ("c", 4, "T3"),
    ]
    assert [r.score for r in ranked] == pytest.approx([95.0, 36.25, 22.5, 25 / 3])
    assert [r.revenue for r in ranked] == [500, 1000, 0, 250]


def test_order_count_and_deal_size_score_by_hand():
    # orders / 4: a 1, b .25, c .5, d 0; deal size / 500: a .5, b 1, c .25, d 0 (no deal)
    # score = 50 x sum: a 75, b 62.5, c 37.5, d 0
    got = scores({k: c for k, c, _t in CRITERIA_ROWS}, {"order_count": 3, "deal_size": 3})
    assert got == {"a": 75.0, "b": 62.5, "c": 37.5, "d": 0.0}


def test_scores_tie_share_rank_and_tier():
    rows = [(k, {"revenue": 100, "tolerance": t}, k) for k, t in (("y", 3), ("x", 3), ("z", 0))]
    # revenue / 100: all 1; tolerance / 3: x 1, y 1, z 0 -> x 100, y 100, z 50 (total 250).
    # x and y tie (rank 1, listed by name, tier of the first); z starts at 200 / 250 = 80 % -> B
    ranked = rank_by_criteria(rows, ABC, REVENUE_SHARE, {"revenue": 1, "tolerance": 1})
    assert [(r.key, r.rank, r.score, r.cumulative_share, r.tier_key) for r in ranked] == [
        ("x", 1, 100.0, 40.0, "A"),
        ("y", 1, 100.0, 80.0, "A"),
        ("z", 3, 50.0, 100.0, "B"),
    ]


def test_sales_cycle_normalisation_edges():
    # shorter is better; all 0 days -> 1; no deal (None) -> 0; negative counts as 0
    assert normalised({"a": 0, "b": 0, "c": None}, lower_is_better=True) == {
        "a": 1.0,
        "b": 1.0,
        "c": 0.0,
    }
    assert normalised({"a": 10, "b": 40, "c": -5}, lower_is_better=True) == {
        "a": 0.75,
        "b": 0.0,
        "c": 1.0,
    }
    # higher is better; nobody above 0 -> all 0
    assert normalised({"a": 0, "b": None}) == {"a": 0.0, "b": 0.0}
    assert normalised({"a": 2, "b": 8, "c": -1}) == {"a": 0.25, "b": 1.0, "c": 0.0}


def test_revenue_only_weights_are_the_revenue_ranking():
    rows = [(k, {"revenue": rev, "tolerance": 5}, k) for k, rev in (("a", 500), ("b", 300))]
    plain = rank_accounts([("a", 500, "a"), ("b", 300, "b")], ABC, REVENUE_SHARE)
    for weights in (None, {"revenue": 100}, {"revenue": 1, "tolerance": 0, "referrals": 0}):
        assert rank_by_criteria(rows, ABC, REVENUE_SHARE, weights) == plain
    assert all(r.score is None for r in plain)


@pytest.mark.parametrize(
    ("weights", "problems"),
    [
        ({"revenue": 100}, []),
        ({"revenue": 0, "advice": 1}, []),
        ({"revenue": 100, "advice": -1}, ["negative"]),
        ({"revenue": 0, "advice": 0}, ["all_zero"]),
        ({}, ["all_zero"]),
        ({"revenue": -1}, ["negative", "all_zero"]),
    ],
)
def test_weight_problems(weights, problems):
    assert weight_problems(weights) == problems


def test_bad_weights_refused():
    with pytest.raises(ValueError):
        rank_by_criteria(CRITERIA_ROWS, ABC, REVENUE_SHARE, {"revenue": 0})
    with pytest.raises(ValueError):
        rank_by_criteria(CRITERIA_ROWS, ABC, REVENUE_SHARE, {"revenue": 1, "advice": -2})
    with pytest.raises(ValueError):
        weight_problems({"charm": 1})
    assert is_scored({"revenue": 100, "advice": 0}) is False
    assert is_scored({"revenue": 100, "advice": 1}) is True


@pytest.mark.parametrize(
    ("since", "as_of", "years"),
    [
        (date(2020, 6, 15), date(2026, 6, 14), 5),
        (date(2020, 6, 15), date(2026, 6, 15), 6),
        (date(2024, 2, 29), date(2025, 2, 28), 0),
        (date(2024, 2, 29), date(2025, 3, 1), 1),
        (date(2027, 1, 1), date(2026, 12, 31), 0),
        (None, date(2026, 12, 31), 0),
    ],
)
def test_loyalty_years(since, as_of, years):
    assert loyalty_years(since, as_of) == years


criteria_rows = st.lists(
    st.tuples(
        st.integers(0, 10**4),
        st.one_of(st.none(), st.integers(0, 400)),
        st.integers(0, 5),
        st.integers(0, 10),
    ),
    min_size=1,
    max_size=40,
)
weight_sets = st.fixed_dictionaries(
    {
        "revenue": st.integers(0, 100),
        "sales_cycle": st.integers(0, 100),
        "tolerance": st.integers(0, 100),
        "referrals": st.integers(0, 100),
    }
).filter(lambda w: any(w.values()))


@given(criteria_rows, weight_sets, tier_sets, st.sampled_from([CUSTOMER_SHARE, REVENUE_SHARE]))
def test_score_laws(rows, weights, tiers, rule):
    data = [
        (i, {"revenue": rev, "sales_cycle": cyc, "tolerance": tol, "referrals": ref}, i)
        for i, (rev, cyc, tol, ref) in enumerate(rows)
    ]
    ranked = rank_by_criteria(data, tiers, rule, weights)
    assert sorted(r.key for r in ranked) == list(range(len(data)))
    order = [t.key for t in tiers]
    for better, worse in pairwise(ranked):
        if is_scored(weights):
            assert 0 <= worse.score <= better.score + 1e-9 <= 100 + 1e-9 or worse.score <= 0
        assert order.index(better.tier_key) <= order.index(worse.tier_key)
    # the best customer on every weighted criterion scores 100
    if is_scored(weights):
        assert max(r.score for r in ranked) <= 100 + 1e-9
