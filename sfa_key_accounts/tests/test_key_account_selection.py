from datetime import date

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SfaCommon


@tagged("post_install", "-at_install")
class TestKeyAccountSelection(SfaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big, cls.mid, cls.tie1, cls.tie2, cls.small, cls.idle = cls._customers(
            "Big Co", "Mid Co", "Tie One", "Tie Two", "Small Co", "Idle Co"
        )
        # A contact of Big Co: its deals count for Big Co (the commercial partner).
        cls.big_contact = cls.env["res.partner"].create(
            {"name": "Bea Buyer", "parent_id": cls.big.id}
        )
        cls._won(cls.big, 4000)
        cls._won(cls.big_contact, 1000)  # Big Co: 5000
        cls._won(cls.mid, 2000)
        cls._won(cls.tie1, 1200)
        cls._won(cls.tie2, 1200)
        cls._won(cls.small, 600)  # total 10000
        # Ignored: open, lost, outside the period, another company
        cls.env["crm.lead"].create(
            [
                {
                    "name": "Open",
                    "type": "opportunity",
                    "partner_id": cls.small.id,
                    "expected_revenue": 99000,
                    "stage_id": cls.stage_open.id,
                    "company_id": cls.company.id,
                },
                {
                    "name": "Lost",
                    "type": "opportunity",
                    "partner_id": cls.small.id,
                    "expected_revenue": 88000,
                    "stage_id": cls.stage_open.id,
                    "active": False,
                    "probability": 0,
                    "company_id": cls.company.id,
                },
            ]
        )
        cls._won(cls.small, 77000, closed="2024-01-10")
        cls.other_company = cls.env["res.company"].create(
            {"name": "SFA Other Company", "currency_id": cls.env.ref("base.EUR").id}
        )
        cls._won(cls.small, 66000, company=cls.other_company)
        cls._make_ka(cls.idle, tier_id=cls.tier_a.id)  # tiered, no revenue in the period

    def _wizard(self, company=None, **vals):
        company = company or self.company
        return (
            self.env["sfa.key.account.selection"]
            .with_company(company)
            .create(
                {
                    "date_from": date(2026, 1, 1),
                    "date_to": date(2026, 12, 31),
                    "company_id": company.id,
                    **vals,
                }
            )
        )

    def test_ranking_matches_hand_computation(self):
        wizard = self._wizard()
        wizard.action_compute()
        rows = [
            (
                line.partner_id,
                line.rank,
                line.revenue,
                round(line.share, 2),
                round(line.cumulative_share, 2),
                line.proposed_tier_id,
            )
            for line in wizard.line_ids.sorted(lambda line: (line.rank, line.partner_id.name))
        ]
        # Big 5000 (50%, cum 50 -> A), Mid 2000 (20, cum 70; starts at 50 -> A), ties 1200
        # each (12%, cum 82 and 94; both start where Tie One starts, 70% -> A), Small 600
        # (6%, cum 100; starts at 94 -> B), Idle: no revenue -> last tier C.
        self.assertEqual(
            rows,
            [
                (self.big, 1, 5000.0, 50.0, 50.0, self.tier_a),
                (self.mid, 2, 2000.0, 20.0, 70.0, self.tier_a),
                (self.tie1, 3, 1200.0, 12.0, 82.0, self.tier_a),
                (self.tie2, 3, 1200.0, 12.0, 94.0, self.tier_a),
                (self.small, 5, 600.0, 6.0, 100.0, self.tier_b),
                (self.idle, 6, 0.0, 0.0, 100.0, self.tier_c),
            ],
        )
        self.assertEqual(wizard.total_revenue, 10000.0)
        self.assertEqual(wizard.change_count, 6)

    def test_scored_ranking_by_hand(self):
        """Revenue and tolerance of our mistakes weighted 50 / 50. Tolerance: Small 5, Idle 4
        (no revenue), the others none. Revenue / 5000: Big 1, Mid .4, ties .24, Small .12;
        tolerance / 5: Small 1, Idle .8. Score = 50 x revenue + 50 x tolerance: Small 56,
        Big 50, Idle 40, Mid 20, ties 12 (total 190). Cumulative share of the score: 29.47,
        55.79, 76.84, 87.37, 93.68, 100; the tiers 80/95/100 cut it: Small, Big, Idle and Mid
        start below 80 -> A, Tie One starts at 87.37 -> B and Tie Two with it."""
        self._make_ka(self.small, tolerance_score=5)
        self._ka(self.idle).tolerance_score = 4
        wizard = self._wizard(weight_revenue=50, weight_tolerance=50)
        wizard.action_compute()
        self.assertTrue(wizard.scored)
        self.assertEqual(wizard.criteria_note, "Revenue 50, Tolerance of Our Mistakes 50")
        rows = [
            (
                line.partner_id,
                line.rank,
                line.revenue,
                line.tolerance,
                line.score,
                line.share,
                line.cumulative_share,
                line.proposed_tier_id,
            )
            for line in wizard.line_ids.sorted(lambda line: (line.rank, line.partner_id.name))
        ]
        self.assertEqual(
            rows,
            [
                (self.small, 1, 600.0, 5, 56.0, 29.47, 29.47, self.tier_a),
                (self.big, 2, 5000.0, 0, 50.0, 26.32, 55.79, self.tier_a),
                (self.idle, 3, 0.0, 4, 40.0, 21.05, 76.84, self.tier_a),
                (self.mid, 4, 2000.0, 0, 20.0, 10.53, 87.37, self.tier_a),
                (self.tie1, 5, 1200.0, 0, 12.0, 6.32, 93.68, self.tier_b),
                (self.tie2, 5, 1200.0, 0, 12.0, 6.32, 100.0, self.tier_b),
            ],
        )
        self.assertEqual(wizard.total_revenue, 10000.0)
        wizard.with_user(self.user_manager).action_apply()
        small = self._ka(self.small)
        self.assertEqual((small.rank, small.revenue, small.tier_id), (1, 600.0, self.tier_a))
        self.assertEqual(
            small.tier_history_ids[:1].reason,
            (
                "80/20 selection over 2026-01-01 - 2026-12-31, ranked on a score of Revenue 50, "
                "Tolerance of Our Mistakes 50"
            ),
        )

    def test_order_count_deal_size_and_sales_cycle(self):
        """Big won 2 deals (4000 + 1000), created 10 and 30 days before they were won; the
        others one deal each, created the day it was won. Orders / 2: Big 1, others .5;
        average deal / 2500 (Big's): Big 1, Mid .8, ties .48, Small .24; sales cycle
        (20 - own) / 20: Big 0, others 1, Idle (no deal) 0. Weights 1 / 1 / 2, so
        score = 100 x (orders + deal + 2 x cycle) / 4: Big 50, Mid 82.5, ties 74.5, Small 68.5,
        Idle 0."""
        leads = self.env["crm.lead"].search(
            [
                ("partner_id", "in", (self.big | self.big_contact).ids),
                ("company_id", "=", self.company.id),
            ]
        )
        for lead, days in zip(leads.sorted("expected_revenue"), (10, 30), strict=True):
            self.env.cr.execute(
                "UPDATE crm_lead SET create_date = date_closed - make_interval(days => %s) "
                "WHERE id = %s",
                (days, lead.id),
            )
        others = self.env["crm.lead"].search(
            [
                ("partner_id", "in", (self.mid | self.tie1 | self.tie2 | self.small).ids),
                ("date_closed", "!=", False),
            ]
        )
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = date_closed - interval '1 hour' WHERE id = ANY(%s)",
            (others.ids,),
        )
        self.env.invalidate_all()
        wizard = self._wizard(
            weight_revenue=0, weight_order_count=1, weight_deal_size=1, weight_sales_cycle=2
        )
        wizard.action_compute()
        got = {
            line.partner_id: (line.order_count, line.deal_size, line.sales_cycle, line.score)
            for line in wizard.line_ids
        }
        self.assertEqual(got[self.big], (2, 2500.0, 20.0, 50.0))
        self.assertEqual(got[self.mid], (1, 2000.0, 0.0, 82.5))
        self.assertEqual(got[self.tie1], (1, 1200.0, 0.0, 74.5))
        self.assertEqual(got[self.small], (1, 600.0, 0.0, 68.5))
        self.assertEqual(got[self.idle], (0, 0.0, 0.0, 0.0))
        self.assertEqual(
            [line.partner_id for line in wizard.line_ids],
            [self.mid, self.tie1, self.tie2, self.small, self.big, self.idle],
        )

    def test_revenue_only_is_not_scored(self):
        """The default weights (revenue 100, the rest 0) rank on revenue: no score."""
        wizard = self._wizard(weight_revenue=30)
        wizard.action_compute()
        self.assertFalse(wizard.scored)
        self.assertEqual(wizard.criteria_note, "Revenue")
        self.assertEqual(wizard.line_ids.mapped("score"), [0.0] * 6)
        self.assertEqual(wizard.line_ids[0].cumulative_share, 50.0)

    def test_bad_weights(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._wizard(weight_tolerance=-1)
        with self.assertRaisesRegex(ValidationError, "at least one criterion"):
            self._wizard(weight_revenue=0)
        wizard = self._wizard()
        with self.assertRaisesRegex(ValidationError, "at least one criterion"):
            wizard.weight_revenue = 0

    @freeze_time("2026-06-20")
    def test_non_monetary_value_of_the_key_account(self):
        """Years of loyalty count from Customer Since, else from the first won deal (Small:
        2024-01-10 -> 2 years on 2026-06-20); scores are 0-5, referrals not negative."""
        account = self._make_ka(self.small)
        self.assertEqual(account.loyalty_years, 2)
        account.customer_since = date(2016, 6, 21)
        self.assertEqual(account.loyalty_years, 9)
        self.assertEqual(self._make_ka(self.mid).loyalty_years, 0)  # won 2026-06-15
        for vals in ({"tolerance_score": 6}, {"advice_score": -1}, {"referral_count": -1}):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                account.write(vals)

    def test_customer_share_rule(self):
        # The same six customers on a 20 / 50 / 100 % of customers pyramid: 5 ranked ones
        # start at 0, 20, 40, 40 (tie), 80 % -> X, Y, Y, Y, Z; Idle (no revenue) -> Z.
        (self.tier_a | self.tier_b | self.tier_c).write({"rule": "customer_share"})
        self.tier_a.threshold_pct = 20
        self.tier_b.threshold_pct = 50
        wizard = self._wizard()
        wizard.action_compute()
        tiers = {line.partner_id: line.proposed_tier_id for line in wizard.line_ids}
        self.assertEqual(
            [tiers[p] for p in (self.big, self.mid, self.tie1, self.tie2, self.small, self.idle)],
            [self.tier_a, self.tier_b, self.tier_b, self.tier_b, self.tier_c, self.tier_c],
        )

    def test_apply_for_another_company_than_the_current_one_closes(self):
        """The curve shows the current company's figures: applying a ranking of another
        company (a multi-company manager) closes the wizard instead of showing them."""
        wizard = (
            self.env["sfa.key.account.selection"]
            .with_company(self.company)
            .create(
                {
                    "date_from": date(2026, 1, 1),
                    "date_to": date(2026, 12, 31),
                    "company_id": self.other_company.id,
                }
            )
        )
        wizard.action_compute()
        action = wizard.action_apply()
        self.assertEqual(action["params"]["message"], "1 of 1 customers changed tier.")
        self.assertEqual(action["params"]["next"], {"type": "ir.actions.act_window_close"})

    def test_other_company_and_currency(self):
        """Company B ranks only its own deal, in its own currency (EUR)."""
        wizard = self._wizard(company=self.other_company)
        wizard.action_compute()
        self.assertEqual(wizard.currency_id, self.env.ref("base.EUR"))
        self.assertEqual(
            [(line.partner_id, line.revenue) for line in wizard.line_ids], [(self.small, 66000.0)]
        )
        # B had no tiers: it got the customer pyramid, and its tiers are B's own
        self.assertEqual(wizard.line_ids.proposed_tier_id.company_id, self.other_company)
        self.assertEqual(
            self.env["sfa.key.account.tier"]
            .search([("company_id", "=", self.other_company.id)])
            .mapped("threshold_pct"),
            [1, 5, 20, 100],
        )

    def test_period_boundaries(self):
        # 2024-01-10 deal counts only when the period covers it
        wizard = self._wizard(date_from=date(2024, 1, 10), date_to=date(2024, 1, 10))
        wizard.action_compute()
        ranked = wizard.line_ids.filtered("revenue")
        self.assertEqual(
            [(line.partner_id, line.revenue) for line in ranked], [(self.small, 77000)]
        )

    def test_apply_changes_tiers_and_keeps_history(self):
        wizard = self._wizard()
        wizard.action_compute()
        line_tie2 = wizard.line_ids.filtered(lambda line: line.partner_id == self.tie2)
        line_tie2.to_apply = False  # the user keeps Tie Two as it is
        action = wizard.with_user(self.user_manager).action_apply()
        # Big, Mid, Tie One, Small and Idle change; Tie Two was unticked
        self.assertEqual(action["params"]["message"], "5 of 6 customers changed tier.")
        # then the concentration curve opens on the figures just applied
        curve = self.env.ref(action["params"]["next"])
        self.assertEqual(
            (curve.res_model, curve.domain, curve.view_ids[:1].view_mode),
            ("sfa.key.account", "[('rank', '>', 0)]", "graph"),
        )
        self.assertEqual(
            self.env["sfa.key.account"].search_read(
                curve_domain := [("rank", ">", 0), ("company_id", "=", self.company.id)],
                ["rank", "cumulative_share"],
                order="rank",
            )[:1],
            [{"id": self._ka(self.big).id, "rank": 1, "cumulative_share": 50.0}],
        )
        self.assertEqual(self.env["sfa.key.account"].search_count(curve_domain), 6)
        self.assertEqual(self._ka(self.big).tier_id, self.tier_a)
        self.assertTrue(self._ka(self.big).is_key)
        self.assertEqual(self._ka(self.small).tier_id, self.tier_b)
        self.assertEqual(self._ka(self.idle).tier_id, self.tier_c)
        self.assertFalse(self._ka(self.idle).is_key)
        self.assertFalse(self._ka(self.tie2).tier_id)
        self.env.invalidate_all()  # read the history in its order, not as cached
        history = self._ka(self.idle).tier_history_ids
        self.assertEqual(len(history), 2)  # the hand-set A, then A -> C
        self.assertEqual(
            (history[0].from_tier_id, history[0].to_tier_id), (self.tier_a, self.tier_c)
        )
        self.assertEqual(history[0].user_id, self.user_manager)
        self.assertIn("80/20 selection over 2026-01-01 - 2026-12-31", history[0].reason)
        # the history is the record of an 80/20 change: no chatter note per customer
        self.assertFalse(
            self._ka(self.idle).message_ids.filtered(lambda m: "A → C" in (m.body or ""))
        )
        account = self._ka(self.idle)
        self.assertEqual(account.tier_date, fields.Date.context_today(account))
        # ranking figures kept for the concentration curve
        self.assertEqual(
            (self._ka(self.mid).rank, self._ka(self.mid).revenue),
            (2, 2000.0),
        )
        self.assertEqual(self._ka(self.mid).cumulative_share, 70.0)

    def test_compute_and_cancel_change_nothing(self):
        before = self.env["sfa.key.account.tier.history"].search_count([])
        wizard = self._wizard()
        wizard.action_compute()
        wizard.action_compute()  # recompute replaces the preview
        self.assertEqual(len(wizard.line_ids), 6)
        self.assertFalse(self._ka(self.big).tier_id)
        self.assertEqual(self._ka(self.idle).tier_id, self.tier_a)
        self.assertEqual(self.env["sfa.key.account.tier.history"].search_count([]), before)

    def test_tier_set_must_end_at_100(self):
        """A tier set that stops short of 100% would leave customers without a tier: the
        selection refuses to run and says how to fix it."""
        self.tier_c.threshold_pct = 99
        with self.assertRaisesRegex(UserError, "end at 99%: the last tier must end at 100%"):
            self._wizard().action_compute()
        self.tier_c.threshold_pct = 100
        wizard = self._wizard()
        wizard.action_compute()
        self.assertEqual(len(wizard.line_ids), 6)

    def test_bad_period_and_apply_before_compute(self):
        with self.assertRaises(UserError):
            self._wizard(date_from=date(2026, 5, 1), date_to=date(2026, 4, 1)).action_compute()
        with self.assertRaises(UserError):
            self._wizard().action_apply()

    def test_cron_proposes_then_applies(self):
        Selection = self.env["sfa.key.account.selection"]
        self.env["ir.config_parameter"].set_param("sfa_key_accounts.retier_auto_apply", "")
        with freeze_time("2026-12-15"):
            # the job's step for this company (the cron takes every company with tiers, demo
            # data included): 6 customers, one batch
            self.assertEqual(Selection._retier_step(self.company, 5000), 0)
        self.assertFalse(self._ka(self.big).tier_id)  # only proposed
        self.assertEqual(self._ka(self.big).sfa_proposed_tier_id, self.tier_a)
        self.assertEqual(self._ka(self.small).sfa_proposed_tier_id, self.tier_b)
        self.assertEqual(self._ka(self.idle).sfa_proposed_tier_id, self.tier_c)
        self.assertFalse(self._ka(self.big).rank)
        self.env["ir.config_parameter"].set_param("sfa_key_accounts.retier_auto_apply", "1")
        with freeze_time("2026-12-15"):
            # two customers per call: the run is stored once and continued, 6 -> 4 -> 2 -> 0
            self.assertEqual(Selection._retier_step(self.company, 2), 4)
            self.assertEqual(self._ka(self.big).tier_id, self.tier_a)  # rank 1 and 2 first
            self.assertFalse(self._ka(self.small).tier_id)
            self.assertEqual(Selection._retier_step(self.company, 2), 2)
            self.assertEqual(Selection._retier_step(self.company, 2), 0)
        self.assertEqual(self._ka(self.small).tier_id, self.tier_b)
        self.assertEqual(self._ka(self.idle).tier_id, self.tier_c)
        self.assertFalse(self._ka(self.big).sfa_proposed_tier_id)
        self.assertEqual((self._ka(self.small).rank, self._ka(self.small).revenue), (5, 600.0))
        history = self.env["sfa.key.account.tier.history"].search(
            [("partner_id", "in", (self.big | self.mid | self.small | self.idle).ids)]
        )
        # one row per change, none repeated by a batch: Big -> A, Mid -> A, Small -> B, and
        # Idle's hand-set A then A -> C
        self.assertEqual(len(history), 5)

    def test_cron_covers_every_company_with_tiers(self):
        """The scheduled job runs the step over every company with tiers until none is left
        (the cron runner calls it again while it reports work left)."""
        self.env["ir.config_parameter"].set_param("sfa_key_accounts.retier_auto_apply", "1")
        Selection = self.env["sfa.key.account.selection"]
        calls = 1
        with freeze_time("2026-12-15"):
            while Selection._cron_retier(batch_size=100000):
                calls += 1
        self.assertEqual(self._ka(self.big).tier_id, self.tier_a)
        # a company without tiers is left alone (its first 80/20 selection gives it tiers)
        self.assertFalse(self._ka(self.small, self.other_company))
        companies = self.env["sfa.key.account.tier"].search([]).company_id
        self.assertLessEqual(calls, len(companies))  # at most one company's run per call
        # the run is over: no job preview is left with customers to apply
        jobs = Selection.search([("is_job", "=", True), ("state", "=", "computed")])
        self.assertFalse(jobs)

    def test_default_period_is_last_twelve_months(self):
        form = Form(self.env["sfa.key.account.selection"])
        # the user's day, not the server's (they differ around midnight UTC)
        today = fields.Date.context_today(self.env["sfa.key.account.selection"])
        self.assertEqual(form.date_to, today)
        self.assertEqual((today - form.date_from).days in (364, 365), True)


@tagged("post_install", "-at_install")
class TestTierConstraints(SfaCommon):
    def test_the_selection_says_which_tiers_make_a_key_account(self):
        """Issue 12: the menu says 80/20, the default pyramid keys only main and big (the top
        5 %): the selection says so, for the company's own tier set."""
        Tier = self.env["sfa.key.account.tier"]
        wizard = self.env["sfa.key.account.selection"].create({"company_id": self.company.id})
        self.assertEqual(
            wizard.key_tiers_note,
            "Key accounts: the customers of A, B, i.e. the customers who make the first 95% of "
            "the revenue. The course's 80/20 rule picks the few customers who make most of the "
            "revenue; in the default pyramid, the main and big customers are the top 5 percent. "
            "Tick Key tier on another tier to widen it.",
        )
        pyramid = self.env["res.company"].create({"name": "Pyramid Ltd"})
        Tier.search([("company_id", "=", pyramid.id)]).unlink()
        Tier._for_company(pyramid)
        self.assertIn(
            "the customers of Main customers, Big customers, i.e. the top 5% of customers by "
            "revenue.",
            Tier._key_tiers_note(pyramid),
        )
        (self.tier_a | self.tier_b).is_key = False
        self.assertTrue(Tier._key_tiers_note(self.company).startswith("No tier is a key tier"))

    def test_out_of_range(self):
        for pct in (0, -5, 100.5):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self.tier_b.threshold_pct = pct
        self.assertEqual(self.tier_b.threshold_pct, 95)

    def test_overlapping(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.tier_b.threshold_pct = 70  # B would end before A
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.tier_b.threshold_pct = 80  # same cut-off as A
        self.assertEqual(self.tier_b.threshold_pct, 95)

    def test_mixed_rules(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.tier_c.rule = "customer_share"
        self.assertEqual(self.tier_c.rule, "revenue_share")

    def test_only_managers_change_tiers(self):
        partner = self._customers("Guarded Co")
        account = self._make_ka(partner, manager_id=self.user_rep.id)
        # the rep manages the account (reads and edits its record) but cannot re-tier it
        with self.assertRaises(AccessError), self.cr.savepoint():
            account.with_user(self.user_rep).write({"tier_id": self.tier_a.id})
        with self.assertRaises(AccessError), self.cr.savepoint():
            account.with_user(self.user_rep).write({"is_key": True})
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.env["sfa.key.account"].with_user(self.user_rep).create(
                {"partner_id": self._customers("Self-made").id, "is_key": True}
            )
        account.with_user(self.user_rep).business_info = "<p>Budget cycle in March</p>"
        self.assertFalse(account.tier_id)
        # a rep's new customer from the form is fine
        with Form(self.env["res.partner"].with_user(self.user_rep)) as form:
            form.name = "Ordinary Co"
            form.company_type = "company"
        account.with_user(self.user_manager).tier_id = self.tier_a
        self.assertEqual(account.tier_id, self.tier_a)
        self.assertEqual(account.tier_history_ids.reason, "Changed by hand")
