from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # Not stored: lets grouped queries (80/20 ranking, plan objectives) aggregate a whole
    # account's opportunities, whichever of its contacts they were opened for.
    sfa_commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Account"
    )
