from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import value
from .sfa_number_mixin import MAX_AMOUNT

TANGIBLE = ("cost_saving", "revenue_growth", "margin")


class SfaValueBenefit(models.Model):
    """A benefit of the solution for the customer: tangible ones (cost saving, revenue growth,
    margin) are money, conservative and likely; intangible ones are scored 1-5, not summed."""

    _name = "sfa.value.benefit"
    _description = "Value Worksheet Benefit"
    _inherit = ["sfa.value.line.mixin"]
    _order = "worksheet_id, phase, sequence, id"
    _sfa_number_bounds = {
        "conservative_amount": (0, MAX_AMOUNT),
        "likely_amount": (0, MAX_AMOUNT),
    }

    category = fields.Selection(
        [
            ("cost_saving", "Cost saving"),
            ("revenue_growth", "Revenue growth"),
            ("margin", "Margin improvement"),
            ("competitive_advantage", "Competitive advantage"),
            ("satisfaction", "Customer satisfaction"),
            ("image", "Professional image"),
        ],
        required=True,
        default="cost_saving",
    )
    tangible = fields.Boolean(compute="_compute_tangible", store=True)
    business_area = fields.Char()
    phase = fields.Char(default="1", help="Phase of the project in which the benefit comes.")
    recurrence = fields.Selection(
        [("one_time", "One-time"), ("yearly", "Per year")], required=True, default="yearly"
    )
    currency_id = fields.Many2one(related="worksheet_id.currency_id")
    conservative_amount = fields.Monetary(
        compute="_compute_amounts", store=True, readonly=False, precompute=True
    )
    likely_amount = fields.Monetary(
        compute="_compute_amounts", store=True, readonly=False, precompute=True
    )
    score = fields.Selection(
        [("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")],
        help="For an intangible benefit: how much it matters to the customer.",
    )
    need_id = fields.Many2one(
        "sfa.value.need", "Serves Need", domain="[('worksheet_id', '=', worksheet_id)]"
    )
    kpi_id = fields.Many2one(
        "sfa.value.kpi",
        "From Benchmark",
        domain="[('worksheet_id', '=', worksheet_id)]",
        help="Values the benefit from a benchmark: conservative = improving to the average, "
        "likely = improving to the target, times the benchmark's value per unit.",
    )
    rationale = fields.Char()

    @api.depends("category")
    def _compute_tangible(self):
        for benefit in self:
            benefit.tangible = benefit.category in TANGIBLE

    @api.depends(
        "kpi_id.value_per_unit",
        "kpi_id.current_value",
        "kpi_id.average",
        "kpi_id.target",
        "kpi_id.direction",
    )
    def _compute_amounts(self):
        for benefit in self:
            kpi = benefit.kpi_id
            if not kpi or not kpi.value_per_unit:
                continue
            to_average = value.improvement(kpi.direction, kpi.current_value, kpi.average)
            to_target = value.improvement(kpi.direction, kpi.current_value, kpi.target)
            benefit.conservative_amount = to_average * kpi.value_per_unit
            benefit.likely_amount = to_target * kpi.value_per_unit

    @api.constrains("conservative_amount", "likely_amount")
    def _check_conservative_not_above_likely(self):
        for benefit in self:
            if benefit.conservative_amount > benefit.likely_amount:
                raise ValidationError(
                    self.env._(
                        "The conservative estimate of a benefit (%(conservative)s) cannot be "
                        "above its likely estimate (%(likely)s).",
                        conservative=benefit.conservative_amount,
                        likely=benefit.likely_amount,
                    )
                )

    @api.constrains("worksheet_id", "kpi_id", "need_id")
    def _check_same_worksheet(self):
        for benefit in self:
            if (benefit.kpi_id.worksheet_id | benefit.need_id.worksheet_id) - benefit.worksheet_id:
                raise ValidationError(
                    self.env._(
                        "A benefit can only come from a benchmark and serve a need of its own "
                        "worksheet."
                    )
                )
