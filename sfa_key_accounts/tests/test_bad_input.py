import inspect
from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from odoo.addons.base.controllers.rpc import dumps

from .common import SfaWorksheetCommon, days_to_close_kpi

# What an XML-RPC or JSON-RPC caller can send for a number and Odoo used to turn into a
# server error (OverflowError, ValueError, "integer out of range") or store as is.
NOT_FINITE = (float("inf"), float("-inf"), float("nan"), 1e308)

# The models of value worksheets and account plans, whose every public action_* must
# return something XML-RPC can marshal (None cannot be).
MODELS = (
    "sfa.value.worksheet",
    "sfa.value.benefit",
    "sfa.value.cost",
    "sfa.value.kpi",
    "sfa.value.need",
    "sfa.value.differentiator",
    "sfa.account.plan",
    "sfa.account.plan.objective",
    "sfa.account.plan.lever",
    "sfa.account.plan.assessment",
    "sfa.account.swot",
    "sfa.account.need",
    "sfa.account.competitor",
    "sfa.health.criterion",
)


@tagged("post_install", "-at_install")
class TestBadInput(SfaWorksheetCommon):
    """Bad numbers get a clear ValidationError and change nothing; buttons answer RPC."""

    CUSTOMER = "Careful Co"
    RIVAL = "Careless Rival"
    DEAL = "Careful deal"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls.env["res.partner"].create(
            {"name": "Carl Contact", "parent_id": cls.account.id}
        )
        cls.kpi = days_to_close_kpi(cls.ws)
        cls.differentiator = cls.env["sfa.value.differentiator"].create(
            {"worksheet_id": cls.ws.id, "name": "Support", "competitor_id": cls.rival.id}
        )
        cls.plan = cls._plan("Careful Co 2026")
        cls.objective = cls.env["sfa.account.plan.objective"].create(
            {"plan_id": cls.plan.id, "name": "Revenue", "measure": "manual", "target": 1000}
        )
        cls.competitor = cls.env["sfa.account.competitor"].create(
            {"plan_id": cls.plan.id, "competitor_id": cls.rival.id, "share_pct": 60}
        )
        cls.criterion = cls.env.ref("sfa_key_accounts.health_signal_01")

    @classmethod
    def _plan(cls, name, **vals):
        return cls.env["sfa.account.plan"].create(
            {
                "name": name,
                "partner_id": cls.account.id,
                "company_id": cls.company.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                **vals,
            }
        )

    def _snapshot(self):
        """Every figure a bad input could have changed, read back from the database."""
        self.env.invalidate_all()
        return {
            "worksheet": self.ws.read(
                ["horizon_years", "discount_rate", "likely_net_value", "likely_npv", "version"]
            ),
            "benefits": self.ws.benefit_ids.read(["conservative_amount", "likely_amount"]),
            "costs": self.ws.cost_ids.read(["amount"]),
            "kpis": self.ws.kpi_ids.read(
                ["current_value", "average", "target", "value_per_unit", "gap_to_average"]
            ),
            "differentiators": self.ws.differentiator_ids.read(
                ["our_rating", "competitor_rating", "importance", "advantage"]
            ),
            "plan": self.plan.read(["review_interval_months", "partner_id", "next_review_date"]),
            "plans": self.env["sfa.account.plan"].search_count([]),
            "objectives": self.plan.objective_ids.read(["target", "manual_value"]),
            "competitors": self.plan.competitor_ids.read(["share_pct"]),
            "criterion": self.criterion.read(["weight"]),
        }

    def assertRefused(self, call, *args, **kwargs):
        """``call(*args, **kwargs)`` raises a ValidationError (not a server error) and changes
        nothing."""
        before = self._snapshot()
        with self.assertRaises(ValidationError), self.cr.savepoint():
            call(*args, **kwargs)
        self.assertEqual(self._snapshot(), before, f"{call} {args} {kwargs} changed something")

    def test_worksheet_horizon_and_rate(self):
        for horizon in (0, -2, 31, 1000, 30000, 2**40, float("nan")):
            self.assertRefused(self.ws.write, {"horizon_years": horizon})
        for rate in (-1, 101, *NOT_FINITE):
            self.assertRefused(self.ws.write, {"discount_rate": rate})
        Worksheet = self.env["sfa.value.worksheet"]
        lead = self.env["crm.lead"].create({"name": "Long deal", "type": "opportunity"})
        self.assertRefused(
            Worksheet.create, {"lead_id": lead.id, "name": "Forever", "horizon_years": 30000}
        )
        # 30 years is the longest horizon: 6,000 a year x 30
        self.ws.horizon_years = 30
        self.assertEqual(self.ws.likely_total_benefit, 180000.0)
        # typing a huge horizon in the form computes nothing (no minute-long NPV) and the
        # save is refused
        with self.assertRaises(ValidationError), self.cr.savepoint():
            with Form(self.ws) as form:
                form.horizon_years = 30000
                self.assertEqual(form.likely_npv, 0.0)
        self.assertEqual(self.ws.horizon_years, 30)

    def test_benefit_amounts(self):
        for field in ("conservative_amount", "likely_amount"):
            for amount in (-1, -0.01, *NOT_FINITE, "inf", "abc"):
                self.assertRefused(self.benefit.write, {field: amount})
        # conservative above likely, written together, one by one or at creation
        self.assertRefused(self.benefit.write, {"conservative_amount": 7000})
        self.assertRefused(self.benefit.write, {"likely_amount": 3999})
        self.assertRefused(
            self.env["sfa.value.benefit"].create,
            {"worksheet_id": self.ws.id, "conservative_amount": 5, "likely_amount": 3},
        )
        # through the worksheet (what the form sends) the same rule holds
        self.assertRefused(
            self.ws.write,
            {"benefit_ids": [(1, self.benefit.id, {"likely_amount": float("inf")})]},
        )
        self.benefit.write({"conservative_amount": 6000, "likely_amount": 6000})  # equal is fine
        self.assertEqual(self.ws.conservative_total_benefit, 18000.0)

    def test_cost_kpi_and_differentiator_numbers(self):
        for amount in (-5, *NOT_FINITE):
            self.assertRefused(self.cost.write, {"amount": amount})
        for field in ("current_value", "worst_quartile", "average", "best_quartile", "target"):
            for number in NOT_FINITE:
                self.assertRefused(self.kpi.write, {field: number})
        for number in (-1, *NOT_FINITE):
            self.assertRefused(self.kpi.write, {"value_per_unit": number})
        # a target worse than the average would make the likely benefit the smaller one
        self.assertRefused(self.kpi.write, {"target": 9})
        for rating in (0, 6, 2**40, float("inf")):
            self.assertRefused(self.differentiator.write, {"our_rating": rating})
        self.assertRefused(self.differentiator.write, {"sequence": 2**40})

    def test_plan_numbers(self):
        for months in (0, -1, 61, 10**6, 2**40):
            self.assertRefused(self.plan.write, {"review_interval_months": months})
        self.assertRefused(self._plan, "Too slow", review_interval_months=10**6)
        for target in (-1, *NOT_FINITE):
            self.assertRefused(self.objective.write, {"target": target})
        for value in NOT_FINITE:
            self.assertRefused(self.objective.write, {"manual_value": value})
        for share in (-1, 101, *NOT_FINITE):
            self.assertRefused(self.competitor.write, {"share_pct": share})
        for weight in (-1, 101, *NOT_FINITE):
            self.assertRefused(self.criterion.write, {"weight": weight})
        # shares of one plan cannot sum to more than 100%
        Competitor = self.env["sfa.account.competitor"]
        other = {"plan_id": self.plan.id, "competitor_id": self.account.id}
        self.assertRefused(Competitor.create, {**other, "share_pct": 40.1})
        Competitor.create({**other, "share_pct": 40})  # exactly 100: fine
        self.assertEqual(sum(self.plan.competitor_ids.mapped("share_pct")), 100.0)
        self.assertRefused(self.competitor.write, {"share_pct": 61})
        # the review interval still works at its maximum
        self.plan.review_interval_months = 60
        self.plan.action_activate()
        self.assertEqual(self.plan.state, "active")

    def test_plan_is_for_a_company_not_a_contact_person(self):
        self.assertRefused(self._plan, "Contact plan", partner_id=self.contact.id)
        self.assertRefused(self.plan.write, {"partner_id": self.contact.id})
        with self.assertRaisesRegex(ValidationError, "Careful Co"), self.cr.savepoint():
            self.plan.write({"partner_id": self.contact.id})

    def test_stale_days_setting(self):
        param = self.env["ir.config_parameter"]
        self.assertEqual(param.get_param("sfa_key_accounts.stale_days"), "30")
        for days in (0, -5, 2**40):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self.env["res.config.settings"].create({"sfa_stale_days": days}).execute()
            self.assertEqual(param.get_param("sfa_key_accounts.stale_days"), "30")
        self.env["res.config.settings"].create({"sfa_stale_days": 1}).execute()
        self.assertEqual(param.get_param("sfa_key_accounts.stale_days"), "1")

    def test_every_action_returns_a_value_that_marshals(self):
        """XML-RPC cannot marshal None: every public action_* of these models returns True
        or an action. Walking dir() catches actions added later."""
        prepare = {
            ("sfa.value.worksheet", "action_agree"): ["action_share"],
            ("sfa.value.worksheet", "action_reset_draft"): ["action_share"],
            ("sfa.account.plan", "action_start_review"): ["action_activate"],
            ("sfa.account.plan", "action_review_done"): ["action_activate", "action_start_review"],
            ("sfa.account.plan", "action_close"): ["action_activate"],
            ("sfa.account.plan", "action_reset_draft"): ["action_activate", "action_close"],
        }
        years = iter(range(2031, 2100))  # one period per plan: each may be activated

        def fresh_plan():
            year = next(years)
            return self._plan(
                f"Plan {year}", date_start=date(year, 1, 1), date_end=date(year, 12, 31)
            )

        fresh = {
            "sfa.value.worksheet": lambda: self._worksheet("Fresh deal"),
            "sfa.account.plan": fresh_plan,
        }
        called = set()
        for model in MODELS:
            cls = type(self.env[model])
            for name in sorted(dir(cls)):
                method = getattr(cls, name)
                if not (
                    name.startswith("action_")
                    and callable(method)
                    and method.__module__.startswith("odoo.addons.sfa_key_accounts.")
                ):
                    continue
                required = [
                    p
                    for p in list(inspect.signature(method).parameters.values())[1:]
                    if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD
                ]
                self.assertFalse(required, f"{model}.{name} is a button: no arguments")
                self.assertIn(model, fresh, f"{model}.{name}: add a fresh record to this test")
                record = fresh[model]()
                for step in prepare.get((model, name), []):
                    getattr(record, step)()
                result = getattr(record.with_context(discard_logo_check=True), name)()
                self.assertIsNotNone(result, f"{model}.{name} returns None")
                dumps((result,))  # what the XML-RPC endpoint does with it
                called.add(f"{model}.{name}")
        self.assertGreaterEqual(
            called,
            {
                "sfa.value.worksheet.action_share",
                "sfa.value.worksheet.action_agree",
                "sfa.value.worksheet.action_reset_draft",
                "sfa.value.worksheet.action_new_version",
                "sfa.value.worksheet.action_print",
                "sfa.value.worksheet.action_view_benefits_by_phase",
                "sfa.account.plan.action_activate",
                "sfa.account.plan.action_start_review",
                "sfa.account.plan.action_review_done",
                "sfa.account.plan.action_close",
                "sfa.account.plan.action_reset_draft",
                "sfa.account.plan.action_sync_assessments",
                "sfa.account.plan.action_print",
            },
        )
        # and the report's layout configurator (admins without a layout) marshals too
        plan = fresh["sfa.account.plan"]()
        self.env.company.external_report_layout_id = False
        dumps((plan.action_print(),))

    def test_buttons_still_do_their_work(self):
        """Returning True did not change what the buttons do."""
        ws = self._worksheet("Button deal")
        self.assertIs(ws.action_share(), True)
        self.assertIs(ws.action_reset_draft(), True)
        self.assertEqual(ws.state, "draft")
        ws.action_share()
        self.assertIs(ws.action_agree(), True)
        self.assertEqual(ws.state, "agreed")
        plan = self._plan("Button plan", date_start=date(2030, 1, 1), date_end=date(2030, 12, 31))
        self.assertIs(plan.action_activate(), True)
        self.assertIs(plan.action_start_review(), True)
        self.assertIs(plan.action_review_done(), True)
        self.assertIs(plan.action_sync_assessments(), True)
        self.assertIs(plan.action_close(), True)
        self.assertIs(plan.action_reset_draft(), True)
        self.assertEqual(plan.state, "draft")
