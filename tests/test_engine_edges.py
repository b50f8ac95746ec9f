"""Edges of the engine's rules, with figures worked out by hand: a cut-off hit exactly, a
tier set that stops short, worksheets with one-time costs only, benchmarks whose quartiles
coincide, the extreme ratings 1 and 5, and the general laws behind them."""

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sfa_engine.health import (
    INDICATOR,
    QUALITY,
    SIGNAL,
    WILLINGNESS,
    health_score,
    part_score,
    score_fraction,
    signal_items,
    status_scores,
)
from sfa_engine.ranking import (
    CUSTOMER_SHARE,
    REVENUE_SHARE,
    Tier,
    rank_accounts,
    tier_for,
    tier_set_problems,
)
from sfa_engine.value import (
    Flow,
    Rating,
    advantage,
    advantage_scores,
    benchmark_problem,
    cost_of_doing_nothing,
    improvement,
    quartile_position,
    scenario,
)

ABC = [Tier("A", 80), Tier("B", 95), Tier("C", 100)]
D = Decimal


# --- a tier cut-off hit exactly ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("above_pct", "tier"),
    [
        (0, "A"),
        (79.99999, "A"),  # 0.00001 points short of 80: tier A is still open
        (80, "B"),  # A ends at 80%: a customer starting there is in B
        (80.0000000001, "B"),
        # a float sum a hair (1e-10) below a cut-off it reaches exactly by hand counts as
        # reaching it: float noise never decides a tier
        (79.9999999999, "B"),
        (94.99999, "B"),
        (95, "C"),
        (100, "C"),  # the last tier takes everyone left
    ],
)
def test_a_customer_starting_on_a_cut_off_belongs_to_the_next_tier(above_pct, tier):
    assert tier_for(above_pct, ABC) == tier


def test_money_that_reaches_80_percent_by_hand_is_not_put_below_it_by_float_sums():
    # 2,400.24 + 1,600.16 = 4,000.40 of a total of 5,000.50: exactly 80% by hand, but
    # 79.99999999999999 in floats. The third customer starts at 80%: tier B, not A.
    ranked = rank_accounts(
        [("a", 2400.24, "a"), ("b", 1600.16, "b"), ("c", 1000.10, "c")], ABC, REVENUE_SHARE
    )
    assert [(r.key, r.rank, r.tier_key) for r in ranked] == [
        ("a", 1, "A"),
        ("b", 2, "A"),  # starts at 48%
        ("c", 3, "B"),
    ]
    assert [round(r.cumulative_share, 6) for r in ranked] == [48.0, 80.0, 100.0]


def test_five_customers_on_a_20_percent_customer_cut_off():
    # 5 customers: the second starts at 1/5 = 20% of customers, exactly where X ends
    tiers = [Tier("X", 20), Tier("Y", 100)]
    ranked = rank_accounts([(k, 100 - i, k) for i, k in enumerate("abcde")], tiers, CUSTOMER_SHARE)
    assert [r.tier_key for r in ranked] == ["X", "Y", "Y", "Y", "Y"]


# --- a tier set that stops short of 100% ---------------------------------------------------------
@pytest.mark.parametrize(
    ("thresholds", "problems"),
    [
        ([80, 95, 99.99], ["not_complete"]),  # 0.01% of customers would get no tier
        ([50, 99.999999], ["not_complete"]),  # a millionth short is still short
        ([80, 95, 99.9999999999], []),  # 1e-10 short: float noise of a 100% entry
        ([100.0000000001], ["out_of_range"]),  # above 100% is out of range, not "complete"
        ([20], ["not_complete"]),
        ([], []),  # nothing to rank with yet: reported by the caller, not here
    ],
)
def test_a_tier_set_must_reach_100_percent(thresholds, problems):
    assert tier_set_problems(thresholds) == problems


# --- one-time costs only -------------------------------------------------------------------------
def test_one_time_cost_against_a_yearly_benefit():
    # 10,000 once against 4,000 a year for 3 years at 8%
    s = scenario([Flow(4000, "yearly")], [Flow(10000)], 3, 8)
    # 12,000 - 10,000 = 2,000; ROI 2,000 / 10,000 = 20%
    assert (s.total_benefit, s.total_cost, s.net_value, s.roi_pct) == (
        D("12000.00"),
        D("10000.00"),
        D("2000.00"),
        D("20.00"),
    )
    # 4,000 / 12 = 333.33... a month: 10,000 / 333.33... = 30 months exactly, not 31
    assert s.payback_months == 30
    # -10,000 + 4,000/1.08 + 4,000/1.1664 + 4,000/1.259712
    # = -10,000 + 3,703.7037 + 3,429.3553 + 3,175.3290 = 308.3880
    assert s.npv == D("308.39")
    # 12,000 of benefit over 36 months
    assert cost_of_doing_nothing([Flow(4000, "yearly")], 3) == D("333.33")


@pytest.mark.parametrize(
    ("cost", "yearly", "months"),
    [
        (4250, 1700, 30),  # 1,700 / 12 = 141.666... a month; 30 x 141.666... = 4,250
        (2125, 1700, 15),
        (7750, 3100, 30),  # 3,100 / 12 x 30 = 7,750
    ],
)
def test_payback_that_lands_exactly_on_a_month_is_that_month(cost, yearly, months):
    # the cumulative net reaches exactly 0 at the end of that month: not one month later
    assert scenario([Flow(yearly, "yearly")], [Flow(cost)], 5, 0).payback_months == months


def test_paying_back_in_the_last_month_of_the_horizon_counts():
    # 12,000 once, 4,000 a year (333.33 a month): month 36 of a 3-year horizon is within it
    s = scenario([Flow(4000, "yearly")], [Flow(12000)], 3, 0)
    assert (s.net_value, s.payback_months) == (D("0.00"), 36)
    # one month short of it on a 1-year horizon: 4,400 once against 4,000 a year -> 14 months
    assert scenario([Flow(4000, "yearly")], [Flow(4400)], 1, 0).payback_months is None


def test_payback_rounds_a_part_month_up():
    # 10,000 once, 7,000 a year = 583.33 a month: 17.14 months -> the 18th month
    s = scenario([Flow(7000, "yearly")], [Flow(10000)], 2, 0)
    assert s.payback_months == 18
    assert (s.net_value, s.roi_pct, s.npv) == (D("4000.00"), D("40.00"), D("4000.00"))


def test_one_time_on_both_sides_never_pays_back_later():
    # 5,000 once against 8,000 once: nothing comes later to pay the 3,000 back
    s = scenario([Flow(5000)], [Flow(8000)], 3, 10)
    assert (s.net_value, s.roi_pct, s.payback_months) == (D("-3000.00"), D("-37.50"), None)
    assert s.npv == D("-3000.00")  # nothing to discount: the rate changes nothing
    assert cost_of_doing_nothing([Flow(5000)], 3) == D("138.89")  # 5,000 / 36


def test_one_time_benefit_equal_to_the_cost_pays_back_at_once():
    s = scenario([Flow(8000)], [Flow(8000)], 3, 10)
    assert (s.net_value, s.roi_pct, s.payback_months, s.npv) == (D("0.00"), D("0.00"), 0, D("0.00"))


def test_a_cost_alone():
    s = scenario([], [Flow(1000)], 1, 5)
    assert (s.total_benefit, s.net_value, s.roi_pct, s.payback_months, s.npv) == (
        D("0.00"),
        D("-1000.00"),
        D("-100.00"),
        None,
        D("-1000.00"),
    )
    assert cost_of_doing_nothing([], 1) == D("0.00")


# --- benchmarks whose quartiles coincide ---------------------------------------------------------
@pytest.mark.parametrize(
    ("direction", "current", "position"),
    [
        ("higher", 80, 1),  # at the common value: as good as the best quartile
        ("higher", 81, 1),
        ("higher", 79.9, 4),  # below it: as bad as the worst quartile
        ("lower", 80, 1),
        ("lower", 79, 1),
        ("lower", 80.1, 4),
    ],
)
def test_equal_quartiles_leave_only_best_or_worst(direction, current, position):
    assert quartile_position(direction, current, 80, 80, 80) == position


def test_equal_quartiles_are_a_valid_benchmark():
    for direction in ("higher", "lower"):
        assert benchmark_problem(direction, 80, 80, 80) is None
        assert benchmark_problem(direction, 80, 80, 80, target=80) is None
    assert benchmark_problem("higher", 80, 80, 80, target=79) == "target_worse_than_average"
    assert benchmark_problem("lower", 80, 80, 80, target=81) == "target_worse_than_average"
    # improvement to the common value: 10 units from 70 (higher) or from 90 (lower), none
    # from the value itself
    assert improvement("higher", 70, 80) == 10
    assert improvement("lower", 90, 80) == 10
    assert improvement("higher", 80, 80) == 0
    assert improvement("lower", 80, 80) == 0


# --- the extreme ratings 1 and 5 -----------------------------------------------------------------
def test_differentiator_ratings_1_and_5_are_in_range():
    assert advantage(5, 5, 1) == 20  # the most we can be ahead: 5 x (5 - 1)
    assert advantage(5, 1, 5) == -20
    assert advantage(1, 5, 1) == 4  # a point the customer barely cares about
    assert advantage(1, 1, 1) == 0
    for bad in ((0, 3, 3), (3, 0, 3), (3, 3, 6)):
        with pytest.raises(ValueError):
            advantage(*bad)
    ratings = [Rating("product", "rival", 5, 5, 1), Rating("company", "rival", 1, 1, 5)]
    # 20 + 1 x (1 - 5) = 16
    assert advantage_scores(ratings) == ({"rival": 16}, {"product": 20, "company": -4})


def test_health_answers_all_1_are_a_real_zero_not_unassessed():
    # indicators answered 1 everywhere (weights 20 and 80): a very poor 0, not "not assessed"
    assert part_score([(20, score_fraction(1)), (80, score_fraction(1))]) == 0.0
    health, breakdown = health_score({INDICATOR: [(20, score_fraction(1)), (80, None)]})
    assert (health, breakdown) == (0.0, {SIGNAL: None, INDICATOR: 0.0})
    # a person's willingness answered 1: a very poor 0 too
    assert status_scores({WILLINGNESS: [(20, score_fraction(1)), (80, None)]}) == {
        WILLINGNESS: 0.0,
        QUALITY: None,
    }


def test_health_with_ratings_1_and_5():
    # indicators all 1 -> 0, signals all ticked -> 100 (willingness, a person's, left out):
    # (40 x 100 + 30 x 0) / (40 + 30) = 4000 / 70 = 57.142...
    parts = {
        SIGNAL: signal_items([(10, True)] * 10),
        WILLINGNESS: [(50, score_fraction(5)), (50, score_fraction(5))],
        INDICATOR: [(60, score_fraction(1)), (40, score_fraction(1))],
    }
    health, breakdown = health_score(parts)
    assert breakdown == {SIGNAL: 100.0, INDICATOR: 0.0}
    assert health == pytest.approx(4000 / 70)


# --- the general laws ----------------------------------------------------------------------------
money = st.integers(0, 10**6)
horizons = st.integers(1, 10)


@given(st.integers(1, 10**6), money, money, horizons)
def test_more_monthly_net_never_pays_back_later(cost, benefit, more, horizon):
    """Payback is monotone in the monthly net: a larger yearly benefit against the same
    one-time cost pays back in the same month or earlier (never = later than any month)."""

    def payback(yearly):
        months = scenario([Flow(yearly, "yearly")], [Flow(cost)], horizon, 5).payback_months
        return float("inf") if months is None else months

    assert payback(benefit + more) <= payback(benefit)


flows = st.lists(
    st.builds(Flow, st.integers(0, 10**6), st.sampled_from(["one_time", "yearly"])), max_size=4
)


@given(flows, flows, horizons)
def test_roi_has_the_sign_of_the_net_value(benefits, costs, horizon):
    s = scenario(benefits, costs, horizon, 0)
    if s.total_cost == 0:
        assert s.roi_pct is None
    elif s.net_value > 0:
        assert s.roi_pct >= 0  # a gain of a cent on a million rounds to 0.00%, never below
    elif s.net_value < 0:
        assert s.roi_pct <= 0
    else:
        assert s.roi_pct == 0


@given(st.integers(0, 10**6), st.integers(0, 10**6), horizons, st.integers(0, 99))
def test_a_higher_rate_never_raises_the_npv_of_a_yearly_gain(once, yearly, horizon, rate):
    """Discounting more lowers what later positive flows are worth today."""
    benefits, costs = [Flow(yearly, "yearly")], [Flow(once)]
    low = scenario(benefits, costs, horizon, rate).npv
    high = scenario(benefits, costs, horizon, rate + 1).npv
    assert high <= low


values = st.one_of(st.integers(-10, 110), st.floats(-10, 110))


@given(
    values,
    values,
    st.tuples(st.integers(0, 100), st.integers(0, 100), st.integers(0, 100)).map(sorted),
)
def test_a_better_value_never_gets_a_worse_quartile(current, other, quartiles):
    worst, average, best = quartiles  # ordered for "higher is better"
    low, high = sorted((current, other))
    assert quartile_position("higher", high, worst, average, best) <= quartile_position(
        "higher", low, worst, average, best
    )
    # the same benchmark seen as "lower is better" (values negated)
    assert quartile_position("lower", -high, -worst, -average, -best) <= quartile_position(
        "lower", -low, -worst, -average, -best
    )


revenues_in_cents = st.lists(st.integers(1, 10**7), min_size=1, max_size=40)


@given(revenues_in_cents, st.sampled_from([[80, 95, 100], [20, 50, 100], [1, 5, 20, 100]]))
@example([240024, 160016, 100010], [80, 95, 100])  # 80% exactly by hand (see above)
def test_tiers_do_not_depend_on_the_currency_unit(cents, thresholds):
    """Ranking the same revenues in cents or in units gives everyone the same tier, although
    dividing by 100 moves the float sums a hair off the cut-offs."""
    tiers = [Tier(t, t) for t in thresholds]
    in_cents = rank_accounts([(i, c, i) for i, c in enumerate(cents)], tiers, REVENUE_SHARE)
    in_units = rank_accounts([(i, c / 100, i) for i, c in enumerate(cents)], tiers, REVENUE_SHARE)
    assert [(r.key, r.tier_key) for r in in_units] == [(r.key, r.tier_key) for r in in_cents]
