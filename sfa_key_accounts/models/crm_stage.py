from odoo import fields, models


class CrmStage(models.Model):
    _inherit = "crm.stage"

    sfa_gate = fields.Selection(
        [
            ("qualification", "Qualified: need, authority, budget, timeline confirmed"),
            ("political_map", "Political map: decision maker and approver, no blocking flag"),
            ("value_worksheet", "Value worksheet: a current worksheet with tangible benefits"),
        ],
        "Gate to Leave This Stage",
        help="What an opportunity must have before it moves past this stage: to a later stage, "
        "over it (skipping it, or from an earlier or shared stage to one after it) or to a won "
        "stage. Moving back is free.",
    )
    sfa_gate_mode = fields.Selection(
        [("warning", "Warn"), ("blocking", "Block")],
        "Gate Mode",
        default="blocking",
        help="Block: the move is refused (a sales manager can override it with a reason). "
        "Warn: the move is made and the open points are noted on the opportunity.",
    )
