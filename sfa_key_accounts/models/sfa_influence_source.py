from odoo import fields, models


class SfaInfluenceSource(models.Model):
    """Where a person's opinion comes from: trade press, seminars, consultants...
    (docs/method.md §3.7)."""

    _name = "sfa.influence.source"
    _description = "Influence Source"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
