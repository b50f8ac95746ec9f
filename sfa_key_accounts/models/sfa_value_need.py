from odoo import fields, models


class SfaValueNeed(models.Model):
    """A customer need of the value triangle, with where it comes from (the account plan's
    TOWS need) and who owns it (a stakeholder of the political map)."""

    _name = "sfa.value.need"
    _description = "Value Worksheet Need"
    _inherit = ["sfa.value.line.mixin"]
    _order = "worksheet_id, priority desc, sequence, id"

    name = fields.Char("Need", required=True)
    account_need_id = fields.Many2one(
        "sfa.account.need",
        "From Account Plan",
        domain="[('plan_id.partner_id', '=', account_id)]",
        help="The SWOT/TOWS need of the account plan this need comes from.",
    )
    stakeholder_id = fields.Many2one(
        "sfa.stakeholder",
        "Owner",
        domain="[('account_id', '=', account_id)]",
        help="The person of the buying centre who owns this need.",
    )
    account_id = fields.Many2one(related="worksheet_id.lead_id.sfa_commercial_partner_id")
    priority = fields.Selection(
        [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very high")], default="1"
    )
    solution_component = fields.Char("Our Answer", help="The part of the solution answering it.")
