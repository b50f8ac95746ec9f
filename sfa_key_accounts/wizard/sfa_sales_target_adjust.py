from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import targets as engine
from ..models.sfa_access_mixin import trusted
from ..models.sfa_sales_target import TARGET_CHANGE


class SfaSalesTargetAdjust(models.TransientModel):
    """Change a confirmed target (目标调整) with a reason: the siblings or the parents absorb
    the difference so that every split still adds up, the target's own split follows
    proportionally, and every change is logged old → new with the reason."""

    _name = "sfa.sales.target.adjust"
    _description = "Adjust a Sales Target"
    _inherit = ["sfa.sales.target.wizard"]

    has_parent = fields.Boolean(compute="_compute_has_parent")
    new_amount = fields.Float("New Target", required=True, digits=(16, 2))
    reason = fields.Selection(
        [
            ("market", "Market Change"),
            ("competition", "Competition"),
            ("strategy", "Strategy Change"),
            ("other", "Other"),
        ],
        required=True,
    )
    note = fields.Text(required=True)
    rebalance = fields.Selection(
        [
            ("siblings", "The other targets of the split absorb the difference"),
            ("parent", "The parent targets change by the difference"),
        ],
        default="siblings",
        help="Keeps the parent's split adding up. A target with no parent changes alone.",
    )

    @api.depends("target_id.parent_id")
    def _compute_has_parent(self):
        for wizard in self:
            wizard.has_parent = bool(wizard.target_id.parent_id)

    def action_apply(self):
        self.ensure_one()
        target = self.target_id
        target.check_access("write")  # team leaders and administrators only
        if target.state != "confirmed":
            raise UserError(self.env._("Only a confirmed target is adjusted."))
        if self.new_amount < 0:
            raise ValidationError(self.env._("A target cannot be negative."))
        if not (self.note or "").strip():
            raise UserError(self.env._("Say why the target changes: the note is logged."))
        if engine.check_split(self.new_amount, [target.amount], target._digits()):
            raise UserError(self.env._("The new target is the same as the current one."))
        changes = self._changes()
        reason = dict(self._fields["reason"]._description_selection(self.env))[self.reason]
        for changed, new in changes.items():
            old = changed.amount
            trusted(changed, TARGET_CHANGE).write({"amount": new})
            changed._log_change(old, new, reason, self.note)
        touched = self.env["sfa.sales.target"].union(*changes)
        (touched | touched.parent_id)._check_children_sum()
        return {"type": "ir.actions.act_window_close"}

    def _changes(self):
        """{target: new amount} of every target the adjustment changes."""
        target, new = self.target_id, self.new_amount
        if not target.is_additive:
            return {target: new}
        digits = target._digits()
        changes = {}
        parent = target.parent_id
        if parent and self.rebalance == "siblings":
            siblings = parent.child_ids - target
            if not siblings:
                raise UserError(self.env._("%(name)s has no siblings.", name=target.name))
            rest = round(sum(siblings.mapped("amount")) - (new - target.amount), digits)
            if rest < 0:
                raise ValidationError(
                    self.env._(
                        "The other targets of the split hold only %(rest)s: they cannot absorb "
                        "%(diff)s.",
                        rest=sum(siblings.mapped("amount")),
                        diff=new - target.amount,
                    )
                )
            amounts = engine.split_amount(rest, siblings.mapped("amount"), digits)
            for sibling, amount in zip(siblings, amounts, strict=True):
                self._rescale(sibling, amount, changes)
        elif parent:
            ancestor = parent
            while ancestor:
                changes[ancestor] = round(ancestor.amount + new - target.amount, digits)
                ancestor = ancestor.parent_id
        self._rescale(target, new, changes)
        return changes

    def _rescale(self, target, amount, changes):
        """Change ``target`` to ``amount`` and its split below in proportion."""
        if not engine.check_split(amount, [target.amount], target._digits()):
            changes[target] = amount
        children = target.child_ids
        if children:
            amounts = engine.split_amount(amount, children.mapped("amount"), target._digits())
            for child, child_amount in zip(children, amounts, strict=True):
                self._rescale(child, child_amount, changes)
