from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import targets as engine

# Indicators read from the CRM and the targets; the others are rated 1-5 by people.
COMPUTED_INDICATORS = [
    ("revenue_attainment", "Revenue Attainment (%)"),
    ("growth", "Growth vs Last Year (%)"),
    ("win_rate", "Win Rate (%)"),
    ("new_customers", "New Customers"),
    ("map_score", "Political-Map Score of Open Key Deals"),
    ("plan_coverage", "Key Accounts with an Active Plan (%)"),
    ("value_coverage", "Open Key Deals with a Value Case (%)"),
]
# The default curves: attainment 80% earns 60, 100% earns 100; a rating of 1 earns 20, 5 earns
# 100; percentages and scores count as they are.
DEFAULT_CURVES = {
    "revenue_attainment": [(0, 0), (80, 60), (100, 100)],
    "growth": [(-20, 0), (0, 50), (20, 100)],
    "new_customers": [(0, 0), (5, 100)],
    "rated": [(1, 20), (5, 100)],
}
PERCENT_CURVE = [(0, 0), (100, 100)]


class SfaEvaluationIndicator(models.Model):
    """An indicator of an evaluation template (考核指标): results (业绩) computed from the CRM,
    attitude (态度) and collaboration (协作) rated 1-5 by the manager, peers and customers;
    each with a weight and a scoring curve from its raw value to 0-100."""

    _name = "sfa.evaluation.indicator"
    _description = "Evaluation Indicator"
    _inherit = ["sfa.access.mixin"]
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "sfa.evaluation.template", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="template_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    category = fields.Selection(
        [("results", "Results"), ("attitude", "Attitude"), ("collaboration", "Collaboration")],
        required=True,
        default="results",
    )
    kind = fields.Selection(
        [*COMPUTED_INDICATORS, ("rated", "Rated 1-5 (360°)")], required=True, default="rated"
    )
    weight = fields.Float(required=True, digits=(16, 2))
    curve_point_ids = fields.One2many(
        "sfa.evaluation.curve.point", "indicator_id", "Scoring Curve", copy=True
    )
    curve_text = fields.Char("Curve", compute="_compute_curve_text")

    @api.depends("curve_point_ids.raw", "curve_point_ids.score")
    def _compute_curve_text(self):
        for indicator in self:
            indicator.curve_text = ", ".join(indicator.curve_point_ids.mapped("display_name"))

    @api.constrains("weight")
    def _check_weight(self):
        if any(i.weight < 0 or i.weight > 100 for i in self):
            raise ValidationError(self.env._("An indicator's weight is between 0 and 100."))

    @api.model_create_multi
    def create(self, vals_list):
        self.env["sfa.evaluation.template"].browse(
            [v.get("template_id") for v in vals_list if v.get("template_id")]
        )._check_editable()
        indicators = super().create(vals_list)
        for indicator in indicators.filtered(lambda i: not i.curve_point_ids):
            points = DEFAULT_CURVES.get(indicator.kind, PERCENT_CURVE)
            indicator.curve_point_ids = [
                fields.Command.create({"raw": raw, "score": score}) for raw, score in points
            ]
        return indicators

    def write(self, vals):
        self.template_id._check_editable()
        if vals.get("template_id"):
            self.env["sfa.evaluation.template"].browse(vals["template_id"])._check_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_unless_published(self):
        self.template_id._check_editable()

    def _curve(self):
        return [(p.raw, p.score) for p in self.curve_point_ids.sorted("raw")]

    def _score(self, raw):
        """The 0-100 score of a raw value on this indicator's curve."""
        return engine.curve_score(self._curve(), raw)
