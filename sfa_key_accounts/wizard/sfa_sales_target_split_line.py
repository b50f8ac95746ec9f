from odoo import fields, models

from ..models.sfa_sales_target import DIMENSION_FIELDS
from .sfa_sales_target_split import SPLIT_DIMENSION


class SfaSalesTargetSplitLine(models.TransientModel):
    """One child of a split being prepared: what it differs in from the parent and its
    amount (editable for a manual split)."""

    _name = "sfa.sales.target.split.line"
    _description = "Child of a Target Split"
    _inherit = ["sfa.access.mixin"]

    wizard_id = fields.Many2one("sfa.sales.target.split", required=True, ondelete="cascade")
    name = fields.Char("Child", required=True)
    date_from = fields.Date("From")
    date_to = fields.Date("To")
    user_id = fields.Many2one("res.users", "Salesperson")
    team_id = fields.Many2one("crm.team", "Sales Team")
    tag_id = fields.Many2one("crm.tag", "Product Line")
    country_id = fields.Many2one("res.country")
    state_id = fields.Many2one("res.country.state", "State / Province")
    tier_id = fields.Many2one("sfa.key.account.tier", "Customer Tier")
    industry_id = fields.Many2one("res.partner.industry")
    weight = fields.Float(readonly=True, digits=(16, 2))
    amount = fields.Float(digits=(16, 2))
    money_currency_id = fields.Many2one(related="wizard_id.money_currency_id")

    def _child_values(self):
        """The values of the child target this line stands for."""
        self.ensure_one()
        parent = self.wizard_id.target_id
        vals = {
            "name": f"{parent.name} / {self.name}",
            "parent_id": parent.id,
            "company_id": parent.company_id.id,
            "measure": parent.measure,
            "market_size": parent.market_size,
            "state": "confirmed",
            "amount": self.amount,
            "user_id": (self.user_id or parent.user_id).id,
            "team_id": (self.team_id or parent.team_id).id,
            "date_from": self.date_from or parent.date_from,
            "date_to": self.date_to or parent.date_to,
            "dimension": SPLIT_DIMENSION.get(self.wizard_id.split_by, parent.dimension),
        }
        for fname in DIMENSION_FIELDS:
            vals[fname] = (self[fname] or parent[fname]).id
        return vals
