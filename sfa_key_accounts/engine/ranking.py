"""80/20 ranking of customers by revenue and their tiering (docs/method.md §1.1).

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
"""

from dataclasses import dataclass
from itertools import pairwise

CUSTOMER_SHARE = "customer_share"
REVENUE_SHARE = "revenue_share"
RULES = (CUSTOMER_SHARE, REVENUE_SHARE)

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
