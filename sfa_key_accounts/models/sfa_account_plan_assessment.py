from odoo import fields, models

SCORES = [
    ("1", "1 - Very poor"),
    ("2", "2 - Poor"),
    ("3", "3 - Fair"),
    ("4", "4 - Good"),
    ("5", "5 - Excellent"),
]


class SfaAccountPlanAssessment(models.Model):
    """An answer to one health criterion on one plan: a tick for a strength signal, a 1-5
    score for an evaluation indicator. (The willingness and quality assessments are a
    person's: ``sfa.stakeholder.assessment``.)"""

    _name = "sfa.account.plan.assessment"
    _description = "Account Plan Health Answer"
    _inherit = ["sfa.access.mixin", "sfa.number.mixin"]
    _order = "plan_id, kind, sequence, id"

    plan_id = fields.Many2one("sfa.account.plan", required=True, index=True, ondelete="cascade")
    criterion_id = fields.Many2one("sfa.health.criterion", required=True, ondelete="cascade")
    name = fields.Char(related="criterion_id.name")
    kind = fields.Selection(related="criterion_id.kind", store=True)
    weight = fields.Float(related="criterion_id.weight", store=True)
    sequence = fields.Integer(related="criterion_id.sequence", store=True)
    source = fields.Selection(related="criterion_id.source")
    present = fields.Boolean(help="For a strength signal: is it true of this customer?")
    score = fields.Selection(SCORES, help="For an assessment or indicator: 1 (worst) to 5 (best).")
    note = fields.Char()

    _sql_constraints = [
        (
            "plan_criterion_unique",
            "unique(plan_id, criterion_id)",
            "A plan answers each criterion once.",
        ),
    ]
