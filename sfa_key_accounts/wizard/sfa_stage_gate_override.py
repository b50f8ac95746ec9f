from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError


class SfaStageGateOverride(models.TransientModel):
    """A sales manager moves an opportunity past a blocking gate, with a logged reason."""

    _name = "sfa.stage.gate.override"
    _description = "Override a Stage Gate"
    _inherit = ["sfa.access.mixin"]

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade")
    stage_id = fields.Many2one(
        "crm.stage",
        "Move To",
        required=True,
        domain="['|', ('team_id', '=', False), ('team_id', '=', team_id)]",
    )
    team_id = fields.Many2one(related="lead_id.team_id")
    missing = fields.Text("Open Points", compute="_compute_missing")
    reason = fields.Text(required=True)

    def _compute_missing(self):
        for wizard in self:
            gate = wizard.lead_id.stage_id.sfa_gate
            wizard.missing = "\n".join(wizard.lead_id._sfa_gate_missing(gate)) if gate else ""

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only sales managers can override a stage gate."))
        old_stage = self.lead_id.stage_id
        self.lead_id.with_context(sfa_gate_override=True).write({"stage_id": self.stage_id.id})
        self.lead_id.message_post(
            body=Markup("%s<br/>%s")
            % (
                self.env._(
                    "Gate of %(old)s overridden by %(user)s, moved to %(new)s.",
                    old=old_stage.name,
                    user=self.env.user.name,
                    new=self.stage_id.name,
                ),
                self.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}
