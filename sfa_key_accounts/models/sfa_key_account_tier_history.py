from odoo import fields, models


class SfaKeyAccountTierHistory(models.Model):
    """One tier change of a customer: who, when, from, to and why. Never edited."""

    _name = "sfa.key.account.tier.history"
    _description = "Key Account Tier Change"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, ondelete="cascade"
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one(
        "res.users", "Changed by", default=lambda self: self.env.user, readonly=True
    )
    from_tier_id = fields.Many2one("sfa.key.account.tier", "From", ondelete="set null")
    to_tier_id = fields.Many2one("sfa.key.account.tier", "To", ondelete="set null")
    reason = fields.Char()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
