from odoo import api, fields, models


class SfaPerformanceReviewLine(models.Model):
    """One indicator of a review: its weight, raw value (a CRM figure at the cut-off date, or
    the blended 360° rating) and score on the indicator's curve. Written by the review only."""

    _name = "sfa.performance.review.line"
    _description = "Performance Review Indicator"
    _order = "review_id, sequence, id"

    review_id = fields.Many2one(
        "sfa.performance.review", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="review_id.company_id", store=True, index=True)
    user_id = fields.Many2one(related="review_id.user_id", store=True, string="Salesperson")
    indicator_id = fields.Many2one("sfa.evaluation.indicator", required=True, ondelete="restrict")
    sequence = fields.Integer(related="indicator_id.sequence", store=True)
    category = fields.Selection(related="indicator_id.category", store=True)
    kind = fields.Selection(related="indicator_id.kind")
    weight = fields.Float(digits=(16, 2))
    raw_value = fields.Float(digits=(16, 2))
    score = fields.Float(digits=(16, 2), aggregator="avg")
    weighted_score = fields.Float(compute="_compute_weighted_score", store=True, digits=(16, 2))

    @api.depends("weight", "score")
    def _compute_weighted_score(self):
        for line in self:
            line.weighted_score = round(line.weight * line.score / 100, 2)

    @api.depends("indicator_id", "review_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.review_id.name}: {line.indicator_id.name}"
