from odoo import api, fields, models

GROUP_USER = "sfa_key_accounts.group_sfa_user"


class ResPartner(models.Model):
    """Links from a customer to its key-account data. The data itself (tier, manager, ranking
    figures, private notes) lives on ``sfa.key.account``, whose record rules decide who reads
    it: nothing of it is stored on the partner, which every employee and the customer's own
    portal users can read."""

    _inherit = "res.partner"

    key_account_ids = fields.One2many(
        "sfa.key.account", "partner_id", "Key Account Records", groups=GROUP_USER
    )
    key_account_count = fields.Integer(compute="_compute_sfa_counts", groups=GROUP_USER)
    key_account_plan_count = fields.Integer(
        "Plans", compute="_compute_sfa_counts", groups=GROUP_USER
    )
    stakeholder_ids = fields.One2many(
        "sfa.stakeholder", "account_id", "Stakeholders", groups=GROUP_USER
    )
    stakeholder_count = fields.Integer(compute="_compute_sfa_counts", groups=GROUP_USER)
    value_worksheet_count = fields.Integer(compute="_compute_sfa_counts", groups=GROUP_USER)
    sfa_is_competitor = fields.Boolean(
        "Competitor", index=True, help="Offered as a competitor on value worksheets."
    )

    def _sfa_counts(self, model, field, domain=()):
        """{partner: number of ``model`` records whose ``field`` is that partner} that the
        user may read (``_read_group`` applies the record rules)."""
        return dict(
            self.env[model]._read_group([(field, "in", self.ids), *domain], [field], ["__count"])
        )

    def _compute_sfa_counts(self):
        accounts = self._sfa_counts("sfa.key.account", "partner_id")
        plans = self._sfa_counts("sfa.account.plan", "partner_id")
        stakeholders = self._sfa_counts("sfa.stakeholder", "account_id")
        worksheets = self._sfa_counts(
            "sfa.value.worksheet", "account_id", [("is_current", "=", True)]
        )
        for partner in self:
            partner.key_account_count = accounts.get(partner, 0)
            partner.key_account_plan_count = plans.get(partner, 0)
            partner.stakeholder_count = stakeholders.get(partner, 0)
            partner.value_worksheet_count = worksheets.get(partner, 0)

    @api.readonly
    def action_view_key_account(self):
        """The customer's key-account record(s) the user may read."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sfa_key_accounts.sfa_key_account_action"
        )
        accounts = self.env["sfa.key.account"].search(
            [("partner_id", "=", self.commercial_partner_id.id)]
        )
        action["domain"] = [("id", "in", accounts.ids)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        if len(accounts) == 1:
            action.update(view_mode="form", res_id=accounts.id, views=[(False, "form")])
        return action

    @api.readonly
    def action_view_key_account_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sfa_key_accounts.sfa_account_plan_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    @api.readonly
    def action_view_stakeholders(self):
        """The account's buying centre as an org chart (reports-to lines)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sfa_key_accounts.sfa_stakeholder_action_org_chart"
        )
        action["domain"] = [("account_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_account_id": self.commercial_partner_id.id}
        return action

    @api.readonly
    def action_view_value_worksheets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sfa_key_accounts.sfa_value_worksheet_action"
        )
        action["domain"] = [("account_id", "=", self.commercial_partner_id.id)]
        return action
