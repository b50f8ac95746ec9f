from odoo import fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.sfa_comp_statement import quarter_of


class SfaCompStatementCompute(models.TransientModel):
    """Compute the statements of a team (or of everyone with a plan) for a period: the
    missing ones are created, the open ones computed again; approved ones are left alone."""

    _name = "sfa.comp.statement.compute"
    _description = "Compute Incentive Statements"

    team_id = fields.Many2one("crm.team", "Sales Team", help="Empty: everyone with a plan.")
    date_from = fields.Date(
        "From", required=True, default=lambda self: quarter_of(fields.Date.context_today(self))[0]
    )
    date_to = fields.Date(
        "To", required=True, default=lambda self: quarter_of(fields.Date.context_today(self))[1]
    )

    def action_compute(self):
        self.ensure_one()
        Statement = self.env["sfa.comp.statement"]
        if self.date_to < self.date_from:
            raise ValidationError(self.env._("The period ends before it starts."))
        users = None
        if self.team_id:
            users = self.team_id.member_ids | self.team_id.user_id
        statements = Statement._compute_period(self.date_from, self.date_to, users)
        if not statements:
            raise UserError(self.env._("Nobody in this team has an open statement to compute."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Statements"),
            "res_model": "sfa.comp.statement",
            "view_mode": "list,form",
            "domain": [("id", "in", statements.ids)],
        }
