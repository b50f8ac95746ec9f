from odoo import fields, models


class SfaAccountCompetitor(models.Model):
    """What a competitor does at this account (DOMAIN.md §1: analyse competitors)."""

    _name = "sfa.account.competitor"
    _description = "Competitor at an Account"
    _inherit = ["sfa.access.mixin"]
    _order = "plan_id, share_pct desc, id"

    plan_id = fields.Many2one("sfa.account.plan", required=True, index=True, ondelete="cascade")
    competitor_id = fields.Many2one("res.partner", required=True)
    products = fields.Char("Their Products")
    strengths = fields.Text()
    weaknesses = fields.Text()
    share_pct = fields.Float("Estimated Share (%)", digits=(5, 1))
    intent = fields.Selection(
        [
            ("attack", "Attacking: wants more of this account"),
            ("hold", "Holding their position"),
            ("retreat", "Retreating"),
            ("unknown", "Unknown"),
        ],
        default="unknown",
    )

    _sql_constraints = [
        (
            "share_range",
            "CHECK(share_pct >= 0 AND share_pct <= 100)",
            "A competitor's estimated share is between 0 and 100%.",
        ),
    ]
