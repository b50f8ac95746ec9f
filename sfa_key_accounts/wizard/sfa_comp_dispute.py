from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class SfaCompDispute(models.TransientModel):
    """A rep disputes a line of their own statement (reason, attachment), or their manager
    resolves it; both go to the statement's chatter. A disputed statement is not approved."""

    _name = "sfa.comp.dispute"
    _description = "Dispute a Statement Line"

    line_id = fields.Many2one("sfa.comp.statement.line", required=True, ondelete="cascade")
    mode = fields.Selection([("open", "Dispute"), ("resolve", "Resolve")], default="open")
    reason = fields.Text(required=True)
    attachment = fields.Binary()
    attachment_name = fields.Char()

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards:
            wizard._check_allowed()
        return wizards

    def _check_allowed(self):
        line = self.line_id
        statement = line.statement_id
        line._statement_open()
        if self.mode == "open":
            if statement.user_id != self.env.user:
                raise AccessError(self.env._("Only the statement's own person disputes a line."))
            if line.dispute_state == "open":
                raise UserError(self.env._("This line is already disputed."))
        else:
            if not statement._is_approver():
                raise AccessError(self.env._("Only the person's sales manager resolves it."))
            if line.dispute_state != "open":
                raise UserError(self.env._("This line has no open dispute."))

    def action_confirm(self):
        self.ensure_one()
        self._check_allowed()
        line, statement = self.line_id, self.line_id.statement_id
        attachments = []
        if self.attachment:
            attachments = [(self.attachment_name or "attachment", self.attachment)]
        if self.mode == "open":
            line.sudo().write({"dispute_state": "open", "dispute_reason": self.reason})
            body = self.env._(
                "Disputed %(line)s: %(reason)s", line=line.display_name, reason=self.reason
            )
            leader = statement.sudo().team_id.user_id
            if leader:
                statement.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=leader.id,
                    summary=self.env._("Resolve a disputed statement line"),
                )
        else:
            line.sudo().write({"dispute_state": "resolved"})
            body = self.env._(
                "Resolved %(line)s: %(reason)s", line=line.display_name, reason=self.reason
            )
        statement.message_post(body=body, attachments=attachments)
        return {"type": "ir.actions.act_window_close"}
