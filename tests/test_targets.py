"""Sales targets, their decomposition and review scoring, checked against figures worked out
by hand."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_engine import targets
from sfa_engine.targets import (
    attainment,
    blend_ratings,
    check_split,
    curve_problems,
    curve_score,
    expected_to_date,
    growth,
    pace_status,
    period_slices,
    same_period_last_year,
    split_amount,
    weighted_score,
    weights_problems,
)

D = date
DEFAULT_CURVE = [(0, 0), (80, 60), (100, 100)]
YEAR_2026 = (D(2026, 1, 1), D(2026, 12, 31))
QUARTERS_1_1_1_5 = [
    (D(2026, 1, 1), D(2026, 3, 31), 1),
    (D(2026, 4, 1), D(2026, 6, 30), 1),
    (D(2026, 7, 1), D(2026, 9, 30), 1),
    (D(2026, 10, 1), D(2026, 12, 31), 5),
]


def cents(value):
    return int(Decimal(str(value)) * 100)


def test_vocabulary():
    # stored as selection values: renaming one is a data migration
    assert targets.MEASURES == (
        "won_revenue",
        "won_count",
        "new_customers",
        "win_rate",
        "satisfaction",
        "market_share",
    )
    assert targets.ADDITIVE_MEASURES == ("won_revenue", "won_count", "new_customers")
    assert set(targets.ADDITIVE_MEASURES) < set(targets.MEASURES)
    assert targets.PERIOD_UNITS == ("quarter", "month")
    assert targets.PACE_STATUSES == ("on_track", "behind", "at_risk")
    assert (targets.RATING_MIN, targets.RATING_MAX) == (1, 5)


# -- split_amount ---------------------------------------------------------------------------


def test_split_a_year_in_twelve_months():
    # 10,000,000 cents / 12 = 833,333 r 4: every remainder is 1/3, so the 4 leftover cents
    # go to the first four months
    assert split_amount(100000.00, [1] * 12) == [8333.34] * 4 + [8333.33] * 8


def test_split_by_hand():
    # 100,001 cents / 3 = 33,333 r 2 -> the first two pieces get a cent more
    assert split_amount(1000.01, [1, 1, 1]) == [333.34, 333.34, 333.33]
    # whole numbers: 10 / 3 = 3 r 1 -> 4, 3, 3
    assert split_amount(10, [1, 1, 1], digits=0) == [4, 3, 3]
    # all-zero weights split equally
    assert split_amount(100, [0, 0]) == [50.0, 50.0]
    # 10,000 cents x 3/4 = 7,500 and x 1/4 = 2,500, no remainder
    assert split_amount(100, [3, 1]) == [75.0, 25.0]
    # 5 cents x 1/5, 2/5, 2/5 = 1, 2, 2 cents exactly
    assert split_amount(0.05, [1, 2, 2]) == [0.01, 0.02, 0.02]


def test_split_a_later_piece_wins_by_a_larger_remainder():
    # 10 cents x 1/3 = 3.33 and x 2/3 = 6.67: floors 3 + 6 = 9, the leftover cent goes to the
    # second piece, whose remainder 2/3 beats the first piece's 1/3
    assert split_amount(0.10, [1, 2]) == [0.03, 0.07]


def test_split_remainders_decide_non_first_positions():
    # 7 cents x 1/6, 2/6, 2/6, 1/6 = 1.17, 2.33, 2.33, 1.17: floors 1, 2, 2, 1 = 6, one cent
    # left; pieces 2 and 3 tie on the largest remainder 1/3 -> the earlier one (index 1)
    assert split_amount(0.07, [1, 2, 2, 1]) == [0.01, 0.03, 0.02, 0.01]


def test_split_rounds_the_total_half_up_as_written():
    # round(2.675, 2) is 2.67 in binary floating point; as written it is 2.675 -> 2.68
    assert split_amount(2.675, [1]) == [2.68]
    assert split_amount(Decimal("0.125"), [1]) == [0.13]
    # 12.5 -> 13 units, split 7 / 6 (two remainders of 1/2, the earlier wins)
    assert split_amount(12.5, [1, 1], digits=0) == [7, 6]
    # float weights are taken as written: 0.1 : 0.2 is exactly 1 : 2
    assert split_amount(0.10, [0.1, 0.2]) == [0.03, 0.07]


def test_split_zero_and_single():
    assert split_amount(0, [1, 2, 3]) == [0.0, 0.0, 0.0]
    assert split_amount(123.45, [7]) == [123.45]
    assert split_amount(5, [0, 1, 0], digits=0) == [0, 5, 0]


@pytest.mark.parametrize(
    ("total", "weights", "digits"),
    [
        (100, [], 2),
        (100, [1, -1], 2),
        (-0.01, [1], 2),
        (100, [1], -1),
        (float("nan"), [1], 2),
        (100, [float("inf")], 2),
    ],
)
def test_split_refuses(total, weights, digits):
    with pytest.raises(ValueError):
        split_amount(total, weights, digits)


def test_check_split():
    assert check_split(100000, split_amount(100000, [1] * 12))
    assert check_split(10, [4, 3, 3], digits=0)
    assert check_split(0, [])
    # 3 x 33.33 = 99.99
    assert not check_split(100, [33.33, 33.33, 33.33])
    # each amount is rounded first: 33.333 -> 33.33, so 99.99 again
    assert not check_split(100, [33.333, 33.333, 33.334])
    with pytest.raises(ValueError):
        check_split(1, [1], digits=-1)


money = st.integers(0, 10**11).map(lambda c: c / 100)
split_weights = st.lists(
    st.one_of(
        st.integers(0, 10**6),
        st.floats(0, 1e6, allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=24,
)


@given(money, split_weights)
def test_split_laws(total, weights):
    pieces = split_amount(total, weights)
    assert len(pieces) == len(weights)
    units = [cents(p) for p in pieces]
    # every piece is a whole number of cents, not negative, and they re-sum exactly
    assert all(p == u / 100 for p, u in zip(pieces, units, strict=True))
    assert all(u >= 0 for u in units)
    assert sum(units) == cents(total)
    assert check_split(total, pieces)
    # each piece is less than a cent away from its exact share
    exact = [Fraction(Decimal(str(w))) for w in weights]
    if not sum(exact):
        exact = [Fraction(1)] * len(weights)
    for u, w in zip(units, exact, strict=True):
        assert abs(u - cents(total) * w / sum(exact)) < 1


# -- periods --------------------------------------------------------------------------------


def test_period_slices_by_hand():
    assert period_slices(D(2026, 2, 15), D(2026, 5, 10), "quarter") == [
        (D(2026, 2, 15), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2026, 5, 10)),
    ]
    assert period_slices(*YEAR_2026, "quarter") == [
        (D(2026, 1, 1), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 10, 1), D(2026, 12, 31)),
    ]
    # months, over a leap February and across a year end
    assert period_slices(D(2027, 12, 31), D(2028, 3, 1), "month") == [
        (D(2027, 12, 31), D(2027, 12, 31)),
        (D(2028, 1, 1), D(2028, 1, 31)),
        (D(2028, 2, 1), D(2028, 2, 29)),
        (D(2028, 3, 1), D(2028, 3, 1)),
    ]
    assert len(period_slices(*YEAR_2026, "month")) == 12
    assert period_slices(D(2026, 5, 5), D(2026, 5, 5), "quarter") == [
        (D(2026, 5, 5), D(2026, 5, 5))
    ]


def test_period_slices_refuses():
    with pytest.raises(ValueError):
        period_slices(D(2026, 2, 1), D(2026, 1, 31), "month")
    with pytest.raises(ValueError):
        period_slices(*YEAR_2026, "week")


@given(
    st.dates(D(2000, 1, 1), D(2040, 12, 31)),
    st.integers(0, 1200),
    st.sampled_from(targets.PERIOD_UNITS),
)
def test_period_slices_laws(start, days, unit):
    end = start + timedelta(days=days)
    slices = period_slices(start, end, unit)
    # they cover the range exactly, contiguous and without overlap
    assert slices[0][0] == start
    assert slices[-1][1] == end
    assert all(a <= b for a, b in slices)
    assert all(b[0] == a[1] + timedelta(days=1) for a, b in pairwise(slices))
    assert sum((b - a).days + 1 for a, b in slices) == days + 1
    # each slice lies in one calendar unit and every inner boundary starts a unit
    months = 1 if unit == "month" else 3
    for a, b in slices:
        assert (a.year, (a.month - 1) // months) == (b.year, (b.month - 1) // months)
    for a, _b in slices[1:]:
        assert a.day == 1 and (a.month - 1) % months == 0


@pytest.mark.parametrize(
    ("period", "last_year"),
    [
        # plain shift
        ((D(2025, 3, 15), D(2025, 6, 14)), (D(2024, 3, 15), D(2024, 6, 14))),
        # a whole leap February -> the whole February before (Feb 29 -> 28)
        ((D(2024, 2, 1), D(2024, 2, 29)), (D(2023, 2, 1), D(2023, 2, 28))),
        # a whole February after a leap year stays whole: it ends on the 29th
        ((D(2025, 2, 1), D(2025, 2, 28)), (D(2024, 2, 1), D(2024, 2, 29))),
        # whole months across a year end, too
        ((D(2024, 12, 1), D(2025, 2, 28)), (D(2023, 12, 1), D(2024, 2, 29))),
        # not whole months: the 28th stays the 28th
        ((D(2025, 2, 10), D(2025, 2, 28)), (D(2024, 2, 10), D(2024, 2, 28))),
        ((D(2024, 2, 29), D(2024, 3, 31)), (D(2023, 2, 28), D(2023, 3, 31))),
        ((D(2024, 2, 29), D(2024, 2, 29)), (D(2023, 2, 28), D(2023, 2, 28))),
        (YEAR_2026, (D(2025, 1, 1), D(2025, 12, 31))),
    ],
)
def test_same_period_last_year(period, last_year):
    assert same_period_last_year(*period) == last_year


def test_same_period_last_year_refuses_a_reversed_range():
    with pytest.raises(ValueError):
        same_period_last_year(D(2026, 2, 1), D(2026, 1, 1))


# -- progress -------------------------------------------------------------------------------


def test_attainment_and_growth():
    assert attainment(75000, 100000) == 75.0
    assert attainment(130, 100) == 130.0
    assert attainment(0, 100) == 0.0
    # 1/3 = 33.333.. and 2/3 = 66.666.. %
    assert (attainment(1, 3), attainment(2, 3)) == (33.33, 66.67)
    assert attainment(5, 0) is None
    assert attainment(5, -1) is None
    assert growth(110, 100) == 10.0
    assert growth(90, 100) == -10.0
    # (1 - 3) / 3 = -66.666.. %, rounded half away from zero
    assert growth(1, 3) == -66.67
    # exact on the numbers as written: (0.3 - 0.1) / 0.1 = 200 %
    assert growth(0.3, 0.1) == 200.0
    assert growth(100, 0) is None
    assert growth(100, -5) is None


def test_expected_to_date_linear():
    # 1 Jan .. 31 Mar is 31 + 28 + 31 = 90 of 365 days: 120000 x 90 / 365 = 29589.041..
    assert expected_to_date(120000, *YEAR_2026, D(2026, 3, 31)) == 29589.04
    # the first day counts: 120000 / 365 = 328.767..
    assert expected_to_date(120000, *YEAR_2026, D(2026, 1, 1)) == 328.77
    assert expected_to_date(120000, *YEAR_2026, D(2025, 12, 31)) == 0.0
    assert expected_to_date(120000, *YEAR_2026, D(2026, 12, 31)) == 120000.0
    assert expected_to_date(120000, *YEAR_2026, D(2027, 6, 1)) == 120000.0


def test_expected_to_date_with_seasonal_pieces():
    # Q1 and Q2 done, 2 of 8 weights: 120000 x 2 / 8
    assert expected_to_date(120000, *YEAR_2026, D(2026, 6, 30), QUARTERS_1_1_1_5) == 30000.0
    assert expected_to_date(120000, *YEAR_2026, D(2026, 3, 31), QUARTERS_1_1_1_5) == 15000.0
    # Q4 half gone by 15 Nov (31 + 15 = 46 of 92 days): (3 + 5 x 1/2) / 8 x 120000 = 82500
    assert expected_to_date(120000, *YEAR_2026, D(2026, 11, 15), QUARTERS_1_1_1_5) == 82500.0
    # weights all 0 (or no pieces) -> linear
    flat = [(a, b, 0) for a, b, _w in QUARTERS_1_1_1_5]
    assert expected_to_date(120000, *YEAR_2026, D(2026, 3, 31), flat) == 29589.04
    assert expected_to_date(120000, *YEAR_2026, D(2026, 3, 31), []) == 29589.04


def test_expected_to_date_refuses():
    with pytest.raises(ValueError):
        expected_to_date(100, D(2026, 2, 1), D(2026, 1, 1), D(2026, 1, 15))
    with pytest.raises(ValueError):
        expected_to_date(100, *YEAR_2026, D(2026, 5, 1), [(*YEAR_2026, -1)])
    with pytest.raises(ValueError):
        expected_to_date(100, *YEAR_2026, D(2026, 5, 1), [(D(2026, 2, 1), D(2026, 1, 1), 1)])


@given(
    money,
    st.dates(D(2025, 6, 1), D(2027, 6, 30)),
    st.dates(D(2025, 6, 1), D(2027, 6, 30)),
    st.lists(st.integers(0, 10), min_size=4, max_size=4),
)
def test_expected_to_date_laws(amount, day1, day2, weights):
    pieces = [(a, b, w) for (a, b, _w), w in zip(QUARTERS_1_1_1_5, weights, strict=True)]
    early, late = sorted([day1, day2])
    for seasonal in (None, pieces):
        first = expected_to_date(amount, *YEAR_2026, early, seasonal)
        second = expected_to_date(amount, *YEAR_2026, late, seasonal)
        assert 0 <= first <= second <= amount


def test_pace_status():
    assert pace_status(100, 100) == "on_track"
    assert pace_status(120, 100) == "on_track"
    # 80 % of 100 is still behind, a cent less is at risk
    assert pace_status(80, 100) == "behind"
    assert pace_status(79.99, 100) == "at_risk"
    assert pace_status(85, 100, behind_pct=90) == "at_risk"
    # nothing expected yet: on track
    assert pace_status(0, 0) == "on_track"
    assert pace_status(0, -1) == "on_track"
    assert pace_status(0, 100) == "at_risk"
    assert pace_status(0, 100, behind_pct=0) == "behind"
    with pytest.raises(ValueError):
        pace_status(1, 2, behind_pct=120)


# -- performance review ---------------------------------------------------------------------


def test_default_attainment_curve():
    # 50: 60 x 50/80 = 37.5; 90: 60 + 40 x 10/20 = 80; capped at 100, floored at 0
    scores = [curve_score(DEFAULT_CURVE, raw) for raw in (50, 90, 100, 130, -5, 80, 0)]
    assert scores == [37.5, 80.0, 100.0, 100.0, 0.0, 60.0, 0.0]
    assert curve_score(DEFAULT_CURVE, None) == 0.0


def test_other_curves():
    # one point: flat
    assert [curve_score([(50, 70)], raw) for raw in (10, 50, 90)] == [70.0, 70.0, 70.0]
    # falling (lower is better): 100 - 100 x 2.5/10 = 75
    assert curve_score([(0, 100), (10, 0)], 2.5) == 75.0
    # 100 x 1/3 = 33.333..
    assert curve_score([(0, 0), (3, 100)], 1) == 33.33


@pytest.mark.parametrize(
    ("points", "problems"),
    [
        (DEFAULT_CURVE, []),
        ([(50, 70)], []),
        ([], ["empty"]),
        ([(0, 0), (0, 50)], ["not_increasing"]),
        ([(10, 0), (5, 50)], ["not_increasing"]),
        ([(0, -1), (100, 100)], ["score_out_of_range"]),
        ([(100, 0), (0, 101)], ["not_increasing", "score_out_of_range"]),
    ],
)
def test_curve_problems(points, problems):
    assert curve_problems(points) == problems
    if problems:
        with pytest.raises(ValueError):
            curve_score(points, 50)


@given(
    st.lists(st.integers(-1000, 1000), min_size=1, max_size=8, unique=True),
    st.lists(st.integers(0, 10000), min_size=8, max_size=8),
    st.floats(-2000, 2000, allow_nan=False),
    st.floats(-2000, 2000, allow_nan=False),
)
def test_curve_score_is_monotonic_on_rising_curves(raws, scores, x, y):
    points = list(zip(sorted(raws), sorted(s / 100 for s in scores), strict=False))
    low, high = sorted([x, y])
    assert curve_score(points, low) <= curve_score(points, high)
    assert points[0][1] <= curve_score(points, low) <= points[-1][1]


def test_blend_ratings():
    weights = {"manager": 50, "peer": 30, "customer": 20}
    # peer average 4; customer has no rating, so 50 : 30 -> (200 + 120) / 80 = 4
    assert blend_ratings({"manager": [4], "peer": [3, 5], "customer": []}, weights) == 4.0
    # (250 + 60) / 80 = 3.875
    assert blend_ratings({"manager": [5], "peer": [2]}, weights) == 3.88
    # only one source rated: its own average
    assert blend_ratings({"customer": [2, 3]}, weights) == 2.5
    # a source without (or with a zero) weight does not count
    assert blend_ratings({"manager": [4], "board": [1]}, weights) == 4.0
    assert blend_ratings({"customer": [5]}, {"customer": 0}) is None
    assert blend_ratings({}, weights) is None
    assert blend_ratings({"manager": [], "peer": []}, weights) is None


@pytest.mark.parametrize(
    ("ratings", "weights"),
    [
        ({"manager": [0]}, {"manager": 1}),
        ({"manager": [6]}, {"manager": 1}),
        # checked even where the weight is 0
        ({"peer": [5.5]}, {"peer": 0}),
        ({"manager": [3]}, {"manager": 1, "peer": -1}),
    ],
)
def test_blend_ratings_refuses(ratings, weights):
    with pytest.raises(ValueError):
        blend_ratings(ratings, weights)


@pytest.mark.parametrize(
    ("weights", "problems"),
    [
        ([40, 30, 30], []),
        ([50, 50.0005], []),
        ([33.3333, 33.3333, 33.3334], []),
        ([50, 50.002], ["not_100"]),
        ([120, -20], ["negative"]),
        ([-10, 50], ["negative", "not_100"]),
        ([], ["not_100"]),
    ],
)
def test_weights_problems(weights, problems):
    assert weights_problems(weights) == problems


def test_weighted_score():
    # 40 x 100 / 100 + 30 x 37.5 / 100 + 30 x 80 / 100 = 40 + 11.25 + 24
    assert weighted_score([(40, 100), (30, 37.5), (30, 80)]) == 75.25
    assert weighted_score([(100, 42.5)]) == 42.5
    assert weighted_score([(0, 10), (100, 90)]) == 90.0
    with pytest.raises(ValueError):
        weighted_score([(40, 100), (30, 50)])
    with pytest.raises(ValueError):
        weighted_score([(120, 100), (-20, 50)])
    with pytest.raises(ValueError):
        weighted_score([])


@given(st.lists(st.tuples(st.integers(0, 100), st.integers(0, 10000)), min_size=1, max_size=10))
def test_weighted_score_stays_within_its_scores(rows):
    # weights made to sum to exactly 100: the last line takes what is left
    weights = [w for w, _s in rows]
    total = sum(weights)
    weights = [w * 100 // total for w in weights] if total else [0] * len(weights)
    weights[-1] += 100 - sum(weights)
    scores = [s / 100 for _w, s in rows]
    result = weighted_score(list(zip(weights, scores, strict=True)))
    assert min(scores) <= result <= max(scores)
