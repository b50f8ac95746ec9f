"""Incentive compensation: commission tiers, KPI bonus, credit splits, draws and the
quarter-end rule, checked against figures worked out by hand."""

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sfa_engine import compensation
from sfa_engine.compensation import (
    Band,
    Commission,
    Tier,
    commission,
    draw,
    kpi_bonus,
    payout_curve_problems,
    payout_pct,
    quarter_end_credit,
    split_credit,
    tier_problems,
)
from sfa_engine.targets import split_amount

D = date
TARGET = 100000
LOW, MID, TOP = Tier(0, 50, 2), Tier(50, 100, 5), Tier(100, None, 8)
PLAN = [LOW, MID, TOP]
KPI_CURVE = [(0, 0), (60, 50), (80, 100), (100, 150)]
Q1_2026 = (D(2026, 1, 1), D(2026, 3, 31))


def exact(value):
    return Fraction(Decimal(str(value)))


def cents(value):
    return int(Decimal(str(value)) * 100)


def test_vocabulary():
    # stored as selection values: renaming one is a data migration
    assert compensation.COMPONENT_TYPES == ("commission", "kpi_bonus", "fixed")
    assert compensation.MODES == ("graduated", "retroactive")


@pytest.mark.parametrize(
    ("record", "field"),
    [
        (LOW, "rate_pct"),
        (Band(LOW, 100.0, 2.0), "payout"),
        (Commission(100.0, (), 0.0, 0.0, False, False), "payout"),
    ],
)
def test_records_cannot_be_changed_after_the_fact(record, field):
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record, field, None)


# -- tier table -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tiers", "problems"),
    [
        (PLAN, []),
        # the order given does not matter: bands are sorted by lower_pct
        ([TOP, LOW, MID], []),
        ([Tier(0, None, 3)], []),
        ([], ["empty"]),
        ([Tier(0, 50, -1), Tier(50, None, 2)], ["negative_rate"]),
        ([Tier(10, 50, 2), Tier(50, None, 5)], ["not_from_zero"]),
        # 0..50 then 40..: the second band starts inside the first
        ([Tier(0, 50, 2), Tier(40, None, 5)], ["overlap"]),
        ([Tier(0, 50, 2), Tier(60, None, 5)], ["gap"]),
        # 50..50 holds nothing
        ([Tier(0, 50, 2), Tier(50, 50, 5), Tier(50, None, 8)], ["inverted"]),
        # 50..40 is reversed, and the band after it starts at 50, after it "ends" at 40
        ([Tier(0, 50, 2), Tier(50, 40, 5), Tier(50, None, 8)], ["inverted", "gap"]),
        ([Tier(0, None, 2), Tier(50, None, 5)], ["open_not_last"]),
        ([Tier(0, 50, 2), Tier(50, 100, 5)], ["not_open_ended"]),
        (
            [Tier(0, 50, 2), Tier(50, None, 5), Tier(80, 100, 8)],
            ["open_not_last", "not_open_ended"],
        ),
        # 5..50 then 40..30: reversed, starting inside the first band, and closed at the top
        (
            [Tier(5, 50, -2), Tier(40, 30, 5)],
            ["negative_rate", "not_from_zero", "inverted", "overlap", "not_open_ended"],
        ),
    ],
)
def test_tier_problems(tiers, problems):
    assert tier_problems(tiers) == problems
    if problems:
        with pytest.raises(ValueError, match="invalid commission tiers"):
            commission(50000, TARGET, tiers, "graduated")


# -- commission -----------------------------------------------------------------------------


def test_commission_above_target():
    # graduated: 50,000 x 2% + 50,000 x 5% + 20,000 x 8% = 1,000 + 2,500 + 1,600 = 5,100
    paid = commission(120000, TARGET, PLAN, "graduated")
    assert paid == Commission(
        attainment_pct=120.0,
        bands=(Band(LOW, 50000.0, 1000.0), Band(MID, 50000.0, 2500.0), Band(TOP, 20000.0, 1600.0)),
        gross=5100.0,
        payout=5100.0,
        capped=False,
        below_threshold=False,
    )
    # retroactive: all 120,000 at the rate of the band reached, 8% = 9,600
    paid = commission(120000, TARGET, PLAN, "retroactive")
    assert paid.bands == (Band(TOP, 120000.0, 9600.0),)
    assert (paid.gross, paid.payout) == (9600.0, 9600.0)


def test_commission_below_target():
    # graduated: 50,000 x 2% + 30,000 x 5% = 1,000 + 1,500 = 2,500; the top band is not reached
    paid = commission(80000, TARGET, PLAN, "graduated")
    assert paid.attainment_pct == 80.0
    assert paid.bands == (Band(LOW, 50000.0, 1000.0), Band(MID, 30000.0, 1500.0))
    assert paid.payout == 2500.0
    # retroactive: 80,000 x 5% = 4,000
    assert commission(80000, TARGET, PLAN, "retroactive").payout == 4000.0


def test_commission_exactly_on_target():
    # 100% is the top band's lower bound, which it holds: retroactive 100,000 x 8% = 8,000
    assert commission(100000, TARGET, PLAN, "retroactive").payout == 8000.0
    # graduated 1,000 + 2,500 = 3,500; the band reached is listed, with nothing in it yet
    paid = commission(100000, TARGET, PLAN, "graduated")
    assert paid.payout == 3500.0
    assert paid.bands[-1] == Band(TOP, 0.0, 0.0)


def test_the_exact_attainment_decides_the_band():
    # 99,999.99 / 100,000 = 99.99999%, shown as 100.00 but still in the 5% band:
    # 99,999.99 x 5% = 4,999.9995 -> 5,000.00
    paid = commission(99999.99, TARGET, PLAN, "retroactive")
    assert paid.attainment_pct == 100.0
    assert paid.bands == (Band(MID, 99999.99, 5000.0),)


def test_commission_on_nothing():
    for mode in compensation.MODES:
        paid = commission(0, TARGET, PLAN, mode)
        assert paid.attainment_pct == 0.0
        assert paid.bands == (Band(LOW, 0.0, 0.0),)
        assert (paid.gross, paid.payout) == (0.0, 0.0)


def test_threshold():
    # 50,000 is 50% < 60%: nothing paid, the gross (50,000 x 2% = 1,000) still shown
    paid = commission(50000, TARGET, PLAN, "graduated", threshold_pct=60)
    assert (paid.gross, paid.payout, paid.below_threshold) == (1000.0, 0.0, True)
    # exactly on the threshold pays: 1,000 + 10,000 x 5% = 1,500
    paid = commission(60000, TARGET, PLAN, "graduated", threshold_pct=60)
    assert (paid.gross, paid.payout, paid.below_threshold) == (1500.0, 1500.0, False)
    # a cent short: 59,999.99 is 59.99999% -> 0 (gross 1,000 + 9,999.99 x 5% = 1,499.9995)
    paid = commission(59999.99, TARGET, PLAN, "graduated", threshold_pct=60)
    assert (paid.gross, paid.payout, paid.below_threshold) == (1500.0, 0.0, True)


def test_cap():
    # 9,600 capped at 4,000
    paid = commission(120000, TARGET, PLAN, "retroactive", cap=4000)
    assert (paid.gross, paid.payout, paid.capped) == (9600.0, 4000.0, True)
    # a cap that does not bite, or bites exactly nothing
    paid = commission(120000, TARGET, PLAN, "graduated", cap=6000)
    assert (paid.payout, paid.capped) == (5100.0, False)
    assert commission(120000, TARGET, PLAN, "graduated", cap=5100).capped is False
    # below the threshold nothing is paid, so no cap bites; a cap of 0 pays nothing
    paid = commission(50000, TARGET, PLAN, "graduated", threshold_pct=60, cap=500)
    assert (paid.payout, paid.capped) == (0.0, False)
    assert commission(50000, TARGET, PLAN, "graduated", cap=0).payout == 0.0


def test_each_band_is_rounded():
    # target 1,500: 0-100% at 3.333%, 100%+ at 6.667%; credited 1,600, graduated:
    # 1,500 x 3.333% = 49.995 -> 50.00 and 100 x 6.667% = 6.667 -> 6.67, so 56.67, where
    # the exact total 56.662 would round to 56.66
    tiers = [Tier(0, 100, 3.333), Tier(100, None, 6.667)]
    paid = commission(1600, 1500, tiers, "graduated")
    assert [(b.base, b.payout) for b in paid.bands] == [(1500.0, 50.0), (100.0, 6.67)]
    assert paid.gross == 56.67
    # retroactive: 1,600 x 6.667% = 106.672 -> 106.67
    assert commission(1600, 1500, tiers, "retroactive").gross == 106.67


def test_band_bases_re_sum_to_the_credited_revenue():
    # target 100,000.01: the 50% edge is 50,000.005, rounded to 50,000.01, so the bases of
    # 60,000 are 50,000.01 and 60,000.00 - 50,000.01 = 9,999.99;
    # 50,000.01 x 2% = 1,000.0002 -> 1,000.00 and 9,999.99 x 5% = 499.9995 -> 500.00
    paid = commission(60000, 100000.01, PLAN, "graduated")
    assert [(b.base, b.payout) for b in paid.bands] == [(50000.01, 1000.0), (9999.99, 500.0)]
    assert paid.gross == 1500.0


def test_graduated_can_beat_retroactive_by_rounding_only():
    # a plan paid in whole units (digits=0), target 100, 0-100% at 0.5%, 100%+ at 0.51%,
    # credited 200. graduated: 100 x 0.5% = 0.5 -> 1 and 100 x 0.51% = 0.51 -> 1, so 2;
    # retroactive: 200 x 0.51% = 1.02 -> 1. Exactly, 1.01 <= 1.02: the unit is rounding
    tiers = [Tier(0, 100, 0.5), Tier(100, None, 0.51)]
    assert commission(200, 100, tiers, "graduated", digits=0).gross == 2
    assert commission(200, 100, tiers, "retroactive", digits=0).gross == 1
    # to the cent, as usual: 0.50 + 0.51 = 1.01 <= 1.02
    assert commission(200, 100, tiers, "graduated").gross == 1.01
    assert commission(200, 100, tiers, "retroactive").gross == 1.02


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((120000, TARGET, PLAN, "flat"), {}),
        ((120000, 0, PLAN, "graduated"), {}),
        ((120000, -1, PLAN, "graduated"), {}),
        ((120000, None, PLAN, "graduated"), {}),
        ((-0.01, TARGET, PLAN, "graduated"), {}),
        ((120000, TARGET, PLAN, "graduated"), {"threshold_pct": -1}),
        ((120000, TARGET, PLAN, "graduated"), {"cap": -1}),
        ((120000, TARGET, PLAN, "graduated"), {"digits": -1}),
        ((float("nan"), TARGET, PLAN, "graduated"), {}),
    ],
)
def test_commission_refuses(args, kwargs):
    with pytest.raises(ValueError):
        commission(*args, **kwargs)


@st.composite
def tier_tables(pick):
    """1-5 contiguous bands from 0, open at the top, rates rising, in any order."""
    count = pick(st.integers(1, 5))
    cuts = pick(st.lists(st.integers(1, 20000), min_size=count - 1, max_size=count - 1))
    lowers = [0, *(c / 100 for c in sorted(set(cuts)))]
    rates = sorted(pick(st.lists(st.integers(0, 30000), min_size=5, max_size=5, unique=True)))
    uppers = [*lowers[1:], None]
    tiers = [
        Tier(low, up, rate / 1000) for low, up, rate in zip(lowers, uppers, rates, strict=False)
    ]
    return pick(st.permutations(tiers))


money = st.integers(0, 10**9).map(lambda c: c / 100)
targets = st.integers(1, 10**9).map(lambda c: c / 100)


@given(
    tier_tables(),
    money,
    money,
    targets,
    st.sampled_from(compensation.MODES),
    st.integers(0, 20000).map(lambda t: t / 100),
    st.one_of(st.none(), money),
)
def test_commission_never_falls_as_revenue_rises(tiers, a, b, target, mode, threshold, cap):
    low, high = sorted([a, b])
    first = commission(low, target, tiers, mode, threshold, cap)
    second = commission(high, target, tiers, mode, threshold, cap)
    assert first.gross <= second.gross
    assert first.payout <= second.payout
    for paid, credited in ((first, low), (second, high)):
        assert cents(paid.gross) == sum(cents(band.payout) for band in paid.bands)
        assert 0 <= paid.payout <= paid.gross
        assert cap is None or paid.payout <= cap
        attained = exact(credited) * 100 / exact(target)
        assert paid.below_threshold == (attained < exact(threshold))
        assert not paid.below_threshold or paid.payout == 0
        # the last band listed is the one the attainment falls in
        reached = paid.bands[-1].tier
        assert exact(reached.lower_pct) <= attained
        assert reached.upper_pct is None or attained < exact(reached.upper_pct)
        if mode == "graduated":
            assert sum(cents(band.base) for band in paid.bands) == cents(credited)
        else:
            assert paid.bands == (Band(reached, credited, paid.bands[0].payout),)


@given(tier_tables(), money, targets)
def test_graduated_never_pays_more_than_retroactive_but_for_rounding(tiers, credited, target):
    graduated = commission(credited, target, tiers, "graduated")
    retroactive = commission(credited, target, tiers, "retroactive")
    assert graduated.bands[-1].tier == retroactive.bands[0].tier
    # exactly it never does; each band's rounding adds less than half a cent, the retroactive
    # rounding takes away at most half a cent: a whole cent per two bands at most
    assert cents(graduated.gross) <= cents(retroactive.gross) + len(graduated.bands) // 2


# -- KPI bonus ------------------------------------------------------------------------------


def test_payout_pct():
    # 70: 50 + 50 x 10/20 = 75; 90: 100 + 50 x 10/20 = 125; 50: 50 x 50/60 = 41.666..
    scores = [payout_pct(KPI_CURVE, s) for s in (0, 50, 60, 70, 90, 100)]
    assert scores == [0.0, 41.67, 50.0, 75.0, 125.0, 150.0]
    # flat before the first point and after the last
    curve = [(60, 50), (90, 120)]
    assert [payout_pct(curve, s) for s in (0, 60, 75, 90, 100)] == [50.0, 50.0, 85.0, 120.0, 120.0]
    assert payout_pct([(50, 100)], 20) == 100.0


@pytest.mark.parametrize(
    ("curve", "problems"),
    [
        (KPI_CURVE, []),
        ([], ["empty"]),
        ([(60, 50), (60, 80)], ["not_increasing"]),
        ([(-1, 0), (100, 100)], ["score_out_of_range"]),
        ([(0, 0), (101, 100)], ["score_out_of_range"]),
        ([(0, -1), (100, 100)], ["payout_out_of_range"]),
        ([(100, 150.01), (0, 0)], ["not_increasing", "payout_out_of_range"]),
    ],
)
def test_payout_curve_problems(curve, problems):
    assert payout_curve_problems(curve) == problems
    if problems:
        with pytest.raises(ValueError, match="invalid payout curve"):
            payout_pct(curve, 50)


@pytest.mark.parametrize("score", [-0.01, 100.01, None])
def test_payout_pct_refuses_a_score_out_of_range(score):
    with pytest.raises(ValueError):
        payout_pct(KPI_CURVE, score)


def test_kpi_bonus():
    # 20,000 x 75% = 15,000; 20,000 x 150% = 30,000
    assert kpi_bonus(20000, 70, KPI_CURVE) == 15000.0
    assert kpi_bonus(20000, 100, KPI_CURVE) == 30000.0
    # on the payout % as shown: 10,000 x 41.67% = 4,167.00 (not 10,000 x 5/12 = 4,166.67)
    assert kpi_bonus(10000, 50, KPI_CURVE) == 4167.0
    # 333.33 x 75% = 249.9975 -> 250.00 half-up
    assert kpi_bonus(333.33, 70, KPI_CURVE) == 250.0
    assert kpi_bonus(0, 70, KPI_CURVE) == 0.0
    with pytest.raises(ValueError):
        kpi_bonus(-1, 70, KPI_CURVE)
    with pytest.raises(ValueError):
        kpi_bonus(100, 70, KPI_CURVE, digits=-1)


@given(
    st.lists(st.integers(0, 100), min_size=1, max_size=8, unique=True),
    st.lists(st.integers(0, 15000), min_size=8, max_size=8),
    st.integers(0, 10000),
    st.integers(0, 10000),
)
def test_payout_pct_rises_with_the_score_on_rising_curves(scores, payouts, x, y):
    curve = list(zip(sorted(scores), sorted(p / 100 for p in payouts), strict=False))
    low, high = sorted([x / 100, y / 100])
    assert curve[0][1] <= payout_pct(curve, low) <= payout_pct(curve, high) <= curve[-1][1]


# -- credit split ---------------------------------------------------------------------------


def test_split_credit():
    # 100,000 cents x 33.33% = 33,330 exactly, x 33.34% = 33,340
    assert split_credit(1000, [33.33, 33.33, 33.34]) == [333.3, 333.3, 333.4]
    assert split_credit(100, [50, 50]) == [50.0, 50.0]
    # one cent in two halves: the tie goes to the first
    assert split_credit(0.01, [50, 50]) == [0.01, 0.0]
    # 100 cents: 33.33 + 33.33 + 33.34 = 99.99 cents by floor, the leftover cent goes to the
    # largest remainder (0.34, the third)
    assert split_credit(1, [33.33, 33.33, 33.34]) == [0.33, 0.33, 0.34]
    # 99.999 is within 0.001 of 100: 10,000 cents in thirds -> 3,334 / 3,333 / 3,333
    assert split_credit(100, [33.333, 33.333, 33.333]) == [33.34, 33.33, 33.33]
    assert split_credit(250, [100]) == [250.0]


@pytest.mark.parametrize(
    ("amount", "shares"),
    [
        (100, []),
        (100, [33.33, 33.33, 33.33]),
        (100, [50, 50.002]),
        (100, [100, 0]),
        (100, [110, -10]),
        (-1, [100]),
        (100, [float("nan"), 100]),
    ],
)
def test_split_credit_refuses(amount, shares):
    with pytest.raises(ValueError):
        split_credit(amount, shares)


@given(money, st.lists(st.integers(1, 9999), max_size=7, unique=True))
def test_split_credit_re_sums_exactly(amount, cuts):
    bounds = [0, *sorted(cuts), 10000]
    shares = [(b - a) / 100 for a, b in pairwise(bounds)]
    pieces = split_credit(amount, shares)
    assert len(pieces) == len(shares)
    assert sum(cents(p) for p in pieces) == cents(amount)
    for piece, share in zip(pieces, shares, strict=True):
        assert abs(cents(piece) - Fraction(cents(amount) * cents(share), 10000)) < 1


def test_split_credit_in_full_reads_the_amount_as_written():
    # the usual deal (one person, 100 %): half-up on the decimal as written, not the float
    assert split_credit(2.005, [100]) == [2.01]
    assert split_credit(0.125, [100], digits=2) == [0.13]
    assert split_credit(0, [100]) == [0.0]
    for bad in (None, -0.001, float("nan")):
        with pytest.raises(ValueError):
            split_credit(bad, [100])


@given(money, st.lists(st.integers(0, 10**9), min_size=1, max_size=7))
def test_split_amount_by_whole_weights_as_by_fractions(amount, weights):
    # whole weights (a band's lines in units) split as the same weights as fractions do
    assert split_amount(amount, weights) == split_amount(amount, [Fraction(w) for w in weights])


def test_split_amount_refuses_negative_whole_weights():
    with pytest.raises(ValueError):
        split_amount(100, [3, -1])


# -- draw -----------------------------------------------------------------------------------


def test_recoverable_draw_over_three_months():
    # month 1: earned 500 < draw 2,000 -> pay 2,000, advanced 1,500
    assert draw(500, 2000, True) == (2000.0, 1500.0)
    # month 2: earned 3,000, 1,000 above the draw -> recover 1,000, pay 2,000, owe 500
    assert draw(3000, 2000, True, 1500) == (2000.0, 500.0)
    # month 3: earned 6,000, 4,000 above the draw -> recover the 500 left, pay 5,500, owe 0
    assert draw(6000, 2000, True, 500) == (5500.0, 0.0)
    # paid 9,500 for 9,500 earned


def test_draw_edges():
    # earning exactly the draw recovers nothing
    assert draw(2000, 2000, True, 700) == (2000.0, 700.0)
    # an advance on an advance: owe 700 + (2,000 - 0)
    assert draw(0, 2000, True, 700) == (2000.0, 2700.0)
    # no draw: earnings pay back everything owed first, 1,000 - 700
    assert draw(1000, 0, True, 700) == (300.0, 0.0)
    # non-recoverable: the larger of earnings and draw, the balance untouched
    assert draw(500, 2000, False) == (2000.0, 0.0)
    assert draw(3000, 2000, False, 1500) == (3000.0, 1500.0)
    # exact on the numbers as written: 0.3 - 0.1 owed back from 0.3 earned above 0.1
    assert draw(0.3, 0.1, True, 0.2) == (0.1, 0.0)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((-1, 2000, True), {}),
        ((1000, -1, True), {}),
        ((1000, 2000, True, -0.01), {}),
        ((1000, 2000, False, -0.01), {}),
        ((1000, 2000, True), {"digits": -1}),
    ],
)
def test_draw_refuses(args, kwargs):
    with pytest.raises(ValueError):
        draw(*args, **kwargs)


@given(
    st.lists(money, min_size=1, max_size=12),
    money,
    money,
    st.booleans(),
)
def test_draw_pays_what_is_earned_plus_what_is_owed(earnings, advance, opening, recoverable):
    balance, paid = opening, []
    for earned in earnings:
        payout, after = draw(earned, advance, recoverable, balance)
        assert payout >= advance and after >= 0
        if recoverable:
            # what is paid beyond earnings is owed, what is owed is paid back from earnings
            assert cents(payout) - cents(earned) == cents(after) - cents(balance)
        else:
            assert (payout, after) == (max(earned, advance), balance)
        balance = after
        paid.append(payout)
    if recoverable:
        assert sum(map(cents, paid)) - sum(map(cents, earnings)) == cents(balance) - cents(opening)
    else:
        assert sum(map(cents, paid)) >= sum(map(cents, earnings))


# -- quarter-end pushing --------------------------------------------------------------------

Q1_DEALS = [
    ("A", D(2026, 1, 15), 30000),
    ("B", D(2026, 3, 17), 30000),  # the day before the window
    ("C", D(2026, 3, 18), 15000),  # the window's first day: 31 - 14 + 1
    ("D", D(2026, 3, 31), 25000),
    ("E", D(2026, 4, 1), 50000),  # next quarter
    ("F", D(2025, 12, 31), 9999),  # last quarter
]


def test_quarter_end_credit_by_hand():
    # Q = 30,000 + 30,000 + 15,000 + 25,000 = 100,000; the last 14 days (18-31 March) hold
    # 15,000 + 25,000 = 40,000, of which 25% of Q = 25,000 at full credit: C takes 15,000,
    # D the 10,000 left and its other 15,000 count at 50%: 10,000 + 7,500 = 17,500
    credit = quarter_end_credit(Q1_DEALS, *Q1_2026, 14, 25, 50)
    assert credit == {
        "A": (30000.0, 0.0, 30000.0),
        "B": (30000.0, 0.0, 30000.0),
        "C": (15000.0, 0.0, 15000.0),
        "D": (10000.0, 15000.0, 17500.0),
    }
    # the window deals credited 25,000 + 7,500
    assert credit["C"][2] + credit["D"][2] == 32500.0


def test_quarter_end_credit_order_and_limits():
    # same day: in key order, whatever the input order. Q = 200, allowance 10% = 20:
    # "x" first takes 20 of its 50 (30 at 0% -> 20), "y" none of its 150
    deals = [("y", D(2026, 3, 31), 150), ("x", D(2026, 3, 31), 50)]
    assert quarter_end_credit(deals, *Q1_2026, 1, 10, 0) == {
        "x": (20.0, 30.0, 20.0),
        "y": (0.0, 150.0, 0.0),
    }
    # no window, or an allowance of the whole quarter: everything at full credit
    full = {"A": (30000.0, 0.0, 30000.0), "D": (25000.0, 0.0, 25000.0)}
    deals = [Q1_DEALS[0], Q1_DEALS[3]]
    assert quarter_end_credit(deals, *Q1_2026, 0, 0, 0) == full
    assert quarter_end_credit(deals, *Q1_2026, 90, 100, 0) == full
    # a window longer than the quarter is the whole quarter: 25% of 55,000 = 13,750, all to
    # A (the earlier), whose other 16,250 count at 50%: 13,750 + 8,125 = 21,875; D gets
    # none: 25,000 x 50% = 12,500
    assert quarter_end_credit(deals, *Q1_2026, 365, 25, 50) == {
        "A": (13750.0, 16250.0, 21875.0),
        "D": (0.0, 25000.0, 12500.0),
    }
    # the allowance is rounded half-up to the cent: 33.33% of 0.05 = 0.0166.. -> 0.02
    assert quarter_end_credit([("z", D(2026, 3, 31), 0.05)], *Q1_2026, 1, 33.33, 0) == {
        "z": (0.02, 0.03, 0.02)
    }
    assert quarter_end_credit([], *Q1_2026, 14, 25, 50) == {}


@pytest.mark.parametrize(
    ("deals", "args"),
    [
        (Q1_DEALS, (D(2026, 3, 31), D(2026, 1, 1), 14, 25, 50)),
        (Q1_DEALS, (*Q1_2026, -1, 25, 50)),
        (Q1_DEALS, (*Q1_2026, 1.5, 25, 50)),
        (Q1_DEALS, (*Q1_2026, 14, 101, 50)),
        (Q1_DEALS, (*Q1_2026, 14, 25, -1)),
        ([("a", D(2026, 2, 1), -5)], (*Q1_2026, 14, 25, 50)),
        ([("a", D(2026, 2, 1), 5), ("a", D(2026, 3, 1), 5)], (*Q1_2026, 14, 25, 50)),
    ],
)
def test_quarter_end_credit_refuses(deals, args):
    with pytest.raises(ValueError):
        quarter_end_credit(deals, *args)


@given(
    st.lists(st.tuples(st.integers(-10, 100), money), max_size=12),
    st.integers(0, 100),
    st.integers(0, 10000).map(lambda s: s / 100),
    st.integers(0, 10000).map(lambda r: r / 100),
)
def test_quarter_end_credit_laws(rows, last_days, share, rate):
    start, end = Q1_2026
    deals = [(i, start + timedelta(days=day), amount) for i, (day, amount) in enumerate(rows)]
    credit = quarter_end_credit(deals, start, end, last_days, share, rate)
    in_quarter = {key: amount for key, day, amount in deals if start <= day <= end}
    window = {key for key, day, _a in deals if end - timedelta(days=last_days) < day <= end}
    assert set(credit) == set(in_quarter)
    # the window's full credit stays within the allowance, rounded half-up to the cent
    allowance = sum(map(cents, in_quarter.values())) * exact(share) / 100
    assert sum(cents(credit[k][0]) for k in window & set(credit)) <= allowance + Fraction(1, 2)
    for key, (full, reduced, credited) in credit.items():
        assert cents(full) + cents(reduced) == cents(in_quarter[key])
        assert full <= credited <= in_quarter[key]
        if key not in window:
            assert reduced == 0


# -- statement lines ------------------------------------------------------------------------


def test_lines_cut_a_deal_across_band_tops_and_resum_to_the_payout():
    # target 1,000; bands 0-50 % at 2 %, 50-100 % at 5 %, 100 %+ at 10 %.
    # Deals 300, 400, 500 fill 0-500 (300 + 200 of deal b), 500-1,000 (200 of b + 300 of c),
    # 1,000-1,200 (200 of c): payouts 6 + 4 | 10 + 15 | 20 = 55.
    tiers = [
        compensation.Tier(0, 50, 2),
        compensation.Tier(50, 100, 5),
        compensation.Tier(100, None, 10),
    ]
    result, pieces = compensation.commission_lines(
        [("a", 300), ("b", 400), ("c", 500)], 1000, tiers, "graduated"
    )
    assert result.payout == 55.0
    assert [(p.key, p.tier.rate_pct, p.base, p.payout) for p in pieces] == [
        ("a", 2, 300.0, 6.0),
        ("b", 2, 200.0, 4.0),
        ("b", 5, 200.0, 10.0),
        ("c", 5, 300.0, 15.0),
        ("c", 10, 200.0, 20.0),
    ]


def test_retroactive_lines_pay_every_deal_at_the_band_reached():
    tiers = [compensation.Tier(0, 100, 4), compensation.Tier(100, None, 8)]
    result, pieces = compensation.commission_lines(
        [("a", 700), ("b", 600)], 1000, tiers, "retroactive"
    )
    assert result.payout == 104.0  # 1,300 x 8 %
    assert [(p.key, p.base, p.payout) for p in pieces] == [("a", 700.0, 56.0), ("b", 600.0, 48.0)]


def test_cap_and_threshold_share_the_payout_among_lines():
    tiers = [compensation.Tier(0, None, 10)]
    # cap 100 on a gross of 70 + 50 = 120: shared 70:50 -> 58.33 + 41.67 (largest remainder)
    result, pieces = compensation.commission_lines(
        [("a", 700), ("b", 500)], 1000, tiers, "graduated", cap=100
    )
    assert (result.gross, result.payout) == (120.0, 100.0)
    assert [p.payout for p in pieces] == [58.33, 41.67]
    assert [p.gross for p in pieces] == [70.0, 50.0]
    # below a 50 % threshold: lines shown, nothing paid
    result, pieces = compensation.commission_lines([("a", 300)], 1000, tiers, "graduated", 50)
    assert result.below_threshold and [p.payout for p in pieces] == [0.0]
    assert pieces[0].gross == 30.0


def test_rounding_of_shared_band_payout_resums():
    tiers = [compensation.Tier(0, None, 3.333)]
    deals = [(i, 33.33) for i in range(7)]
    result, pieces = compensation.commission_lines(deals, 1000, tiers, "graduated")
    assert sum(round(p.payout * 100) for p in pieces) == round(result.payout * 100)
    assert result.payout == 7.78  # 233.31 x 3.333 % = 7.776... -> 7.78


def test_a_zero_credit_deal_gets_a_zero_line():
    tiers = [compensation.Tier(0, 100, 2), compensation.Tier(100, None, 4)]
    _result, pieces = compensation.commission_lines(
        [("a", 0), ("b", 100)], 1000, tiers, "graduated"
    )
    assert [(p.key, p.base, p.payout) for p in pieces] == [("a", 0.0, 0.0), ("b", 100.0, 2.0)]


def test_clawback_takes_back_exactly_once():
    assert compensation.clawback(123.45) == -123.45
    assert compensation.clawback(123.45, already_clawed_back=True) == 0.0
    assert compensation.clawback(0) == 0.0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=500_000), min_size=1, max_size=8),
    st.sampled_from(["graduated", "retroactive"]),
    st.one_of(st.none(), st.integers(min_value=0, max_value=20_000)),
)
def test_lines_always_resum_to_the_commission(cents, mode, cap):
    tiers = [
        compensation.Tier(0, 60, 1.5),
        compensation.Tier(60, 110, 4.25),
        compensation.Tier(110, None, 7),
    ]
    deals = [(i, c / 100) for i, c in enumerate(cents)]
    result, pieces = compensation.commission_lines(deals, 2500, tiers, mode, 20, cap)
    assert sum(round(p.payout * 100) for p in pieces) == round(result.payout * 100)
    assert sum(round(p.base * 100) for p in pieces) == sum(cents)
