from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import targets as engine

# What may change on a published template: whether it is offered, and its chatter.
OPEN_FIELDS = {"active", "message_follower_ids", "activity_ids"}


class SfaEvaluationTemplate(models.Model):
    """The indicators and weights a job role is judged on (考核指标), and the weights of the
    360° rater sources. Published before the period starts so that reps know how they will be
    judged (公开透明); a published template is frozen: to change it, publish a new version."""

    _name = "sfa.evaluation.template"
    _description = "Evaluation Template"
    _inherit = ["mail.thread", "sfa.access.mixin"]
    _order = "job_role_id, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    job_role_id = fields.Many2one("sfa.job.role", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    description = fields.Html()
    indicator_ids = fields.One2many(
        "sfa.evaluation.indicator", "template_id", "Indicators", copy=True
    )
    weight_total = fields.Float(compute="_compute_weight_total", digits=(16, 2))
    manager_weight = fields.Float("Manager (上级) Weight", default=50, digits=(16, 2))
    peer_weight = fields.Float("Peers (同事) Weight", default=30, digits=(16, 2))
    customer_weight = fields.Float("Customers (客户) Weight", default=20, digits=(16, 2))

    @api.depends("indicator_ids.weight")
    def _compute_weight_total(self):
        for template in self:
            template.weight_total = sum(template.indicator_ids.mapped("weight"))

    def _check_editable(self):
        if self.filtered(lambda t: t.state == "published"):
            raise UserError(
                self.env._(
                    "%(names)s is published: reps already know it. Copy it to change it.",
                    names=", ".join(self.filtered(lambda t: t.state == "published").mapped("name")),
                )
            )

    def write(self, vals):
        if set(vals) - OPEN_FIELDS:
            self._check_editable()
        return super().write(vals)

    def action_publish(self):
        for template in self:
            template._check_editable()
            if engine.weights_problems(template.indicator_ids.mapped("weight")) or not (
                template.indicator_ids
            ):
                raise ValidationError(
                    self.env._(
                        "The weights of %(name)s add up to %(total)s, not 100.",
                        name=template.name,
                        total=round(template.weight_total, 2),
                    )
                )
            sources = (template.manager_weight, template.peer_weight, template.customer_weight)
            if engine.weights_problems(sources):
                raise ValidationError(
                    self.env._("The manager, peer and customer weights must add up to 100.")
                )
            for indicator in template.indicator_ids:
                if engine.curve_problems(indicator._curve()):
                    raise ValidationError(
                        self.env._(
                            "The scoring curve of %(name)s needs raw values that increase and "
                            "scores from 0 to 100.",
                            name=indicator.name,
                        )
                    )
        self.write({"state": "published"})
        return True

    @api.model
    def _publish_drafts(self, ids):
        """Publish the addon's default templates that are still drafts (install, upgrade)."""
        self.browse(ids).exists().filtered(lambda t: t.state == "draft").action_publish()

    def copy_data(self, default=None):
        vals_list = super().copy_data(default)
        if "name" in (default or {}):
            return vals_list
        return [
            dict(vals, name=self.env._("%s (new version)", t.name))
            for t, vals in zip(self, vals_list, strict=True)
        ]
