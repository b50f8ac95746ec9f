from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Set while the lead writes its split table in one go: the total is checked once, after.
SPLIT_BATCH = "sfa_credit_split_batch"


class SfaCompCreditSplit(models.Model):
    """A share of an opportunity's won revenue credited to a person (业绩归属). Without any
    split the salesperson gets it all; with splits, the shares add up to 100."""

    _name = "sfa.comp.credit.split"
    _description = "Credit Split"
    _inherit = ["sfa.access.mixin"]
    _order = "lead_id, share_pct desc, id"

    lead_id = fields.Many2one("crm.lead", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users", "Credited To", required=True, index=True, domain="[('share', '=', False)]"
    )
    share_pct = fields.Float("Share (%)", required=True, digits=(16, 2))

    _sql_constraints = [
        ("lead_user_unique", "unique(lead_id, user_id)", "A person is credited once per deal."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        splits = super().create(vals_list)
        splits.lead_id._sfa_check_credit_splits()
        return splits

    def write(self, vals):
        leads = self.lead_id
        res = super().write(vals)
        (leads | self.lead_id)._sfa_check_credit_splits()
        return res

    def unlink(self):
        leads = self.lead_id
        res = super().unlink()
        leads.exists()._sfa_check_credit_splits()
        return res

    @api.constrains("share_pct")
    def _check_share(self):
        if self.filtered(lambda s: s.share_pct <= 0 or s.share_pct > 100):
            raise ValidationError(self.env._("A credit share is above 0 and at most 100 %."))
