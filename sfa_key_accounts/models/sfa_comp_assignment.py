from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .sfa_period import period_clash


class SfaCompAssignment(models.Model):
    """A plan applied to a person for a date range: one plan per person per date."""

    _name = "sfa.comp.assignment"
    _description = "Incentive Plan Assignment"
    _inherit = ["sfa.access.mixin"]
    _order = "user_id, date_from desc, id"
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users",
        "Salesperson",
        required=True,
        index=True,
        domain="[('share', '=', False)]",
    )
    plan_id = fields.Many2one(
        "sfa.comp.plan",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('state', '=', 'active')]",
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    date_from = fields.Date("From", required=True, default=fields.Date.context_today)
    date_to = fields.Date("To", help="Empty: until further notice.")

    @api.model_create_multi
    def create(self, vals_list):
        assignments = super().create(vals_list)
        assignments._check_plan_in_use()
        return assignments

    def write(self, vals):
        res = super().write(vals)
        if "plan_id" in vals:
            self._check_plan_in_use()
        return res

    def _check_plan_in_use(self):
        """New assignments go to a plan in use, never to a superseded version (those that
        ran on it stay as they were)."""
        if self.plan_id.filtered(lambda p: p.state != "active"):
            raise ValidationError(self.env._("Only a plan in use is assigned."))

    @api.depends("user_id", "plan_id")
    def _compute_display_name(self):
        for assignment in self:
            assignment.display_name = (
                f"{assignment.user_id.name}: {assignment.plan_id.display_name}"
            )

    @api.constrains("user_id", "plan_id", "date_from", "date_to")
    def _check_one_plan_per_date(self):
        for assignment in self:
            if assignment.date_to and assignment.date_to < assignment.date_from:
                raise ValidationError(self.env._("The assignment ends before it starts."))
            if assignment.plan_id.state == "draft":
                raise ValidationError(self.env._("Only a plan in use is assigned."))
        clash = period_clash(self)
        if clash:
            raise ValidationError(
                self.env._(
                    "%(name)s already has a plan on some of these days (%(plan)s).",
                    name=clash[0].user_id.name,
                    plan=clash[1].plan_id.display_name,
                )
            )

    @api.model
    def _plans_of(self, users, day):
        """{user id: the assignment running on ``day``}, in one query."""
        found = self.sudo().search(
            [
                ("user_id", "in", users.ids),
                ("date_from", "<=", day),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", day),
            ]
        )
        return {a.user_id.id: a for a in found}

    @api.model
    def _plans_of_statements(self, statements):
        """{statement id: the assignment running on the statement's last day}, in one
        query for the whole batch."""
        found = self.sudo().search(
            [
                ("user_id", "in", statements.user_id.ids),
                ("date_from", "<=", max(statements.mapped("date_to"))),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", min(statements.mapped("date_to"))),
            ]
        )
        by_person = {}  # in the assignments' order: each statement looks at its person's only
        for a in found:
            by_person.setdefault((a.user_id.id, a.company_id.id), []).append(a)
        return {
            s.id: next(
                (
                    a
                    for a in by_person.get((s.user_id.id, s.company_id.id), ())
                    if a.date_from <= s.date_to and (not a.date_to or a.date_to >= s.date_to)
                ),
                None,
            )
            for s in statements
        }
