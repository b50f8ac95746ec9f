from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import value
from .sfa_number_mixin import MAX_AMOUNT


class SfaValueKpi(models.Model):
    """A benchmark: the customer's value of a KPI against the worst quartile, the average and
    the best quartile of its peers; the gap is the room for improvement (docs/method.md §4.5)."""

    _name = "sfa.value.kpi"
    _description = "Value Worksheet Benchmark"
    _inherit = ["sfa.value.line.mixin"]
    _order = "worksheet_id, sequence, id"
    _sfa_number_bounds = {"value_per_unit": (0, MAX_AMOUNT)}

    name = fields.Char("Metric", required=True)
    unit = fields.Char()
    direction = fields.Selection(
        [(value.HIGHER, "Higher is better"), (value.LOWER, "Lower is better")],
        required=True,
        default=value.HIGHER,
    )
    current_value = fields.Float("Customer Today")
    worst_quartile = fields.Float()
    average = fields.Float()
    best_quartile = fields.Float()
    target = fields.Float()
    quartile_position = fields.Selection(
        [
            ("1", "Best quartile"),
            ("2", "Better than average"),
            ("3", "Below average"),
            ("4", "Worst quartile"),
        ],
        compute="_compute_position",
        store=True,
    )
    gap_to_average = fields.Float(compute="_compute_position", store=True)
    gap_to_best = fields.Float("Gap to Best Quartile", compute="_compute_position", store=True)
    currency_id = fields.Many2one(related="worksheet_id.currency_id")
    value_per_unit = fields.Monetary(
        help="Money the customer gains per unit of improvement: feeds a benefit line."
    )

    @api.depends("direction", "current_value", "worst_quartile", "average", "best_quartile")
    def _compute_position(self):
        for kpi in self:
            args = (kpi.direction, kpi.current_value)
            kpi.quartile_position = str(
                value.quartile_position(*args, kpi.worst_quartile, kpi.average, kpi.best_quartile)
            )
            kpi.gap_to_average = value.improvement(*args, kpi.average)
            kpi.gap_to_best = value.improvement(*args, kpi.best_quartile)

    @api.constrains(
        "direction", "worst_quartile", "average", "best_quartile", "target", "value_per_unit"
    )
    def _check_quartiles(self):
        for kpi in self:
            # the target only matters when the benchmark values a benefit
            problem = value.benchmark_problem(
                kpi.direction,
                kpi.worst_quartile,
                kpi.average,
                kpi.best_quartile,
                target=kpi.target if kpi.value_per_unit else None,
            )
            if problem == "target_worse_than_average":
                raise ValidationError(
                    self.env._(
                        "The target of %(metric)s (%(target)s) is worse than the average "
                        "(%(average)s): the likely benefit it values would be below the "
                        "conservative one.",
                        metric=kpi.name,
                        target=kpi.target,
                        average=kpi.average,
                    )
                )
            if problem:
                raise ValidationError(
                    self.env._(
                        "The quartiles of %(metric)s contradict its direction: when %(direction)s,"
                        " the worst quartile, the average and the best quartile must improve in "
                        "that order (%(worst)s, %(average)s, %(best)s).",
                        metric=kpi.name,
                        direction=dict(self._fields["direction"]._description_selection(self.env))[
                            kpi.direction
                        ].lower(),
                        worst=kpi.worst_quartile,
                        average=kpi.average,
                        best=kpi.best_quartile,
                    )
                )
