"""80/20 ranking and tiering, checked against figures worked out by hand."""

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_engine.ranking import (
    CUSTOMER_SHARE,
    REVENUE_SHARE,
    Tier,
    concentration,
    rank_accounts,
    tier_set_problems,
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
