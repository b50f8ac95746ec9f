"""Incentive compensation (诱因报酬 / 激励机制): commission, KPI bonus, credit splits, draws and
the quarter-end rule.

Rules, in one place:

* A commission plan is a table of :class:`Tier` bands of attainment (% of target), each with
  the rate (%) paid on credited revenue. Sorted by ``lower_pct``, the bands must start at 0,
  follow each other without gap or overlap (a band starts where the previous one ends), and
  only the last one is open-ended (no ``upper_pct``), which it must be
  (:func:`tier_problems`). A band holds its lower bound and not its upper one, so an
  attainment of exactly 100% falls in a band starting at 100%.
* Attainment % = credited / target x 100 (the target must be positive, the credited revenue
  not negative). The band reached is the one the exact attainment falls in; the reported
  ``attainment_pct`` is rounded to 2.
* The revenue band of a tier is [lower x target / 100, upper x target / 100).
  ``graduated``: each band reached pays its own rate on the slice of the credited revenue in
  it. ``retroactive``: the band reached pays its rate on all the credited revenue.
* Money is rounded per band: a band's base is rounded so that the bases re-sum to the
  credited revenue rounded (each base is the rounded revenue at its band's top minus the
  rounded revenue at its bottom), its payout is base x rate rounded, and the gross is the sum
  of the bands' rounded payouts. So each statement line checks by hand, but a graduated gross
  can exceed the retroactive gross on the same revenue by rounding, at most half a unit per
  band (exactly, before rounding, it never does with rates that do not fall).
* Threshold and cap: below ``threshold_pct`` % attainment (exact) nothing is paid, the gross
  still being computed; otherwise the payout is the gross, at most ``cap`` when given.
* A KPI bonus pays ``target_bonus`` x the payout % read off a curve of ``(score, payout %)``
  points: linear between the points, flat before the first and after the last. Scores are
  review scores within 0-100, strictly increasing; payouts are within 0-150 %. The payout %
  is rounded to 2 first and the bonus is computed on that rounded figure.
* A credit split (业绩归属) shares an amount among people by positive percentages adding up
  to 100 (within 0.001), by the largest remainder (:func:`.targets.split_amount`): the
  pieces re-sum exactly to the amount.
* A draw is an advance paid when earnings fall short of ``draw_amount``. Non-recoverable, the
  payout is the larger of the two. Recoverable, the balance advanced before is recovered
  from earnings above the draw, never taking the payout below the draw:
  recovered = min(balance, max(earned - draw, 0)), payout = max(earned - recovered, draw),
  balance after = balance - recovered + max(draw - earned, 0). So over any run of periods,
  total paid - total earned = the balance at the end - the balance at the start.
* Quarter-end pushing (尤其在季度和财年结束时): of the deals closed within a quarter, those
  of its last ``last_days`` days (the window) may carry up to ``share_pct`` % of the
  quarter's total at full credit. Window deals use that allowance in order of
  ``(date_closed, key)``; what a deal has beyond it is credited at ``reduced_rate_pct`` %.
  Deals outside the window keep full credit; deals outside the quarter are left out.
* Statement lines (:func:`commission_lines`): the deals, taken in the order given (date
  closed, then id), fill the bands from the bottom; a deal that crosses a band's top is cut
  in two lines. Each band's payout is shared among its lines by their base (largest
  remainder), and a threshold or cap shares the commission's payout among all lines by their
  gross: the lines always re-sum exactly to the commission's payout.
* A clawback (:func:`clawback`) takes back exactly what a line paid, once.

Arithmetic is exact (fractions of the numbers as written); money is rounded half-up to
``digits`` decimals (2 by default), percentages to 2. Bad input raises ValueError.
"""

from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from itertools import pairwise

from .targets import (
    _digits,
    _frac,
    _round,
    _units,
    _units_not_negative,
    split_amount,
    weights_problems,
)

COMPONENT_TYPES = ("commission", "kpi_bonus", "fixed")
MODES = ("graduated", "retroactive")
GRADUATED, RETROACTIVE = MODES
SCORE_MIN, SCORE_MAX = 0, 100
PAYOUT_PCT_MIN, PAYOUT_PCT_MAX = 0, 150


@dataclass(frozen=True)
class Tier:
    """A band of attainment (% of target) and the rate (%) paid on credited revenue."""

    lower_pct: float
    upper_pct: float | None  # None: the open top band
    rate_pct: float


@dataclass(frozen=True)
class Band:
    """One band's share of a commission: its base (credited revenue) and its payout."""

    tier: Tier
    base: float
    payout: float


@dataclass(frozen=True)
class Piece:
    """One statement line of a commission: a deal's ``base`` in one band, its payout before
    (``gross``) and after threshold and cap (``payout``)."""

    key: object
    tier: Tier
    base: float
    gross: float
    payout: float


@dataclass(frozen=True)
class Commission:
    """A computed commission: ``gross`` before threshold and cap, ``payout`` after."""

    attainment_pct: float
    bands: tuple[Band, ...]
    gross: float
    payout: float
    capped: bool
    below_threshold: bool


def _money(units, digits):
    return units / 10**digits


def _not_negative(value, name):
    if value is None:
        raise ValueError(f"{name} is missing")
    exact = _frac(value)
    if exact.numerator < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return exact


def _pct(value, name, high=100):
    exact = _not_negative(value, name)
    if exact > high:
        raise ValueError(f"{name} must be within 0..{high}, got {value!r}")
    return exact


# -- commission -----------------------------------------------------------------------------


def _sorted_tiers(tiers):
    return sorted(tiers, key=lambda t: _frac(t.lower_pct))


def tier_problems(tiers):
    """Why a commission tier table is invalid, as a list of codes (empty: valid).

    ``empty``; ``negative_rate``; ``not_from_zero``: the first band does not start at 0;
    ``inverted``: an upper bound not above its lower one; ``overlap`` / ``gap``: a band
    starts before / after the previous one ends; ``open_not_last``: an open band before the
    last; ``not_open_ended``: the last band has an upper bound. Bands are sorted by
    ``lower_pct`` first.
    """
    if not tiers:
        return ["empty"]
    rows = [
        (_frac(t.lower_pct), None if t.upper_pct is None else _frac(t.upper_pct), t.rate_pct)
        for t in _sorted_tiers(tiers)
    ]
    closed = [(low, up) for low, up, _rate in rows if up is not None]
    following = [(a[1], b[0]) for a, b in pairwise(rows) if a[1] is not None]
    checks = [
        ("negative_rate", any(_frac(rate) < 0 for _low, _up, rate in rows)),
        ("not_from_zero", rows[0][0] != 0),
        ("inverted", any(up <= low for low, up in closed)),
        ("overlap", any(low < up for up, low in following)),
        ("gap", any(low > up for up, low in following)),
        ("open_not_last", any(up is None for _low, up, _rate in rows[:-1])),
        ("not_open_ended", rows[-1][1] is not None),
    ]
    return [code for code, failed in checks if failed]


def commission(credited, target, tiers, mode, threshold_pct=0.0, cap=None, digits=2):
    """The commission on ``credited`` revenue against ``target`` by a tier table.

    ``mode`` is ``graduated`` or ``retroactive``; ``bands`` lists the bands reached, from the
    first to the one the attainment falls in (retroactive: that one only, on all the revenue).
    """
    _digits(digits)
    if mode not in MODES:
        raise ValueError(f"unknown commission mode {mode!r}")
    problems = tier_problems(tiers)
    if problems:
        raise ValueError(f"invalid commission tiers: {', '.join(problems)}")
    if target is None or _frac(target) <= 0:
        raise ValueError(f"the target must be positive, got {target!r}")
    revenue, goal = _not_negative(credited, "credited revenue"), _frac(target)
    threshold = _not_negative(threshold_pct, "threshold_pct")
    cap_units = None if cap is None else _units(_not_negative(cap, "cap"), digits)

    attained = revenue * 100 / goal
    rows = _sorted_tiers(tiers)
    reached = max(i for i, t in enumerate(rows) if _frac(t.lower_pct) <= attained)
    scale = 10**digits

    def line(tier, base_units):
        payout = _units(Fraction(base_units, scale) * _frac(tier.rate_pct) / 100, digits)
        return Band(tier, _money(base_units, digits), _money(payout, digits)), payout

    if mode == RETROACTIVE:
        lines = [line(rows[reached], _units(revenue, digits))]
    else:
        edges = [_frac(t.lower_pct) * goal / 100 for t in rows[1:]]
        tops = [_units(min(revenue, edge), digits) for edge in edges[:reached]]
        tops.append(_units(revenue, digits))
        bottoms = [0, *tops[:-1]]
        lines = [
            line(tier, top - bottom)
            for tier, top, bottom in zip(rows[: reached + 1], tops, bottoms, strict=True)
        ]
    gross = sum(units for _band, units in lines)
    below = attained < threshold
    payout = 0 if below else gross
    capped = cap_units is not None and payout > cap_units
    if capped:
        payout = cap_units
    return Commission(
        attainment_pct=_round(attained),
        bands=tuple(band for band, _units_paid in lines),
        gross=_money(gross, digits),
        payout=_money(payout, digits),
        capped=capped,
        below_threshold=below,
    )


def commission_lines(deals, target, tiers, mode, threshold_pct=0.0, cap=None, digits=2):
    """``(commission, pieces)``: the commission on the deals' total credit and its
    statement lines. ``deals``: ``(key, credited)`` pairs in the order they fill the bands."""
    rows = [(key, _units_not_negative(amount, digits, "a deal credit")) for key, amount in deals]
    total = Fraction(sum(units for _key, units in rows), 10**digits)
    result = commission(total, target, tiers, mode, threshold_pct, cap, digits)
    raw = []  # (key, tier, base units)
    if mode == RETROACTIVE:
        raw = [(key, result.bands[0].tier, units) for key, units in rows]
    else:
        start, done = 0, 0  # the band's first unit; the units of credit already placed
        bands = []
        for band in result.bands:
            size = _units(band.base, digits)
            bands.append((band.tier, start, start + size))
            start += size
        for key, units in rows:
            if not units:  # a deal credited nothing: a line of 0 in the band it stands in
                tier = next((t for t, low, high in bands if low <= done < high), bands[-1][0])
                raw.append((key, tier, 0))
                continue
            for tier, low, high in bands:
                part = min(done + units, high) - max(done, low)
                if part > 0:
                    raw.append((key, tier, part))
            done += units
    pieces_of = {}
    for band in result.bands:
        mine = [i for i, (_key, tier, _units_) in enumerate(raw) if tier == band.tier]
        if mine:
            shares = split_amount(band.payout, [raw[i][2] for i in mine], digits)
            pieces_of.update(zip(mine, shares, strict=True))
    gross = [pieces_of.get(i, 0.0) for i in range(len(raw))]
    if result.payout != result.gross and raw:
        paid = split_amount(result.payout, gross, digits) if result.payout else [0.0] * len(raw)
    else:
        paid = gross
    return result, [
        Piece(key, tier, _money(units, digits), g, p)
        for (key, tier, units), g, p in zip(raw, gross, paid, strict=True)
    ]


def clawback(payout, already_clawed_back=False):
    """What a clawback line pays for an original line that paid ``payout``: its opposite,
    once (0.0 when it was taken back before)."""
    if already_clawed_back:
        return 0.0
    return -_round(payout) if payout else 0.0


# -- KPI bonus ------------------------------------------------------------------------------


def payout_curve_problems(curve):
    """Why a KPI payout curve of ``(score, payout %)`` points is invalid (empty: valid).

    ``empty``; ``not_increasing``: scores not strictly increasing; ``score_out_of_range``:
    a score not within 0..100; ``payout_out_of_range``: a payout % not within 0..150.
    """
    points = [(_frac(score), _frac(pct)) for score, pct in curve]
    checks = [
        ("empty", not points),
        ("not_increasing", any(b[0] <= a[0] for a, b in pairwise(points))),
        ("score_out_of_range", any(not SCORE_MIN <= s <= SCORE_MAX for s, _p in points)),
        ("payout_out_of_range", any(not PAYOUT_PCT_MIN <= p <= PAYOUT_PCT_MAX for _s, p in points)),
    ]
    return [code for code, failed in checks if failed]


def payout_pct(curve, score):
    """The payout % for a review ``score`` (0-100): linear between points, flat outside."""
    problems = payout_curve_problems(curve)
    if problems:
        raise ValueError(f"invalid payout curve: {', '.join(problems)}")
    x = _pct(score, "the review score", SCORE_MAX)
    points = [(_frac(s), _frac(p)) for s, p in curve]
    if x <= points[0][0]:
        return _round(points[0][1])
    for (x0, y0), (x1, y1) in pairwise(points):
        if x <= x1:
            return _round(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
    return _round(points[-1][1])


def kpi_bonus(target_bonus, score, curve, digits=2):
    """``target_bonus`` x the (rounded) payout % of ``score`` / 100, rounded half-up."""
    _digits(digits)
    bonus = _not_negative(target_bonus, "the target bonus")
    return _round(bonus * _frac(payout_pct(curve, score)) / 100, digits)


# -- credit split ---------------------------------------------------------------------------


def split_credit(amount, shares_pct, digits=2):
    """Share ``amount`` by positive percentages adding up to 100; the pieces re-sum exactly."""
    if len(shares_pct) == 1 and shares_pct[0] == 100:  # the usual deal: one person, in full
        units = _units_not_negative(amount, _digits(digits), "the total to split")
        return [units / 10**digits]
    if any(_frac(share) <= 0 for share in shares_pct):
        raise ValueError("credit shares must be positive")
    if not shares_pct or weights_problems(shares_pct):
        raise ValueError("credit shares must add up to 100")
    return split_amount(amount, shares_pct, digits)


# -- draw -----------------------------------------------------------------------------------


def draw(earned, draw_amount, recoverable, balance_before=0.0, digits=2):
    """One period of a draw: ``(payout, balance_after)``, the balance being what is owed."""
    _digits(digits)
    earned = _not_negative(earned, "earnings")
    advance = _not_negative(draw_amount, "the draw")
    balance = _not_negative(balance_before, "the draw balance")
    if not recoverable:
        return _round(max(earned, advance), digits), _round(balance, digits)
    recovered = min(balance, max(earned - advance, 0))
    payout = max(earned - recovered, advance)
    after = balance - recovered + max(advance - earned, 0)
    return _round(payout, digits), _round(after, digits)


# -- quarter-end pushing --------------------------------------------------------------------


def quarter_end_credit(
    deals, quarter_start, quarter_end, last_days, share_pct, reduced_rate_pct, digits=2
):
    """Credit of the quarter's deals, those of its last days limited to a share of it.

    ``deals``: iterable of ``(key, date_closed, amount)``. Returns ``{key: (full_part,
    reduced_part, credited)}`` for every deal closed within ``quarter_start..quarter_end``.
    """
    _digits(digits)
    if quarter_end < quarter_start:
        raise ValueError(f"the quarter ends ({quarter_end}) before it starts ({quarter_start})")
    if not isinstance(last_days, int) or last_days < 0:
        raise ValueError(f"last_days must be a whole number of days >= 0, got {last_days!r}")
    share = _pct(share_pct, "share_pct")
    rate = _pct(reduced_rate_pct, "reduced_rate_pct")
    rows = [(key, closed, _not_negative(amount, "a deal amount")) for key, closed, amount in deals]
    keys = [key for key, _closed, _amount in rows]
    if len(set(keys)) != len(keys):
        raise ValueError("deal keys must be unique")
    in_quarter = [row for row in rows if quarter_start <= row[1] <= quarter_end]
    window_start = quarter_end - timedelta(days=last_days - 1) if last_days else None
    allowance = Fraction(
        _units(sum(amount for _key, _closed, amount in in_quarter) * share / 100, digits),
        10**digits,
    )
    parts = {key: (amount, Fraction(0)) for key, _closed, amount in in_quarter}
    if window_start is not None:
        window = [row for row in in_quarter if row[1] >= window_start]
        for key, _closed, amount in sorted(window, key=lambda row: (row[1], row[0])):
            full = min(amount, allowance)
            allowance -= full
            parts[key] = (full, amount - full)
    return {
        key: (
            _round(full, digits),
            _round(reduced, digits),
            _round(full + reduced * rate / 100, digits),
        )
        for key, (full, reduced) in parts.items()
    }
