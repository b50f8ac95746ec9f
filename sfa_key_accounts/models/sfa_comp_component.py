from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import compensation as engine


class SfaCompComponent(models.Model):
    """One way a plan pays: a commission on attainment (tiers, threshold, cap, the optional
    quarter-end rule), a KPI bonus (target bonus x a curve of the review score) or a fixed
    amount (a draw, or a spiff)."""

    _name = "sfa.comp.component"
    _description = "Incentive Plan Component"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one("sfa.comp.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    component_type = fields.Selection(
        [
            ("commission", "Commission on Attainment"),
            ("kpi_bonus", "KPI Bonus"),
            ("fixed", "Fixed"),
        ],
        "Type",
        required=True,
        default="commission",
    )
    # commission
    mode = fields.Selection(
        [("graduated", "Graduated"), ("retroactive", "Retroactive")],
        default="graduated",
        help="Graduated: each band of credited revenue at its own rate. Retroactive: all the "
        "credited revenue at the rate of the band reached.",
    )
    tier_ids = fields.One2many("sfa.comp.tier", "component_id", "Tiers", copy=True)
    threshold_pct = fields.Float(
        "Threshold (%)", digits=(16, 2), help="Below this attainment nothing is paid."
    )
    cap_amount = fields.Monetary(
        "Cap", help="The most this component pays in a period (0: no cap)."
    )
    quarter_end_rule = fields.Boolean(
        help="Revenue closed in the last days of a quarter beyond a share of the quarter's "
        "total is credited at a reduced rate (no quarter-end pushing)."
    )
    quarter_end_days = fields.Integer("Last Days of the Quarter", default=14)
    quarter_end_share_pct = fields.Float("Share at Full Credit (%)", default=30, digits=(16, 2))
    quarter_end_rate_pct = fields.Float("Reduced Credit (%)", default=50, digits=(16, 2))
    # KPI bonus
    target_bonus = fields.Monetary(help="Paid at 100 % of the curve.")
    curve_point_ids = fields.One2many(
        "sfa.comp.curve.point", "component_id", "Payout Curve", copy=True
    )
    # fixed
    fixed_kind = fields.Selection(
        [("draw", "Draw"), ("spiff", "Spiff")],
        default="spiff",
        help="Draw: an advance paid when commission falls short of it. Spiff: a one-off amount.",
    )
    amount = fields.Monetary()
    recoverable = fields.Boolean(help="A recoverable draw is taken back from later commission.")
    spiff_trigger = fields.Selection(
        [("period", "Once per Period"), ("new_key_account", "Each New Key Account Won")],
        default="period",
    )

    def _check_editable(self):
        if self.plan_id.filtered(lambda p: p.state != "draft"):
            raise UserError(
                self.env._(
                    "A plan in use is never edited: make a new version that supersedes it "
                    "from a date."
                )
            )

    def write(self, vals):
        if set(vals) - {"name"}:
            self._check_editable()
        res = super().write(vals)
        if "plan_id" in vals:
            self._check_editable()  # nor moved into a plan in use
        return res

    @api.model_create_multi
    def create(self, vals_list):
        components = super().create(vals_list)
        components._check_editable()
        return components

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        self._check_editable()

    @api.model
    def _tier_problem_message(self, code):
        messages = {
            "empty": self.env._("a commission needs at least one tier"),
            "negative_rate": self.env._("a rate is negative"),
            "not_from_zero": self.env._("the first tier must start at 0 %"),
            "inverted": self.env._("a tier ends before it starts"),
            "overlap": self.env._("two tiers overlap"),
            "gap": self.env._("the tiers leave a gap"),
            "open_not_last": self.env._("only the top tier has no upper bound"),
            "not_open_ended": self.env._("the top tier must have no upper bound"),
        }
        return messages[code]

    def _engine_tiers(self):
        return [engine.Tier(t.lower_pct, t.upper_pct, t.rate_pct) for t in self.tier_ids]

    def _engine_curve(self):
        return [(p.score, p.payout_pct) for p in self.curve_point_ids]

    @api.constrains("tier_ids", "curve_point_ids", "threshold_pct", "cap_amount", "amount")
    def _check_rules(self):
        """Tiers without gap or overlap, a valid curve, no negative amount."""
        for component in self:
            label = component.name
            if min(component.threshold_pct, component.cap_amount, component.amount) < 0:
                raise ValidationError(
                    self.env._("%(name)s: amounts and thresholds are never negative.", name=label)
                )
            if component.component_type == "commission":
                problems = engine.tier_problems(component._engine_tiers())
                if problems:
                    raise ValidationError(
                        self.env._(
                            "%(name)s: %(problems)s.",
                            name=label,
                            problems="; ".join(self._tier_problem_message(c) for c in problems),
                        )
                    )
                if component.quarter_end_rule and not (
                    component.quarter_end_days > 0
                    and 0 <= component.quarter_end_share_pct <= 100
                    and 0 <= component.quarter_end_rate_pct <= 100
                ):
                    raise ValidationError(
                        self.env._(
                            "%(name)s: the quarter-end rule needs a number of days and "
                            "percentages within 0-100.",
                            name=label,
                        )
                    )
            elif component.component_type == "kpi_bonus" and engine.payout_curve_problems(
                component._engine_curve()
            ):
                raise ValidationError(
                    self.env._(
                        "%(name)s: the payout curve needs review scores 0-100 in increasing "
                        "order, each paying 0-150 %% of the bonus.",
                        name=label,
                    )
                )
