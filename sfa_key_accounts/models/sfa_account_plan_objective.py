from odoo import api, fields, models

from .sfa_number_mixin import MAX_AMOUNT

MEASURES = [
    ("won_revenue", "Won revenue in the plan period"),
    ("won_count", "Won opportunities in the plan period"),
    ("pipeline", "Open pipeline (expected revenue)"),
    ("open_count", "Open opportunities"),
    ("manual", "Entered by hand"),
]
# Measures counted in money (shown with the plan's currency).
MONEY_MEASURES = {"won_revenue", "pipeline"}


class SfaAccountPlanObjective(models.Model):
    """An objective of an account plan: a measure, its target and its current value, which
    is computed from the CRM (the account's opportunities) unless entered by hand."""

    _name = "sfa.account.plan.objective"
    _description = "Account Plan Objective"
    _inherit = ["sfa.access.mixin", "sfa.number.mixin"]
    _order = "plan_id, sequence, id"
    _sfa_number_bounds = {"target": (0, MAX_AMOUNT)}

    plan_id = fields.Many2one("sfa.account.plan", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char("Objective", required=True)
    measure = fields.Selection(MEASURES, required=True, default="won_revenue")
    target = fields.Float(required=True, default=0.0)
    manual_value = fields.Float("Value (by hand)")
    current_value = fields.Float(compute="_compute_current_value")
    progress = fields.Float("Progress (%)", compute="_compute_current_value")
    money_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_money_currency_id",
        help="The currency of the objective's figures when its measure is money, else empty.",
    )

    @api.depends("measure", "plan_id.currency_id")
    def _compute_money_currency_id(self):
        for objective in self:
            money = objective.measure in MONEY_MEASURES
            objective.money_currency_id = objective.plan_id.currency_id if money else False

    @api.depends(
        "measure",
        "manual_value",
        "target",
        "plan_id.partner_id",
        "plan_id.company_id",
        "plan_id.date_start",
        "plan_id.date_end",
    )
    def _compute_current_value(self):
        values = self._crm_figures()
        for objective in self:
            if objective.measure == "manual":
                value = objective.manual_value
            else:
                value = values.get((objective.plan_id.id, objective.measure), 0.0)
            objective.current_value = value
            objective.progress = 100.0 * value / objective.target if objective.target else 0.0

    def _crm_figures(self):
        """{(plan id, measure): value} for the plans of self, in two grouped queries per
        distinct (company, period) instead of queries per objective."""
        plans = self.plan_id.filtered("partner_id")
        figures = {}
        by_period = {}
        for plan in plans:
            by_period.setdefault((plan.company_id, plan.date_start, plan.date_end), []).append(plan)
        for (company, start, end), period_plans in by_period.items():
            partners = self.env["res.partner"].union(*(p.partner_id for p in period_plans))
            base = [
                ("type", "=", "opportunity"),
                ("company_id", "=", company.id),
                ("sfa_commercial_partner_id", "in", partners.ids),
            ]
            won = self._sum_by_account(
                [
                    *base,
                    ("stage_id.is_won", "=", True),
                    ("date_closed", ">=", start),
                    ("date_closed", "<", fields.Date.add(end, days=1)),
                ]
            )
            open_ = self._sum_by_account([*base, ("stage_id.is_won", "=", False)])
            for plan in period_plans:
                won_amount, won_count = won.get(plan.partner_id, (0.0, 0))
                open_amount, open_count = open_.get(plan.partner_id, (0.0, 0))
                figures[plan.id, "won_revenue"] = won_amount
                figures[plan.id, "won_count"] = won_count
                figures[plan.id, "pipeline"] = open_amount
                figures[plan.id, "open_count"] = open_count
        return figures

    def _sum_by_account(self, domain):
        """{account: (expected revenue, count)} of the opportunities matching domain."""
        return {
            account: (amount, count)
            for account, amount, count in self.env["crm.lead"]._read_group(
                domain, ["sfa_commercial_partner_id"], ["expected_revenue:sum", "__count"]
            )
        }
