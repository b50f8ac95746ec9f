from odoo import fields, models


class SfaKeyAccountSelectionLine(models.TransientModel):
    """One customer of the 80/20 preview: its figures, current and proposed tier."""

    _name = "sfa.key.account.selection.line"
    _description = "Key Account Selection Line"
    _order = "rank, id"

    selection_id = fields.Many2one(
        "sfa.key.account.selection", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", "Customer", required=True, readonly=True)
    rank = fields.Integer(readonly=True)
    revenue = fields.Monetary(readonly=True, currency_field="currency_id")
    currency_id = fields.Many2one(related="selection_id.currency_id")
    share = fields.Float("Share (%)", digits=(5, 2), readonly=True)
    cumulative_share = fields.Float("Cumulative (%)", digits=(5, 2), readonly=True)
    current_tier_id = fields.Many2one("sfa.key.account.tier", readonly=True)
    proposed_tier_id = fields.Many2one("sfa.key.account.tier", readonly=True)
    # the evaluation criteria when the preview is ranked on a score (empty otherwise)
    score = fields.Float(
        digits=(5, 2),
        readonly=True,
        help="0-100: the weighted criteria, each scaled to the best customer's figure.",
    )
    order_count = fields.Integer("Orders", readonly=True)
    deal_size = fields.Monetary("Average Deal", readonly=True, currency_field="currency_id")
    sales_cycle = fields.Float("Sales Cycle (days)", digits=(16, 1), readonly=True)
    loyalty_years = fields.Integer("Loyalty (years)", readonly=True)
    tolerance = fields.Integer(readonly=True)
    advice = fields.Integer(readonly=True)
    referrals = fields.Integer(readonly=True)
    is_change = fields.Boolean("Change", readonly=True)
    to_apply = fields.Boolean("Apply", help="Untick to keep this customer's current tier.")
    # applied already (the monthly job applies a preview in batches)
    done = fields.Boolean(readonly=True)
