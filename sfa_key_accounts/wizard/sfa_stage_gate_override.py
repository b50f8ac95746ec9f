from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.crm_lead import GATE_OVERRIDE
from ..models.sfa_access_mixin import trusted


class SfaStageGateOverride(models.TransientModel):
    """A sales manager moves an opportunity past a blocking gate, with a logged reason. The
    only way past a gate: it alone grants the server-only GATE_OVERRIDE permission."""

    _name = "sfa.stage.gate.override"
    _description = "Override a Stage Gate"
    _inherit = ["sfa.access.mixin"]

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade")
    stage_id = fields.Many2one(
        "crm.stage",
        "Move To",
        required=True,
        domain="[('id', 'in', stage_ids)]",
    )
    stage_ids = fields.Many2many(related="lead_id.sfa_stage_ids")
    missing = fields.Text("Open Points", compute="_compute_missing")
    reason = fields.Text(required=True)

    @api.depends("lead_id", "stage_id")
    def _compute_missing(self):
        """The open points of every gate the move passes (of the deal's stage until a target
        is chosen)."""
        for wizard in self:
            lead = wizard.lead_id
            gates = lead.stage_id.filtered("sfa_gate")
            if wizard.stage_id:
                gates = lead._sfa_gates_on_the_way(lead.stage_id, wizard.stage_id)
            wizard.missing = "\n".join(
                f"{stage.name}: {point}"
                for stage in gates
                for point in lead._sfa_gate_missing(stage.sfa_gate)
            )

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only sales managers can override a stage gate."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Say why the deal may move on: the reason is logged."))
        lead = self.lead_id
        if self.stage_id not in lead.sfa_stage_ids:
            raise UserError(
                self.env._(
                    "%(stage)s is not a stage of the pipeline of %(lead)s.",
                    stage=self.stage_id.name,
                    lead=lead.name,
                )
            )
        old_stage = lead.stage_id
        trusted(lead, GATE_OVERRIDE).write({"stage_id": self.stage_id.id})
        lead.message_post(
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
