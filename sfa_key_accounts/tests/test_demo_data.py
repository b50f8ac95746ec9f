from odoo.tests import tagged

from .common import SfaCommon


@tagged("post_install", "-at_install")
class TestDemoData(SfaCommon):
    """What a new user sees first in the demo database (the demo tier of CI runs this; a
    database without demo data has nothing of it to check)."""

    def test_demo_ships_with_a_ranking_applied(self):
        """The 80/20 selection is applied on the demo company's won deals
        (demo/sfa_ranking_demo.xml): every customer with won revenue is ranked and tiered,
        so the key accounts, the concentration curve and the pivots show data at once."""
        huaxin = self.env.ref("sfa_key_accounts.key_account_huaxin_demo", raise_if_not_found=False)
        if not huaxin:
            return  # installed without demo data
        company = self.env.ref("base.main_company")
        ranked = self.env["sfa.key.account"].search(
            [("rank", ">", 0), ("company_id", "=", company.id)], order="rank, id"
        )
        self.assertEqual(
            [(a.rank, a.partner_id.name, a.revenue, a.tier_id.name, a.is_key) for a in ranked[:4]],
            [
                (1, "Huaxin Auto Parts Co.", 480000.0, "Main customers", True),
                (2, "Dragon Logistics Group", 260000.0, "Big customers", True),
                (3, "Everbright Machinery", 150000.0, "Ordinary customers", False),
                (4, "Golden Harvest Foods", 95000.0, "Ordinary customers", False),
            ],
        )
        # 23 customers won something in the last 12 months; 480,000 of 1,249,800 is 38.41 %
        self.assertEqual(len(ranked), 23)
        self.assertEqual(ranked[0].cumulative_share, 38.41)
        self.assertEqual(ranked[-1].cumulative_share, 100.0)
        curve = self.env["sfa.key.account"].with_company(company).sfa_concentration_curve()
        self.assertEqual(len(curve), 23)
        self.assertAlmostEqual(curve[0]["customer_share"], 100 / 23)
        self.assertEqual(curve[0]["revenue_share"], 38.41)
