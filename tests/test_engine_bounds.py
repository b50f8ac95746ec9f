"""Bounds, defaults and refusals of the engine, hit exactly, with figures worked out by hand:
a weight total of exactly 0 or 1, a contact exactly ``stale_after_days`` ago, a map score
of exactly 50, a tier threshold of 1% and a share exactly the tolerance short of a cut-off,
a discount rate of exactly 100%, a payback in the horizon's last month and one month after
it, the error messages a caller shows, and the engine's records being immutable."""

import dataclasses
from decimal import Decimal

import pytest

from sfa_engine.health import (
    health_score,
    part_score,
    score_fraction,
    weight_total_problems,
)
from sfa_engine.politics import (
    DealRow,
    MapContact,
    MergedRow,
    map_score,
    map_status,
    merge_rows,
    red_flags,
    stale_key_players,
    suggested_time_spent,
)
from sfa_engine.ranking import (
    CUSTOMER_SHARE,
    REVENUE_SHARE,
    Ranked,
    Tier,
    concentration,
    rank_accounts,
    tier_for,
    tier_set_problems,
)
from sfa_engine.value import (
    HIGHER,
    LOWER,
    Flow,
    Rating,
    Scenario,
    advantage,
    quartile_position,
    scenario,
)

D = Decimal
ABC = [Tier("A", 80), Tier("B", 95), Tier("C", 100)]
PYRAMID = [Tier("main", 1), Tier("big", 5), Tier("ordinary", 20), Tier("small", 100)]


# --- immutable records ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("record", "field"),
    [
        (MapContact("x"), "attitude"),
        (DealRow(1, "lead", "person"), "roles"),
        (MergedRow(1, (2,), frozenset("D"), "support", "high", 2), "keep"),
        (Tier("A", 80), "threshold_pct"),
        (Ranked("a", 10.0, 1, 100.0, 100.0, "A"), "tier_key"),
        (Flow(100), "amount"),
        (Scenario(D(1), D(1), D(0), D(0), 0, D(0)), "npv"),
        (Rating("product", "rival", 3, 4, 2), "ours"),
    ],
)
def test_engine_records_cannot_be_changed_after_the_fact(record, field):
    # they are handed around (and used as dict keys / in sets) between the ORM and the engine
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record, field, None)


# --- health --------------------------------------------------------------------------------------
def test_an_empty_odoo_score_false_is_unanswered_not_an_error():
    # Odoo reads an empty integer/selection field as False: unanswered, like None
    assert score_fraction(False) is None
    assert score_fraction(None) is None


@pytest.mark.parametrize("score", [0, 6])
def test_a_score_outside_1_to_5_is_refused_with_its_value(score):
    with pytest.raises(ValueError, match=rf"^score {score} outside 1-5$"):
        score_fraction(score)


def test_a_part_whose_answered_weights_total_exactly_1_is_scored():
    assert part_score([(1, 0.5)]) == 50.0
    assert part_score([(1, 0.5), (3, None)]) == 50.0  # the unanswered weight 3 is left out


def test_a_part_whose_answered_weights_total_exactly_0_is_not_assessed():
    assert part_score([(0, 1.0), (0, 0.5)]) is None


SIGNAL_100_INDICATOR_0 = {"signal": [(1, 1.0)], "indicator": [(1, 0.0)]}
BREAKDOWN = {"signal": 100.0, "indicator": 0.0}


def test_a_part_the_given_weights_leave_out_weighs_nothing():
    # only signals weigh (40): the indicators' 0 is in the breakdown but not in the health
    assert health_score(SIGNAL_100_INDICATOR_0, {"signal": 40}) == (100.0, BREAKDOWN)


def test_part_weights_totalling_exactly_0_give_no_health_but_the_breakdown():
    zero = {"signal": 0, "indicator": 0}
    assert health_score(SIGNAL_100_INDICATOR_0, zero) == (None, BREAKDOWN)


def test_part_weights_totalling_exactly_1_give_a_health():
    one = {"signal": 1, "indicator": 0}
    assert health_score(SIGNAL_100_INDICATOR_0, one) == (100.0, BREAKDOWN)


def test_weight_totals_off_100_by_more_than_a_millionth_are_reported():
    problems = weight_total_problems(
        {"signal": [50, 50.0000015], "quality": [0], "indicator": [60, 40], "willingness": []}
    )
    # 1.5 millionths over 100 is a real total, not float noise; a total of exactly 0 too;
    # no criteria at all (willingness) is not a total to check
    assert set(problems) == {"signal", "quality"}
    assert problems["signal"] == pytest.approx(100.0000015, abs=1e-9)
    assert problems["quality"] == 0


# --- politics ------------------------------------------------------------------------------------
def test_a_map_contact_with_nothing_filled_in():
    # a neutral person of medium influence, never met, outside the circles, never contacted
    assert MapContact("x") == MapContact("x", (), "neutral", "medium", 0, "outside", None)


def test_a_version_1_row_with_nothing_filled_in():
    assert DealRow(1, "lead", "person") == DealRow(
        1, "lead", "person", frozenset(), None, None, None
    )


def decision_maker(days):
    return MapContact("dm", ("D",), "champion", "high", 3, "core", days)


APPROVER_MET = MapContact("ap", ("A",), "support", "low", 2, "core", 1)


def test_a_key_player_contacted_exactly_stale_after_days_ago_is_not_stale():
    assert stale_key_players([decision_maker(30), APPROVER_MET], 30) == []
    assert stale_key_players([decision_maker(31), APPROVER_MET], 30) == ["dm"]
    assert stale_key_players([decision_maker(7), APPROVER_MET], 6) == ["dm"]


def test_red_flags_count_a_key_player_stale_after_30_days_by_default():
    assert red_flags([decision_maker(30), APPROVER_MET]) == []
    assert red_flags([decision_maker(31), APPROVER_MET]) == ["stale_key_player"]


WARNINGS = ["no_champion", "hostile_core", "key_player_not_met", "single_threaded"]


@pytest.mark.parametrize(
    ("flags", "score", "status"),
    [
        ([], 100, "green"),
        (["stale_key_player"], 95, "amber"),
        # 5 warnings: 100 - 50 = exactly 50, not below 50: amber
        ([*WARNINGS, "no_champion"], 50, "amber"),
        # 5 warnings and 1 info: 45, below 50: red without any blocking flag
        ([*WARNINGS, "no_champion", "stale_key_player"], 45, "red"),
        (["no_approver"], 75, "red"),
    ],
)
def test_status_from_the_score_red_only_below_50(flags, score, status):
    # map_status's rule is on any list of codes (red_flags never repeats one, so its maps
    # bottom out at 55 without a blocking flag; a repeated code reaches 50 and 45 here)
    assert (map_score(flags), map_status(flags)) == (score, status)


def test_one_message_and_no_meeting_is_an_introduction():
    assert suggested_time_spent(0, 0) == 0
    assert suggested_time_spent(0, 1) == 1
    assert suggested_time_spent(1, 0) == 1


def test_a_person_with_one_row_does_not_stop_the_merge_of_the_next():
    rows = [
        DealRow(1, "lead", "alone", frozenset("U"), "support", "low", 1),
        DealRow(2, "lead", "twice", frozenset("A"), "champion", "low", 1),
        DealRow(3, "lead", "twice", frozenset("D"), "against", "high", 2),
    ]
    assert merge_rows(rows) == [
        MergedRow(2, (3,), frozenset("AD"), "against", "high", 2),
    ]


# --- ranking -------------------------------------------------------------------------------------
def test_the_pyramids_1_percent_threshold_is_in_range():
    assert tier_set_problems([1, 5, 20, 100]) == []
    assert tier_set_problems([0, 100]) == ["out_of_range"]


def test_a_tier_set_ending_1_5_billionths_short_of_100_is_not_complete():
    # the tolerance is 1e-9 points: 1.5e-9 is a real gap, 0.5e-9 float noise
    assert tier_set_problems([80, 99.9999999985]) == ["not_complete"]
    assert tier_set_problems([80, 99.9999999995]) == []


def test_a_share_exactly_the_tolerance_short_of_a_cut_off_reaches_it():
    # 79.999999999 + 1e-9 is exactly 80.0 in floats: the cut-off is reached, tier B
    assert 79.999999999 + 1e-9 == 80.0
    assert tier_for(79.999999999, ABC) == "B"
    # 1.5e-9 short is more than the tolerance: still A
    assert tier_for(80 - 1.5e-9, ABC) == "A"


def test_refused_rankings_say_why():
    with pytest.raises(ValueError, match=r"^unknown tiering rule 'pareto'$"):
        rank_accounts([("a", 1, "a")], ABC, "pareto")
    with pytest.raises(ValueError, match=r"^a ranking needs at least one tier$"):
        rank_accounts([("a", 1, "a")], [], REVENUE_SHARE)


def test_the_pyramid_on_101_customers_gives_2_4_15_80():
    # customer i (0-based) starts at i x 100 / 101 % of customers: the 2nd at 0.990% (< 1:
    # main), the 6th at 4.95% (< 5: big), the 21st at 19.80% (< 20: ordinary), the 22nd at
    # 20.79% (small)
    ranked = rank_accounts([(i, 1000 - i, i) for i in range(101)], PYRAMID, CUSTOMER_SHARE)
    tiers = [r.tier_key for r in ranked]
    assert tiers == ["main"] * 2 + ["big"] * 4 + ["ordinary"] * 15 + ["small"] * 80


def test_a_customer_starting_at_79_5_percent_of_revenue_is_still_in_the_first_tier():
    ranked = rank_accounts([("a", 795, "a"), ("b", 205, "b")], ABC, REVENUE_SHARE)
    assert [(r.key, r.share, r.cumulative_share, r.tier_key) for r in ranked] == [
        ("a", 79.5, 79.5, "A"),
        ("b", 20.5, 100.0, "A"),
    ]


def test_customers_without_revenue_close_the_curve_at_100_percent():
    ranked = rank_accounts([("a", 3, "a"), ("b", 1, "b"), ("z", 0, "z")], ABC, REVENUE_SHARE)
    assert ranked[-1] == Ranked("z", 0, 3, 0.0, 100.0, "C")
    # a revenue of 1 counts on the Pareto curve; no revenue does not
    assert concentration(ranked) == [(50.0, 75.0), (100.0, 100.0)]


def test_customers_without_revenue_alone_have_no_cumulative_share():
    assert rank_accounts([("z", 0, "z")], ABC) == [Ranked("z", 0, 1, 0.0, 0.0, "C")]


# --- value ---------------------------------------------------------------------------------------
def test_refused_worksheets_say_why():
    with pytest.raises(ValueError, match=r"^nan is not a finite number$"):
        scenario([Flow(float("nan"))], [], 1, 0)
    with pytest.raises(ValueError, match=r"^the horizon is a whole number of years from 1 to 30$"):
        scenario([], [], 31, 0)
    with pytest.raises(ValueError, match=r"^recurrence must be one_time or yearly$"):
        scenario([Flow(100, "monthly")], [], 1, 0)
    with pytest.raises(ValueError, match=r"^the discount rate is between 0 and 100%$"):
        scenario([], [], 1, 101)
    with pytest.raises(ValueError, match=r"^ratings are between 1 and 5$"):
        advantage(3, 6, 1)


def test_a_discount_rate_of_exactly_100_percent_is_accepted():
    # benefit 1,000 a year, one-time cost 500, 2 years at 100%:
    # NPV = -500 + 1000 / 2 + 1000 / 4 = 250; payback ceil(500 / (1000 / 12)) = 6 months
    s = scenario([Flow(1000, "yearly")], [Flow(500)], 2, 100)
    assert s == Scenario(D("2000.00"), D("500.00"), D("1500.00"), D("300.00"), 6, D("250.00"))


@pytest.mark.parametrize(
    ("years", "cost", "payback"),
    [
        (1, 12, 12),  # 1 a month: 12 months, the horizon's last month
        (1, 13, None),  # 13 months: one month past a 1-year horizon
        (2, 24, 24),
        (2, 25, None),
    ],
)
def test_payback_at_exactly_12_months_a_year_of_horizon(years, cost, payback):
    # benefit 12 a year = exactly 1 a month against a one-time cost
    assert scenario([Flow(12, "yearly")], [Flow(cost)], years, 0).payback_months == payback


def test_quartiles_compare_the_figures_themselves_over_the_whole_float_range():
    # figures near the end of the float range (above ~9e307) compare as they are: nothing is
    # scaled on the way, which would overflow to infinity and tie them
    assert quartile_position(HIGHER, 1e308, 0.0, 1e308, 1.7e308) == 2
    assert quartile_position(LOWER, 1.6e308, 1.7e308, 1.2e308, 0.5e308) == 3
