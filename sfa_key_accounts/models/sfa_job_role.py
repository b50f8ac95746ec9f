from odoo import fields, models


class SfaJobRole(models.Model):
    """A sales job role (rep, key-account manager, sales manager...) that an evaluation
    template is written for: configuration shared by every company."""

    _name = "sfa.job.role"
    _description = "Sales Job Role"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
