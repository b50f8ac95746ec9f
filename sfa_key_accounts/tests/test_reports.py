from datetime import date

from lxml import html as lxml_html

from odoo.tests import tagged

from .common import SfaCommon

PLAN_REPORT = "sfa_key_accounts.sfa_account_plan_report"
VALUE_REPORT = "sfa_key_accounts.sfa_value_worksheet_report"


@tagged("post_install", "-at_install")
class TestReports(SfaCommon):
    """The PDFs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second = cls.env["res.company"].create(
            {"name": "Second Sales Ltd", "currency_id": cls.env.ref("base.USD").id}
        )
        cls.env.user.company_ids |= cls.second
        # the user works in the first company and may see the second
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id, cls.second.id])
        )
        cls.customer = cls._customers("Reported Co")
        cls.rival = cls.env["res.partner"].create(
            {"name": "Reported Rival", "is_company": True, "sfa_is_competitor": True}
        )

    def _worksheet(self, company=None):
        """6,000 a year for 3 years against 12,000 at the start, at 10 %: NPV 2,921.11."""
        lead = self.env["crm.lead"].create(
            {
                "name": "Reported deal",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "company_id": (company or self.company).id,
            }
        )
        ws = self.env["sfa.value.worksheet"].browse(lead.action_open_value_worksheet()["res_id"])
        ws.write(
            {
                "horizon_years": 3,
                "discount_rate": 10,
                "benefit_ids": [
                    (
                        0,
                        0,
                        {
                            "category": "cost_saving",
                            "recurrence": "yearly",
                            "conservative_amount": 4000,
                            "likely_amount": 6000,
                        },
                    )
                ],
                "cost_ids": [(0, 0, {"name": "Licence", "amount": 12000})],
            }
        )
        return ws

    def _plan(self, company=None):
        return self.env["sfa.account.plan"].create(
            {
                "name": "Reported plan",
                "partner_id": self.customer.id,
                "company_id": (company or self.company).id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
            }
        )

    def _html(self, report, records):
        html, _type = self.env["ir.actions.report"]._render_qweb_html(report, records.ids)
        return html.decode()

    def test_plan_report_says_not_assessed(self):
        plan = self._plan()
        text = self._text(self._html(PLAN_REPORT, plan))
        self.assertIn("Relationship health: Not assessed", text)
        self.assertIn("Strength signals Not assessed", text)
        self.assertIn("Health Not assessed", text)
        self.assertNotIn("0 / 100", text)
        indicators = plan.assessment_ids.filtered(lambda a: a.kind == "indicator")
        indicators.write({"score": "4"})  # indicators 75, the only part answered: health 75
        text = self._text(self._html(PLAN_REPORT, plan))
        self.assertIn("Relationship health: 75 / 100", text)
        self.assertIn("Evaluation indicators 75", text)
        self.assertIn("Health 75", text)
        # signals, willingness and quality are still not assessed
        self.assertEqual(text.count("Not assessed"), 3)

    @staticmethod
    def _text(html):
        return " ".join(lxml_html.fromstring(html).text_content().split())
