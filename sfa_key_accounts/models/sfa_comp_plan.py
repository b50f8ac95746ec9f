from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .sfa_access_mixin import is_trusted, set_to_defaults, trusted

COMP_ADMIN = "sfa_key_accounts.group_sfa_comp_admin"
# A plan's state moves through its buttons only; an active plan is superseded, never edited.
PLAN_FLOW = "sfa_comp_plan_flow"
# What may still change on a plan in use: its label and notes.
PLAN_OPEN_FIELDS = {
    "name",
    "note",
    "message_follower_ids",
    "activity_ids",
    "message_main_attachment_id",
}


class SfaCompPlan(models.Model):
    """An incentive plan (诱因报酬): commission, KPI-bonus and fixed components. A plan in use
    (active) is never edited: a new version supersedes it from a date, and the assignments
    running past that date move to the new version (docs: README "Compensation")."""

    _name = "sfa.comp.plan"
    _description = "Incentive Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, version desc, id"

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("active", "In Use"), ("superseded", "Superseded")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    version = fields.Integer(default=1, readonly=True, copy=False)
    previous_id = fields.Many2one(
        "sfa.comp.plan", "Previous Version", readonly=True, copy=False, index=True
    )
    date_from = fields.Date(
        "Valid From",
        copy=False,
        help="For a new version: the day it supersedes the previous one.",
    )
    component_ids = fields.One2many("sfa.comp.component", "plan_id", "Components", copy=True)
    assignment_ids = fields.One2many("sfa.comp.assignment", "plan_id", "Assignments")
    assignment_count = fields.Integer(compute="_compute_assignment_count")
    note = fields.Html()

    @api.depends("name", "version")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = f"{plan.name} v{plan.version}"

    @api.depends("assignment_ids")
    def _compute_assignment_count(self):
        for plan in self:
            plan.assignment_count = len(plan.assignment_ids)

    @api.model_create_multi
    def create(self, vals_list):
        fresh = {"state": "draft", "version": 1, "previous_id": False}  # what a form sends
        if not is_trusted(self.env, PLAN_FLOW) and any(
            not set_to_defaults(self.env, vals, fresh) for vals in vals_list
        ):
            raise UserError(
                self.env._(
                    "A plan starts in draft, version 1; it is put in use by its button and "
                    "versioned by New Version."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if "state" in vals and not is_trusted(self.env, PLAN_FLOW):
            raise UserError(self.env._("A plan is put in use or superseded by its buttons."))
        locked = set(vals) - PLAN_OPEN_FIELDS - {"state"}
        if locked and self.filtered(lambda p: p.state != "draft"):
            raise UserError(
                self.env._(
                    "A plan in use is never edited: make a new version that supersedes it "
                    "from a date."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if self.filtered(lambda p: p.state != "draft"):
            raise UserError(self.env._("Only a draft plan can be deleted."))

    def _check_components(self):
        """Every component complete and valid; called when a plan is put in use."""
        for plan in self:
            if not plan.component_ids:
                raise ValidationError(
                    self.env._("%(plan)s has no component.", plan=plan.display_name)
                )
            plan.component_ids._check_rules()

    def action_activate(self):
        """Put a draft plan in use; a new version supersedes its previous one from its
        Valid From date, taking over the assignments that run past it."""
        self.check_access("write")
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._("Only a draft plan is put in use."))
            if plan.previous_id and not plan.date_from:
                raise UserError(
                    self.env._("Say from which day the new version supersedes the previous one.")
                )
        self._check_components()
        for plan in self:
            trusted(plan, PLAN_FLOW).state = "active"
            if plan.previous_id:
                plan._take_over(plan.previous_id)
        return True

    def _take_over(self, old):
        """Supersede ``old`` from this version's date: its assignments that start on or
        after the date move here, those that run across it are cut in two."""
        start = self.date_from
        assignments = old.assignment_ids.sudo()
        later = assignments.filtered(lambda a: a.date_from >= start)
        across = assignments.filtered(
            lambda a: a.date_from < start and (not a.date_to or a.date_to >= start)
        )
        tails = [
            {"user_id": a.user_id.id, "plan_id": self.id, "date_from": start, "date_to": a.date_to}
            for a in across
        ]
        later.write({"plan_id": self.id})
        across.write({"date_to": start - timedelta(days=1)})
        self.env["sfa.comp.assignment"].sudo().create(tails)
        trusted(old, PLAN_FLOW).state = "superseded"
        old.message_post(
            body=self.env._(
                "Superseded by version %(version)s from %(date)s.",
                version=self.version,
                date=start,
            )
        )

    def action_new_version(self):
        """A draft copy of a plan in use, with the next version number, to edit and put in
        use from a date."""
        self.ensure_one()
        self.check_access("write")
        if self.state != "active":
            raise UserError(self.env._("Only a plan in use gets a new version."))
        if self.search_count([("previous_id", "=", self.id)]):
            raise UserError(self.env._("This plan already has a newer version."))
        new = trusted(self, PLAN_FLOW).copy({"previous_id": self.id, "version": self.version + 1})
        new = new.with_env(self.env)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
        }

    @api.readonly
    def action_view_assignments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Assignments"),
            "res_model": "sfa.comp.assignment",
            "view_mode": "list,form",
            "domain": [("plan_id", "=", self.id)],
            "context": {"default_plan_id": self.id},
        }
