from odoo import api, fields, models


class SfaCompComponentPart(models.AbstractModel):
    """A row of a plan component (a commission tier, a point of a KPI curve): it belongs to
    its component and, like it, changes only while the plan is a draft."""

    _name = "sfa.comp.component.part"
    _description = "Incentive Plan Component Row"

    component_id = fields.Many2one(
        "sfa.comp.component", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="component_id.company_id", store=True, index=True)

    def write(self, vals):
        self.component_id._check_editable()
        res = super().write(vals)
        if "component_id" in vals:
            self.component_id._check_editable()  # nor moved into a plan in use
        return res

    @api.model_create_multi
    def create(self, vals_list):
        rows = super().create(vals_list)
        rows.component_id._check_editable()
        return rows

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        self.component_id._check_editable()
