from odoo import fields, models

from ..engine import health


class SfaHealthCriterion(models.Model):
    """An item of relationship health: a strength signal, a question of the willingness or
    quality assessment, or an evaluation indicator. Weights of a kind sum to 100."""

    _name = "sfa.health.criterion"
    _description = "Relationship Health Criterion"
    _inherit = ["sfa.number.mixin"]
    _order = "kind, sequence, id"
    _sfa_number_bounds = {"weight": (0, 100)}

    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(
        [
            (health.SIGNAL, "Relationship strength signal"),
            (health.WILLINGNESS, "Willingness assessment"),
            (health.QUALITY, "Quality assessment"),
            (health.INDICATOR, "Evaluation indicator"),
        ],
        required=True,
    )
    weight = fields.Float(required=True, default=10.0, aggregator="sum")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Leave empty to use it in every company.")

    _sql_constraints = [
        ("weight_positive", "CHECK(weight >= 0)", "A criterion's weight cannot be negative."),
    ]
