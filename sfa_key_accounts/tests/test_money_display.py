from datetime import date

from lxml import etree

from odoo.tests import tagged

from .common import SfaCommon

MONEY = {"widget": "monetary", "options": "{'currency_field': 'money_currency_id'}"}


@tagged("post_install", "-at_install")
class TestMoneyDisplay(SfaCommon):
    """Money shows its currency; counts, rates and scores show none, and a list mixing them
    does not add them up."""

    def _node(self, model, view_type, xpath):
        view = self.env[model].get_views([(False, view_type)])["views"][view_type]
        nodes = etree.fromstring(view["arch"]).xpath(xpath)
        self.assertEqual(len(nodes), 1, xpath)
        return nodes[0]

    def _assert_money(self, node):
        self.assertEqual({k: node.get(k) for k in MONEY}, MONEY)

    def test_target_figures_in_the_company_currency_for_revenue_only(self):
        team = self.env["crm.team"].create({"name": "Money team", "company_id": self.company.id})
        revenue, deals = self.env["sfa.sales.target"].create(
            [
                {
                    "name": name,
                    "company_id": self.company.id,
                    "team_id": team.id,
                    "date_from": "2026-01-01",
                    "date_to": "2026-12-31",
                    "measure": measure,
                    "amount": amount,
                }
                for name, measure, amount in (
                    ("Revenue", "won_revenue", 9000),
                    ("Deals", "won_count", 12),
                )
            ]
        )
        self.assertEqual(revenue.money_currency_id, self.env.ref("base.USD"))
        self.assertFalse(deals.money_currency_id)
        for xpath in (
            "//group/field[@name='amount']",
            "//group/field[@name='achieved_amount']",
            "//group/field[@name='expected_amount']",
            "//group/field[@name='last_year_amount']",
        ):
            self._assert_money(self._node("sfa.sales.target", "form", xpath))
        listed = self._node("sfa.sales.target", "list", "/list/field[@name='amount']")
        self._assert_money(listed)
        # revenue and deal counts side by side: no total
        self.assertIsNone(listed.get("sum"))
        # the split and adjust wizards show the target's money the same way
        split = self.env["sfa.sales.target.split"].create({"target_id": revenue.id})
        self.assertEqual(split.money_currency_id, self.env.ref("base.USD"))
        for model, xpath in (
            ("sfa.sales.target.split", "//group/field[@name='amount']"),
            ("sfa.sales.target.split", "//field[@name='lines_total']"),
            ("sfa.sales.target.split", "//field[@name='line_ids']/list/field[@name='amount']"),
            ("sfa.sales.target.adjust", "//field[@name='new_amount']"),
        ):
            self._assert_money(self._node(model, "form", xpath))

    def test_objective_figures_in_the_plan_currency_for_money_measures(self):
        customer = self._customers("Objective Co")
        plan = self.env["sfa.account.plan"].create(
            {
                "name": "Objective plan",
                "partner_id": customer.id,
                "company_id": self.company.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "objective_ids": [
                    (0, 0, {"name": name, "measure": measure, "target": 10})
                    for name, measure in (
                        ("Revenue", "won_revenue"),
                        ("Pipeline", "pipeline"),
                        ("Deals", "won_count"),
                        ("Open", "open_count"),
                        ("Visits", "manual"),
                    )
                ],
            }
        )
        usd = self.env.ref("base.USD")
        self.assertEqual(
            [(o.name, o.money_currency_id) for o in plan.objective_ids],
            [
                ("Revenue", usd),
                ("Pipeline", usd),
                ("Deals", self.env["res.currency"]),
                ("Open", self.env["res.currency"]),
                ("Visits", self.env["res.currency"]),
            ],
        )
        for column in ("target", "current_value"):
            self._assert_money(
                self._node(
                    "sfa.account.plan",
                    "form",
                    f"//field[@name='objective_ids']/list/field[@name='{column}']",
                )
            )
