from odoo import api, fields, models

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


QUADRANTS = [
    ("strength", "Strengths"),
    ("weakness", "Weaknesses"),
    ("opportunity", "Opportunities"),
    ("threat", "Threats"),
]


class SfaAccountSwot(models.Model):
    """One item of the customer's SWOT (the customer's, not ours: docs/method.md §1.4)."""

    _name = "sfa.account.swot"
    _description = "Customer SWOT Item"
    _inherit = ["sfa.access.mixin", "sfa.number.mixin"]
    _order = "plan_id, quadrant_sequence, sequence, id"

    plan_id = fields.Many2one("sfa.account.plan", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    # the quadrants' own names, not the CRM's "Opportunity" (a deal): 机会, not 商机
    quadrant = fields.Selection(
        QUADRANTS,
        required=True,
        default="strength",
    )
    # S-W-O-T on screen and on paper, whatever the alphabet says
    quadrant_sequence = fields.Integer(compute="_compute_quadrant_sequence", store=True)
    area = fields.Selection(AREAS)
    name = fields.Char("Description", required=True)

    @api.depends("quadrant")
    def _compute_quadrant_sequence(self):
        order = [key for key, _label in QUADRANTS]
        for item in self:
            item.quadrant_sequence = order.index(item.quadrant) + 1 if item.quadrant else 0
