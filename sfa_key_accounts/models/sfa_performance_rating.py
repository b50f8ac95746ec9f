from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .sfa_access_mixin import is_trusted, trusted

# A sheet is submitted or closed by its actions only.
RATING_FLOW = "sfa_rating_flow"


class SfaPerformanceRating(models.Model):
    """One rater's sheet of a review (360°: 上级 manager, 同事 peer, 客户 customer): the rated
    indicators, 1-5 each. A rater reads and fills only their own sheets; the reviewed person
    never reads them; the manager records customers' ratings on their behalf."""

    _name = "sfa.performance.rating"
    _description = "Performance Rating Sheet"
    _inherit = ["mail.thread", "mail.activity.mixin", "sfa.access.mixin"]
    _order = "review_id, source, id"

    review_id = fields.Many2one(
        "sfa.performance.review", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="review_id.company_id", store=True, index=True)
    reviewee_id = fields.Many2one(
        related="review_id.user_id", store=True, index=True, string="Salesperson"
    )
    manager_id = fields.Many2one(related="review_id.manager_id", store=True, index=True)
    date_to = fields.Date(related="review_id.date_to", string="Period End")
    rater_id = fields.Many2one("res.users", required=True, index=True)
    source = fields.Selection(
        [("manager", "Manager"), ("peer", "Peer"), ("customer", "Customer")], required=True
    )
    customer_id = fields.Many2one("res.partner")
    state = fields.Selection(
        [("pending", "To Rate"), ("submitted", "Submitted"), ("expired", "Not Given")],
        default="pending",
        required=True,
    )
    line_ids = fields.One2many("sfa.performance.rating.line", "rating_id", "Ratings")

    @api.depends("review_id", "rater_id", "customer_id")
    def _compute_display_name(self):
        for sheet in self:
            who = sheet.customer_id.name or sheet.rater_id.name
            sheet.display_name = f"{sheet.reviewee_id.name} ← {who}"

    @api.constrains("rater_id", "review_id")
    def _check_not_self(self):
        for sheet in self:
            if sheet.rater_id == sheet.review_id.user_id:
                raise ValidationError(
                    self.env._("Nobody rates themselves: %(name)s.", name=sheet.rater_id.name)
                )

    def write(self, vals):
        if "state" in vals and not is_trusted(self.env, RATING_FLOW):
            raise UserError(self.env._("Submit the sheet with its Submit button."))
        fixed = {"review_id", "rater_id", "source", "customer_id"} & set(vals)
        if fixed and not self.env.su:
            raise UserError(self.env._("Who rates whom, and as what, is set when rating starts."))
        if set(vals) - {"activity_ids", "state"} or vals.get("state") == "submitted":
            self._check_open()
        return super().write(vals)

    def _check_open(self):
        # sudo: a peer rates a review they may not read; only its state is looked at
        for sheet in self.sudo():
            if sheet.state != "pending" or sheet.review_id.state != "rating":
                raise UserError(
                    self.env._("The rating of %(name)s is closed.", name=sheet.reviewee_id.name)
                )

    def action_submit(self):
        for sheet in self:
            if sheet.line_ids.filtered(lambda ln: not ln.value):
                raise UserError(self.env._("Rate every indicator from 1 to 5 first."))
        trusted(self, RATING_FLOW).write({"state": "submitted"})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True
