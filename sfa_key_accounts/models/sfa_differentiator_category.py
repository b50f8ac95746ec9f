from odoo import fields, models

# The levels of seed 003's table of differentiators (差异性的层次, docs/method.md §4): service
# is a level of its own beside the product; the company level is brand and reputation
# (quality among them); the sales team and the account manager also differ by education and
# ability.
LEVELS = [
    ("product", "Product"),
    ("service", "Service"),
    ("company", "Company (brand and reputation)"),
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
