from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import targets as engine


class SfaPerformanceRatingLine(models.Model):
    """A rater's 1-5 rating of one indicator, with an optional comment."""

    _name = "sfa.performance.rating.line"
    _description = "Performance Rating"
    _order = "rating_id, sequence, id"

    rating_id = fields.Many2one(
        "sfa.performance.rating", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="rating_id.company_id", store=True, index=True)
    rater_id = fields.Many2one(related="rating_id.rater_id", store=True, index=True)
    indicator_id = fields.Many2one("sfa.evaluation.indicator", required=True, ondelete="restrict")
    sequence = fields.Integer(related="indicator_id.sequence", store=True)
    category = fields.Selection(related="indicator_id.category")
    value = fields.Integer("Rating (1-5)")
    comment = fields.Char()

    @api.constrains("value")
    def _check_value(self):
        for line in self:
            if line.value and not engine.RATING_MIN <= line.value <= engine.RATING_MAX:
                raise ValidationError(
                    self.env._(
                        "A rating is a whole number from 1 to 5, not %(value)s.", value=line.value
                    )
                )

    def write(self, vals):
        if set(vals) - {"value", "comment"}:
            raise UserError(self.env._("A rating stays on its sheet and indicator."))
        self.rating_id._check_open()
        return super().write(vals)
