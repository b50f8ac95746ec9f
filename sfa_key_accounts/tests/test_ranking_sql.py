"""The 80/20 selection ranks in SQL (wizard ``_store_ranking``) what the engine's
``rank_accounts`` specifies: the same rows on random customer sets, ties, customers without
revenue and both tiering rules included."""

import random
from datetime import date, datetime

from odoo.tests import tagged
from odoo.tools import float_round

from odoo.addons.sfa_key_accounts.engine import ranking

from .common import SfaCommon


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
        Tier = self.env["sfa.key.account.tier"]
        Tier.search([("company_id", "=", company.id)]).unlink()
        cuts = (20, 50, 100) if rule == ranking.CUSTOMER_SHARE else (80, 95, 100)
        tiers = Tier.create(
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
                    wizard = (
                        self.env["sfa.key.account.selection"]
                        .with_company(company)
                        .create(
                            {
                                "company_id": company.id,
                                "date_from": date(2026, 1, 1),
                                "date_to": date(2026, 12, 31),
                            }
                        )
                    )
                    wizard.action_compute()
                    got = {
                        line.partner_id.id: (
                            line.rank,
                            line.revenue,
                            line.share,
                            line.cumulative_share,
                            line.proposed_tier_id.id,
                        )
                        for line in wizard.line_ids
                    }
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
