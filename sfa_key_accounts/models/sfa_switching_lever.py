from odoo import fields, models


class SfaSwitchingLever(models.Model):
    """A way to raise the customer's cost of switching to a competitor (docs/method.md §1.7)."""

    _name = "sfa.switching.lever"
    _description = "Switching-Cost Lever"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
