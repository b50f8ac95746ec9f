"""Incentive statements (诱因报酬) against figures worked out by hand.

Team East (leader Lee; Rita and Bo), Q3 2026, plan "KAM" (graduated):
    tiers 0-50 % at 2 %, 50-100 % at 5 %, 100 %+ at 10 %; quarter-end rule: of the last 14 days
    of a quarter (Sep 17-30), at most 30 % of the quarter's credit at full rate, the rest at 50 %;
    KPI bonus 1,000 on the curve (0, 0) (50, 50) (80, 100) (100, 150); a spiff of 200 for each
    first deal won with a key account; a non-recoverable draw of 500.
Rita's target 10,000. Her credited deals:
    D1 Jul 10   3,000 (Alpha)                         -> 3,000
    D2 Aug 5    4,000 split Rita 50 / Bo 50           -> 2,000
    D3 Sep 25   6,000 (Delta, a new key account)      -> window deal; quarter 11,000, 30 % is
                3,300 at full credit, 2,700 at 50 % = 1,350 -> credited 4,650
    credited 9,650 = 96.5 % of 10,000
    bands: D1 3,000 @ 2 % = 60; D2 2,000 @ 2 % = 40; D3 4,650 @ 5 % = 232.50 -> 332.50
    KPI: review score 90 -> 100 + (90 - 80) x 50 / 20 = 125 % of 1,000 = 1,250
    spiff: D3 -> 200; draw: earned 332.50 < 500 -> + 167.50
    total 332.50 + 1,250 + 200 + 167.50 = 1,950.00
Bo: no target (no commission), D2's 2,000 credited; draw 500 -> total 500.
"""

from contextlib import nullcontext
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.sfa_key_accounts.models.sfa_access_mixin import trusted
from odoo.addons.sfa_key_accounts.models.sfa_performance_review import REVIEW_FLOW

from .test_performance_reviews import SfaReviewCommon
from .test_sales_targets import SfaTargetCommon

Q3 = ("2026-07-01", "2026-09-30")
Q4 = ("2026-10-01", "2026-12-31")
# Queries to compute a batch of statements, whatever the number of deals (reads of the
# plans, targets, reviews, deals, splits, earlier statements, clawbacks and holds; the
# statements' figures written in one UPDATE, the old lines deleted and the new ones
# inserted in one statement each, with the flags of the
# lines they point at, the totals in two grouped queries, the leaders subscribed and their
# approval activities created in one batch each)
QUERIES = 44
# Queries to create and compute the statements of a period (_compute_period: the wizard),
# whatever the number of people and of their leaders
PERIOD_QUERIES = 49
SALESMAN = "sales_team.group_sale_salesman"


class SfaCompCommon(SfaTargetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.template = SfaReviewCommon._template.__func__(cls)
        cls.template.action_publish()
        cls.user_comp = cls._user(
            "sfa_comp_admin", "Cora Comp", "sfa_key_accounts.group_sfa_comp_admin"
        )
        cls.delta = cls._customers("Delta")
        cls._make_ka(cls.delta, is_key=True)
        deal = {"team_id": cls.team.id}
        cls.d1 = cls._won(cls.alpha, 3000, "2026-07-10", user_id=cls.user_rep.id, **deal)
        cls.d2 = cls._won(cls.gamma, 4000, "2026-08-05", user_id=cls.user_rep.id, **deal)
        cls.d2.sfa_credit_split_ids = [
            (0, 0, {"user_id": cls.user_rep.id, "share_pct": 50}),
            (0, 0, {"user_id": cls.user_bo.id, "share_pct": 50}),
        ]
        cls.d3 = cls._won(cls.delta, 6000, "2026-09-25", user_id=cls.user_rep.id, **deal)
        cls.q3_target = cls._target(
            "Rita Q3", 10000, user_id=cls.user_rep.id, date_from=Q3[0], date_to=Q3[1]
        )
        cls.plan = cls._plan()
        cls.plan.action_activate()
        cls.Assignment = env["sfa.comp.assignment"]
        cls.Assignment.create(
            [
                {"user_id": user.id, "plan_id": cls.plan.id, "date_from": "2026-01-01"}
                for user in (cls.user_rep, cls.user_bo)
            ]
        )
        review = env["sfa.performance.review"].create(
            {
                "user_id": cls.user_rep.id,
                "manager_id": cls.user_leader.id,
                "template_id": cls.template.id,
                "company_id": cls.company.id,
                "date_from": Q3[0],
                "date_to": Q3[1],
            }
        )
        trusted(review, REVIEW_FLOW).write({"state": "done", "score": 90})
        cls.review = review
        cls.Statement = env["sfa.comp.statement"]

    @classmethod
    def _plan(cls, name="KAM", **vals):
        return cls.env["sfa.comp.plan"].create(
            {
                "name": name,
                "company_id": cls.company.id,
                "component_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Commission",
                            "component_type": "commission",
                            "mode": "graduated",
                            "quarter_end_rule": True,
                            "quarter_end_days": 14,
                            "quarter_end_share_pct": 30,
                            "quarter_end_rate_pct": 50,
                            "tier_ids": [
                                (0, 0, {"lower_pct": 0, "upper_pct": 50, "rate_pct": 2}),
                                (0, 0, {"lower_pct": 50, "upper_pct": 100, "rate_pct": 5}),
                                (0, 0, {"lower_pct": 100, "upper_pct": False, "rate_pct": 10}),
                            ],
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "KPI",
                            "component_type": "kpi_bonus",
                            "target_bonus": 1000,
                            "curve_point_ids": [
                                (0, 0, {"score": s, "payout_pct": p})
                                for s, p in ((0, 0), (50, 50), (80, 100), (100, 150))
                            ],
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "New key account",
                            "component_type": "fixed",
                            "fixed_kind": "spiff",
                            "spiff_trigger": "new_key_account",
                            "amount": 200,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Draw",
                            "component_type": "fixed",
                            "fixed_kind": "draw",
                            "amount": 500,
                        },
                    ),
                ],
                **vals,
            }
        )

    def _compute(self, period=Q3, user=None):
        wizard = (
            self.env["sfa.comp.statement.compute"]
            .with_user(user or self.user_comp)
            .create({"team_id": self.team.id, "date_from": period[0], "date_to": period[1]})
        )
        wizard.action_compute()
        return self._statements(period)

    def _statements(self, period=Q3):
        found = self.Statement.search([("date_from", "=", period[0]), ("date_to", "=", period[1])])
        return {s.user_id: s for s in found}

    @staticmethod
    def _rows(statement):
        return [
            (
                line.line_type,
                line.lead_id.name or "",
                line.share_pct,
                line.credited_amount,
                line.rate_pct,
                line.payout,
            )
            for line in statement.line_ids
        ]


@tagged("post_install", "-at_install")
class TestCompensation(SfaCompCommon):
    def test_statement_traces_every_deal_tier_and_rate(self):
        statements = self._compute()
        rita, bo = statements[self.user_rep], statements[self.user_bo]
        self.assertEqual(
            self._rows(rita),
            [
                ("commission", self.d1.name, 100, 3000, 2, 60),
                ("commission", self.d2.name, 50, 2000, 2, 40),
                ("commission", self.d3.name, 100, 4650, 5, 232.5),
                ("kpi_bonus", "", 0, 0, 125, 1250),
                ("spiff", self.d3.name, 100, 0, 0, 200),
                ("draw", "", 0, 0, 0, 167.5),
            ],
        )
        self.assertEqual(rita.total_payout, 1950)
        self.assertEqual(rita.credited_amount, 9650)
        self.assertEqual(rita.attainment_pct, 96.5)
        self.assertEqual(rita.target_id, self.q3_target)
        self.assertEqual(rita.line_ids[3].review_id, self.review)
        self.assertIn("Quarter-end rule", rita.line_ids[2].note)
        # 6,000 of the 11,000 closed in the quarter's last two weeks
        self.assertEqual(rita.quarter_end_share_pct, 54.55)
        # cost of sales: 1,950 / 9,650
        self.assertEqual(rita.cost_of_sales_pct, 20.21)
        self.assertEqual(self._rows(bo), [("draw", "", 0, 0, 0, 500)])
        self.assertEqual((bo.credited_amount, bo.total_payout), (2000, 500))
        self.assertEqual({rita.state, bo.state}, {"computed"})

    def test_computing_again_never_adds_a_line_twice(self):
        first = self._compute()[self.user_rep]
        rows = self._rows(first)
        again = self._compute()[self.user_rep]
        self.assertEqual(again, first)
        self.assertEqual(self._rows(again), rows)
        self.assertEqual(self.Statement.search_count([("date_from", "=", Q3[0])]), 2)

    def test_the_leader_is_asked_to_approve(self):
        rita = self._compute()[self.user_rep]
        kind = self.env.ref("sfa_key_accounts.mail_activity_type_comp_approve")
        ask = rita.activity_ids.filtered(lambda a: a.activity_type_id == kind)
        self.assertEqual(ask.user_id, self.user_leader)
        self._compute()  # computing again does not ask twice
        self.assertEqual(len(rita.activity_ids.filtered(lambda a: a.activity_type_id == kind)), 1)
        rita.with_user(self.user_leader).action_approve()
        rita.invalidate_recordset()
        self.assertFalse(rita.activity_ids.filtered(lambda a: a.activity_type_id == kind))

    def test_approved_statement_is_locked(self):
        rita = self._compute()[self.user_rep]
        rita.with_user(self.user_leader).action_approve()
        self.assertEqual((rita.state, rita.approved_uid), ("approved", self.user_leader))
        rows = self._rows(rita)
        self.d1.expected_revenue = 999999
        with self.assertRaises(UserError):
            rita.with_user(self.user_comp).action_compute()
        with self.assertRaises(UserError):
            rita.with_user(self.user_comp).write({"note": "changed"})
        with self.assertRaises(UserError):
            rita.with_user(self.user_comp).unlink()
        with self.assertRaises(UserError):
            rita.with_user(self.user_comp).write({"state": "draft"})
        # the wizard leaves it alone
        self._compute()
        self.assertEqual(self._rows(rita), rows)
        rita.with_user(self.user_comp).action_mark_paid()
        self.assertEqual(rita.state, "paid")

    def test_only_the_team_leader_or_an_administrator_approves(self):
        statements = self._compute()
        rita = statements[self.user_rep]
        for user in (self.user_bo, self.user_rep):
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                rita.with_user(user).action_approve()
        self.assertEqual(rita.state, "computed")
        with self.assertRaises(AccessError):
            rita.with_user(self.user_leader).action_mark_paid()
        with self.assertRaises(AccessError):
            rita.with_user(self.user_leader).action_compute()
        statements[self.user_bo].with_user(self.user_comp).action_approve()
        self.assertEqual(statements[self.user_bo].state, "approved")

    def test_a_disputed_statement_waits_for_the_resolution(self):
        rita = self._compute()[self.user_rep]
        line = rita.line_ids[0]
        Dispute = self.env["sfa.comp.dispute"]
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Dispute.with_user(self.user_bo).create({"line_id": line.id, "reason": "Mine"})
        wizard = Dispute.with_user(self.user_rep).create(
            {
                "line_id": line.id,
                "reason": "Alpha was 3,500",
                "attachment_name": "po.txt",
                "attachment": "UE8gMzUwMA==",
            }
        )
        wizard.action_confirm()
        self.assertEqual(line.dispute_state, "open")
        self.assertEqual(rita.open_dispute_count, 1)
        message = rita.message_ids[0]
        self.assertIn("Alpha was 3,500", message.body)
        self.assertEqual(message.author_id, self.user_rep.partner_id)
        self.assertEqual(message.attachment_ids.name, "po.txt")
        with self.assertRaises(UserError):
            rita.with_user(self.user_leader).action_approve()
        with self.assertRaises(UserError):
            rita.with_user(self.user_comp).action_compute()
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Dispute.with_user(self.user_rep).create(
                {"line_id": line.id, "mode": "resolve", "reason": "Fine"}
            )
        Dispute.with_user(self.user_leader).create(
            {"line_id": line.id, "mode": "resolve", "reason": "The PO says 3,000"}
        ).action_confirm()
        self.assertEqual(line.dispute_state, "resolved")
        rita.with_user(self.user_leader).action_approve()
        self.assertEqual(rita.state, "approved")

    def test_lost_deal_is_clawed_back_once_in_the_next_statement(self):
        rita = self._compute()[self.user_rep]
        rita.with_user(self.user_leader).action_approve()
        self.d1.action_set_lost()
        q4 = self._compute(Q4)[self.user_rep]
        claw = q4.line_ids.filtered("is_clawback")
        self.assertEqual(len(claw), 1)
        self.assertEqual((claw.lead_id, claw.payout), (self.d1, -60))
        self.assertEqual(claw.origin_line_id, rita.line_ids[0])
        self.assertTrue(rita.line_ids[0].clawed_back)
        # Q4: no deal, no target; the draw pays 500 whatever the clawback
        self.assertEqual(q4.total_payout, 440)
        q4 = self._compute(Q4)[self.user_rep]
        self.assertEqual(len(q4.line_ids.filtered("is_clawback")), 1)
        self.assertEqual(rita.line_ids.mapped("payout")[0], 60)  # the paid line is untouched

    def test_held_line_is_paid_on_the_next_statement(self):
        rita = self._compute()[self.user_rep]
        spiff = rita.line_ids.filtered(lambda x: x.line_type == "spiff")
        with self.assertRaises(AccessError):
            spiff.with_user(self.user_bo).action_hold()
        spiff.with_user(self.user_leader).action_hold()
        self.assertEqual((rita.total_payout, rita.held_amount), (1750, 200))
        rita.with_user(self.user_leader).action_approve()
        q4 = self._compute(Q4)[self.user_rep]
        release = q4.line_ids.filtered(lambda x: x.line_type == "release")
        self.assertEqual((release.origin_line_id, release.payout), (spiff, 200))
        self.assertTrue(spiff.released)
        self.assertEqual(q4.total_payout, 700)  # 200 released + the 500 draw

    def test_holds_and_disputes_survive_a_recompute(self):
        rita = self._compute()[self.user_rep]
        spiff = rita.line_ids.filtered(lambda x: x.line_type == "spiff")
        spiff.with_user(self.user_leader).action_hold()
        first = rita.line_ids[0]
        Dispute = self.env["sfa.comp.dispute"]
        Dispute.with_user(self.user_rep).create(
            {"line_id": first.id, "reason": "Alpha was 3,500"}
        ).action_confirm()
        with self.assertRaises(UserError):
            rita.with_user(self.user_comp).action_reset_to_draft()
        Dispute.with_user(self.user_leader).create(
            {"line_id": first.id, "mode": "resolve", "reason": "The PO says 3,000"}
        ).action_confirm()
        self._compute()
        self.assertFalse(spiff.exists())  # rebuilt...
        new_spiff = rita.line_ids.filtered(lambda x: x.line_type == "spiff")
        self.assertTrue(new_spiff.held)  # ...with its hold
        self.assertEqual(rita.line_ids[0].dispute_state, "resolved")
        self.assertEqual(rita.line_ids[0].dispute_reason, "Alpha was 3,500")
        self.assertEqual((rita.total_payout, rita.held_amount), (1750, 200))

    def test_statements_are_approved_in_order(self):
        with freeze_time("2026-10-05 03:00:00"):
            self.Statement._cron_compute_last_month()  # September, computed, not approved
        q4 = self._compute(Q4)[self.user_rep]
        with self.assertRaises(UserError):
            q4.with_user(self.user_leader).action_approve()
        september = self.Statement.search(
            [("date_from", "=", "2026-09-01"), ("user_id", "=", self.user_rep.id)]
        )
        september.with_user(self.user_leader).action_approve()
        q4.with_user(self.user_leader).action_approve()
        self.assertEqual(q4.state, "approved")

    def test_a_deal_paid_on_is_not_deleted(self):
        rita = self._compute()[self.user_rep]
        rita.with_user(self.user_leader).action_approve()
        with self.assertRaises(UserError):
            self.d1.unlink()
        self.assertTrue(self.d1.exists())

    def test_what_if_estimates_the_payout_of_an_open_deal(self):
        Statement = self.Statement.with_user(self.user_rep)
        so_far, if_won, note = Statement._estimate(self.user_rep, date(2026, 8, 15), 1000)
        # with 1,000 more on Aug 15 the quarter is 12,000: D3 gets 3,600 at full credit and
        # 2,400 at half -> 4,800; 10,800 = 108 %: 60 + 40 + 50 + 200 (to 100 %) + 80 = 430
        self.assertEqual((so_far, if_won), (332.5, 430))
        self.assertIn("350.00", note)  # 10,000 - 9,650 to the 100 % tier
        deal = self.env["crm.lead"].create(
            {
                "name": "Open Alpha",
                "type": "opportunity",
                "partner_id": self.alpha.id,
                "user_id": self.user_rep.id,
                "team_id": self.team.id,
                "company_id": self.company.id,
                "expected_revenue": 1000,
                "stage_id": self.stage_open.id,
            }
        )
        with freeze_time("2026-08-15 12:00:00"):
            mine = deal.with_user(self.user_rep)
            self.assertEqual((mine.sfa_payout_so_far, mine.sfa_what_if_payout), (332.5, 430))
            message = mine.action_sfa_what_if()["params"]["message"]
            self.assertIn("332.50", message)
            self.assertIn("430.00", message)
            theirs = deal.with_user(self.user_manager)  # no plan
            theirs.invalidate_recordset()
            self.assertEqual(theirs.sfa_what_if_payout, 0)
            self.assertIn(
                "No commission to estimate", theirs.action_sfa_what_if()["params"]["message"]
            )

    def test_scheduled_action_creates_and_computes_once(self):
        with freeze_time("2026-10-05 03:00:00"):
            self.Statement._cron_compute_last_month()
            self.Statement._cron_compute_last_month()
        people = self.user_rep | self.user_bo
        september = self.Statement.search(
            [("date_from", "=", "2026-09-01"), ("user_id", "in", people.ids)]
        )
        self.assertEqual(september.user_id, self.user_rep | self.user_bo)
        self.assertEqual(set(september.mapped("state")), {"computed"})
        # no September target: no commission. Rita: the Q3 review ends in September (KPI
        # 1,250), D3's spiff (200) and the draw (500); Bo: the draw.
        rita = september.filtered(lambda s: s.user_id == self.user_rep)
        self.assertEqual(
            [(x.line_type, x.payout) for x in rita.line_ids],
            [("kpi_bonus", 1250), ("spiff", 200), ("draw", 500)],
        )
        self.assertEqual(len(september.line_ids), 4)
        # a quarter over these days is not made (it would pay them twice), by hand neither
        with self.assertRaises(UserError):
            self._compute()
        with self.assertRaises(ValidationError):
            self.Statement.create(
                {
                    "user_id": self.user_rep.id,
                    "company_id": self.company.id,
                    "date_from": Q3[0],
                    "date_to": Q3[1],
                }
            )

    def test_statement_queries_do_not_grow_with_the_deals(self):
        people = self.user_rep | self.user_bo

        def compute(expected=None):
            """Fresh statements of Q3, computed once (a recompute writes only what changed)."""
            self.Statement.search([("date_from", "=", Q3[0])]).unlink()
            statements = self.Statement._ensure_statements(
                date(2026, 7, 1), date(2026, 9, 30), people
            ).sudo()
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(expected) if expected else nullcontext():
                statements._compute_batch()
                self.env.flush_all()
            return statements

        compute()  # warm-up
        compute(QUERIES)
        for day in range(1, 29):
            self._won(self.beta, 100 + day, f"2026-08-{day:02d}", user_id=self.user_rep.id)
        statements = compute(QUERIES)
        # Rita: D1, the 28 deals, D2 and D3 each cut across a tier top, KPI, spiff (her
        # commission now passes the draw); Bo: the draw
        self.assertEqual(len(statements.line_ids), 1 + 28 + 2 + 2 + 2 + 1)

    def _people(self, prefix, count, per_team=3):
        """``count`` people on the KAM plan, ``per_team`` to a team with its own leader,
        each with a Q4 target and two won deals in Q4 (one across a tier top)."""
        people = self.env["res.users"]
        for first in range(0, count, per_team):
            members = self.env["res.users"].concat(
                *(
                    self._user(
                        f"{prefix}{n}", f"{prefix} Rep {n}", "sales_team.group_sale_salesman"
                    )
                    for n in range(first, min(first + per_team, count))
                )
            )
            leader = self._user(
                f"{prefix}_lead{first}",
                f"{prefix} Leader {first}",
                "sales_team.group_sale_salesman",
            )
            team = self.env["crm.team"].create(
                {
                    "name": f"{prefix} {first}",
                    "company_id": self.company.id,
                    "user_id": leader.id,
                    "member_ids": [(6, 0, members.ids)],
                }
            )
            for user in members:
                deal = {"user_id": user.id, "team_id": team.id}
                self._won(self.alpha, 3000, "2026-10-10", **deal)
                self._won(self.beta, 4000, "2026-11-10", **deal)
                self._target(
                    f"{user.name} Q4",
                    5000,
                    team_id=team.id,
                    user_id=user.id,
                    date_from=Q4[0],
                    date_to=Q4[1],
                )
            people |= members
        self.Assignment.create(
            [{"user_id": u.id, "plan_id": self.plan.id, "date_from": "2026-01-01"} for u in people]
        )
        return people

    def test_statements_of_a_period_do_not_grow_with_the_people(self):
        """Creating and computing the statements of a period (the Compute Statements
        wizard) costs the same queries for 3 people under one leader as for 30 under ten:
        the statements created in one batch, the leaders subscribed and asked in one."""
        warm, few, many = self._people("w", 1), self._people("f", 3), self._people("m", 30)
        kind = self.env.ref("sfa_key_accounts.mail_activity_type_comp_approve")

        def compute(people, expected=None):
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(expected) if expected else nullcontext():
                self.Statement.with_user(self.user_comp)._compute_period(
                    date(2026, 10, 1), date(2026, 12, 31), people
                )
                self.env.flush_all()
            return self.Statement.search([("user_id", "in", people.ids), ("date_from", "=", Q4[0])])

        compute(warm)
        compute(few, PERIOD_QUERIES)
        statements = compute(many, PERIOD_QUERIES)
        self.assertEqual(len(statements), 30)
        self.assertEqual(set(statements.mapped("state")), {"computed"})
        # 7,000 on a target of 5,000: 2,500 @ 2 %, 2,500 @ 5 %, 2,000 @ 10 % = 375, below
        # the draw of 500: a draw line of 125 makes it 500
        self.assertEqual(set(statements.mapped("total_payout")), {500.0})
        self.assertEqual(set(statements.mapped("credited_amount")), {7000.0})
        for statement in statements:
            ask = statement.activity_ids.filtered(lambda a, k=kind: a.activity_type_id == k)
            self.assertEqual(ask.user_id, statement.team_id.user_id)
            self.assertIn(statement.team_id.user_id.partner_id, statement.message_partner_ids)


@tagged("post_install", "-at_install")
class TestCompensationBadInput(SfaCompCommon):
    def test_tier_tables_with_gaps_overlaps_or_negative_rates_are_refused(self):
        Component = self.env["sfa.comp.component"]
        draft = self.env["sfa.comp.plan"].create({"name": "Draft", "company_id": self.company.id})
        for tiers in (
            [(0, 50, 2), (60, None, 5)],  # gap
            [(0, 50, 2), (40, None, 5)],  # overlap
            [(0, 50, -1), (50, None, 5)],  # negative rate
            [(0, 50, 2), (50, 80, 5)],  # no open top band
            [(10, None, 2)],  # not from 0
        ):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                Component.create(
                    {
                        "plan_id": draft.id,
                        "name": "Bad",
                        "component_type": "commission",
                        "tier_ids": [
                            (0, 0, {"lower_pct": lo, "upper_pct": up or False, "rate_pct": r})
                            for lo, up, r in tiers
                        ],
                    }
                )
        self.assertFalse(draft.component_ids)

    def test_credit_splits_must_add_up_to_100(self):
        lead = self.d1
        with self.assertRaises(ValidationError):
            lead.write(
                {
                    "sfa_credit_split_ids": [
                        (0, 0, {"user_id": self.user_rep.id, "share_pct": 60}),
                        (0, 0, {"user_id": self.user_bo.id, "share_pct": 30}),
                    ]
                }
            )
        self.assertFalse(lead.sfa_credit_split_ids)
        # changing a table of 50/50 to 70/30 in one save is fine, line by line is not
        split = self.d2.sfa_credit_split_ids
        self.d2.write(
            {
                "sfa_credit_split_ids": [
                    (1, split[0].id, {"share_pct": 70}),
                    (1, split[1].id, {"share_pct": 30}),
                ]
            }
        )
        self.assertEqual(sorted(split.mapped("share_pct")), [30, 70])
        with self.assertRaises(ValidationError):
            split[0].write({"share_pct": 60})
        # a salesperson does not write splits
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.d2.with_user(self.user_rep).write(
                {"sfa_credit_split_ids": [(1, split[0].id, {"share_pct": 100}), (2, split[1].id)]}
            )

    def test_one_plan_per_person_per_date(self):
        other = self._plan("Other")
        other.action_activate()
        with self.assertRaises(ValidationError):
            self.Assignment.create(
                {
                    "user_id": self.user_rep.id,
                    "plan_id": other.id,
                    "date_from": "2026-06-01",
                    "date_to": "2026-06-30",
                }
            )
        self.assertEqual(self.Assignment.search_count([("user_id", "=", self.user_rep.id)]), 1)

    def test_a_plan_in_use_is_superseded_not_edited(self):
        with self.assertRaises(UserError):
            self.plan.component_ids[0].tier_ids[0].rate_pct = 3
        with self.assertRaises(UserError):
            self.plan.component_ids[0].threshold_pct = 10
        with self.assertRaises(UserError):
            self.plan.write({"company_id": self.env.company.id})
        with self.assertRaises(UserError):
            self.plan.write({"state": "draft"})
        with self.assertRaises(UserError):
            self.env["sfa.comp.plan"].create(
                {"name": "Born in use", "company_id": self.company.id, "state": "active"}
            )
        self.plan.name = "KAM 2026"  # the label may change
        action = self.plan.action_new_version()
        v2 = self.env["sfa.comp.plan"].browse(action["res_id"])
        self.assertEqual((v2.version, v2.previous_id, v2.state), (2, self.plan, "draft"))
        v2.component_ids[0].tier_ids[0].rate_pct = 3
        with self.assertRaises(UserError):
            v2.action_activate()  # no date
        v2.date_from = "2026-10-01"
        v2.action_activate()
        self.assertEqual(self.plan.state, "superseded")
        rita = self.Assignment.search([("user_id", "=", self.user_rep.id)], order="date_from")
        self.assertEqual(
            [(a.plan_id, str(a.date_from), str(a.date_to or "")) for a in rita],
            [(self.plan, "2026-01-01", "2026-09-30"), (v2, "2026-10-01", "")],
        )
        self.assertEqual(self.plan.component_ids[0].tier_ids[0].rate_pct, 2)

    def test_context_defaults_cannot_set_states(self):
        with self.assertRaises(UserError):
            self.Statement.with_user(self.user_comp).with_context(
                default_state="approved", default_approved_uid=self.user_comp.id
            ).create(
                {
                    "user_id": self.user_rep.id,
                    "company_id": self.company.id,
                    "date_from": "2027-01-01",
                    "date_to": "2027-03-31",
                }
            )
        with self.assertRaises(UserError):
            self.env["sfa.comp.plan"].with_context(default_state="active").create(
                {"name": "Sneaky", "company_id": self.company.id}
            )
        with self.assertRaises(UserError):
            self.env["sfa.comp.plan"].create(
                {"name": "Sneaky", "company_id": self.company.id, "previous_id": self.plan.id}
            )

    def test_no_part_moves_into_a_plan_in_use(self):
        draft = self.env["sfa.comp.plan"].create({"name": "Draft", "company_id": self.company.id})
        spiff = self.env["sfa.comp.component"].create(
            {"plan_id": draft.id, "name": "Spiff", "component_type": "fixed", "amount": 5}
        )
        with self.assertRaises(UserError):
            spiff.plan_id = self.plan
        self.assertEqual(spiff.plan_id, draft)

    def test_a_superseded_plan_is_not_assigned(self):
        v2 = self.env["sfa.comp.plan"].browse(self.plan.action_new_version()["res_id"])
        v2.date_from = "2026-10-01"
        v2.action_activate()
        other = self._user("sfa_comp_new", "Nia New", "sales_team.group_sale_salesman")
        with self.assertRaises(ValidationError):
            self.Assignment.create(
                {"user_id": other.id, "plan_id": self.plan.id, "date_from": "2026-11-01"}
            )
        self.Assignment.create({"user_id": other.id, "plan_id": v2.id, "date_from": "2026-11-01"})

    def test_statement_figures_are_never_written_by_hand(self):
        rita = self._compute()[self.user_rep]
        for vals in ({"state": "approved"}, {"attainment_pct": 200}, {"credited_amount": 1}):
            with self.assertRaises(UserError):
                rita.with_user(self.user_comp).write(vals)
        with self.assertRaises(UserError):
            self.Statement.with_user(self.user_comp).create(
                {
                    "user_id": self.user_rep.id,
                    "date_from": "2027-01-01",
                    "date_to": "2027-03-31",
                    "state": "paid",
                }
            )
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            rita.line_ids[0].with_user(self.user_comp).write({"payout": 1e6})
        self.assertEqual(rita.total_payout, 1950)
