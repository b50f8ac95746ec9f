from odoo import fields, models


class SfaKeyAccountTierHistory(models.Model):
    """One tier change of a key account: who, when, from, to and why. Never edited."""

    _name = "sfa.key.account.tier.history"
    _description = "Key Account Tier Change"
    _order = "date desc, id desc"

    key_account_id = fields.Many2one(
        "sfa.key.account", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        related="key_account_id.partner_id", store=True, index=True, string="Customer"
    )
    company_id = fields.Many2one(related="key_account_id.company_id", store=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one(
        "res.users", "Changed by", default=lambda self: self.env.user, readonly=True
    )
    from_tier_id = fields.Many2one("sfa.key.account.tier", "From", ondelete="set null")
    to_tier_id = fields.Many2one("sfa.key.account.tier", "To", ondelete="set null")
    reason = fields.Char()
