from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..models.sfa_performance_review import TARGETS_ADMIN


class SfaPerformanceReviewStart(models.TransientModel):
    """Create the reviews of a whole sales team for one period in one go: one review per
    member (the leader reviews), the other members invited as peers."""

    _name = "sfa.performance.review.start"
    _description = "Start the Reviews of a Team"
    _inherit = ["sfa.access.mixin"]

    team_id = fields.Many2one("crm.team", "Sales Team", required=True)
    template_id = fields.Many2one(
        "sfa.evaluation.template",
        "Evaluation Template",
        required=True,
        domain="[('state', '=', 'published')]",
    )
    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To", required=True)
    cutoff_date = fields.Date("Figures as of")
    invite_peers = fields.Boolean(
        "Members Rate Each Other", default=True, help="360°: every member rates their peers."
    )

    def action_apply(self):
        self.ensure_one()
        team = self.team_id
        leader = team.user_id
        if self.env.user != leader and not self.env.user.has_group(TARGETS_ADMIN):
            raise AccessError(
                self.env._("Only the leader of %(team)s starts its reviews.", team=team.name)
            )
        members = team.member_ids.filtered(lambda u: not u.share) - leader
        if not members:
            raise UserError(self.env._("%(team)s has no members to review.", team=team.name))
        reviews = self.env["sfa.performance.review"].create(
            [
                {
                    "user_id": member.id,
                    "manager_id": (leader or self.env.user).id,
                    "team_id": team.id,
                    "company_id": (team.company_id or self.env.company).id,
                    "template_id": self.template_id.id,
                    "date_from": self.date_from,
                    "date_to": self.date_to,
                    "cutoff_date": self.cutoff_date or self.date_to,
                    "peer_ids": [(6, 0, (members - member).ids if self.invite_peers else [])],
                }
                for member in members
            ]
        )
        reviews.action_refresh_figures()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sfa.performance.review",
            "view_mode": "list,kanban,form",
            "domain": [("id", "in", reviews.ids)],
            "name": self.env._("Reviews of %(team)s", team=team.name),
        }
