from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SfaCompCurvePoint(models.Model):
    """A point of a KPI-bonus payout curve: review score (0-100) -> % of the target bonus
    (0-150); linear between points, flat outside them."""

    _name = "sfa.comp.curve.point"
    _inherit = ["sfa.comp.component.part"]
    _description = "KPI Payout Curve Point"
    _order = "component_id, score, id"

    score = fields.Float("Review Score", required=True, digits=(16, 2))
    payout_pct = fields.Float("Payout (% of bonus)", required=True, digits=(16, 2))

    @api.constrains("score", "payout_pct")
    def _check_values(self):
        for point in self:
            if not 0 <= point.score <= 100 or not 0 <= point.payout_pct <= 150:
                raise ValidationError(
                    self.env._("A review score is 0-100 and pays 0-150 % of the bonus.")
                )
