from odoo import fields, models


class SfaKeyAccountMember(models.Model):
    """A member of a key account's team, beside its key-account manager."""

    _name = "sfa.key.account.member"
    _description = "Key Account Team Member"
    _inherit = ["sfa.access.mixin"]
    _order = "key_account_id, sequence, id"
    _check_company_auto = True

    key_account_id = fields.Many2one(
        "sfa.key.account", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        related="key_account_id.partner_id", store=True, index=True, string="Customer"
    )
    company_id = fields.Many2one(related="key_account_id.company_id", store=True, index=True)
    user_id = fields.Many2one("res.users", "Member", required=True, index=True, check_company=True)
    role = fields.Selection(
        [
            ("sales", "Sales"),
            ("presales", "Pre-sales / solution"),
            ("service", "Service"),
            ("executive", "Executive sponsor"),
            ("other", "Other"),
        ],
        required=True,
        default="sales",
    )
    sequence = fields.Integer(default=10)

    _sql_constraints = [
        (
            "account_user_unique",
            "unique(key_account_id, user_id)",
            "A user is on an account team only once.",
        ),
    ]
