from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SfaValueCost(models.Model):
    """A cost of the solution for the customer, one-time or per year."""

    _name = "sfa.value.cost"
    _description = "Value Worksheet Cost"
    _inherit = ["sfa.value.line.mixin"]
    _order = "worksheet_id, sequence, id"

    name = fields.Char("Cost", required=True)
    recurrence = fields.Selection(
        [("one_time", "One-time"), ("yearly", "Per year")], required=True, default="one_time"
    )
    currency_id = fields.Many2one(related="worksheet_id.currency_id")
    amount = fields.Monetary(required=True)

    @api.constrains("amount")
    def _check_amount(self):
        for cost in self:
            if cost.amount < 0:
                raise ValidationError(
                    self.env._("The cost %(name)s cannot be negative.", name=cost.name)
                )
