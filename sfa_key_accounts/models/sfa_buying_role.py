from odoo import fields, models


class SfaBuyingRole(models.Model):
    """A decision role in the buying centre: A approver, C consultant/advisor, D decision
    maker, E evaluator, U user (docs/method.md §3.2). ``code`` is what the map's rules read."""

    _name = "sfa.buying.role"
    _description = "Buying Centre Role"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, size=1, help="A, C, D, E or U: the letter the rules use.")
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_unique", "unique(code)", "A role letter is used once.")]

    def _compute_display_name(self):
        for role in self:
            role.display_name = f"{role.code} - {role.name}" if role.code else role.name
