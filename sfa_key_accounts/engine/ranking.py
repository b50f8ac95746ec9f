"""80/20 ranking of customers by revenue (or by a weighted score) and their tiering
(docs/method.md §1.1).

A tier set is an ordered list of cumulative cut-offs, e.g. the customer pyramid
main 1% / big 5% / ordinary 20% / small 100% of customers, or the revenue cut-offs
80% / 95% / 100% of cumulative revenue.

Rules, in one place:

* Customers are ranked by revenue, highest first; equal revenue ties share a rank
  (competition ranking 1, 2, 2, 4) and are listed by their tie-break key.
* A customer falls in the first tier that is still open when its turn comes: the first
  tier whose threshold is above the cumulative share of the customers ranked *above* it.
  With the pyramid on 100 customers this gives exactly 1 / 4 / 15 / 80 customers; with
  80/95/100 revenue cut-offs the customer that crosses 80% still belongs to the first tier.
* Customers tied on revenue always get the same tier (the tier of the first of them), so
  the order of a tie never decides a tier.
* Customers with no (or negative) revenue are ranked after all others, count for no share,
  and fall in the last tier.

Evaluation criteria (考评指标体系), optional: with a weight on any criterion other than
revenue (:func:`rank_by_criteria`), customers are ranked by a **score** instead of revenue,
and every rule above reads "score" for "revenue" (the revenue-share rule then cuts the
cumulative share of the total score). The score of a customer is

    score = 100 * sum(weight(c) * normalised(c)) / sum(weight(c))

over the criteria in :data:`CRITERIA` order, the terms of weight 0 left out, where
``normalised(c)`` scales the criterion to 0-1 among the customers ranked: value / the highest
value (negative values count as 0; 0 when nobody has more than 0), and for the sales cycle,
where shorter is better, (longest - own) / longest (1 when the longest is 0 days; 0 for a
customer with no won deal, who has no cycle). With every weight but revenue's at 0 the
ranking is the revenue ranking above, unchanged.
"""

from dataclasses import dataclass, replace
from itertools import pairwise

CUSTOMER_SHARE = "customer_share"
REVENUE_SHARE = "revenue_share"
RULES = (CUSTOMER_SHARE, REVENUE_SHARE)

# Criteria of the score, in the order their terms are summed. Revenue: won revenue in the
# period; order count: won deals in the period; deal size: average won deal (revenue / order
# count, the addon's reading of "purchase volume"); sales cycle: average days from creation to
# won date of those deals; the non-monetary value (非货币价值): years of loyalty, tolerance of
# our mistakes (0-5), advice given (0-5), referrals (count).
REVENUE = "revenue"
ORDER_COUNT = "order_count"
DEAL_SIZE = "deal_size"
SALES_CYCLE = "sales_cycle"
LOYALTY = "loyalty_years"
TOLERANCE = "tolerance"
ADVICE = "advice"
REFERRALS = "referrals"
CRITERIA = (REVENUE, ORDER_COUNT, DEAL_SIZE, SALES_CYCLE, LOYALTY, TOLERANCE, ADVICE, REFERRALS)
LOWER_IS_BETTER = frozenset({SALES_CYCLE})
REVENUE_ONLY = {REVENUE: 100}

_EPSILON = 1e-9


@dataclass(frozen=True)
class Tier:
    """A tier of a tier set: ``threshold_pct`` is the cumulative percentage where it ends."""

    key: object
    threshold_pct: float


@dataclass(frozen=True)
class Ranked:
    """One customer of the ranking. Shares are percentages (0-100), not rounded."""

    key: object
    revenue: float
    rank: int
    share: float
    cumulative_share: float
    tier_key: object
    # the score ranked on (0-100), None in a revenue ranking; shares are then of the score
    score: float | None = None


def tier_set_problems(thresholds):
    """Why a tier set (thresholds in sequence order) is invalid, as a list of codes.

    ``out_of_range``: a threshold not in (0, 100]; ``not_increasing``: thresholds overlap
    (not strictly increasing in sequence order); ``not_complete``: the last tier does not end
    at 100%, so some customers would have no tier. An empty list means valid.
    """
    problems = []
    if any(not (0 < t <= 100) for t in thresholds):
        problems.append("out_of_range")
    if any(b <= a for a, b in pairwise(thresholds)):
        problems.append("not_increasing")
    if thresholds and abs(thresholds[-1] - 100) > _EPSILON:
        problems.append("not_complete")
    return problems


def tier_for(cumulative_above_pct, tiers):
    """The key of the first tier still open after ``cumulative_above_pct`` percent."""
    for tier in tiers:
        if cumulative_above_pct + _EPSILON < tier.threshold_pct:
            return tier.key
    return tiers[-1].key


def rank_accounts(revenues, tiers, rule=REVENUE_SHARE):
    """Rank customers and propose their tiers.

    :param revenues: iterable of ``(key, revenue, tie_break)``; ``tie_break`` orders customers
        of equal revenue (e.g. their name) and must be comparable.
    :param tiers: list of :class:`Tier` in sequence order (a valid tier set).
    :param rule: :data:`CUSTOMER_SHARE` or :data:`REVENUE_SHARE`.
    :return: list of :class:`Ranked`, best first.
    """
    if rule not in RULES:
        raise ValueError(f"unknown tiering rule {rule!r}")
    if not tiers:
        raise ValueError("a ranking needs at least one tier")
    rows = list(revenues)
    positive = sorted((r for r in rows if r[1] > 0), key=lambda r: (-r[1], r[2]))
    rest = sorted((r for r in rows if not r[1] > 0), key=lambda r: r[2])
    total = sum(r[1] for r in positive)
    count = len(positive)

    result = []
    cumulative = 0.0
    rank = tier_key = None
    for index, (key, revenue, _tie) in enumerate(positive):
        if index == 0 or revenue != positive[index - 1][1]:
            rank = index + 1
            above = index * 100.0 / count if rule == CUSTOMER_SHARE else cumulative * 100.0 / total
            tier_key = tier_for(above, tiers)
        cumulative += revenue
        result.append(
            Ranked(
                key, revenue, rank, revenue * 100.0 / total, cumulative * 100.0 / total, tier_key
            )
        )
    last = tiers[-1].key
    for key, revenue, _tie in rest:
        result.append(Ranked(key, revenue, count + 1, 0.0, 100.0 if count else 0.0, last))
    return result


def concentration(ranked):
    """Points of the concentration (Pareto) curve: (share of customers %, share of revenue %)."""
    scored = [r for r in ranked if r.revenue > 0]
    n = len(scored)
    return [(100.0 * (i + 1) / n, r.cumulative_share) for i, r in enumerate(scored)]


def weight_problems(weights):
    """Why criteria weights (``{criterion: weight}``) are invalid, as a list of codes:
    ``negative`` (a weight below 0), ``all_zero`` (nothing to rank on). Empty list: valid."""
    unknown = set(weights) - set(CRITERIA)
    if unknown:
        raise ValueError(f"unknown criteria {sorted(unknown)!r}")
    problems = []
    if any(w < 0 for w in weights.values()):
        problems.append("negative")
    if not any(w > 0 for w in weights.values()):
        problems.append("all_zero")
    return problems


def is_scored(weights):
    """Whether these weights rank by score: a criterion other than revenue has a weight."""
    return any(weights.get(c) for c in CRITERIA if c != REVENUE)


def loyalty_years(since, as_of):
    """Completed years from ``since`` to ``as_of`` (dates), 0 when either is missing or
    ``since`` is later (PostgreSQL: ``EXTRACT(YEAR FROM age(as_of, since))``)."""
    if not since or not as_of:
        return 0
    years = as_of.year - since.year - ((as_of.month, as_of.day) < (since.month, since.day))
    return max(years, 0)


def normalised(values, lower_is_better=False):
    """``{key: value or None}`` scaled to 0-1 among these customers (see the module doc)."""
    known = [max(v, 0) for v in values.values() if v is not None]
    top = max(known, default=0)
    if lower_is_better:
        return {
            k: 0.0 if v is None else 1.0 if top == 0 else (top - max(v, 0)) / top
            for k, v in values.items()
        }
    return {k: 0.0 if v is None or top == 0 else max(v, 0) / top for k, v in values.items()}


def scores(criteria, weights):
    """``{key: {criterion: value or None}}`` -> ``{key: score}`` (0-100, see the module doc)."""
    problems = weight_problems(weights)
    if problems:
        raise ValueError(f"invalid weights: {problems}")
    used = [c for c in CRITERIA if weights.get(c)]
    scaled = {
        c: normalised({k: row.get(c) for k, row in criteria.items()}, c in LOWER_IS_BETTER)
        for c in used
    }
    weight_sum = sum(weights[c] for c in used)
    result = {}
    for key in criteria:
        total = 0.0
        for c in used:
            total += weights[c] * scaled[c][key]
        result[key] = total * 100.0 / weight_sum
    return result


def rank_by_criteria(rows, tiers, rule=REVENUE_SHARE, weights=None):
    """Rank customers on weighted criteria and propose their tiers.

    :param rows: iterable of ``(key, criteria, tie_break)``, ``criteria`` a dict
        ``{criterion: value or None}`` (missing: None; revenue: 0).
    :param weights: ``{criterion: weight}``, default revenue only. Revenue only (whatever its
        weight) is exactly :func:`rank_accounts` on revenue; otherwise customers are ranked on
        their :func:`scores` and :attr:`Ranked.score` holds it (``revenue`` stays the revenue,
        shares are of the score).
    """
    weights = REVENUE_ONLY if weights is None else weights
    problems = weight_problems(weights)
    if problems:
        raise ValueError(f"invalid weights: {problems}")
    rows = list(rows)
    revenue = {key: criteria.get(REVENUE) or 0 for key, criteria, _tie in rows}
    if not is_scored(weights):
        return rank_accounts(((key, revenue[key], tie) for key, _c, tie in rows), tiers, rule)
    score = scores({key: criteria for key, criteria, _tie in rows}, weights)
    ranked = rank_accounts(((key, score[key], tie) for key, _c, tie in rows), tiers, rule)
    return [replace(r, revenue=revenue[r.key], score=r.revenue) for r in ranked]
