from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged


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
        self.assertEqual(customer.key_account_tier_id.name, "Main customers")
        self.assertTrue(customer.is_key_account)
        plan = customer.key_account_plan_ids
        self.assertEqual(plan.name, "Tour plan")
        self.assertEqual(plan.swot_ids.name, "Wants to open a plant in Wuhan")
        self.assertEqual(plan.lever_ids.lever_id.name, "Planned visits")
