from odoo import api, fields, models


class SfaEvaluationCurvePoint(models.Model):
    """A point of an indicator's scoring curve: a raw value and the score (0-100) it earns.
    Between points the score is linear; before the first and after the last it is flat."""

    _name = "sfa.evaluation.curve.point"
    _description = "Scoring Curve Point"
    _inherit = ["sfa.access.mixin"]
    _order = "indicator_id, raw, id"

    indicator_id = fields.Many2one(
        "sfa.evaluation.indicator", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="indicator_id.company_id", store=True, index=True)
    raw = fields.Float("Raw Value", required=True, digits=(16, 2))
    score = fields.Float(required=True, digits=(16, 2))

    @api.depends("raw", "score")
    def _compute_display_name(self):
        for point in self:
            point.display_name = f"{point.raw:g} → {point.score:g}"

    @api.model_create_multi
    def create(self, vals_list):
        indicators = self.env["sfa.evaluation.indicator"].browse(
            [v["indicator_id"] for v in vals_list if v.get("indicator_id")]
        )
        indicators.template_id._check_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.indicator_id.template_id._check_editable()
        if vals.get("indicator_id"):
            self.env["sfa.evaluation.indicator"].browse(
                vals["indicator_id"]
            ).template_id._check_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_unless_published(self):
        self.indicator_id.template_id._check_editable()
