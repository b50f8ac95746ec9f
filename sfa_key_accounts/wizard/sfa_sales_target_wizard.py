from odoo import api, fields, models


class SfaSalesTargetWizard(models.AbstractModel):
    """What the split and adjust wizards share: the target they change, which only those who
    may change it (its team's leader, Sales Targets administrators) may even open them on."""

    _name = "sfa.sales.target.wizard"
    _description = "Sales Target Wizard"
    _inherit = ["sfa.access.mixin"]

    target_id = fields.Many2one(
        "sfa.sales.target", "Sales Target", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="target_id.currency_id")
    money_currency_id = fields.Many2one(related="target_id.money_currency_id")
    amount = fields.Float(related="target_id.amount", string="Current Target")

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards.target_id.check_access("write")
        return wizards
