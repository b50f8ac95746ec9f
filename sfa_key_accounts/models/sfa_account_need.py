from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SfaAccountNeed(models.Model):
    """A need predicted from the customer's SWOT the TOWS way, and the offer answering it."""

    _name = "sfa.account.need"
    _description = "Customer Need (TOWS)"
    _inherit = ["sfa.access.mixin", "sfa.number.mixin"]
    _order = "plan_id, priority desc, sequence, id"

    plan_id = fields.Many2one("sfa.account.plan", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    strategy = fields.Selection(
        [
            ("so", "SO: use strengths to seize opportunities"),
            ("wo", "WO: overcome weaknesses to seize opportunities"),
            ("st", "ST: use strengths to avert threats"),
            ("wt", "WT: overcome weaknesses to remove threats"),
        ],
        required=True,
        default="so",
    )
    name = fields.Char("Need", required=True)
    swot_ids = fields.Many2many(
        "sfa.account.swot",
        string="From SWOT items",
        domain="[('plan_id', '=', plan_id)]",
    )
    offer = fields.Text("Our Offer", help="The solution or offer that answers this need.")
    priority = fields.Selection(
        [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very high")], default="1"
    )

    @api.constrains("swot_ids", "plan_id")
    def _check_swot_same_plan(self):
        for need in self:
            if need.swot_ids.plan_id - need.plan_id:
                raise ValidationError(
                    self.env._("A need can only come from SWOT items of its own account plan.")
                )
