"""The business case of a value worksheet (docs/method.md §4): totals, ROI, payback, NPV,
benchmark quartiles and differentiator scores.

Conventions (the public contract of ``sfa.value.worksheet``):

* One-time amounts fall at the start (month 0, year 0).
* Yearly amounts accrue evenly by month from the start: 1/12 at the end of each month, for
  ``12 x horizon`` months.
* Total benefit / cost = one-time + yearly x horizon; net value = benefit - cost.
* ROI % = net value / total cost x 100; undefined (None) when there is no cost.
* Payback = the first month m (0 = at the start) in which the cumulative net value
  one-time net + m x monthly net reaches zero; None when that does not happen within the
  horizon.
* NPV discounts each year's net flow at the end of that year: year 0 = one-time net, years
  1..horizon = yearly net; NPV = sum of flow_y / (1 + rate)^y.
* Cost of doing nothing per month = the likely benefit forgone per month, i.e. total likely
  benefit / (12 x horizon) (the value balance: docs/method.md §2.5).

* The horizon is a whole number of years from :data:`HORIZON_MIN` to :data:`HORIZON_MAX`
  (1-30); amounts and the rate must be finite numbers. Anything else raises ValueError.

All arithmetic is exact (fractions); results are rounded half-up to the currency's rounding.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import ceil

ONE_TIME, YEARLY = "one_time", "yearly"
HORIZON_MIN, HORIZON_MAX = 1, 30


@dataclass(frozen=True)
class Flow:
    """An amount that is either ``one_time`` (at the start) or ``yearly``."""

    amount: object
    recurrence: str = ONE_TIME


@dataclass(frozen=True)
class Scenario:
    total_benefit: Decimal
    total_cost: Decimal
    net_value: Decimal
    roi_pct: Decimal | None
    payback_months: int | None
    npv: Decimal


def _frac(value):
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return Fraction(number)


def _years(horizon_years):
    """The horizon as a whole number of years within HORIZON_MIN..HORIZON_MAX."""
    if not HORIZON_MIN <= horizon_years <= HORIZON_MAX or int(horizon_years) != horizon_years:
        raise ValueError(
            f"the horizon is a whole number of years from {HORIZON_MIN} to {HORIZON_MAX}"
        )
    return int(horizon_years)


def _round(value, rounding):
    quantum = Decimal(str(rounding))
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(quantum, rounding=ROUND_HALF_UP)


def _split(flows):
    one_time = sum((_frac(f.amount) for f in flows if f.recurrence == ONE_TIME), Fraction(0))
    yearly = sum((_frac(f.amount) for f in flows if f.recurrence == YEARLY), Fraction(0))
    if any(f.recurrence not in (ONE_TIME, YEARLY) for f in flows):
        raise ValueError("recurrence must be one_time or yearly")
    return one_time, yearly


def scenario(benefits, costs, horizon_years, discount_rate_pct, rounding="0.01"):
    """Financials of one scenario (conservative or likely) from its benefit and cost flows."""
    years = _years(horizon_years)
    rate = _frac(discount_rate_pct) / 100
    if not 0 <= rate <= 1:
        raise ValueError("the discount rate is between 0 and 100%")
    benefit_once, benefit_yearly = _split(benefits)
    cost_once, cost_yearly = _split(costs)
    total_benefit = benefit_once + benefit_yearly * years
    total_cost = cost_once + cost_yearly * years
    net = total_benefit - total_cost

    start = benefit_once - cost_once
    monthly = (benefit_yearly - cost_yearly) / 12
    if start >= 0:
        payback = 0
    elif monthly <= 0:
        payback = None
    else:
        payback = ceil(-start / monthly)
        if payback > 12 * years:
            payback = None

    yearly_net = benefit_yearly - cost_yearly
    npv = start + sum((yearly_net / (1 + rate) ** y for y in range(1, years + 1)), Fraction(0))
    return Scenario(
        total_benefit=_round(total_benefit, rounding),
        total_cost=_round(total_cost, rounding),
        net_value=_round(net, rounding),
        roi_pct=_round(net / total_cost * 100, "0.01") if total_cost else None,
        payback_months=payback,
        npv=_round(npv, rounding),
    )


def yearly_totals(flows, horizon_years, rounding="0.01"):
    """Amount per year of the horizon: year 0 holds the one-time amounts, years 1..horizon
    the yearly ones (as the NPV sees them)."""
    years = _years(horizon_years)
    once, yearly = _split(flows)
    return [_round(once, rounding)] + [_round(yearly, rounding)] * years


def cost_of_doing_nothing(likely_benefits, horizon_years, rounding="0.01"):
    """Likely benefit forgone per month of delay."""
    years = _years(horizon_years)
    once, yearly = _split(likely_benefits)
    total = once + yearly * years
    return _round(total / (12 * years), rounding)


# --- benchmarks ---------------------------------------------------------------------------------
HIGHER, LOWER = "higher", "lower"


def benchmark_problem(direction, worst, average, best, target=None):
    """None, or why the benchmark does not hold: the quartiles contradict the direction
    (worst -> average -> best), or the ``target`` (when given) is worse than the average,
    which would value the likely case below the conservative one."""
    ordered = worst <= average <= best if direction == HIGHER else worst >= average >= best
    if not ordered:
        return "quartiles_contradict_direction"
    if target is not None and (target < average if direction == HIGHER else target > average):
        return "target_worse_than_average"
    return None


def quartile_position(direction, current, worst, average, best):
    """1 = in the best quartile, 2 = better than average, 3 = better than the worst quartile,
    4 = in the worst quartile."""
    sign = 1 if direction == HIGHER else -1
    value = sign * current
    if value >= sign * best:
        return 1
    if value >= sign * average:
        return 2
    if value > sign * worst:
        return 3
    return 4


def improvement(direction, current, to):
    """Units of improvement from ``current`` to ``to`` (0 when ``to`` is not better)."""
    gain = (to - current) if direction == HIGHER else (current - to)
    return max(gain, 0)


# --- differentiators ----------------------------------------------------------------------------
RATING_MIN, RATING_MAX = 1, 5


def advantage(importance, ours, theirs):
    """Weighted advantage of one differentiator: importance x (our rating - theirs)."""
    for rating in (importance, ours, theirs):
        if not RATING_MIN <= rating <= RATING_MAX:
            raise ValueError("ratings are between 1 and 5")
    return importance * (ours - theirs)


@dataclass(frozen=True)
class Rating:
    """One differentiator line: its level, the competitor, and three 1-5 ratings."""

    level: str
    competitor: object
    importance: int
    ours: int
    theirs: int


def advantage_scores(ratings):
    """Weighted advantage summed per competitor and per level: ``(by_competitor, by_level)``."""
    by_competitor, by_level = {}, {}
    for r in ratings:
        score = advantage(r.importance, r.ours, r.theirs)
        by_competitor[r.competitor] = by_competitor.get(r.competitor, 0) + score
        by_level[r.level] = by_level.get(r.level, 0) + score
    return by_competitor, by_level
