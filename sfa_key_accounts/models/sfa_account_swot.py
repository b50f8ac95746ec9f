from odoo import fields, models

AREAS = [
    # the customer's own (internal) areas
    ("marketing", "Marketing"),
    ("profit", "Profit"),
    ("finance", "Finance"),
    ("product", "Product"),
    ("service", "Service"),
    ("technology", "Technology"),
    ("brand", "Brand"),
    ("speed", "Speed"),
    ("capacity", "Capacity"),
    ("quality", "Quality"),
    ("channels", "Channels"),
    ("staff", "Staff"),
    ("position", "Market position"),
    ("culture", "Culture"),
    ("business_model", "Business model"),
    ("relationships", "Relationships"),
    # its environment (external)
    ("politics", "Politics"),
    ("competitors", "Competitors"),
    ("law", "Law"),
    ("suppliers", "Suppliers"),
    ("economy", "Economy"),
    ("partners", "Partners"),
    ("society", "Society"),
    ("preferences", "Customer preferences"),
    ("tech_change", "Technology change"),
    ("substitutes", "Substitutes"),
    ("crises", "Crises"),
    ("industry_rules", "Industry rules"),
]


class SfaAccountSwot(models.Model):
    """One item of the customer's SWOT (the customer's, not ours: DOMAIN.md §1)."""

    _name = "sfa.account.swot"
    _description = "Customer SWOT Item"
    _inherit = ["sfa.access.mixin", "sfa.number.mixin"]
    _order = "plan_id, quadrant, sequence, id"

    plan_id = fields.Many2one("sfa.account.plan", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    quadrant = fields.Selection(
        [
            ("strength", "Strength"),
            ("weakness", "Weakness"),
            ("opportunity", "Opportunity"),
            ("threat", "Threat"),
        ],
        required=True,
        default="strength",
    )
    area = fields.Selection(AREAS)
    name = fields.Char("Description", required=True)
