from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .nullable_float import NullableFloat


class SfaCompTier(models.Model):
    """A band of attainment (% of the won-revenue target) and the rate paid on the credited
    revenue in it; the top band has no upper bound."""

    _name = "sfa.comp.tier"
    _description = "Commission Tier"
    _order = "component_id, lower_pct, id"

    component_id = fields.Many2one(
        "sfa.comp.component", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="component_id.company_id", store=True, index=True)
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

    def write(self, vals):
        self.component_id._check_editable()
        res = super().write(vals)
        if "component_id" in vals:
            self.component_id._check_editable()  # nor moved into a plan in use
        return res

    @api.model_create_multi
    def create(self, vals_list):
        tiers = super().create(vals_list)
        tiers.component_id._check_editable()
        return tiers

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        self.component_id._check_editable()
