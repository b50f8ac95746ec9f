"""Business-case figures against hand-worked examples (see the engine's conventions)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_engine.value import (
    HORIZON_MAX,
    HORIZON_MIN,
    Flow,
    Rating,
    advantage,
    advantage_scores,
    benchmark_problem,
    cost_of_doing_nothing,
    improvement,
    quartile_position,
    scenario,
    yearly_totals,
)


def test_pays_back_in_24_months():
    # one-time cost 12,000; benefit 6,000 a year (500 a month); 3 years at 10 %
    s = scenario([Flow(6000, "yearly")], [Flow(12000)], 3, 10)
    assert (s.total_benefit, s.total_cost, s.net_value) == (
        Decimal("18000.00"),
        Decimal("12000.00"),
        Decimal("6000.00"),
    )
    assert s.roi_pct == Decimal("50.00")
    assert s.payback_months == 24  # 12,000 / 500
    # -12000 + 6000/1.1 + 6000/1.21 + 6000/1.331 = 2921.1119...
    assert s.npv == Decimal("2921.11")


def test_never_pays_back():
    s = scenario([Flow(10000, "yearly")], [Flow(50000)], 3, 5)
    assert s.net_value == Decimal("-20000.00")
    assert s.roi_pct == Decimal("-40.00")
    assert s.payback_months is None
    # -50000 + 10000/1.05 + 10000/1.1025 + 10000/1.157625 = -22767.52...
    assert s.npv == Decimal("-22767.52")


def test_zero_cost():
    s = scenario([Flow(1000)], [], 2, 8)
    assert s.roi_pct is None  # no cost: ROI undefined
    assert s.payback_months == 0
    assert s.npv == Decimal("1000.00")
    assert s.net_value == Decimal("1000.00")


def test_monthly_accrual_of_yearly_amounts():
    # benefit 3,600/yr (300/month), cost 1,200/yr (100/month): net 200 a month
    benefits, yearly_cost = [Flow(3600, "yearly")], Flow(1200, "yearly")
    assert scenario(benefits, [Flow(1000), yearly_cost], 1, 0).payback_months == 5
    assert scenario(benefits, [Flow(1100), yearly_cost], 1, 0).payback_months == 6  # 5.5 -> 6
    # at 0 % the NPV is the net value
    s = scenario(benefits, [Flow(1000), yearly_cost], 2, 0)
    assert s.npv == s.net_value == Decimal("3800.00")


def test_one_time_benefit_pays_at_once_and_rounding_half_up():
    s = scenario([Flow("0.005")], [], 1, 0)
    assert s.total_benefit == Decimal("0.01")
    assert scenario([Flow(10)], [Flow(5)], 1, 0).payback_months == 0


def test_bad_parameters():
    with pytest.raises(ValueError):
        scenario([], [], 0, 5)
    with pytest.raises(ValueError):
        scenario([], [], 3, 101)
    with pytest.raises(ValueError):
        scenario([], [], 3, -1)
    with pytest.raises(ValueError):
        scenario([Flow(1, "monthly")], [], 3, 5)


def test_horizon_is_capped_at_30_years():
    # 30 years is the longest horizon; more is refused at once instead of computing
    # a 30,000-year NPV for minutes
    assert (HORIZON_MIN, HORIZON_MAX) == (1, 30)
    assert scenario([Flow(100, "yearly")], [], 30, 0).total_benefit == Decimal("3000.00")
    for horizon in (31, 1000, 30000):
        with pytest.raises(ValueError):
            scenario([Flow(100, "yearly")], [], horizon, 5)
        with pytest.raises(ValueError):
            yearly_totals([Flow(100, "yearly")], horizon)
        with pytest.raises(ValueError):
            cost_of_doing_nothing([Flow(100, "yearly")], horizon)


@pytest.mark.parametrize("amount", [float("inf"), float("-inf"), float("nan"), "nan"])
def test_amounts_must_be_finite(amount):
    with pytest.raises(ValueError):
        scenario([Flow(amount)], [], 3, 5)
    with pytest.raises(ValueError):
        scenario([], [], 3, amount)


def test_cost_of_doing_nothing():
    # 6,000 a year + 1,200 once over 2 years = 13,200 / 24 months
    assert cost_of_doing_nothing([Flow(6000, "yearly"), Flow(1200)], 2) == Decimal("550.00")


def test_yearly_totals():
    flows = [Flow(500), Flow(1200, "yearly"), Flow(300, "yearly")]
    assert yearly_totals(flows, 2) == [Decimal("500.00"), Decimal("1500.00"), Decimal("1500.00")]


def test_benchmarks():
    # days to close the books: lower is better; worst 12, average 8, best 5
    assert benchmark_problem("lower", 12, 8, 5) is None
    assert benchmark_problem("lower", 5, 8, 12) == "quartiles_contradict_direction"
    assert benchmark_problem("higher", 60, 80, 95) is None
    assert benchmark_problem("higher", 95, 80, 60) == "quartiles_contradict_direction"
    # a target worse than the average would value the likely case below the conservative one
    assert benchmark_problem("lower", 12, 8, 5, target=6) is None
    assert benchmark_problem("lower", 12, 8, 5, target=8) is None
    assert benchmark_problem("lower", 12, 8, 5, target=9) == "target_worse_than_average"
    assert benchmark_problem("higher", 60, 80, 95, target=70) == "target_worse_than_average"
    assert [quartile_position("lower", v, 12, 8, 5) for v in (4, 5, 7, 8, 10, 12, 15)] == [
        1,
        1,
        2,
        2,
        3,
        4,
        4,
    ]
    assert quartile_position("higher", 85, 60, 80, 95) == 2
    assert improvement("lower", 10, 8) == 2
    assert improvement("lower", 7, 8) == 0
    assert improvement("higher", 70, 95) == 25


def test_differentiators():
    assert advantage(5, 4, 2) == 10
    with pytest.raises(ValueError):
        advantage(6, 4, 2)
    ratings = [
        Rating("product", "rival", 5, 4, 2),
        Rating("company", "rival", 3, 2, 4),
        Rating("product", "other", 4, 3, 3),
    ]
    assert advantage_scores(ratings) == ({"rival": 4, "other": 0}, {"product": 10, "company": -6})


amounts = st.decimals(min_value=0, max_value=10**7, places=2)
flows = st.lists(st.builds(Flow, amounts, st.sampled_from(["one_time", "yearly"])), max_size=6)


@given(flows, flows, st.integers(1, 10), st.decimals(min_value=0, max_value=100, places=2))
def test_laws(benefits, costs, horizon, rate):
    s = scenario(benefits, costs, horizon, rate)
    assert s.net_value == s.total_benefit - s.total_cost
    if s.payback_months is not None:
        assert 0 <= s.payback_months <= 12 * horizon
    if rate == 0:
        assert s.npv == s.net_value
