from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.sfa_sales_target import (
    DIMENSION_SELECTION,
    MEASURE_SELECTION,
    SPEC_COLUMNS,
    figures_sql,
)


class SfaSalesTargetAnalysis(models.Model):
    """Targets with what was achieved, for pivot and graph: attainment by team, person,
    region, product line, customer group and period, and the owner x month matrix. The
    figures are those of the target form (the same ``figures_sql``), read live."""

    _name = "sfa.sales.target.analysis"
    _description = "Sales Target Analysis"
    _auto = False
    _order = "date_from desc, id"
    _rec_name = "name"

    target_id = fields.Many2one("sfa.sales.target", "Sales Target", readonly=True)
    name = fields.Char(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    owner_type = fields.Selection(
        [("user", "Salesperson"), ("team", "Sales Team"), ("company", "Company")], readonly=True
    )
    measure = fields.Selection(MEASURE_SELECTION, readonly=True)
    dimension = fields.Selection(DIMENSION_SELECTION, readonly=True)
    tag_id = fields.Many2one("crm.tag", "Product Line", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    state_id = fields.Many2one("res.country.state", "State / Province", readonly=True)
    tier_id = fields.Many2one("sfa.key.account.tier", "Customer Tier", readonly=True)
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    date_from = fields.Date("From", readonly=True)
    date_to = fields.Date("To", readonly=True)
    parent_id = fields.Many2one("sfa.sales.target", "Parent Target", readonly=True)
    is_leaf = fields.Boolean("Not Split", readonly=True)
    state = fields.Selection([("draft", "Draft"), ("confirmed", "Confirmed")], readonly=True)
    amount = fields.Float("Target", readonly=True, aggregator="sum")
    achieved_amount = fields.Float("Achieved", readonly=True, aggregator="sum")
    last_year_amount = fields.Float("Same Period Last Year", readonly=True, aggregator="sum")
    attainment = fields.Float("Attainment (%)", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        specs = SQL(
            "SELECT %s FROM sfa_sales_target",
            SQL(", ").join(
                SQL("id AS key") if col == "key" else SQL.identifier(col) for col in SPEC_COLUMNS
            ),
        )
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %(view)s AS (
                    SELECT t.id, t.id AS target_id, t.name, t.company_id, t.user_id, t.team_id,
                           t.owner_type, t.measure, t.dimension, t.tag_id, t.country_id,
                           t.state_id, t.tier_id, t.industry_id, t.date_from, t.date_to,
                           t.parent_id, t.state, t.amount,
                           NOT EXISTS (SELECT 1 FROM sfa_sales_target c WHERE c.parent_id = t.id)
                               AS is_leaf,
                           f.achieved AS achieved_amount, f.last_year AS last_year_amount,
                           CASE WHEN t.amount > 0 THEN 100.0 * f.achieved / t.amount ELSE 0 END
                               AS attainment
                      FROM sfa_sales_target t
                      JOIN (%(figures)s) f ON f.key = t.id
                )""",
                view=SQL.identifier(self._table),
                figures=figures_sql(specs, summed=True),  # every target
            )
        )
