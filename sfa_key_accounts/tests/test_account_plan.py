from ast import literal_eval
from datetime import date

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SfaCommon


@tagged("post_install", "-at_install")
class TestAccountPlan(SfaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._customers("Planned Co")
        cls.key_account = (
            cls.env["sfa.key.account"]
            .with_user(cls.user_manager)
            .create(
                {
                    "partner_id": cls.account.id,
                    "company_id": cls.company.id,
                    "manager_id": cls.user_rep.id,
                    "tier_id": cls.tier_a.id,
                }
            )
        )
        cls.plan = cls._plan()

    @classmethod
    def _plan(cls, **vals):
        return cls.env["sfa.account.plan"].create(
            {
                "name": "Planned Co 2026",
                "partner_id": cls.account.id,
                "user_id": cls.user_rep.id,
                "company_id": cls.company.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                **vals,
            }
        )

    def _answers(self, kind):
        return self.plan.assessment_ids.filtered(lambda a: a.kind == kind).sorted("sequence")

    def test_plan_gets_one_answer_per_criterion(self):
        criteria = self.env["sfa.health.criterion"].search(
            [("kind", "in", ("signal", "indicator"))]
        )
        self.assertEqual(len(self.plan.assessment_ids), len(criteria))
        self.assertEqual(len(self._answers("signal")), 10)
        self.assertEqual(len(self._answers("indicator")), 5)
        # the status analysis is a person's: no willingness or quality line on a plan
        self.assertFalse(self._answers("willingness") | self._answers("quality"))
        self.plan.action_sync_assessments()
        self.assertEqual(set(self.plan.assessment_ids.mapped("kind")), {"signal", "indicator"})
        # nothing answered yet: not assessed, which is empty, not 0
        self.assertFalse(self.plan.health_assessed)
        self.assertIsNone(self.plan.health_score)
        self.assertIsNone(self.plan.health_signal)

    def test_key_account_health_not_assessed_is_empty(self):
        """The key account shows its current plan's health: empty (not 0) while nobody
        answered, left out of the average by tier and of the "Health below 50" filter."""
        self.plan.action_activate()
        self.assertIs(self.key_account.health, None)
        self.assertFalse(self.key_account.health_assessed)
        other = self._customers("Assessed Co")
        assessed = self.env["sfa.key.account"].create(
            {"partner_id": other.id, "company_id": self.company.id, "tier_id": self.tier_a.id}
        )
        plan = self._plan(name="Assessed plan", partner_id=other.id)
        plan.assessment_ids.filtered(lambda a: a.kind == "indicator").write({"score": "2"})
        plan.action_activate()
        self.assertAlmostEqual(assessed.health, 25.0)  # (2 - 1) / 4
        Account = self.env["sfa.key.account"]
        domain = [("id", "in", (self.key_account | assessed).ids)]
        [group] = Account.read_group(domain, ["health:avg"], ["tier_id"])
        self.assertAlmostEqual(group["health"], 25.0)  # not (0 + 25) / 2
        low = Account.search(domain + self._filter_domain("filter_health_low", "sfa.key.account"))
        self.assertEqual(low, assessed)
        unassessed = Account.search(
            domain + self._filter_domain("filter_health_not_assessed", "sfa.key.account")
        )
        self.assertEqual(unassessed, self.key_account)

    def test_not_assessed_is_empty_not_zero(self):
        """A part without answers is empty: NULL in the column (so SQL AVG skips it), False
        over RPC (the web client shows an empty cell), left out of filters."""
        fresh = self._plan(name="Fresh", date_start=date(2027, 1, 1), date_end=date(2027, 12, 31))
        # the plan under test: indicators all 1 -> 0 (a real, bad 0); 3 signals of 10 -> 30
        self._answers("indicator").write({"score": "1"})
        self._answers("signal")[:3].write({"present": True})
        plans = self.plan | fresh
        self.assertEqual(
            plans.read(
                [
                    "health_score",
                    "health_assessed",
                    "health_signal",
                    "health_signal_assessed",
                    "health_indicator",
                    "health_indicator_assessed",
                ]
            ),
            [
                {
                    "id": self.plan.id,
                    # (40 x 30 + 30 x 0) / 70
                    "health_score": 1200 / 70,
                    "health_assessed": True,
                    "health_signal": 30.0,
                    "health_signal_assessed": True,
                    "health_indicator": 0.0,
                    "health_indicator_assessed": True,
                },
                {
                    "id": fresh.id,
                    "health_score": False,
                    "health_assessed": False,
                    "health_signal": False,
                    "health_signal_assessed": False,
                    "health_indicator": False,
                    "health_indicator_assessed": False,
                },
            ],
        )
        self.env.flush_all()
        self.cr.execute(
            "SELECT health_score, health_indicator FROM sfa_account_plan WHERE id = %s",
            [fresh.id],
        )
        self.assertEqual(self.cr.fetchall(), [(None, None)])
        # averages (pivot, graph, list groups) leave the fresh plan out: 17.14, not 8.57
        [[average, indicator_average]] = self.env["sfa.account.plan"]._read_group(
            [("id", "in", plans.ids)], [], ["health_score:avg", "health_indicator:avg"]
        )
        self.assertAlmostEqual(average, 1200 / 70)
        self.assertEqual(indicator_average, 0.0)
        [group] = self.env["sfa.account.plan"].read_group(
            [("id", "in", plans.ids)], ["health_score"], []
        )
        self.assertAlmostEqual(group["health_score"], 1200 / 70)
        # the search view's filters do not count "not assessed" as a low health
        low, not_assessed = (
            self._filter_domain("filter_health_low"),
            self._filter_domain("filter_not_assessed"),
        )
        Plan = self.env["sfa.account.plan"]
        self.assertEqual(Plan.search([("id", "in", plans.ids), *low]), self.plan)
        self.assertEqual(Plan.search([("id", "in", plans.ids), *not_assessed]), fresh)

    def _filter_domain(self, name, model="sfa.account.plan"):
        """The domain of a filter of the model's search view, as the web client applies it."""
        arch = self.env[model].get_views([(False, "search")])["views"]["search"]
        [node] = etree.fromstring(arch["arch"]).xpath(f"//filter[@name='{name}']")
        return literal_eval(node.get("domain"))

    def test_forms_and_lists_say_not_assessed(self):
        views = self.env["sfa.account.plan"].get_views(
            [(False, "form"), (False, "list"), (False, "kanban")]
        )["views"]
        for view_type in ("form", "list", "kanban"):
            arch = views[view_type]["arch"]
            self.assertIn("Not assessed", arch, view_type)
            # the progress bar (which would draw 0 %) is hidden when not assessed
            bars = "//field[@widget='progressbar'][starts-with(@name, 'health')]"
            for node in etree.fromstring(arch).xpath(bars):
                self.assertIn("_assessed", node.get("invisible", ""), (view_type, node.get("name")))
        self.assertEqual(self.plan.health_label, "Not assessed")
        self._answers("indicator").write({"score": "3"})
        self.assertFalse(self.plan.health_label)

    def test_health_formula_and_one_answer(self):
        # the worked example of docs/method.md §1.6: 3 of the 10 signals (10 each) -> 30;
        # indicators 4 on the first (30) and second (20), 2 on the others (20, 15, 15):
        # (0.75 x 50 + 0.25 x 50) / 100 -> 50; health = (40 x 30 + 30 x 50) / 70 = 38.571...
        self._answers("signal")[:3].write({"present": True})
        self._answers("indicator")[:2].write({"score": "4"})
        self._answers("indicator")[2:].write({"score": "2"})
        self.assertAlmostEqual(self.plan.health_signal, 30.0)
        self.assertAlmostEqual(self.plan.health_indicator, 50.0)
        self.assertAlmostEqual(self.plan.health_score, 2700 / 70)
        self.assertAlmostEqual(self.plan.health_score, 38.5714286)
        self.assertNotIn("health_willingness", self.plan._fields)
        # One more signal (weight 10): signals 30 -> 40, health + 40 x 10 / 70
        self._answers("signal")[3].present = True
        self.assertAlmostEqual(self.plan.health_score, 3100 / 70)
        # the customer shows its current plan's health
        self.plan.action_activate()
        self.assertEqual(self.key_account.current_plan_id, self.plan)
        self.assertAlmostEqual(self.key_account.health, 3100 / 70)

    def test_bulk_recompute_writes_only_changed_plans(self):
        """A criterion's weight changes: the bulk recompute gives the figures the formula
        gives, writes only the plans whose figures changed, and their key accounts follow."""
        self._answers("signal")[:3].write({"present": True})
        self._answers("indicator").write({"score": "5"})
        self.plan.action_activate()
        untouched = self._plan(
            name="Untouched", date_start=date(2027, 1, 1), date_end=date(2027, 12, 31)
        )
        # signals 30, indicators 100: (40 x 30 + 30 x 100) / 70 = 60
        self.assertAlmostEqual(self.plan.health_score, 60.0)
        self.env.flush_all()
        # the first signal now weighs 20 of 110 (the stored figures are left stale on purpose)
        self.env.cr.execute(
            "UPDATE sfa_account_plan_assessment SET weight = 20 WHERE id = %s",
            [self._answers("signal")[0].id],
        )
        self.env.invalidate_all()
        plans = self.plan | untouched
        changed = plans._sfa_recompute_health()
        self.assertEqual(changed, self.plan)  # Untouched has no answer: nothing to write
        # signals (20 + 10 + 10) / 110 x 100 = 36.36; (40 x 36.36 + 30 x 100) / 70
        signal = 4000 / 110
        self.assertAlmostEqual(self.plan.health_signal, signal)
        self.assertAlmostEqual(self.plan.health_score, (40 * signal + 3000) / 70)
        self.assertAlmostEqual(self.key_account.health, (40 * signal + 3000) / 70)
        self.assertFalse(plans._sfa_recompute_health())  # nothing left to change

    def test_weights_not_summing_to_100_block_activation(self):
        self.env.ref("sfa_key_accounts.health_indicator_01").weight = 25  # 30 -> 25: sum 95
        with self.assertRaisesRegex(UserError, "Evaluation indicator = 95"):
            self.plan.action_activate()
        self.assertEqual(self.plan.state, "draft")

    def test_period_must_not_end_before_start(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self._plan(date_start=date(2026, 6, 1), date_end=date(2026, 5, 31))
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.plan.date_end = date(2025, 12, 31)
        self.assertEqual(self.plan.date_end, date(2026, 12, 31))

    def test_one_active_plan_per_account_and_period(self):
        self.plan.action_activate()
        second = self._plan(name="Second", date_start=date(2026, 7, 1), date_end=date(2027, 6, 30))
        with self.assertRaises(ValidationError), self.cr.savepoint():
            second.action_activate()
        self.assertEqual(second.state, "draft")
        # a plan for the next, non-overlapping period may be active at the same time
        next_year = self._plan(
            name="2027", date_start=date(2027, 1, 1), date_end=date(2027, 12, 31)
        )
        next_year.action_activate()
        self.assertEqual(next_year.state, "active")

    def test_review_cadence_creates_activity_for_manager(self):
        self.plan.action_activate()
        activity = self.plan.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_rep)
        self.assertEqual(activity.date_deadline, self.plan.next_review_date)
        self.plan.next_review_date = date(2026, 9, 30)
        self.assertEqual(self.plan.activity_ids.date_deadline, date(2026, 9, 30))
        self.plan.action_start_review()
        self.plan.action_review_done()
        self.assertEqual(self.plan.state, "active")
        self.assertEqual(len(self.plan.activity_ids), 1)
        self.assertGreater(self.plan.next_review_date, fields.Date.context_today(self.plan))
        self.plan.action_close()
        self.assertFalse(self.plan.activity_ids)

    def test_objectives_measured_from_crm(self):
        self._won(self.account, 3000, closed="2026-02-01")
        contact = self.env["res.partner"].create({"name": "Pat", "parent_id": self.account.id})
        self._won(contact, 1000, closed="2026-11-30")
        self._won(self.account, 5000, closed="2025-12-31")  # before the plan period
        self.env["crm.lead"].create(
            [
                {
                    "name": f"Open {amount}",
                    "type": "opportunity",
                    "partner_id": self.account.id,
                    "expected_revenue": amount,
                    "stage_id": self.stage_open.id,
                    "company_id": self.company.id,
                }
                for amount in (700, 300)
            ]
        )
        objectives = self.env["sfa.account.plan.objective"].create(
            [
                {"plan_id": self.plan.id, "name": m, "measure": m, "target": 8000}
                for m in ("won_revenue", "won_count", "pipeline", "open_count")
            ]
            + [
                {
                    "plan_id": self.plan.id,
                    "name": "Visits",
                    "measure": "manual",
                    "target": 4,
                    "manual_value": 3,
                }
            ]
        )
        self.assertEqual(objectives.mapped("current_value"), [4000.0, 2.0, 1000.0, 2.0, 3.0])
        self.assertEqual(objectives[0].progress, 50.0)
        self.assertEqual(objectives[4].progress, 75.0)

    def test_swot_need_competitor_lever(self):
        weakness = self.env["sfa.account.swot"].create(
            {"plan_id": self.plan.id, "quadrant": "weakness", "area": "quality", "name": "Scrap"}
        )
        need = self.env["sfa.account.need"].create(
            {
                "plan_id": self.plan.id,
                "strategy": "wt",
                "name": "Less scrap",
                "swot_ids": [(6, 0, weakness.ids)],
                "offer": "Inspection",
            }
        )
        self.assertEqual(need.swot_ids, weakness)
        other_plan = self._plan(
            name="Other", date_start=date(2030, 1, 1), date_end=date(2030, 12, 31)
        )
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["sfa.account.need"].create(
                {"plan_id": other_plan.id, "name": "Wrong", "swot_ids": [(6, 0, weakness.ids)]}
            )
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["sfa.account.competitor"].create(
                {"plan_id": self.plan.id, "competitor_id": self.account.id, "share_pct": 120}
            )
        lever = self.env["sfa.account.plan.lever"].create(
            {
                "plan_id": self.plan.id,
                "lever_id": self.env.ref("sfa_key_accounts.switching_lever_01").id,
            }
        )
        self.assertEqual(lever.status, "planned")
        self.assertEqual(self.env["sfa.switching.lever"].search_count([]), 16)

    def test_pdf_renders_plan(self):
        self.env["sfa.account.swot"].create(
            {"plan_id": self.plan.id, "quadrant": "threat", "name": "Cheap rival bids"}
        )
        self.env["sfa.account.plan.objective"].create(
            {
                "plan_id": self.plan.id,
                "name": "Visits",
                "measure": "manual",
                "target": 4,
                "manual_value": 3,
            }
        )
        self.env["sfa.account.competitor"].create(
            {"plan_id": self.plan.id, "competitor_id": self.account.id, "share_pct": 12.5}
        )
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "sfa_key_accounts.sfa_account_plan_report", self.plan.ids
        )
        html = html.decode()
        self.assertIn("Account plan:", html)
        self.assertIn("Planned Co 2026", html)
        self.assertIn("Cheap rival bids", html)
        self.assertIn("12.5", html)  # competitor share
        self.assertIn(">75<", html)  # objective progress
        self.assertEqual(
            self.plan.with_context(discard_logo_check=True).action_print()["report_name"],
            "sfa_key_accounts.sfa_account_plan_report_document",
        )

    def test_onchange_partner_sets_manager_and_name(self):
        # the key account is the customer's record in the plan's company (the current one)
        with Form(self.env["sfa.account.plan"].with_company(self.company)) as form:
            form.partner_id = self.account
            self.assertEqual(form.user_id, self.user_rep)
            self.assertIn("Planned Co plan", form.name)

    def test_access_rules(self):
        """The key-account manager edits; a rep of another account neither sees nor edits;
        the salesperson who owns the customer reads; a sales manager sees all."""
        other_rep = self._user("sfa_other_rep", "Olga Other", "sales_team.group_sale_salesman")
        plan_as_kam = self.plan.with_user(self.user_rep)
        plan_as_kam.strategy = "<p>Win the plant</p>"
        self.env["sfa.account.swot"].with_user(self.user_rep).create(
            {"plan_id": self.plan.id, "quadrant": "strength", "name": "Capacity"}
        )
        with self.assertRaises(AccessError):
            self.plan.with_user(other_rep).read(["name"])
        self.assertFalse(
            self.env["sfa.account.plan"].with_user(other_rep).search([("id", "=", self.plan.id)])
        )
        self.account.user_id = other_rep  # other_rep now owns the customer: may read, not edit
        self.assertEqual(self.plan.with_user(other_rep).name, "Planned Co 2026")
        with self.assertRaises(AccessError):
            self.plan.with_user(other_rep).write({"name": "Hijacked"})
        self.assertEqual(
            self.env["sfa.account.plan"]
            .with_user(self.user_manager)
            .search([("id", "=", self.plan.id)]),
            self.plan,
        )
        with self.assertRaises(AccessError):
            self.plan.with_user(self.user_employee).read(["name"])

    def test_multi_company_rule(self):
        other = self.env["res.company"].create({"name": "Elsewhere"})
        manager = self._user("sfa_mc_manager", "Max Multi", "sales_team.group_sale_manager")
        self.assertFalse(
            self.env["sfa.account.plan"]
            .with_user(manager)
            .with_context(allowed_company_ids=[self.company.id])
            .search([("company_id", "=", other.id)])
        )
        foreign = self._plan(company_id=other.id, name="Foreign")
        self.assertFalse(
            self.env["sfa.account.plan"].with_user(manager).search([("id", "=", foreign.id)])
        )
        self.assertEqual(
            self.env["sfa.account.plan"].with_user(manager).search([("id", "=", self.plan.id)]),
            self.plan,
        )
