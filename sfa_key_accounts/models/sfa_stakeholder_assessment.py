from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import health
from .sfa_account_plan_assessment import SCORES


class SfaStakeholderAssessment(models.Model):
    """A person's answer to one question of the customer status analysis (客户状态分析表,
    docs/method.md §1.6): how willing they are to buy (客户意愿评估) and their character and
    standing (客户素质评估), scored 1-5."""

    _name = "sfa.stakeholder.assessment"
    _description = "Stakeholder Status Answer"
    _inherit = ["sfa.access.mixin"]
    _order = "stakeholder_id, kind, sequence, id"

    stakeholder_id = fields.Many2one(
        "sfa.stakeholder", required=True, index=True, ondelete="cascade"
    )
    criterion_id = fields.Many2one(
        "sfa.health.criterion",
        "Question",
        required=True,
        ondelete="cascade",
        domain=[("kind", "in", health.STATUS_KINDS)],
    )
    name = fields.Char(related="criterion_id.name")
    kind = fields.Selection(related="criterion_id.kind", store=True)
    weight = fields.Float(related="criterion_id.weight", store=True)
    sequence = fields.Integer(related="criterion_id.sequence", store=True)
    source = fields.Selection(related="criterion_id.source")
    score = fields.Selection(SCORES, help="1 (worst) to 5 (best).")
    note = fields.Char()
    company_id = fields.Many2one(related="stakeholder_id.company_id", store=True, index=True)

    _sql_constraints = [
        (
            "stakeholder_criterion_unique",
            "unique(stakeholder_id, criterion_id)",
            "A person answers each question of the status analysis once.",
        ),
    ]

    @api.constrains("criterion_id")
    def _check_kind(self):
        for answer in self:
            if answer.criterion_id.kind not in health.STATUS_KINDS:
                raise ValidationError(
                    self.env._(
                        "%(question)s is not a question of the customer status analysis "
                        "(willingness or quality): answer it on the account plan.",
                        question=answer.criterion_id.display_name,
                    )
                )
