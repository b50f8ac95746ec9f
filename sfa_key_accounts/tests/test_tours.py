from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user


@tagged("post_install", "-at_install", "sfa_tour")
class TestTours(HttpCase):
    """Browser tours, run in headless Chromium by the test command's tours tier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").tour_enabled = False
        # A configured company prints at once (an unconfigured one asks for a layout first).
        cls.env.company.external_report_layout_id = cls.env.ref("web.external_layout_standard")

    def test_key_account_selection_tour(self):
        customer = self.env["res.partner"].create({"name": "Tour Customer Ltd", "is_company": True})
        self.env["crm.lead"].create(
            {
                "name": "Tour Customer framework order",
                "type": "opportunity",
                "partner_id": customer.id,
                "expected_revenue": 10_000_000,
                "stage_id": self.env["crm.stage"].search([("is_won", "=", True)], limit=1).id,
                "date_closed": fields.Datetime.now() - timedelta(days=30),
                "company_id": self.env.company.id,
            }
        )
        self.start_tour("/odoo", "sfa_key_account_selection_tour", login="admin")
        account = self.env["sfa.key.account"].search([("partner_id", "=", customer.id)])
        self.assertEqual(account.tier_id.name, "Main customers")
        self.assertTrue(account.is_key)
        plan = account.plan_ids
        self.assertEqual(plan.name, "Tour plan")
        self.assertEqual(plan.swot_ids.name, "Wants to open a plant in Wuhan")
        self.assertEqual(plan.lever_ids.lever_id.name, "Planned visits")

    def test_political_map_tour(self):
        rep = mail_new_test_user(
            self.env,
            login="sfa_tour_rep",
            name="Tess Tour",
            groups="sales_team.group_sale_salesman",
        )
        account = self.env["res.partner"].create({"name": "Tour Buyer Co", "is_company": True})
        people = self.env["res.partner"].create(
            [
                {"name": name, "parent_id": account.id}
                for name in ("Tour Decider", "Tour Evaluator", "Tour User", "Tour Signer")
            ]
        )
        stakeholders = self.env["sfa.stakeholder"].create(
            [{"partner_id": p.id, "account_id": account.id} for p in people]
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour Deal",
                "type": "opportunity",
                "partner_id": account.id,
                "user_id": rep.id,
                "team_id": self.env.ref("sfa_key_accounts.crm_team_key_account").id,
                "stage_id": self.env.ref("sfa_key_accounts.crm_stage_lead_process").id,
            }
        )
        self.start_tour(f"/odoo/crm/{lead.id}", "sfa_political_map_tour", login="sfa_tour_rep")
        decider, evaluator = stakeholders[:2]
        self.assertEqual(evaluator.reports_to_id, decider)
        self.assertEqual(lead.stage_id, self.env.ref("sfa_key_accounts.crm_stage_prove"))
        self.assertEqual(sorted(lead.deal_contact_ids.role_id.mapped("code")), ["A", "D", "E", "U"])
        self.assertNotIn("no_approver", lead.red_flag_codes or "")
        self.assertEqual(
            lead.deal_contact_ids.filtered(lambda c: c.stakeholder_id == decider).attitude,
            "champion",
        )

    def test_value_worksheet_tour(self):
        rep = mail_new_test_user(
            self.env, login="sfa_value_rep", name="Val Rep", groups="sales_team.group_sale_salesman"
        )
        self.env["res.partner"].create(
            {"name": "Tour Rival", "is_company": True, "sfa_is_competitor": True}
        )
        account = self.env["res.partner"].create({"name": "Value Buyer", "is_company": True})
        lead = self.env["crm.lead"].create(
            {
                "name": "Value Tour Deal",
                "type": "opportunity",
                "partner_id": account.id,
                "user_id": rep.id,
            }
        )
        self.start_tour(f"/odoo/crm/{lead.id}", "sfa_value_worksheet_tour", login="sfa_value_rep")
        ws = lead.value_worksheet_id
        self.assertEqual(ws.need_ids.name, "Faster month-end close")
        self.assertEqual(len(ws.benefit_ids), 2)
        self.assertEqual(ws.kpi_ids.quartile_position, "3")
        self.assertEqual(ws.differentiator_ids.advantage, 12)  # 4 x (5 - 2)
        self.assertEqual((lead.likely_net_value, lead.likely_roi), (9000.0, 75.0))
