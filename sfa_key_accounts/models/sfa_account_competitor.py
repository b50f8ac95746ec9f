from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SfaAccountCompetitor(models.Model):
    """What a competitor does at this account (docs/method.md §1.3: analyse competitors)."""

    _name = "sfa.account.competitor"
    _description = "Competitor at an Account"
    _inherit = ["sfa.access.mixin", "sfa.number.mixin"]
    _order = "plan_id, share_pct desc, id"
    _sfa_number_bounds = {"share_pct": (0, 100)}

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

    @api.constrains("plan_id", "share_pct")
    def _check_total_share(self):
        """The competitors of one plan share at most the whole account."""
        totals = self._read_group(
            [("plan_id", "in", self.plan_id.ids)], ["plan_id"], ["share_pct:sum"]
        )
        for plan, total in totals:
            if total > 100.05:  # shares have one decimal
                raise ValidationError(
                    self.env._(
                        "The estimated shares of the competitors at %(plan)s add up to "
                        "%(total)s%%: together they cannot hold more than 100%%.",
                        plan=plan.name,
                        total=round(total, 1),
                    )
                )
