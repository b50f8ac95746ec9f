from odoo import api, fields, models


class SfaValueLineMixin(models.AbstractModel):
    """Lines of a value worksheet: they can only change while their worksheet can (the
    current version, not yet agreed), and their numbers are checked (sfa.number.mixin)."""

    _name = "sfa.value.line.mixin"
    _description = "Value Worksheet Line"
    _inherit = ["sfa.access.mixin", "sfa.number.mixin"]

    worksheet_id = fields.Many2one(
        "sfa.value.worksheet", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)

    @api.model_create_multi
    def create(self, vals_list):
        worksheets = self.env["sfa.value.worksheet"].browse(
            {vals["worksheet_id"] for vals in vals_list if vals.get("worksheet_id")}
        )
        worksheets._check_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.worksheet_id._check_editable()
        if vals.get("worksheet_id"):
            self.env["sfa.value.worksheet"].browse(vals["worksheet_id"])._check_editable()
        return super().write(vals)

    def unlink(self):
        self.worksheet_id._check_editable()
        return super().unlink()
