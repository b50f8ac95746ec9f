from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    sfa_use_political_map = fields.Boolean(
        "Political Maps",
        help="Every opportunity of this team gets a political map score and status, even "
        "before anyone is on its map (other teams' deals only once someone is).",
    )
