from odoo import fields, models

LEVELS = [
    ("product", "Product / service"),
    ("company", "Company"),
    ("partners", "Partners"),
    ("sales_team", "Sales team"),
    ("account_manager", "Account manager"),
]


class SfaDifferentiatorCategory(models.Model):
    """What a differentiator is about (function, price, response time, credibility...)."""

    _name = "sfa.differentiator.category"
    _description = "Differentiator Category"
    _order = "level, sequence, id"

    name = fields.Char(required=True, translate=True)
    level = fields.Selection(LEVELS, required=True, default="product")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
