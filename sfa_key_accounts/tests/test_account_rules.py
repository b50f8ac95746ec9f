"""What users rely on in key accounts, tiers, account plans, objectives and the 80/20
selection, pinned with hand-worked figures (issue 13, "tests that bite": each test fails on a
plausible slip in the code it covers)."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import SfaCommon

REVIEW_ACTIVITY = "sfa_key_accounts.mail_activity_type_account_review"


def _with_tracking(env):
    """The environment of a user in the web client: mail tracking and chatter logs on (the
    shared test setup turns tracking off for speed)."""
    return env(context=dict(env.context, tracking_disable=False))


@tagged("post_install", "-at_install")
class TestKeyAccountRecord(SfaCommon):
    """The key-account record: its plan count, its current plan, writes over RPC, and the
    record a key-account manager's first plan creates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls._customers("Counted Co")
        cls.account = cls._make_ka(cls.partner)

    def _plan(self, start_year, **vals):
        return self.env["sfa.account.plan"].create(
            {
                "name": f"Counted Co {start_year}",
                "partner_id": self.partner.id,
                "company_id": self.company.id,
                "date_start": date(start_year, 1, 1),
                "date_end": date(start_year, 12, 31),
                **vals,
            }
        )

    def test_plan_count_is_zero_then_counts_plans(self):
        """The "Plans" smart button says 0 for a customer without plans, then the number."""
        self.assertEqual(self.account.plan_count, 0)
        self._plan(2026)
        self._plan(2027)
        self.account.invalidate_recordset(["plan_count"])
        self.assertEqual(self.account.plan_count, 2)

    def test_current_plan_is_the_live_one_else_the_last_started(self):
        """Without a live plan the account shows the plan that starts last (a draft); once a
        plan is active it shows that one, even if a draft starts later."""
        self.assertFalse(self.account.current_plan_id)
        plan_2026 = self._plan(2026)
        plan_2027 = self._plan(2027)
        self.assertEqual(self.account.current_plan_id, plan_2027)
        plan_2026.action_activate()
        self.assertEqual(self.account.current_plan_id, plan_2026)

    def test_new_in_a_tier_column_keeps_its_tier_history(self):
        """The tier kanban offers no "+" in a column (quick create would skip the form);
        its New opens the form with the column's tier, and saving keeps the tier history
        (from no tier to that tier, by that manager)."""
        kanban = self.env["sfa.key.account"].get_views([(False, "kanban")])
        self.assertIn('quick_create="0"', kanban["views"]["kanban"]["arch"])
        partner = self._customers("Column Co")
        env = self.env(user=self.user_manager, context={"default_tier_id": self.tier_b.id})
        with Form(env["sfa.key.account"]) as form:
            form.partner_id = partner
        account = form.record
        self.assertEqual(account.tier_id, self.tier_b)
        history = account.tier_history_ids
        self.assertEqual(
            (len(history), history.from_tier_id, history.to_tier_id, history.user_id),
            (1, self.env["sfa.key.account.tier"], self.tier_b, self.user_manager),
        )
        self.assertEqual(history.reason, "Changed by hand")

    def test_tier_change_write_returns_true(self):
        """XML-RPC clients read the result of write(): a tier change answers True, as any
        other write does."""
        self.assertIs(self.account.write({"tier_id": self.tier_b.id}), True)
        self.assertIs(self.account.write({"tier_id": self.tier_b.id}), True)  # unchanged
        self.assertIs(self.account.write({"business_info": "<p>Fiscal year in April</p>"}), True)
        self.assertEqual(self.account.tier_id, self.tier_b)

    def test_first_plan_creates_a_quiet_key_account(self):
        """A key-account manager's first plan for a customer creates its key-account record
        silently: no "created" line in its chatter and the manager is not made a follower
        (the record is a by-product of the plan)."""
        partner = self._customers("Fresh Co")
        manager_env = _with_tracking(self.env(user=self.user_manager))
        plan = manager_env["sfa.account.plan"].create(
            {
                "name": "Fresh Co 2026",
                "partner_id": partner.id,
                "company_id": self.company.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
            }
        )
        account = self._ka(partner)
        self.assertEqual(len(account), 1)
        self.assertEqual(plan.key_account_id, account)
        self.assertEqual(len(account.message_ids), 0)
        self.assertEqual(len(account.message_partner_ids), 0)

    def test_plan_for_another_company_creates_its_key_account_there(self):
        """A plan made for company B from company A (the user's current company) belongs to
        B's key-account record of the customer, which the plan creates; A gets none."""
        partner = self._customers("Cross Co")
        self.assertNotEqual(self.env.company, self.company)
        plan = self.env["sfa.account.plan"].create(
            {
                "name": "Cross Co 2026",
                "partner_id": partner.id,
                "company_id": self.company.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
            }
        )
        self.assertEqual(plan.key_account_id, self._ka(partner))
        self.assertEqual(plan.key_account_id.company_id, self.company)
        self.assertFalse(self._ka(partner, company=self.env.company))


@tagged("post_install", "-at_install")
class TestTierSet(SfaCommon):
    """A company's tier set: counts, bounds, the default pyramid and its xml ids."""

    def test_partner_count_is_zero_then_counts_accounts(self):
        self.assertEqual(self.tier_a.partner_count, 0)
        for name in ("Tiered One", "Tiered Two"):
            self._make_ka(self._customers(name), tier_id=self.tier_a.id)
        self.tier_a.invalidate_recordset(["partner_count"])
        self.assertEqual((self.tier_a.partner_count, self.tier_c.partner_count), (2, 0))

    def test_threshold_out_of_range_refused_even_in_order(self):
        """A threshold above 100% or at 0% is refused even where the thresholds still rise
        (80 / 95 / 100.5, 0 / 95 / 100), and nothing is written."""
        message = "A tier threshold must be above 0% and at most 100%."
        for tier, pct in ((self.tier_c, 100.5), (self.tier_a, 0)):
            with self.assertRaisesRegex(ValidationError, message), self.cr.savepoint():
                tier.threshold_pct = pct
        self.assertEqual(
            (self.tier_a | self.tier_b | self.tier_c).mapped("threshold_pct"), [80, 95, 100]
        )

    def test_default_pyramid_read_back(self):
        """A company without tiers gets the method's customer pyramid: main 1%, big 5%,
        ordinary 20%, small 100% of customers, key for the first two, with their colours and
        sequence 10 / 20 / 30 / 40."""
        company = self.env["res.company"].create({"name": "Pyramid Co"})
        tiers = self.env["sfa.key.account.tier"]._for_company(company)
        self.assertEqual(
            [
                (t.name, t.sequence, t.rule, t.threshold_pct, t.color, t.is_key, t.company_id)
                for t in tiers
            ],
            [
                ("Main customers", 10, "customer_share", 1, 3, True, company),
                ("Big customers", 20, "customer_share", 5, 2, True, company),
                ("Ordinary customers", 30, "customer_share", 20, 4, False, company),
                ("Small customers", 40, "customer_share", 100, 0, False, company),
            ],
        )

    def test_install_names_the_main_company_tiers_only(self):
        """At install every company gets the pyramid, and the main company's four tiers (and
        only those) get the xml ids tier_main / tier_big / tier_ordinary / tier_small that
        the demo data refers to."""
        main = self.env.ref("base.main_company")
        main_tiers = self.env["sfa.key.account.tier"].search([("company_id", "=", main.id)])
        self.assertEqual(len(main_tiers), 4)
        keys = ("main", "big", "ordinary", "small")
        self.env["ir.model.data"].search(
            [("module", "=", "sfa_key_accounts"), ("name", "in", [f"tier_{k}" for k in keys])]
        ).unlink()
        # sorts after the main company: with a slip, its tiers would take the names last
        other = self.env["res.company"].create({"name": "ZZZ Tiers Co"})
        self.env["sfa.key.account.tier"]._install_default_tiers()
        other_tiers = self.env["sfa.key.account.tier"].search([("company_id", "=", other.id)])
        self.assertEqual(other_tiers.mapped("threshold_pct"), [1, 5, 20, 100])
        named = [self.env.ref(f"sfa_key_accounts.tier_{k}", raise_if_not_found=False) for k in keys]
        self.assertEqual(named, list(main_tiers))

    def test_install_without_a_main_company_xml_id(self):
        """A database whose main company lost its xml id (base.main_company) still installs:
        every company gets its pyramid, and no tier is named."""
        keys = ("main", "big", "ordinary", "small")
        self.env["ir.model.data"].search(
            [
                "|",
                "&",
                ("module", "=", "base"),
                ("name", "=", "main_company"),
                "&",
                ("module", "=", "sfa_key_accounts"),
                ("name", "in", [f"tier_{k}" for k in keys]),
            ]
        ).unlink()
        other = self.env["res.company"].create({"name": "No Main Co"})
        self.env["sfa.key.account.tier"]._install_default_tiers()
        self.assertEqual(
            self.env["sfa.key.account.tier"]
            .search([("company_id", "=", other.id)])
            .mapped("threshold_pct"),
            [1, 5, 20, 100],
        )
        self.assertFalse(self.env.ref("sfa_key_accounts.tier_main", raise_if_not_found=False))


@tagged("post_install", "-at_install")
class TestPlanRules(SfaCommon):
    """An account plan's defaults, dates, review interval, name and review activity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls._customers("Ruled Co")
        cls.key_account = cls._make_ka(cls.partner)

    def _plan(self, **vals):
        return self.env["sfa.account.plan"].create(
            {
                "name": "Ruled Co 2026",
                "partner_id": self.partner.id,
                "company_id": self.company.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                **vals,
            }
        )

    @freeze_time("2026-05-17")
    def test_new_plan_covers_the_calendar_year_reviewed_quarterly(self):
        """A new plan runs from 1 January to 31 December of this year, is reviewed every 3
        months, and its first review is 3 months after activation."""
        defaults = self.env["sfa.account.plan"].default_get(
            ["date_start", "date_end", "review_interval_months", "state"]
        )
        self.assertEqual(
            defaults,
            {
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "review_interval_months": 3,
                "state": "draft",
            },
        )
        plan = self.env["sfa.account.plan"].create(
            {"name": "Defaults", "partner_id": self.partner.id, "company_id": self.company.id}
        )
        plan.action_activate()
        self.assertEqual(plan.next_review_date, date(2026, 8, 17))

    def test_review_interval_from_one_to_sixty_months(self):
        plan = self._plan()
        for months in (1, 60):
            plan.review_interval_months = months
            self.assertEqual(plan.review_interval_months, months)
        for months in (0, 61):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                plan.review_interval_months = months
        self.assertEqual(plan.review_interval_months, 60)

    def test_typed_name_kept_when_the_customer_is_chosen(self):
        """Choosing the customer proposes a name only when none was typed."""
        form = Form(self.env["sfa.account.plan"])
        form.name = "Our own name"
        form.partner_id = self.partner
        self.assertEqual(form.name, "Our own name")
        form = Form(self.env["sfa.account.plan"])
        form.partner_id = self.partner
        self.assertEqual(form.name, f"Ruled Co plan {form.date_start.year}")

    def test_review_activity_only_for_a_dated_open_plan(self):
        """A draft plan has no review date, hence no review activity; activation schedules
        one on the review date; a closed plan gets none, even when given a date."""
        plan = self._plan()
        self.assertEqual(len(plan.activity_ids), 0)
        plan.action_activate()
        self.assertEqual(len(plan.activity_ids), 1)
        self.assertEqual(plan.activity_ids.date_deadline, plan.next_review_date)
        plan.action_close()
        plan.next_review_date = date(2027, 2, 1)
        self.assertEqual(len(plan.activity_ids), 0)


@tagged("post_install", "-at_install")
class TestObjectiveFigures(SfaCommon):
    """Objectives measured from the CRM over the plan's period, and their target."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner, cls.quiet = cls._customers("Measured Co", "Quiet Co")
        cls._won(cls.partner, 3000, closed="2026-12-31")  # the plan's last day: counts
        cls._won(cls.partner, 700, closed="2027-01-01")  # the day after: does not
        cls.plan, cls.quiet_plan = cls.env["sfa.account.plan"].create(
            [
                {
                    "name": f"{partner.name} 2026",
                    "partner_id": partner.id,
                    "company_id": cls.company.id,
                    "date_start": date(2026, 1, 1),
                    "date_end": date(2026, 12, 31),
                }
                for partner in (cls.partner, cls.quiet)
            ]
        )

    def _objectives(self, plan):
        return self.env["sfa.account.plan.objective"].create(
            [
                {"plan_id": plan.id, "name": measure, "measure": measure, "target": 10}
                for measure in ("won_revenue", "won_count", "pipeline", "open_count")
            ]
        )

    def test_won_deals_counted_through_the_last_day_only(self):
        objectives = self._objectives(self.plan)
        self.assertEqual(objectives.mapped("current_value"), [3000.0, 1.0, 0.0, 0.0])

    def test_customer_without_deals_counts_zero(self):
        objectives = self._objectives(self.quiet_plan)
        self.assertEqual(objectives.mapped("current_value"), [0.0, 0.0, 0.0, 0.0])
        self.assertEqual(objectives.mapped("progress"), [0.0, 0.0, 0.0, 0.0])

    def test_target_from_zero_up(self):
        """A target may be 0 or a fraction (0.5 orders); below 0 is refused."""
        Objective = self.env["sfa.account.plan.objective"]
        for target in (0, 0.5):
            objective = Objective.create(
                {"plan_id": self.plan.id, "name": "Small", "measure": "manual", "target": target}
            )
            self.assertEqual(objective.target, target)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            objective.target = -0.5
        self.assertEqual(objective.target, 0.5)


@tagged("post_install", "-at_install")
class TestNewLineDefaults(SfaCommon):
    """New lines are numbered 10 so that a line added by hand lands after the ones already
    ordered 1, 2, 3 by drag and drop, and before those left at a later default."""

    def test_new_lines_get_sequence_ten(self):
        partner = self._customers("Sequenced Co")
        account = self._make_ka(partner)
        plan = self.env["sfa.account.plan"].create(
            {"name": "Sequenced", "partner_id": partner.id, "company_id": self.company.id}
        )
        records = [
            self.env["sfa.account.swot"].create({"plan_id": plan.id, "name": "Strong brand"}),
            self.env["sfa.account.need"].create({"plan_id": plan.id, "name": "Faster delivery"}),
            self.env["sfa.account.plan.objective"].create({"plan_id": plan.id, "name": "Grow"}),
            self.env["sfa.key.account.member"].create(
                {"key_account_id": account.id, "user_id": self.user_rep.id}
            ),
            self.env["sfa.switching.lever"].create({"name": "Shared tooling"}),
        ]
        self.assertEqual([r.sequence for r in records], [10, 10, 10, 10, 10])
        self.assertIs(records[-1].active, True)
        # a tier's place in its set is checked on save: its default is read from the form
        self.assertEqual(
            self.env["sfa.key.account.tier"].default_get(["sequence"]), {"sequence": 10}
        )


@tagged("post_install", "-at_install")
class TestSelectionEdges(SfaCommon):
    """The 80/20 selection at its edges: which deals count, ties, tiny revenue, and the one
    chatter note a tier change leaves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Zulu is created before Alpha: equal revenue ranks them by name, not by age
        cls.zulu, cls.alpha, cls.penny, cls.ghost, cls.late = cls._customers(
            "Zulu Co", "Alpha Co", "Penny Co", "Ghost Co", "Late Co"
        )
        cls._won(cls.zulu, 500)
        cls._won(cls.alpha, 500)
        cls._won(cls.penny, 1)
        cls._won(cls.late, 7000, closed="2026-07-01")  # the day after the period
        ghost = cls._won(cls.ghost, 9000)
        ghost.active = False  # archived: no longer counts (archiving stamps date_closed)
        ghost.date_closed = datetime(2026, 6, 15, 10, 0)
        assert ghost.stage_id.is_won and not ghost.active

    def _wizard(self, env=None):
        env = env or self.env
        return (
            env["sfa.key.account.selection"]
            .with_company(self.company)
            .create(
                {
                    "date_from": date(2026, 1, 1),
                    "date_to": date(2026, 6, 30),
                    "company_id": self.company.id,
                }
            )
        )

    def test_ranking_counts_active_deals_of_the_period(self):
        """Alpha and Zulu (500 each) tie: Alpha comes first by name (cumulative 500 / 1001 =
        49.95%, then 99.90%); Penny's 1 counts in the total (1001); the archived deal and the
        one closed the day after the period do not."""
        wizard = self._wizard()
        wizard.action_compute()
        rows = [
            (line.partner_id, line.rank, line.revenue, round(line.cumulative_share, 2))
            for line in wizard.line_ids.sorted(lambda line: line.cumulative_share)
        ]
        self.assertEqual(
            rows,
            [
                (self.alpha, 1, 500.0, 49.95),
                (self.zulu, 1, 500.0, 99.9),
                (self.penny, 3, 1.0, 100.0),
            ],
        )
        self.assertEqual(wizard.total_revenue, 1001.0)

    def test_apply_keeps_history_without_chatter_or_tracking(self):
        """Applying a tier writes one tier-history row per change (the record of an 80/20
        change), neither a chatter note per customer nor a tracked copy of it."""
        # a key account saved in an earlier transaction (mail never tracks a record in the
        # transaction that creates it)
        self._make_ka(self.alpha)
        self.env.flush_all()
        self.env.cr.precommit.run()
        wizard = self._wizard(_with_tracking(self.env(user=self.user_manager)))
        wizard.action_compute()
        wizard.action_apply()
        self.env.flush_all()
        self.env.cr.precommit.run()  # where mail writes its tracking messages
        account = self._ka(self.alpha)
        self.assertEqual(account.tier_id, self.tier_a)
        self.assertFalse(account.message_ids)
        history = account.tier_history_ids
        self.assertEqual(
            (len(history), history.from_tier_id, history.to_tier_id, history.user_id),
            (1, self.env["sfa.key.account.tier"], self.tier_a, self.user_manager),
        )
