"""The 80/20 selection ranks in SQL (wizard ``_store_ranking``) what the engine's
``rank_accounts`` specifies: the same rows on random customer sets, ties, customers without
revenue and both tiering rules included."""

import random
from datetime import date, datetime, timedelta

from odoo.tests import tagged
from odoo.tools import float_round

from odoo.addons.sfa_key_accounts.engine import ranking
from odoo.addons.sfa_key_accounts.wizard.sfa_key_account_selection import WEIGHT_FIELDS

from .common import SfaCommon


def _tier_set(env, company, rule):
    """Three tiers of ``company`` on ``rule``: 20/50/100 % of customers or 80/95/100 %."""
    Tier = env["sfa.key.account.tier"]
    Tier.search([("company_id", "=", company.id)]).unlink()
    cuts = (20, 50, 100) if rule == ranking.CUSTOMER_SHARE else (80, 95, 100)
    return Tier.create(
        [
            {
                "name": f"T{n}",
                "sequence": n,
                "rule": rule,
                "threshold_pct": pct,
                "is_key": n < 2,
                "company_id": company.id,
            }
            for n, pct in enumerate(cuts)
        ]
    )


def _computed(env, company, **vals):
    """The 80/20 preview of ``company`` over 2026, computed."""
    wizard = (
        env["sfa.key.account.selection"]
        .with_company(company)
        .create(
            {
                "company_id": company.id,
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 12, 31),
                **vals,
            }
        )
    )
    wizard.action_compute()
    return wizard


def _figures(line):
    return (
        line.rank,
        line.revenue,
        line.share,
        line.cumulative_share,
        line.proposed_tier_id.id,
    )


@tagged("post_install", "-at_install")
class TestRankingSqlMatchesEngine(SfaCommon):
    def _random_set(self, rng, size, rule):
        company = self.env["res.company"].create({"name": f"Ranking {rule} {size}"})
        names = [f"Customer {rng.choice('ABCab')}{i:03d}" for i in range(size)]
        partners = self.env["res.partner"].create(
            [{"name": name, "is_company": True, "company_id": company.id} for name in names]
        )
        amounts = [rng.choice((0, 100, 100, 250.5, 999.99, 1000, 5000, 12345.67)) for _ in names]
        self.env["crm.lead"].create(
            [
                {
                    "name": f"Won {i}",
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "expected_revenue": amount,
                    "stage_id": self.stage_won.id,
                    "date_closed": datetime(2026, 3, 1, 12, 0),
                    "company_id": company.id,
                }
                for i, (partner, amount) in enumerate(zip(partners, amounts, strict=True))
                if amount
            ]
        )
        tiers = _tier_set(self.env, company, rule)
        # a tiered customer without revenue stays in the ranking (last tier)
        idle = self.env["res.partner"].create({"name": "Idle", "is_company": True})
        self.env["sfa.key.account"].create(
            {"partner_id": idle.id, "company_id": company.id, "tier_id": tiers[0].id}
        )
        revenue = dict.fromkeys(partners.ids, 0.0)
        for partner, amount in zip(partners, amounts, strict=True):
            revenue[partner.id] += amount
        revenue = {pid: amount for pid, amount in revenue.items() if amount}
        rows = [(p.id, revenue[p.id], (p.name, p.id)) for p in partners if p.id in revenue]
        rows.append((idle.id, 0.0, ("Idle", idle.id)))
        return company, tiers, rows

    def test_sql_ranking_equals_engine(self):
        rng = random.Random(20261203)
        for rule in (ranking.REVENUE_SHARE, ranking.CUSTOMER_SHARE):
            for size in (1, 7, 60):
                with self.subTest(rule=rule, size=size):
                    company, tiers, rows = self._random_set(rng, size, rule)
                    expected = ranking.rank_accounts(rows, tiers._engine_tiers(), rule)
                    wizard = _computed(self.env, company)
                    got = {line.partner_id.id: _figures(line) for line in wizard.line_ids}
                    want = {
                        row.key: (
                            row.rank,
                            row.revenue,
                            float_round(row.share, 2),
                            float_round(row.cumulative_share, 2),
                            row.tier_key,
                        )
                        for row in expected
                    }
                    self.assertEqual(got, want)
                    self.assertEqual(
                        wizard.total_revenue,
                        float_round(sum(r.revenue for r in expected if r.revenue > 0), 2),
                    )


@tagged("post_install", "-at_install")
class TestScoredRankingSqlMatchesEngine(SfaCommon):
    """With evaluation criteria (考评指标体系) weighted, the SQL score and ranking are the
    engine's ``rank_by_criteria`` on the criteria worked out here in Python from the data."""

    PERIOD = (date(2026, 1, 1), date(2026, 12, 31))  # the period of _computed

    def _random_set(self, rng, size, rule):
        company = self.env["res.company"].create({"name": f"Scored {rule} {size}"})
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"Customer {rng.choice('ABCab')}{i:03d}",
                    "is_company": True,
                    "company_id": company.id,
                }
                for i in range(size)
            ]
        )
        # amounts whose sums are exact in floating point, as in numeric
        amounts = (100, 250.5, 999.25, 1000, 5000, 12345.75)
        deals = []  # (partner, amount, closed, age in days at closing)
        for partner in partners:
            for _n in range(rng.choice((0, 1, 1, 2, 3))):
                closed = datetime(2026, rng.randint(1, 12), rng.randint(1, 28), 9, 0)
                deals.append((partner, rng.choice(amounts), closed, rng.randint(-3, 200)))
            if rng.random() < 0.3:  # an older deal: only the years of loyalty see it
                closed = datetime(rng.randint(2015, 2025), 3, 1, 9, 0)
                deals.append((partner, rng.choice(amounts), closed, rng.randint(0, 50)))
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": f"Won {i}",
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "expected_revenue": amount,
                    "stage_id": self.stage_won.id,
                    "date_closed": closed,
                    "company_id": company.id,
                }
                for i, (partner, amount, closed, _age) in enumerate(deals)
            ]
        )
        for lead, (_p, _a, closed, age) in zip(leads, deals, strict=True):
            self.env.cr.execute(
                "UPDATE crm_lead SET create_date = %s WHERE id = %s",
                (closed - timedelta(days=age, hours=3), lead.id),
            )
        leads.invalidate_recordset(["create_date"])
        tiers = _tier_set(self.env, company, rule)
        # key accounts with the non-monetary value filled in for some customers, and a tiered
        # one without revenue (ranked on its non-monetary value alone)
        idle = self.env["res.partner"].create({"name": "Idle", "is_company": True})
        value = {}
        for partner in (*partners, idle):
            if partner != idle and rng.random() < 0.4:
                continue
            value[partner.id] = {
                "customer_since": rng.choice((False, date(rng.randint(2010, 2027), 6, 30))),
                "tolerance_score": rng.randint(0, 5),
                "advice_score": rng.randint(0, 5),
                "referral_count": rng.randint(0, 4),
            }
        self.env["sfa.key.account"].create(
            [
                {
                    "partner_id": pid,
                    "company_id": company.id,
                    "tier_id": tiers[0].id if pid == idle.id else False,
                    **vals,
                }
                for pid, vals in value.items()
            ]
        )
        # the engine's criteria, worked out from the data above
        start, end = self.PERIOD
        rows = []
        for partner in (*partners, idle):
            mine = [d for d in deals if d[0] == partner]
            won = [d for d in mine if start <= d[2].date() <= end]
            if not won and partner != idle:
                continue
            revenue = sum(d[1] for d in won)
            cycle = sum(
                max((d[2].date() - (d[2] - timedelta(days=d[3], hours=3)).date()).days, 0)
                for d in won
            )
            vals = value.get(partner.id, {})
            first = min((d[2].date() for d in mine), default=None)
            rows.append(
                (
                    partner.id,
                    {
                        "revenue": float(revenue),
                        "order_count": len(won),
                        "deal_size": revenue / len(won) if won else None,
                        "sales_cycle": cycle / len(won) if won else None,
                        "loyalty_years": ranking.loyalty_years(
                            vals.get("customer_since") or first, end
                        ),
                        "tolerance": vals.get("tolerance_score", 0),
                        "advice": vals.get("advice_score", 0),
                        "referrals": vals.get("referral_count", 0),
                    },
                    (partner.name, partner.id),
                )
            )
        return company, tiers, rows

    def test_scored_sql_ranking_equals_engine(self):
        rng = random.Random(20260412)
        weight_sets = (
            {"weight_revenue": 50, "weight_sales_cycle": 50},
            {
                "weight_revenue": 0,
                "weight_loyalty": 1,
                "weight_tolerance": 1,
                "weight_advice": 1,
                "weight_referrals": 1,
            },
            {
                "weight_revenue": 60,
                "weight_order_count": 10,
                "weight_deal_size": 10,
                "weight_sales_cycle": 5,
                "weight_loyalty": 5,
                "weight_tolerance": 3,
                "weight_advice": 3,
                "weight_referrals": 4,
            },
        )
        fields_of = {v: k for k, v in WEIGHT_FIELDS.items()}
        for rule in (ranking.REVENUE_SHARE, ranking.CUSTOMER_SHARE):
            for size, weight_vals in zip((7, 40, 60), weight_sets, strict=True):
                with self.subTest(rule=rule, size=size):
                    company, tiers, rows = self._random_set(rng, size, rule)
                    weights = dict.fromkeys(ranking.CRITERIA, 0)
                    weights.update({fields_of[f]: w for f, w in weight_vals.items()})
                    expected = ranking.rank_by_criteria(rows, tiers._engine_tiers(), rule, weights)
                    criteria = {key: c for key, c, _tie in rows}
                    wizard = _computed(self.env, company, **weight_vals)
                    self.assertTrue(wizard.scored)
                    got = {
                        line.partner_id.id: (
                            *_figures(line),
                            line.score,
                            line.order_count,
                            line.deal_size,
                            line.sales_cycle,
                            line.loyalty_years,
                            line.tolerance,
                            line.advice,
                            line.referrals,
                        )
                        for line in wizard.line_ids
                    }
                    want = {}
                    for row in expected:
                        c = criteria[row.key]
                        want[row.key] = (
                            row.rank,
                            row.revenue,
                            float_round(row.share, 2),
                            float_round(row.cumulative_share, 2),
                            row.tier_key,
                            float_round(row.score, 2),
                            c["order_count"],
                            float_round(c["deal_size"] or 0, 2),
                            float_round(c["sales_cycle"] or 0, 1),
                            c["loyalty_years"] if weights["loyalty_years"] else 0,
                            c["tolerance"],
                            c["advice"],
                            c["referrals"],
                        )
                    self.assertEqual(got, want)
