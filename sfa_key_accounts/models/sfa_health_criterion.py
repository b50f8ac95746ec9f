from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine import health

# Where a criterion comes from (docs/method.md §1.6): the course names it, the addon ships it
# as a default of its own, or a company added it.
SOURCES = [
    ("course", "Course"),
    ("addon", "Addon default"),
    ("custom", "Added here"),
]


class SfaHealthCriterion(models.Model):
    """The question bank: an item of an account plan's relationship health (a strength
    signal or an evaluation indicator) or a question of a stakeholder's customer status
    analysis (willingness or quality). Weights of a kind sum to 100."""

    _name = "sfa.health.criterion"
    _description = "Relationship Health Criterion"
    _inherit = ["sfa.number.mixin"]
    _order = "kind, sequence, id"
    _sfa_number_bounds = {"weight": (0, 100)}

    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(
        [
            (health.SIGNAL, "Relationship strength signal"),
            (health.WILLINGNESS, "Willingness assessment"),
            (health.QUALITY, "Quality assessment"),
            (health.INDICATOR, "Evaluation indicator"),
        ],
        required=True,
        help="Strength signals and evaluation indicators are answered on the account plan; "
        "the willingness and quality assessments (customer status analysis) on each "
        "stakeholder.",
    )
    weight = fields.Float(required=True, default=10.0, aggregator="sum")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Leave empty to use it in every company.")
    source = fields.Selection(
        SOURCES,
        required=True,
        default="custom",
        help="Course: the key-account course names it. Addon default: the addon's own "
        "proposal, which the course does not name. Added here: added by your company.",
    )

    _sql_constraints = [
        ("weight_positive", "CHECK(weight >= 0)", "A criterion's weight cannot be negative."),
    ]

    @api.model
    def _sfa_check_weights(self, companies, kinds):
        """Refuse (UserError) unless the active criteria of each of ``kinds`` that apply in
        each of ``companies`` (none: the criteria shared by all) have weights summing to 100."""
        for company in companies or [self.env["res.company"]]:
            criteria = self.search(
                [("company_id", "in", [company.id, False]), ("kind", "in", kinds)]
            )
            weights = {kind: [] for kind in kinds}
            for criterion in criteria:
                weights[criterion.kind].append(criterion.weight)
            problems = health.weight_total_problems(weights)
            if problems:
                labels = dict(self._fields["kind"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "The weights of the health criteria must sum to 100 in each group: "
                        "%(groups)s. Fix them in CRM > Configuration > Key Accounts > "
                        "Health Criteria.",
                        groups=", ".join(
                            f"{labels[kind]} = {total:g}" for kind, total in problems.items()
                        ),
                    )
                )
