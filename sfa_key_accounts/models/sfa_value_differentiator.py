from odoo import api, fields, models

from ..engine import value
from .sfa_differentiator_category import LEVELS


class SfaValueDifferentiator(models.Model):
    """How we compare with a named competitor on one point, at one level (product, company,
    partners, sales team, account manager), weighted by its importance to the customer."""

    _name = "sfa.value.differentiator"
    _description = "Value Worksheet Differentiator"
    _inherit = ["sfa.value.line.mixin"]
    _order = "worksheet_id, level, sequence, id"
    _sfa_number_bounds = {
        "our_rating": (value.RATING_MIN, value.RATING_MAX),
        "competitor_rating": (value.RATING_MIN, value.RATING_MAX),
        "importance": (value.RATING_MIN, value.RATING_MAX),
    }

    level = fields.Selection(LEVELS, required=True, default="product")
    category_id = fields.Many2one("sfa.differentiator.category", domain="[('level', '=', level)]")
    name = fields.Char("Description", required=True)
    competitor_id = fields.Many2one("res.partner", domain="[('sfa_is_competitor', '=', True)]")
    our_rating = fields.Integer(default=3, help="1 (weak) to 5 (strong).")
    competitor_rating = fields.Integer(default=3, help="1 (weak) to 5 (strong).")
    importance = fields.Integer(default=3, help="Importance to the customer, 1 to 5.")
    advantage = fields.Integer(
        compute="_compute_advantage", store=True, help="Importance x (our rating - theirs)."
    )

    @api.depends("importance", "our_rating", "competitor_rating")
    def _compute_advantage(self):
        for line in self:
            ratings = (line.importance, line.our_rating, line.competitor_rating)
            in_range = all(value.RATING_MIN <= r <= value.RATING_MAX for r in ratings)
            line.advantage = value.advantage(*ratings) if in_range else 0
