from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SfaCommon, days_to_close_kpi


@tagged("post_install", "-at_install")
class TestValueWorksheet(SfaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._customers("Valued Co")
        cls.rival = cls.env["res.partner"].create(
            {"name": "Rival Inc", "is_company": True, "sfa_is_competitor": True}
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Valued deal",
                "type": "opportunity",
                "partner_id": cls.account.id,
                "user_id": cls.user_rep.id,
                "company_id": cls.company.id,
            }
        )
        action = cls.lead.action_open_value_worksheet()
        cls.ws = cls.env["sfa.value.worksheet"].browse(action["res_id"])
        cls.ws.write({"horizon_years": 3, "discount_rate": 10})
        cls.benefit = cls.env["sfa.value.benefit"].create(
            {
                "worksheet_id": cls.ws.id,
                "category": "cost_saving",
                "recurrence": "yearly",
                "conservative_amount": 4000,
                "likely_amount": 6000,
                "phase": "1",
            }
        )
        cls.env["sfa.value.cost"].create(
            {
                "worksheet_id": cls.ws.id,
                "name": "Licence",
                "recurrence": "one_time",
                "amount": 12000,
            }
        )

    def test_figures_match_the_hand_computation(self):
        ws = self.ws
        # likely: 6,000/yr x 3 = 18,000 - 12,000 = 6,000; ROI 50 %; 24 months; NPV 2,921.11
        self.assertEqual(
            (
                ws.likely_total_benefit,
                ws.likely_total_cost,
                ws.likely_net_value,
                ws.likely_roi,
                ws.likely_payback_months,
                ws.likely_npv,
            ),
            (18000.0, 12000.0, 6000.0, 50.0, 24, 2921.11),
        )
        # conservative: 4,000/yr x 3 = 12,000 - 12,000 = 0; ROI 0; pays back at month 36
        self.assertEqual(
            (ws.conservative_net_value, ws.conservative_roi, ws.conservative_payback_months),
            (0.0, 0.0, 36),
        )
        self.assertTrue(ws.conservative_pays_back)
        self.assertEqual(ws.cost_of_doing_nothing, 500.0)  # 18,000 / 36 months
        self.assertIn("Year 3", ws.benefit_by_year_html)
        action = ws.action_view_benefits_by_phase()
        self.assertEqual(self.env["sfa.value.benefit"].search(action["domain"]), self.benefit)

    def test_changing_a_benefit_updates_worksheet_and_deal_at_once(self):
        self.assertEqual(self.lead.likely_net_value, 6000.0)
        self.benefit.write({"conservative_amount": 2000, "likely_amount": 3000})  # 9,000 - 12,000
        self.assertEqual(self.ws.likely_net_value, -3000.0)
        self.assertEqual(self.lead.likely_net_value, -3000.0)
        self.assertEqual(self.lead.likely_roi, -25.0)
        self.assertFalse(self.lead.likely_pays_back)
        self.assertIn(
            self.lead,
            self.env["crm.lead"].search(
                [("likely_pays_back", "=", False), ("id", "=", self.lead.id)]
            ),
        )
        # intangible benefits are scored, not summed
        self.env["sfa.value.benefit"].create(
            {"worksheet_id": self.ws.id, "category": "image", "score": "5", "likely_amount": 99999}
        )
        self.assertEqual(self.ws.likely_total_benefit, 9000.0)

    def test_kpi_feeds_a_benefit(self):
        kpi = days_to_close_kpi(self.ws)
        self.assertEqual((kpi.quartile_position, kpi.gap_to_average, kpi.gap_to_best), ("3", 2, 5))
        benefit = self.env["sfa.value.benefit"].create(
            {
                "worksheet_id": self.ws.id,
                "category": "cost_saving",
                "recurrence": "one_time",
                "kpi_id": kpi.id,
            }
        )
        self.assertEqual((benefit.conservative_amount, benefit.likely_amount), (2000.0, 4000.0))
        self.assertEqual(self.ws.likely_total_benefit, 22000.0)

    def test_differentiators_and_situation(self):
        self.env["sfa.value.differentiator"].create(
            [
                {
                    "worksheet_id": self.ws.id,
                    "level": "product",
                    "name": "Support",
                    "competitor_id": self.rival.id,
                    "our_rating": 5,
                    "competitor_rating": 2,
                    "importance": 5,
                },
                {
                    "worksheet_id": self.ws.id,
                    "level": "company",
                    "name": "Brand",
                    "competitor_id": self.rival.id,
                    "our_rating": 2,
                    "competitor_rating": 4,
                    "importance": 3,
                },
            ]
        )
        self.assertEqual(self.ws.differentiator_ids.sorted("id").mapped("advantage"), [15, -6])
        self.assertIn("Rival Inc: <b>+9</b>", self.ws.advantage_html)
        self.assertIn("Company (brand and reputation): <b>-6</b>", self.ws.advantage_html)
        self.ws.situation = "all_meet"
        self.assertIn("non-product differentiators", self.ws.recommendation)

    def test_bad_input_is_refused(self):
        for vals in (
            {"horizon_years": 0},
            {"horizon_years": -2},
            {"discount_rate": 101},
            {"discount_rate": -1},
        ):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self.ws.write(vals)
        self.assertEqual((self.ws.horizon_years, self.ws.discount_rate), (3, 10.0))
        for rating in (0, 6):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self.env["sfa.value.differentiator"].create(
                    {"worksheet_id": self.ws.id, "name": "Bad", "our_rating": rating}
                )
        with self.assertRaisesRegex(ValidationError, "contradict"), self.cr.savepoint():
            self.env["sfa.value.kpi"].create(
                {
                    "worksheet_id": self.ws.id,
                    "name": "Uptime",
                    "direction": "higher",
                    "worst_quartile": 99,
                    "average": 95,
                    "best_quartile": 90,
                }
            )
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["sfa.value.cost"].create(
                {"worksheet_id": self.ws.id, "name": "Negative", "amount": -5}
            )
        self.assertFalse(self.ws.kpi_ids or self.ws.differentiator_ids)
        self.assertEqual(len(self.ws.cost_ids), 1)

    def test_agreed_is_read_only_and_versions(self):
        self.ws.action_share()
        self.ws.action_agree()
        with self.assertRaises(UserError):
            self.benefit.likely_amount = 1
        with self.assertRaises(UserError):
            self.ws.horizon_years = 5
        with self.assertRaises(UserError):
            self.env["sfa.value.cost"].create(
                {"worksheet_id": self.ws.id, "name": "Extra", "amount": 1}
            )
        with self.assertRaises(UserError):
            self.ws.write({"state": "draft"})  # no way back but a new version
        self.assertEqual(self.benefit.likely_amount, 6000.0)
        action = self.ws.action_new_version()
        new = self.env["sfa.value.worksheet"].browse(action["res_id"])
        self.assertEqual((new.version, new.is_current, new.state), (2, True, "draft"))
        self.assertFalse(self.ws.is_current)
        self.assertEqual(new.likely_net_value, 6000.0)
        self.assertEqual(self.lead.value_worksheet_id, new)
        new.benefit_ids.likely_amount = 8000
        self.assertEqual(self.ws.likely_net_value, 6000.0)  # the old version is untouched
        with self.assertRaises(UserError):
            self.ws.benefit_ids.likely_amount = 1
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["sfa.value.worksheet"].create({"lead_id": self.lead.id, "name": "Twin"})

    def test_agreed_and_older_versions_cannot_be_deleted(self):
        """Agreed worksheets and older versions are the history of the deal: they stay. A
        current version that has older ones stays too (the deal would lose its current
        case); only a first version not agreed yet can be deleted."""
        new = self.env["sfa.value.worksheet"].browse(self.ws.action_new_version()["res_id"])
        with self.assertRaisesRegex(UserError, "is an older version"), self.cr.savepoint():
            self.ws.unlink()
        with self.assertRaisesRegex(UserError, "has older versions"), self.cr.savepoint():
            new.unlink()
        new.action_share()
        new.action_agree()
        with self.assertRaisesRegex(UserError, "is agreed"), self.cr.savepoint():
            new.unlink()
        self.assertEqual(self.lead.value_worksheet_ids, self.ws | new)
        self.assertEqual((len(self.ws.benefit_ids), len(new.benefit_ids)), (1, 1))
        # a first, draft version can go
        other = self.env["crm.lead"].create({"name": "Other deal", "type": "opportunity"})
        draft = self.env["sfa.value.worksheet"].browse(
            other.action_open_value_worksheet()["res_id"]
        )
        draft.unlink()
        self.assertFalse(other.value_worksheet_ids)

    def test_current_version_cannot_be_forged(self):
        """Only New Version moves is_current (and the version number): not a write, a
        create or a context key from RPC."""
        Worksheet = self.env["sfa.value.worksheet"]
        for vals in ({"is_current": False}, {"version": 7}):
            with self.assertRaisesRegex(UserError, "New Version"), self.cr.savepoint():
                self.ws.write(vals)
            with self.assertRaisesRegex(UserError, "New Version"), self.cr.savepoint():
                Worksheet.create({"lead_id": self.lead.id, "name": "Forged", **vals})
        # JSON can send a context key, but not the sentinel object New Version uses
        forged = self.ws.with_context(sfa_value_versioning=True)
        with self.assertRaises(UserError), self.cr.savepoint():
            forged.write({"is_current": False})
        with self.assertRaises(UserError), self.cr.savepoint():
            Worksheet.with_context(default_is_current=False).create(
                {"lead_id": self.lead.id, "name": "Forged"}
            )
        self.assertEqual((self.ws.is_current, self.ws.version), (True, 1))
        # an agreed worksheet cannot be made non-current, nor an old version revived
        self.ws.action_share()
        self.ws.action_agree()
        with self.assertRaises(UserError), self.cr.savepoint():
            self.ws.write({"is_current": False})
        new = Worksheet.browse(self.ws.action_new_version()["res_id"])
        with self.assertRaises(UserError), self.cr.savepoint():
            self.ws.write({"is_current": True})
        self.assertEqual(
            (self.ws.is_current, new.is_current, self.lead.value_worksheet_id), (False, True, new)
        )

    def test_new_version_points_at_its_own_benchmarks_and_needs(self):
        Kpi = self.env["sfa.value.kpi"]
        speed, scrap = Kpi.create(
            [
                {
                    "worksheet_id": self.ws.id,
                    "name": name,
                    "direction": "lower",
                    "current_value": 10,
                    "worst_quartile": 12,
                    "average": 8,
                    "best_quartile": 5,
                    "target": 6,
                    "value_per_unit": per_unit,
                    "sequence": sequence,  # listed in the other order than created
                }
                for name, per_unit, sequence in (("Speed", 1000, 20), ("Scrap", 10, 10))
            ]
        )
        need = self.env["sfa.value.need"].create({"worksheet_id": self.ws.id, "name": "Faster"})
        self.benefit.need_id = need
        self.env["sfa.value.benefit"].create(
            [
                {"worksheet_id": self.ws.id, "kpi_id": kpi.id, "recurrence": "one_time"}
                for kpi in (speed, scrap)
            ]
        )
        action = self.ws.action_new_version()
        new = self.env["sfa.value.worksheet"].browse(action["res_id"])
        new_speed = new.kpi_ids.filtered(lambda k: k.name == "Speed")
        new_scrap = new.kpi_ids.filtered(lambda k: k.name == "Scrap")
        by_kpi = {b.kpi_id: b for b in new.benefit_ids if b.kpi_id}
        self.assertEqual(set(by_kpi), {new_speed, new_scrap})
        self.assertEqual(new.benefit_ids.need_id, new.need_ids)
        self.assertEqual(new.need_ids.name, "Faster")
        # 2 x 1,000 / 4 x 1,000 and 2 x 10 / 4 x 10, as in the old version
        self.assertEqual(
            (by_kpi[new_speed].conservative_amount, by_kpi[new_speed].likely_amount),
            (2000.0, 4000.0),
        )
        self.assertEqual(
            (by_kpi[new_scrap].conservative_amount, by_kpi[new_scrap].likely_amount),
            (20.0, 40.0),
        )
        # the new version's benchmark moves the new version's benefit only
        new_speed.value_per_unit = 2000
        self.assertEqual(by_kpi[new_speed].likely_amount, 8000.0)
        self.assertEqual(
            self.ws.benefit_ids.filtered(lambda b: b.kpi_id == speed).likely_amount, 4000.0
        )
        # a benefit cannot be fed by another worksheet's benchmark or serve its need
        with self.assertRaises(ValidationError), self.cr.savepoint():
            by_kpi[new_speed].kpi_id = speed
        with self.assertRaises(ValidationError), self.cr.savepoint():
            new.benefit_ids[0].need_id = need

    def test_value_gate_on_prove_the_solution(self):
        # only Prove's gate: from the shared New straight to Prove passes Confirm's and Lead's
        (
            self.env.ref("sfa_key_accounts.crm_stage_confirm")
            | self.env.ref("sfa_key_accounts.crm_stage_lead_process")
        ).sfa_gate = False
        self.lead.write(
            {
                "team_id": self.env.ref("sfa_key_accounts.crm_team_key_account").id,
                "stage_id": self.env.ref("sfa_key_accounts.crm_stage_prove").id,
            }
        )
        negotiate = self.env.ref("sfa_key_accounts.crm_stage_negotiate")
        self.benefit.category = "image"  # no tangible benefit left
        with self.assertRaisesRegex(UserError, "no tangible benefit"):
            self.lead.stage_id = negotiate
        self.benefit.category = "cost_saving"
        self.lead.stage_id = negotiate
        self.assertEqual(self.lead.stage_id, negotiate)

    def test_access_follows_the_opportunity(self):
        other_rep = self._user("sfa_value_other", "Vic Other", "sales_team.group_sale_salesman")
        self.benefit.with_user(self.user_rep).likely_amount = 7000
        with self.assertRaises(AccessError):
            self.ws.with_user(other_rep).read(["name"])
        with self.assertRaises(AccessError):
            self.benefit.with_user(other_rep).write({"likely_amount": 1})
        self.assertEqual(self.benefit.likely_amount, 7000.0)

    def test_pdf_and_form(self):
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "sfa_key_accounts.sfa_value_worksheet_report", self.ws.ids
        )
        html = html.decode()
        self.assertIn("Value proposition", html)
        self.assertIn("Net present value", html)
        self.assertIn("2,921.11", html)
        with Form(self.ws) as form:
            with form.benefit_ids.new() as line:
                line.category = "margin"
                line.likely_amount = 3000
                line.recurrence = "one_time"
        self.assertEqual(self.ws.likely_total_benefit, 21000.0)
