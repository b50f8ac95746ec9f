from odoo import fields, models

from .sfa_number_mixin import MAX_AMOUNT


class SfaValueCost(models.Model):
    """A cost of the solution for the customer, one-time or per year."""

    _name = "sfa.value.cost"
    _description = "Value Worksheet Cost"
    _inherit = ["sfa.value.line.mixin"]
    _order = "worksheet_id, sequence, id"
    _sfa_number_bounds = {"amount": (0, MAX_AMOUNT)}

    name = fields.Char("Cost", required=True)
    recurrence = fields.Selection(
        [("one_time", "One-time"), ("yearly", "Per year")], required=True, default="one_time"
    )
    currency_id = fields.Many2one(related="worksheet_id.currency_id")
    amount = fields.Monetary(required=True)
