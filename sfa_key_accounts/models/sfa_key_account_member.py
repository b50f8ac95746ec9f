from odoo import fields, models


class SfaKeyAccountMember(models.Model):
    """A member of a key account's team, beside its key-account manager."""

    _name = "sfa.key.account.member"
    _description = "Key Account Team Member"
    _order = "partner_id, sequence, id"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, ondelete="cascade"
    )
    user_id = fields.Many2one("res.users", "Member", required=True, index=True)
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
            "partner_user_unique",
            "unique(partner_id, user_id)",
            "A user is on an account team only once.",
        ),
    ]
