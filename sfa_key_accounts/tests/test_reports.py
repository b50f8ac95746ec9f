from datetime import date

from lxml import html as lxml_html

from odoo.tests import tagged

from .common import SfaCommon

PLAN_REPORT = "sfa_key_accounts.sfa_account_plan_report"
VALUE_REPORT = "sfa_key_accounts.sfa_value_worksheet_report"


@tagged("post_install", "-at_install")
class TestReports(SfaCommon):
    """The PDFs: the document's own company, the customer's language, tables that stay
    aligned, and only the differentiators where we are ahead."""

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

    def test_documents_print_with_their_own_company(self):
        self.assertEqual(self.env.company, self.company)
        for report, record in (
            (PLAN_REPORT, self._plan(company=self.second)),
            (VALUE_REPORT, self._worksheet(company=self.second)),
        ):
            html = self._html(report, record)
            self.assertIn(f"o_company_{self.second.id}_layout", html, report)
            self.assertIn("Second Sales Ltd", html, report)
            self.assertNotIn("SFA Test Company", html, report)

    def test_value_proposition_speaks_the_customers_language(self):
        ws = self._worksheet()
        self.assertIn("2,921.11", self._html(VALUE_REPORT, ws))  # the customer has no language
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        html = self._html(VALUE_REPORT, ws)
        self.assertIn("2\N{NO-BREAK SPACE}921,11", html)  # French grouping and decimal comma
        self.assertNotIn("2,921.11", html)
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["sfa_key_accounts"], ["zh_CN"])
        self.customer.lang = "zh_CN"
        html = self._html(VALUE_REPORT, ws)
        self.assertIn("<h4>效益</h4>", html)  # "Benefits"
        self.assertIn("2,921.11", html)

    def test_value_proposition_tables_stay_aligned(self):
        ws = self._worksheet()
        # empty cells everywhere: no area, phase, owner, answer, unit or category
        ws.benefit_ids.write({"business_area": False, "phase": False, "rationale": False})
        ws.write(
            {
                "need_ids": [(0, 0, {"name": "Faster close"})],
                "kpi_ids": [(0, 0, {"name": "Days", "direction": "lower", "worst_quartile": 0})],
                "differentiator_ids": [
                    (0, 0, {"name": "Local team", "our_rating": 5, "competitor_rating": 2})
                ],
            }
        )
        page = lxml_html.fromstring(self._html(VALUE_REPORT, ws))
        tables = page.xpath("//div[contains(@class, 'o_sfa_value_proposition_report')]//table")
        checked = 0
        for table in tables:
            header = table.xpath("./thead/tr/th")
            if not header:
                continue
            for row in table.xpath("./tbody/tr"):
                width = sum(int(cell.get("colspan", 1)) for cell in row.xpath("./td|./th"))
                self.assertEqual(width, len(header), lxml_html.tostring(row))
                checked += 1
        self.assertGreaterEqual(checked, 5)  # needs, benefit, benchmark, why us, financials

    def test_why_us_lists_only_where_we_are_ahead(self):
        ws = self._worksheet()
        ws.write(
            {
                "differentiator_ids": [
                    (0, 0, {"name": name, "our_rating": ours, "competitor_rating": theirs})
                    for name, ours, theirs in (
                        ("Engineers within 4 hours", 5, 2),
                        ("Purchase price", 2, 4),
                        ("Delivery time", 3, 3),
                    )
                ]
            }
        )
        html = self._html(VALUE_REPORT, ws)
        self.assertIn("Engineers within 4 hours", html)
        self.assertNotIn("Purchase price", html)
        self.assertNotIn("Delivery time", html)
        # nothing ahead: no "Why us" at all
        ws.differentiator_ids.filtered(lambda d: d.our_rating == 5).our_rating = 1
        self.assertNotIn("Why us", self._html(VALUE_REPORT, ws))

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
        # the signals are still not assessed; willingness and quality are a person's, not in
        # the plan's health any more
        self.assertEqual(text.count("Not assessed"), 1)
        self.assertNotIn("Willingness", text)

    def test_swot_prints_in_swot_order(self):
        """S-W-O-T, as the quadrants are named, not by the alphabet of their keys; the third
        is the customer's *Opportunities* (机会), not the CRM's opportunity (商机)."""
        plan = self._plan()
        self.env["sfa.account.swot"].create(
            [
                {"plan_id": plan.id, "quadrant": quadrant, "name": name}
                for quadrant, name in (
                    ("threat", "Cheap imports"),
                    ("opportunity", "A new plant"),
                    ("weakness", "Scrap rate"),
                    ("strength", "Strong brand"),
                )
            ]
        )
        plan.invalidate_recordset(["swot_ids"])
        self.assertEqual(
            plan.swot_ids.mapped("quadrant"), ["strength", "weakness", "opportunity", "threat"]
        )
        text = self._text(self._html(PLAN_REPORT, plan))
        rows = [
            "Strengths Strong brand",
            "Weaknesses Scrap rate",
            "Opportunities A new plant",
            "Threats Cheap imports",
        ]
        self.assertEqual([text.find(row) >= 0 for row in rows], [True] * 4)
        self.assertEqual(sorted(rows, key=text.find), rows)

    @staticmethod
    def _text(html):
        return " ".join(lxml_html.fromstring(html).text_content().split())
