from odoo import fields, models


class SfaAccountPlanLever(models.Model):
    """A switching-cost lever pulled (or to be pulled) at one account, with its owner."""

    _name = "sfa.account.plan.lever"
    _description = "Account Plan Switching-Cost Lever"
    _inherit = ["sfa.access.mixin", "sfa.number.mixin"]
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one("sfa.account.plan", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(related="lever_id.sequence", store=True)
    lever_id = fields.Many2one("sfa.switching.lever", required=True)
    status = fields.Selection(
        [
            ("planned", "Planned"),
            ("in_progress", "In progress"),
            ("done", "In place"),
            ("dropped", "Dropped"),
        ],
        default="planned",
        required=True,
    )
    user_id = fields.Many2one("res.users", "Owner", default=lambda self: self.env.user)
    date_deadline = fields.Date("Due")
    note = fields.Char()
