from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .nullable_float import NullableFloat


class SfaCompTier(models.Model):
    """A band of attainment (% of the won-revenue target) and the rate paid on the credited
    revenue in it; the top band has no upper bound."""

    _name = "sfa.comp.tier"
    _inherit = ["sfa.comp.component.part"]
    _description = "Commission Tier"
    _order = "component_id, lower_pct, id"

    lower_pct = fields.Float("From (%)", required=True, digits=(16, 2))
    upper_pct = NullableFloat("To (%)", digits=(16, 2), help="Empty for the top band.")
    rate_pct = fields.Float("Rate (%)", required=True, digits=(16, 4))

    @api.depends("lower_pct", "upper_pct", "rate_pct")
    def _compute_display_name(self):
        for tier in self:
            upper = "" if tier.upper_pct is None else f"{tier.upper_pct:g}"
            tier.display_name = f"{tier.lower_pct:g}-{upper} %: {tier.rate_pct:g} %"

    @api.constrains("lower_pct", "upper_pct", "rate_pct")
    def _check_values(self):
        for tier in self:
            if tier.rate_pct < 0 or tier.lower_pct < 0:
                raise ValidationError(self.env._("Tier bounds and rates are never negative."))
