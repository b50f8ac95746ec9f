"""Sales targets read from the CRM, split and adjusted, against figures worked out by hand.

The team East (leader Lee, members Rita and Bo) sold, all won unless said:
    2025-02-10  Alpha (China)    1,000  Rita
    2025-08-01  Beta  (Germany)  3,000  Bo
    2026-01-20  Alpha            2,000  Rita
    2026-03-01  Alpha            lost   Rita
    2026-05-05  Beta             500    Rita   product line "Pumps"
    2026-02-01  Gamma            4,000  Bo     Gamma's first win ever
"""

import random
from datetime import date, datetime, timedelta
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.sfa_key_accounts.models import sfa_sales_target
from odoo.addons.sfa_key_accounts.models.sfa_sales_target import (
    FIGURE_FIELDS,
    MEASURE_SELECTION,
    figures_sql,
    spec_values_sql,
)

from .common import SfaCommon


class SfaTargetCommon(SfaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.user_leader = cls._user("sfa_leader", "Lee Leader", "sales_team.group_sale_salesman")
        cls.user_bo = cls._user("sfa_bo", "Bo Seller", "sales_team.group_sale_salesman")
        cls.team = env["crm.team"].create(
            {
                "name": "East",
                "company_id": cls.company.id,
                "user_id": cls.user_leader.id,
                "member_ids": [(6, 0, (cls.user_rep | cls.user_bo).ids)],
            }
        )
        cls.china, cls.germany = env.ref("base.cn"), env.ref("base.de")
        cls.alpha, cls.beta, cls.gamma = cls._customers("Alpha", "Beta", "Gamma")
        cls.alpha.country_id = cls.china
        cls.beta.country_id = cls.germany
        cls.pumps = env["crm.tag"].create({"name": "Pumps"})
        deal = {"team_id": cls.team.id}
        cls._won(cls.alpha, 1000, "2025-02-10", user_id=cls.user_rep.id, **deal)
        cls._won(cls.beta, 3000, "2025-08-01", user_id=cls.user_bo.id, **deal)
        cls._won(cls.alpha, 2000, "2026-01-20", user_id=cls.user_rep.id, **deal)
        cls._won(
            cls.beta,
            500,
            "2026-05-05",
            user_id=cls.user_rep.id,
            tag_ids=[(6, 0, cls.pumps.ids)],
            **deal,
        )
        cls._won(cls.gamma, 4000, "2026-02-01", user_id=cls.user_bo.id, **deal)
        lost = cls.env["crm.lead"].create(
            {
                "name": "Lost Alpha",
                "type": "opportunity",
                "partner_id": cls.alpha.id,
                "user_id": cls.user_rep.id,
                "team_id": cls.team.id,
                "company_id": cls.company.id,
                "expected_revenue": 9999,
            }
        )
        lost.action_set_lost()
        lost.date_closed = datetime(2026, 3, 1, 10)
        cls.Target = env["sfa.sales.target"].with_company(cls.company)

    @classmethod
    def _target(cls, name="East 2026", amount=12000, confirm=True, **vals):
        values = {
            "name": name,
            "company_id": cls.company.id,
            "team_id": cls.team.id,
            "date_from": "2026-01-01",
            "date_to": "2026-12-31",
            "measure": "won_revenue",
            "amount": amount,
            **vals,
        }
        target = cls.Target.create(values)
        if confirm:
            target.action_confirm()
        return target

    def _split(self, target, **vals):
        wizard = self.env["sfa.sales.target.split"].create({"target_id": target.id, **vals})
        wizard.action_apply()
        return target.child_ids.sorted(lambda t: (t.date_from, t.user_id.name or ""))

    def _adjust(self, target, new_amount, rebalance="siblings", user=None):
        Adjust = self.env["sfa.sales.target.adjust"]
        if user:
            Adjust = Adjust.with_user(user)
        Adjust.create(
            {
                "target_id": target.id,
                "new_amount": new_amount,
                "reason": "market",
                "note": "A new competitor in the south",
                "rebalance": rebalance,
            }
        ).action_apply()


@tagged("post_install", "-at_install")
class TestTargetFigures(SfaTargetCommon):
    def test_team_revenue_attainment_and_growth(self):
        target = self._target()
        # 2,000 + 500 + 4,000 won in 2026; 1,000 + 3,000 in 2025
        self.assertEqual(target.achieved_amount, 6500.0)
        self.assertEqual(target.last_year_amount, 4000.0)
        self.assertEqual(target.attainment, 54.17)  # 6,500 / 12,000
        self.assertEqual(target.growth, 62.5)  # (6,500 - 4,000) / 4,000

    def test_personal_measures(self):
        rita = {"user_id": self.user_rep.id}
        revenue = self._target("Rita revenue", 5000, **rita)
        count = self._target("Rita deals", 4, measure="won_count", **rita)
        rate = self._target("Rita win rate", 50, measure="win_rate", **rita)
        self.assertEqual(revenue.achieved_amount, 2500.0)  # 2,000 + 500
        self.assertEqual(revenue.attainment, 50.0)
        self.assertEqual(count.achieved_amount, 2.0)
        self.assertEqual(rate.achieved_amount, 66.67)  # 2 won / (2 won + 1 lost)
        self.assertEqual(rate.attainment, 133.33)  # 66.666... / 50

    def test_new_customers_count_first_wins_only(self):
        target = self._target("New logos", 3, measure="new_customers")
        # Alpha and Beta first won in 2025; only Gamma is new in 2026
        self.assertEqual(target.achieved_amount, 1.0)
        self.assertEqual(target.last_year_amount, 2.0)  # Alpha and Beta in 2025

    def test_dimensions(self):
        china = self._target("China", 3000, dimension="region", country_id=self.china.id)
        pumps = self._target("Pumps", 1000, dimension="product", tag_id=self.pumps.id)
        self.assertEqual((china.achieved_amount, china.last_year_amount), (2000.0, 1000.0))
        self.assertEqual((pumps.achieved_amount, pumps.last_year_amount), (500.0, 0.0))
        self.assertEqual(pumps.growth, 0.0)  # nothing last year: no growth figure

    def test_market_share_and_satisfaction(self):
        share = self._target("Share", 10, measure="market_share", market_size=130000)
        self.assertEqual(share.achieved_amount, 5.0)  # 6,500 / 130,000
        sat = self._target("Satisfaction", 4.5, measure="satisfaction")
        Entry = self.env["sfa.sales.target.entry"]
        Entry.create({"target_id": sat.id, "date": "2026-03-31", "value": 4.1})
        Entry.create({"target_id": sat.id, "date": "2026-06-30", "value": 4.3})
        Entry.create({"target_id": sat.id, "date": "2027-01-15", "value": 1.0})  # next period
        sat.invalidate_recordset()
        self.assertEqual(sat.achieved_amount, 4.3)  # the latest entry of the period
        with self.assertRaises(ValidationError):
            Entry.create({"target_id": share.id, "date": "2026-03-31", "value": 4})

    def test_pace_of_a_past_period(self):
        target = self._target("East 2025", 5000, date_from="2025-01-01", date_to="2025-12-31")
        # the year is over: all of it was due; 4,000 is 80% of it
        self.assertEqual((target.expected_amount, target.achieved_amount), (5000.0, 4000.0))
        self.assertEqual(target.pace_status, "behind")
        target_risk = self._target(
            "Rita 2025",
            5000,
            date_from="2025-01-01",
            date_to="2025-12-31",
            user_id=self.user_rep.id,
        )
        self.assertEqual(target_risk.pace_status, "at_risk")  # 1,000 of 5,000

    def test_figures_in_constant_queries(self):
        """Attainment of all targets in a number of queries that does not grow with them."""
        small = self._target("Q1", 10, measure="won_count", date_to="2026-03-31")
        many = small | self._target("Rita", 3000, user_id=self.user_rep.id)
        many |= self._target("Bo", 3000, user_id=self.user_bo.id)
        for month in range(1, 10):
            many |= self._target(
                f"M{month}",
                100,
                user_id=self.user_rep.id,
                measure="won_count",
                date_from=f"2026-{month:02d}-01",
                date_to=f"2026-{month:02d}-28",
            )
        for records in (small, many):
            records.invalidate_recordset()
            self.env.invalidate_all()
            with self.assertQueryCount(2):
                records.mapped("attainment")
        self.assertEqual(len(many), 12)

    def _monthly(self, count):
        """``count`` personal targets of Rita and Bo, month by month from January 2025."""
        vals = []
        for i in range(count):
            start = date(2025 + i // 24, i // 2 % 12 + 1, 1)
            vals.append(
                {
                    "name": f"Month {i}",
                    "company_id": self.company.id,
                    "team_id": self.team.id,
                    "user_id": (self.user_rep, self.user_bo)[i % 2].id,
                    "date_from": start,
                    "date_to": start + timedelta(days=27),
                    "measure": "won_revenue",
                    "amount": 1000,
                }
            )
        return self.Target.create(vals)

    def test_figures_read_in_constant_queries(self):
        """Reading the figures of many targets (the list, the analysis) takes the same
        queries for few and many, target by target or summed in one pass over the deals."""
        for summed_from, sizes in ((1000, (2, 12)), (5, (6, 12))):
            with patch.object(sfa_sales_target, "SUMMED_FROM", summed_from):
                counts = []
                for size in sizes:
                    targets = self._monthly(size)
                    self.env.invalidate_all()
                    with self.assertQueryCount(4):
                        rows = self.Target.search([("id", "in", targets.ids)]).read(
                            list(FIGURE_FIELDS)
                        )
                    counts.append(len(rows))
                    targets.unlink()
                self.assertEqual(counts, list(sizes))

    def test_summed_figures_as_hand_worked(self):
        """Summed in one pass (a large batch), the figures are the hand-worked ones."""
        with patch.object(sfa_sales_target, "SUMMED_FROM", 1):
            team = self._target()
            rate = self._target("Rita win rate", 50, measure="win_rate", user_id=self.user_rep.id)
            whole = self._target("All 2026", 10000, team_id=False)
            (team | rate | whole).invalidate_recordset()
            self.assertEqual((team.achieved_amount, team.last_year_amount), (6500.0, 4000.0))
            self.assertEqual((rate.achieved_amount, rate.last_year_amount), (66.67, 100.0))
            self.assertEqual(whole.achieved_amount, 6500.0)

    def test_summed_figures_equal_each_targets_own(self):
        """The one pass over the deals (``figures_sql`` summed) gives each target the figures
        it reads alone, on random owners, measures, dimensions and periods: periods starting
        or ending on a deal's day, longer than a year, of one day, ending before they start."""
        rng = random.Random(20261203)
        owners = (
            {"user_id": self.user_rep.id, "team_id": self.team.id},
            {"user_id": self.user_bo.id},
            {"team_id": self.team.id},
            {},
        )
        dimensions = ({}, {}, {"country_id": self.china.id}, {"tag_id": self.pumps.id})
        deal_days = [date(2025, 2, 10), date(2025, 8, 1), date(2026, 1, 20), date(2026, 3, 1)]
        rows = []
        for key in range(1, 161):
            start = rng.choice(deal_days) if key % 3 == 0 else date(2024, 9, 1)
            start += timedelta(days=rng.randint(-400, 700) if key % 3 else rng.choice((0, 1)))
            length = rng.choice((0, 1, 27, 30, 90, 364, 365, 366, 500, -3))
            rows.append(
                {
                    "key": key,
                    "company_id": self.company.id,
                    **rng.choice(owners),
                    **rng.choice(dimensions),
                    "measure": rng.choice(MEASURE_SELECTION)[0],
                    "date_from": start,
                    "date_to": start + timedelta(days=length),
                    "market_size": rng.choice((0, 130000)),
                }
            )

        def figures(summed):
            self.env.cr.execute(figures_sql(spec_values_sql(rows), summed=summed))
            return {row[0]: row[1:] for row in self.env.cr.fetchall()}

        alone = figures(False)
        self.assertEqual(figures(True), alone)
        self.assertGreater(sum(1 for pair in alone.values() if any(pair)), 40)


@tagged("post_install", "-at_install")
class TestTargetSplit(SfaTargetCommon):
    def test_equal_split_of_an_awkward_amount(self):
        target = self._target("Year", 100000, dimension="none")
        months = self._split(target, split_by="period", period_unit="month", method="equal")
        self.assertEqual(months.mapped("amount"), [8333.34] * 4 + [8333.33] * 8)
        self.assertEqual(months[0].date_from.isoformat(), "2026-01-01")
        self.assertEqual(months[1].date_to.isoformat(), "2026-02-28")
        self.assertTrue(all(m.state == "confirmed" for m in months))
        self.assertIn("Split by Period", target.message_ids[0].body)

    def test_split_by_people_on_last_year_actuals_then_quarters(self):
        team = self._target()
        people = self._split(team, split_by="user", method="actuals")
        # last year: Rita 1,000, Bo 3,000 -> 12,000 in 1:3
        self.assertEqual(
            [(p.user_id, p.amount) for p in people],
            [(self.user_bo, 9000.0), (self.user_rep, 3000.0)],
        )
        self.assertEqual(people.team_id, self.team)
        rita = people.filtered(lambda p: p.user_id == self.user_rep)
        quarters = self._split(rita, split_by="period", method="equal")
        self.assertEqual(quarters.mapped("amount"), [750.0] * 4)
        self.assertEqual(quarters.user_id, self.user_rep)
        # Rita's Q1: 2,000 won; Q2: 500
        self.assertEqual(quarters.mapped("achieved_amount"), [2000.0, 500.0, 0.0, 0.0])
        # the year's pace follows the split (seasonality of the children)
        self.assertEqual(len(rita._seasonality()), 4)
        # the team's matrix: Bo's year, Rita's quarters (2,000 of 750 = 267% green, 500 of
        # 750 = 67% red, nothing yet: red)
        matrix = str(team.matrix_html)
        self.assertEqual(matrix.count("<tr>"), 3)  # the head and two owners
        self.assertIn("2,000 / 750<br>267%", matrix.replace("<br/>", "<br>"))
        self.assertIn("text-bg-success", matrix)
        self.assertIn("text-bg-danger", matrix)
        self.assertIn("Bo Seller", matrix)
        self.assertIn("4,000 / 9,000", matrix)

    def test_seasonality_reads_the_company_last_year(self):
        bo = self._target("Bo 2026", 1000, user_id=self.user_bo.id)
        quarters = self._split(bo, split_by="period", method="seasonality")
        # the company's 2025 by quarter: Q1 1,000 (Rita), Q3 3,000 (Bo)
        self.assertEqual(quarters.mapped("amount"), [250.0, 0.0, 750.0, 0.0])

    def test_split_by_region_proposes_last_year_countries(self):
        target = self._target()
        regions = self._split(target, split_by="region", method="actuals")
        self.assertEqual(regions.mapped("country_id"), self.china | self.germany)
        by_country = {r.country_id: r.amount for r in regions}
        self.assertEqual(by_country, {self.china: 3000.0, self.germany: 9000.0})
        self.assertEqual(set(regions.mapped("dimension")), {"region"})

    def test_split_by_team_and_by_customer_group(self):
        west = self.env["crm.team"].create({"name": "West", "company_id": self.company.id})
        company = self._target("Company 2026", 10000, team_id=False)
        teams = self._split(company, split_by="team", method="actuals")
        by_team = {t.team_id: t.amount for t in teams}
        # East sold 4,000 last year, West nothing; other teams of the company are offered too
        self.assertEqual(by_team[self.team], 10000.0)
        self.assertEqual(by_team[west], 0.0)
        self.assertEqual(sum(by_team.values()), 10000.0)
        self.assertTrue(all(t.owner_type == "team" for t in teams))
        self._make_ka(self.alpha, tier_id=self.tier_a.id)
        east = teams.filtered(lambda t: t.team_id == self.team)
        groups = self._split(east, split_by="segment", method="actuals")
        self.assertEqual(groups.mapped("tier_id"), self.tier_a | self.tier_b | self.tier_c)
        # last year only Alpha (tier A) had a key-account tier: all of it goes to A
        self.assertEqual(
            {g.tier_id: g.amount for g in groups},
            {self.tier_a: 10000.0, self.tier_b: 0.0, self.tier_c: 0.0},
        )
        tier_a = groups.filtered(lambda g: g.tier_id == self.tier_a)
        self.assertEqual(tier_a.achieved_amount, 2000.0)  # Alpha 2026

    def test_analysis_shows_the_form_figures(self):
        team = self._target()
        people = self._split(team, split_by="user", method="equal")
        rows = self.env["sfa.sales.target.analysis"].search([("target_id", "in", people.ids)])
        self.assertEqual(
            sorted((r.user_id.name, r.amount, r.achieved_amount, r.is_leaf) for r in rows),
            [("Bo Seller", 6000.0, 4000.0, True), ("Rita Rep", 6000.0, 2500.0, True)],
        )
        self.assertEqual(
            {r.target_id: round(r.attainment, 2) for r in rows},
            {p: p.attainment for p in people},
        )

    def test_rates_are_copied_not_split(self):
        target = self._target("Win rate", 40, measure="win_rate")
        people = self._split(target, split_by="user", method="equal")
        self.assertEqual(people.mapped("amount"), [40.0, 40.0])

    def test_manual_split_must_add_up(self):
        target = self._target()
        form = Form(self.env["sfa.sales.target.split"].with_context(default_target_id=target.id))
        form.split_by = "user"
        form.method = "manual"
        with form.line_ids.edit(0) as line:
            line.amount = 7000
        with form.line_ids.edit(1) as line:
            line.amount = 4000
        wizard = form.save()
        with self.assertRaisesRegex(ValidationError, "add up to 11000.0, not to the target"):
            wizard.action_apply()
        self.assertFalse(target.child_ids)
        wizard.line_ids[1].amount = 5000
        wizard.action_apply()
        self.assertEqual(sorted(target.child_ids.mapped("amount")), [5000.0, 7000.0])

    def test_only_confirmed_and_unsplit_targets_split(self):
        draft = self._target("Draft", 5, confirm=False, measure="won_count")
        with self.assertRaises(UserError):
            self._split(draft, split_by="period")
        target = self._target("Split once")
        self._split(target, split_by="period")
        with self.assertRaises(UserError):
            self._split(target, split_by="period", period_unit="month")
        self.assertEqual(len(target.child_ids), 4)


@tagged("post_install", "-at_install")
class TestTargetAdjust(SfaTargetCommon):
    def test_adjust_with_siblings_and_the_split_below(self):
        team = self._target()
        people = self._split(team, split_by="user", method="actuals")
        bo, rita = people
        quarters = self._split(rita, split_by="period", method="equal")
        self._adjust(rita, 3500)
        self.assertEqual((rita.amount, bo.amount, team.amount), (3500.0, 8500.0, 12000.0))
        self.assertEqual(quarters.mapped("amount"), [875.0] * 4)
        body = rita.message_ids[0].body
        self.assertIn("3000.0 → 3500.0", body)
        self.assertIn("Market Change", body)
        self.assertIn("A new competitor in the south", body)

    def test_adjust_with_the_parents(self):
        team = self._target()
        bo, rita = self._split(team, split_by="user", method="actuals")
        self._adjust(bo, 9500.5, rebalance="parent")
        self.assertEqual((bo.amount, rita.amount, team.amount), (9500.5, 3000.0, 12500.5))

    def test_siblings_cannot_go_negative(self):
        team = self._target()
        bo, rita = self._split(team, split_by="user", method="actuals")
        with self.assertRaises(ValidationError):
            self._adjust(rita, 13000)
        self.assertEqual((rita.amount, bo.amount), (3000.0, 9000.0))

    def test_no_child_outside_a_split_nor_a_stranger_target(self):
        team = self._target()
        outsider = self._user("sfa_outsider", "Olga Outside", "sales_team.group_sale_salesman")
        Target = self.Target.with_user(self.user_leader)
        vals = {
            "name": "Sneaky",
            "company_id": self.company.id,
            "team_id": self.team.id,
            "date_from": "2026-01-01",
            "date_to": "2026-12-31",
            "amount": 999,
        }
        with self.assertRaises(UserError), self.cr.savepoint():
            Target.create({**vals, "user_id": self.user_rep.id, "parent_id": team.id})
        # a leader sets no target, and reads no figures, of someone outside the team
        with self.assertRaisesRegex(ValidationError, "not a member"), self.cr.savepoint():
            Target.create({**vals, "user_id": outsider.id})
        draft = Target.create({**vals, "user_id": self.user_rep.id, "measure": "won_count"})
        with self.assertRaises(UserError), self.cr.savepoint():
            draft.write({"parent_id": team.id})
        self.assertFalse(team.child_ids)
        # a member may not even see the proposal of a split (colleagues' last-year figures)
        with self.assertRaises(AccessError):
            Form(
                self.env["sfa.sales.target.split"]
                .with_user(self.user_rep)
                .with_context(default_target_id=team.id, default_method="actuals")
            )

    def test_satisfaction_entered_on_a_confirmed_target(self):
        happy = self._target("Happy", 4.5, measure="satisfaction")
        happy.write({"entry_ids": [(0, 0, {"date": "2026-03-31", "value": 4.4})]})
        self.assertEqual(happy.achieved_amount, 4.4)  # read at once, in the same request

    def test_confirmed_target_changes_only_through_adjust(self):
        target = self._target()
        for vals in ({"amount": 1}, {"date_to": "2026-06-30"}, {"user_id": self.user_rep.id}):
            with self.assertRaises(UserError), self.cr.savepoint():
                target.write(vals)
        target.write({"name": "East 2026 (renamed)"})
        self.assertEqual(target.amount, 12000.0)
        with self.assertRaises(UserError):
            target.unlink()


@tagged("post_install", "-at_install")
class TestTargetBadInput(SfaTargetCommon):
    def test_period_amount_and_overlap(self):
        with self.assertRaisesRegex(ValidationError, "ends before it starts"), self.cr.savepoint():
            self._target("Backwards", date_from="2026-12-31", date_to="2026-01-01")
        with self.assertRaisesRegex(ValidationError, "cannot be negative"), self.cr.savepoint():
            self._target("Negative", -1)
        self._target()
        with self.assertRaisesRegex(ValidationError, "overlaps East 2026"), self.cr.savepoint():
            self._target("East H2", date_from="2026-07-01")
        # another measure, another dimension or another owner is no overlap
        self._target("East deals", 10, measure="won_count")
        self._target("East China", 10, dimension="region", country_id=self.china.id)
        self._target("Rita", 10, user_id=self.user_rep.id)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self._target(
                "No country", dimension="region", date_from="2027-01-01", date_to="2027-12-31"
            )


@tagged("post_install", "-at_install")
class TestTargetAccess(SfaTargetCommon):
    def test_who_splits_and_adjusts(self):
        team = self._target()
        bo, rita = self._split(team, split_by="user", method="actuals")
        # the team leader adjusts; a member cannot, not even their own target
        self._adjust(rita, 3500, user=self.user_leader)
        with self.assertRaises(AccessError):
            self._adjust(rita.with_user(self.user_rep), 4000, user=self.user_rep)
        with self.assertRaises(AccessError):
            self._adjust(bo, 4000, user=self.user_rep)  # not even readable
        self.assertEqual(rita.amount, 3500.0)
        # satisfaction is entered by the leader, not by the members
        happy = self._target("East happy", 4.5, measure="satisfaction")
        Entry = self.env["sfa.sales.target.entry"]
        Entry.with_user(self.user_leader).create(
            {"target_id": happy.id, "date": "2026-04-30", "value": 4.2}
        )
        with self.assertRaises(AccessError):
            Entry.with_user(self.user_rep).create(
                {"target_id": happy.id, "date": "2026-05-31", "value": 5}
            )
        self.assertEqual(happy.entry_ids.create_uid, self.user_leader)
        happy.invalidate_recordset()
        self.assertEqual(happy.with_user(self.user_rep).achieved_amount, 4.2)
        # a member sees their own and the team's targets, never a colleague's
        seen = self.Target.with_user(self.user_rep).search([])
        self.assertEqual(seen, team | rita | happy)
        Analysis = self.env["sfa.sales.target.analysis"].with_user(self.user_rep)
        self.assertEqual(Analysis.search([]).target_id, team | rita | happy)
        groups = Analysis.read_group([("measure", "=", "won_revenue")], ["amount:sum"], [])
        self.assertEqual(groups[0]["amount"], 15500.0)  # 12,000 + 3,500
