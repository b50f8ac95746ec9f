"""Sales targets (销售目标), their decomposition (目标分解) and performance reviews (绩效考核).

Rules, in one place:

* A target is an amount of one of :data:`MEASURES` over a date range. The
  :data:`ADDITIVE_MEASURES` (revenue won, deals won, new customers) are split among the
  children of a target so that the children sum to the parent exactly; the other measures
  are rates, copied unchanged to each child.
* A split (:func:`split_amount`) works in whole units of ``10**-digits`` (cents by default,
  whole numbers with ``digits=0``). The total is rounded half-up to that unit; each piece
  gets the floor of its exact proportional share, and the units left over go one each to the
  pieces with the largest remainders, ties to the earlier piece (largest-remainder method).
  So the pieces always re-sum to the rounded total and no piece is a unit or more away from
  its exact share. All-zero weights split equally.
* Periods (:func:`period_slices`) are calendar quarters (Jan-Mar, Apr-Jun, ...) or calendar
  months; the first and last piece are clipped to the target's range.
* The same period last year (:func:`same_period_last_year`) shifts both dates back a year, a
  29 February becoming the 28th. A range of whole months (from the 1st of a month to the
  last day of a month) stays whole: its end becomes the last day of that month a year
  earlier, so 2025-02-01..2025-02-28 compares with 2024-02-01..2024-02-29.
* Attainment % = achieved / target x 100 and growth % = (current - previous) / previous x
  100; both are undefined (None) when the base is zero or negative.
* The amount expected by a day is the target's amount times the elapsed share of its range,
  days counted inclusively (linear). With pieces (e.g. the months of the parent target and
  their amounts, i.e. the seasonality), each piece weighs its own elapsed share by its weight.
  The pace is ``on_track`` at or above the expected amount, ``behind`` at or above
  ``behind_pct`` % of it, ``at_risk`` below.
* A review scores each line by a curve of ``(raw, score)`` points: linear between the
  points, flat (capped) before the first and after the last. Raw values must be strictly
  increasing and scores within 0-100. The review's score is the weighted sum of its lines'
  scores / 100, the weights summing to 100.
* A 360-degree rating (上级、同事、客户) averages each source's ratings (1-5), then takes the
  mean of those averages weighted by the sources' weights, over the sources that have a
  rating and a positive weight only (their weights renormalised). No such source: None.

Arithmetic is exact (fractions of the numbers as written); results are rounded half-up to two
decimals unless said otherwise. Bad input raises ValueError.
"""

from calendar import monthrange
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from math import lcm

MEASURES = (
    "won_revenue",
    "won_count",
    "new_customers",
    "win_rate",
    "satisfaction",
    "market_share",
)
ADDITIVE_MEASURES = ("won_revenue", "won_count", "new_customers")
PERIOD_UNITS = ("quarter", "month")
PACE_STATUSES = ("on_track", "behind", "at_risk")
RATING_MIN, RATING_MAX = 1, 5

_WEIGHT_TOLERANCE = Fraction(1, 1000)


def _ratio(value):
    """``(numerator, denominator)`` of ``value`` as written (``0.1`` is 1/10), the
    denominator positive: integers as they are, floats through their decimal text."""
    if isinstance(value, Fraction):
        return value.numerator, value.denominator
    if type(value) is int:  # not a bool: True is no number here
        return value, 1
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number.as_integer_ratio()


def _frac(value):
    """``value`` as an exact fraction of the number as written (``0.1`` is one tenth)."""
    if isinstance(value, Fraction):
        return value
    return Fraction(*_ratio(value))


def _units(value, digits):
    """``value`` rounded half-up (away from zero) to whole units of ``10**-digits``: the
    floor of |value| x 10**digits + 1/2, in integers (no fraction to reduce)."""
    return _ratio_units(*_ratio(value), digits)


def _ratio_units(numerator, denominator, digits):
    """:func:`_units` of the number ``numerator / denominator`` (denominator positive)."""
    units = (2 * abs(numerator) * 10**digits + denominator) // (2 * denominator)
    return units if numerator >= 0 else -units


def _units_not_negative(value, digits, name):
    """:func:`_units` of ``value``, which must not be negative (ValueError naming it):
    the number read once (a statement reads 50,000 deals)."""
    if value is None:
        raise ValueError(f"{name} is missing")
    numerator, denominator = _ratio(value)
    if numerator < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return _ratio_units(numerator, denominator, digits)


def _round(value, digits=2):
    """``value`` rounded half-up to ``digits`` decimals, as a float."""
    return _units(value, digits) / 10**digits


def _digits(digits):
    if digits < 0:
        raise ValueError(f"digits must not be negative, got {digits!r}")
    return digits


# -- decomposition -------------------------------------------------------------------------


def split_amount(total, weights, digits=2):
    """Split ``total`` in proportion to ``weights`` by the largest remainder, to ``digits``.

    The pieces re-sum exactly to ``total`` rounded half-up to ``digits``; all-zero weights
    split equally.
    """
    _digits(digits)
    if not weights:
        raise ValueError("a split needs at least one weight")
    if all(type(w) is int for w in weights):  # whole units already (a band's lines)
        whole = list(weights)
    else:
        shares = [_frac(w) for w in weights]
        # in integers: the weights over their common denominator
        common = lcm(*(w.denominator for w in shares))
        whole = [w.numerator * (common // w.denominator) for w in shares]
    if any(w < 0 for w in whole):
        raise ValueError("split weights must not be negative")
    if _frac(total) < 0:
        raise ValueError(f"the total to split must not be negative, got {total!r}")
    units = _units(total, digits)
    # each exact share units x w / sum is its floor plus a remainder of r / sum
    weight_sum = sum(whole)
    if not weight_sum:
        whole, weight_sum = [1] * len(whole), len(whole)
    exact = [divmod(units * w, weight_sum) for w in whole]
    pieces = [floor_ for floor_, _rest in exact]
    leftover = units - sum(pieces)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-exact[i][1], i))
    for i in by_remainder[:leftover]:
        pieces[i] += 1
    return [p / 10**digits for p in pieces]


def check_split(total, amounts, digits=2):
    """Whether ``amounts`` (each rounded to ``digits``) sum exactly to ``total`` (rounded)."""
    _digits(digits)
    return sum(_units(a, digits) for a in amounts) == _units(total, digits)


# -- periods --------------------------------------------------------------------------------


def _last_day(year, month):
    return date(year, month, monthrange(year, month)[1])


def _unit_end(day, unit):
    """The last day of the calendar month or quarter that holds ``day``."""
    if unit == "month":
        return _last_day(day.year, day.month)
    return _last_day(day.year, (day.month - 1) // 3 * 3 + 3)


def _check_range(date_from, date_to):
    if date_to < date_from:
        raise ValueError(f"the range ends ({date_to}) before it starts ({date_from})")


def period_slices(date_from, date_to, unit):
    """The calendar quarters or months covering ``date_from..date_to``, ends clipped."""
    if unit not in PERIOD_UNITS:
        raise ValueError(f"unknown period unit {unit!r}")
    _check_range(date_from, date_to)
    slices = []
    start = date_from
    while start <= date_to:
        end = min(_unit_end(start, unit), date_to)
        slices.append((start, end))
        start = end + timedelta(days=1)
    return slices


def _year_before(day):
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def same_period_last_year(date_from, date_to):
    """The range a year earlier; 29 February -> 28th; whole months stay whole months."""
    _check_range(date_from, date_to)
    start, end = _year_before(date_from), _year_before(date_to)
    if date_from.day == 1 and date_to == _last_day(date_to.year, date_to.month):
        end = _last_day(end.year, end.month)
    return start, end


# -- progress -------------------------------------------------------------------------------


def attainment(achieved, target):
    """Achieved / target x 100, rounded to 2; None when the target is not positive."""
    if _frac(target) <= 0:
        return None
    return _round(_frac(achieved) / _frac(target) * 100)


def growth(current, previous):
    """(current - previous) / previous x 100, rounded to 2; None when previous is not positive."""
    if _frac(previous) <= 0:
        return None
    return _round((_frac(current) - _frac(previous)) / _frac(previous) * 100)


def _elapsed(date_from, date_to, today):
    """The share of ``date_from..date_to`` elapsed by the end of ``today`` (0 to 1)."""
    _check_range(date_from, date_to)
    total = (date_to - date_from).days + 1
    elapsed = min(max((today - date_from).days + 1, 0), total)
    return Fraction(elapsed, total)


def expected_to_date(amount, date_from, date_to, today, pieces=None):
    """How much of ``amount`` should be achieved by ``today`` (inclusive), rounded to 2.

    Linear over the range, or, with ``pieces`` (``(start, end, weight)``), each piece's
    elapsed share weighted by its weight; pieces whose weights are all 0 count as linear.
    """
    share = _elapsed(date_from, date_to, today)
    if pieces:
        weights = [_frac(w) for _s, _e, w in pieces]
        if any(w < 0 for w in weights):
            raise ValueError("piece weights must not be negative")
        elapsed = [_elapsed(s, e, today) for s, e, _w in pieces]
        if sum(weights):
            share = sum(w * e for w, e in zip(weights, elapsed, strict=True)) / sum(weights)
    return _round(_frac(amount) * share)


def pace_status(achieved, expected, behind_pct=80.0):
    """``on_track``, ``behind`` (at least ``behind_pct`` % of expected) or ``at_risk``."""
    if not 0 <= _frac(behind_pct) <= 100:
        raise ValueError(f"behind_pct must be within 0..100, got {behind_pct!r}")
    achieved, expected = _frac(achieved), _frac(expected)
    if expected <= 0 or achieved >= expected:
        return "on_track"
    if achieved * 100 >= expected * _frac(behind_pct):
        return "behind"
    return "at_risk"


# -- performance review ---------------------------------------------------------------------


def curve_problems(points):
    """Why a scoring curve of ``(raw, score)`` points is invalid, as a list of codes.

    ``empty``: no point; ``not_increasing``: raw values not strictly increasing;
    ``score_out_of_range``: a score not within 0..100. An empty list means valid.
    """
    problems = []
    if not points:
        problems.append("empty")
    if any(_frac(b[0]) <= _frac(a[0]) for a, b in pairwise(points)):
        problems.append("not_increasing")
    if any(not 0 <= _frac(score) <= 100 for _raw, score in points):
        problems.append("score_out_of_range")
    return problems


def curve_score(points, raw):
    """The score of ``raw`` on the curve: linear between points, flat outside; None -> 0."""
    problems = curve_problems(points)
    if problems:
        raise ValueError(f"invalid scoring curve: {', '.join(problems)}")
    if raw is None:
        return 0.0
    x = _frac(raw)
    curve = [(_frac(r), _frac(s)) for r, s in points]
    if x <= curve[0][0]:
        return _round(curve[0][1])
    for (x0, y0), (x1, y1) in pairwise(curve):
        if x <= x1:
            return _round(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
    return _round(curve[-1][1])


def blend_ratings(ratings, source_weights):
    """The 360-degree rating: per-source averages, weighted over the sources that count.

    ``ratings`` is ``{source: [values]}``, ``source_weights`` ``{source: weight}``; a source
    with no weight counts for 0. None when no rated source has a positive weight.
    """
    weights = {source: _frac(w) for source, w in source_weights.items()}
    if any(w < 0 for w in weights.values()):
        raise ValueError("source weights must not be negative")
    for values in ratings.values():
        if any(not RATING_MIN <= _frac(v) <= RATING_MAX for v in values):
            raise ValueError(f"ratings must be within {RATING_MIN}..{RATING_MAX}")
    counted = [
        (sum(_frac(v) for v in values) / len(values), weights.get(source, 0))
        for source, values in ratings.items()
        if values and weights.get(source, 0) > 0
    ]
    if not counted:
        return None
    return _round(sum(avg * w for avg, w in counted) / sum(w for _avg, w in counted))


def weights_problems(weights):
    """Why review weights are invalid: ``negative``, ``not_100`` (off by more than 0.001)."""
    exact = [_frac(w) for w in weights]
    problems = []
    if any(w < 0 for w in exact):
        problems.append("negative")
    if abs(sum(exact) - 100) > _WEIGHT_TOLERANCE:
        problems.append("not_100")
    return problems


def weighted_score(lines):
    """The review's score: sum of weight x score / 100 over ``(weight, score)`` lines."""
    problems = weights_problems([w for w, _s in lines])
    if problems:
        raise ValueError(f"invalid review weights: {', '.join(problems)}")
    return _round(sum(_frac(w) * _frac(s) for w, s in lines) / 100)
