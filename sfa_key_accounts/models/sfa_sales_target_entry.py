from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SfaSalesTargetEntry(models.Model):
    """A value of a measure the CRM cannot read (customer satisfaction), entered by hand
    period by period; who entered it and when are the record's own creator and date."""

    _name = "sfa.sales.target.entry"
    _description = "Sales Target Entry"
    _inherit = ["sfa.access.mixin"]
    _order = "date desc, id desc"

    target_id = fields.Many2one("sfa.sales.target", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="target_id.company_id", store=True, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    value = fields.Float(required=True, digits=(16, 2))
    note = fields.Char()
    create_uid = fields.Many2one("res.users", "Entered By", readonly=True)
    create_date = fields.Datetime("Entered On", readonly=True)

    @api.depends("target_id", "date")
    def _compute_display_name(self):
        for entry in self:
            entry.display_name = f"{entry.target_id.name} ({entry.date})"

    @api.constrains("value", "target_id")
    def _check_value(self):
        for entry in self:
            if entry.target_id.measure != "satisfaction":
                raise ValidationError(
                    self.env._("Only customer-satisfaction targets are entered by hand.")
                )
            if not 0 <= entry.value <= 100:
                raise ValidationError(
                    self.env._("Satisfaction is a score from 1 to 5 or a percentage (0-100).")
                )
