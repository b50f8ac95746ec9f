from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .nullable_float import NullableFloat
from .sfa_bulk import array_literal
from .sfa_comp_statement import line_key

# The columns the statements' computation writes (_insert_rows), by kind: money (rounded to
# the company's currency), a number of digits (floats rounded as their field is), other types.
LINE_COLUMNS = {
    "statement_id": "int",
    "component_id": "int",
    "line_type": "text",
    "lead_id": "int",
    "review_id": "int",
    "origin_line_id": "int",
    "share_pct": 2,
    "deal_amount": "money",
    "credited_amount": "money",
    "lower_pct": 2,
    "upper_pct": 2,
    "rate_pct": 4,
    "gross": "money",
    "payout": "money",
    "is_clawback": "bool",
    "held": "bool",
    "dispute_state": "text",
    "dispute_reason": "text",
    "note": "text",
}
SQL_TYPES = {"int": "int4", "text": "text", "bool": "bool", "money": "numeric"}


class SfaCompStatementLine(models.Model):
    """One traced line of a statement: a credited deal in a tier at a rate, a KPI bonus
    with its review, a spiff, a draw, a clawback of an earlier line or the release of a
    held one. Written by the statement's computation only; reps dispute lines, managers
    hold them."""

    _name = "sfa.comp.statement.line"
    _description = "Incentive Statement Line"
    _order = "statement_id, sequence, id"

    statement_id = fields.Many2one(
        "sfa.comp.statement", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    user_id = fields.Many2one(related="statement_id.user_id", store=True, index=True)
    team_id = fields.Many2one(related="statement_id.team_id", store=True)
    company_id = fields.Many2one(related="statement_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="statement_id.currency_id")
    date_from = fields.Date(related="statement_id.date_from", store=True, string="Period")
    state = fields.Selection(related="statement_id.state", store=True, string="Statement State")
    component_id = fields.Many2one("sfa.comp.component", ondelete="set null")
    line_type = fields.Selection(
        [
            ("commission", "Commission"),
            ("kpi_bonus", "KPI Bonus"),
            ("spiff", "Spiff"),
            ("draw", "Draw"),
            ("clawback", "Clawback"),
            ("release", "Released Hold"),
        ],
        "Type",
        required=True,
    )
    # a deal on an approved statement is never deleted (crm.lead refuses); one on an open
    # statement may be, the next computation rebuilds the lines
    lead_id = fields.Many2one("crm.lead", "Opportunity", index=True, ondelete="set null")
    review_id = fields.Many2one("sfa.performance.review", ondelete="set null")
    origin_line_id = fields.Many2one(
        "sfa.comp.statement.line",
        "Original Line",
        index=True,
        ondelete="restrict",
        help="The line a clawback takes back or a release pays.",
    )
    origin_ids = fields.One2many("sfa.comp.statement.line", "origin_line_id")
    share_pct = fields.Float("Credit Share (%)", digits=(16, 2))
    deal_amount = fields.Monetary("Deal Credit", help="The person's share of the deal.")
    credited_amount = fields.Monetary(
        "Credited", help="The part of the deal's credit in this tier, after any rule."
    )
    lower_pct = fields.Float("Tier From (%)", digits=(16, 2))
    upper_pct = NullableFloat("Tier To (%)", digits=(16, 2))
    rate_pct = fields.Float("Rate (%)", digits=(16, 4))
    gross = fields.Monetary(help="Before threshold and cap.")
    payout = fields.Monetary()
    is_clawback = fields.Boolean()
    clawed_back = fields.Boolean(compute="_compute_followed", store=True)
    released = fields.Boolean(compute="_compute_followed", store=True)
    held = fields.Boolean(help="Held by the manager: paid on a later statement.")
    dispute_state = fields.Selection(
        [("open", "Disputed"), ("resolved", "Resolved")], "Dispute", copy=False
    )
    dispute_reason = fields.Text(copy=False)
    note = fields.Char()

    @api.depends("origin_ids.line_type")
    def _compute_followed(self):
        for line in self:
            kinds = set(line.origin_ids.mapped("line_type"))
            line.clawed_back = "clawback" in kinds
            line.released = "release" in kinds

    @api.depends("line_type", "lead_id", "component_id")
    def _compute_display_name(self):
        types = dict(self._fields["line_type"]._description_selection(self.env))
        for line in self:
            what = line.lead_id.sudo().name or line.component_id.sudo().name or ""
            line.display_name = f"{types.get(line.line_type, '')} {what}".strip()

    def _kept_marks(self):
        """{(statement id, line key): the hold and dispute of each marked line}."""
        return {
            (
                line.statement_id.id,
                *line_key(
                    {
                        "line_type": line.line_type,
                        "lead_id": line.lead_id.id,
                        "component_id": line.component_id.id,
                        "lower_pct": line.lower_pct,
                        "review_id": line.review_id.id,
                        "origin_line_id": line.origin_line_id.id,
                    }
                ),
            ): {
                "held": line.held,
                "dispute_state": line.dispute_state,
                "dispute_reason": line.dispute_reason,
            }
            for line in self.sudo()
            if line.held or line.dispute_state
        }

    # --- bulk writing by the statements' computation ------------------------------------------
    @api.model
    def _delete_of_statements(self, statements):
        """Delete the lines of ``statements`` in one statement; the clawed-back / released
        flags of the lines they pointed at follow."""
        self.flush_model()
        rows = self.env.execute_query(
            SQL(
                """DELETE FROM sfa_comp_statement_line WHERE statement_id = ANY(%s)
                   RETURNING origin_line_id""",
                statements.ids,
            )
        )
        self._refresh_followed({origin for [origin] in rows if origin})
        self.invalidate_model()

    @api.model
    def _refresh_followed(self, ids):
        """The clawed-back / released flags of these lines, from the lines that point at
        them (the stored _compute_followed, in SQL)."""
        if ids:
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE sfa_comp_statement_line o
                       SET clawed_back = EXISTS (SELECT 1 FROM sfa_comp_statement_line c
                                                  WHERE c.origin_line_id = o.id
                                                    AND c.line_type = 'clawback'),
                           released = EXISTS (SELECT 1 FROM sfa_comp_statement_line c
                                               WHERE c.origin_line_id = o.id
                                                 AND c.line_type = 'release')
                     WHERE o.id = ANY(%s)
                    """,
                    list(ids),
                )
            )

    @api.model
    def _insert_rows(self, vals_list):
        """Insert lines in one statement, with the values the ORM would store (money rounded
        to the company's currency, the fields related to the statement copied from it), and
        bring the clawed-back / released flags of the lines they point at up to date."""
        statements = self.env["sfa.comp.statement"].browse(
            {vals["statement_id"] for vals in vals_list}
        )
        columns = {}
        for name, kind in LINE_COLUMNS.items():  # column by column: one pass each
            values = [vals.get(name) for vals in vals_list]
            if kind == "bool":
                values = [bool(value) for value in values]
            elif kind == "money":
                values = [value or 0.0 for value in values]
            elif not isinstance(kind, int):
                values = [value or None for value in values]
            columns[name] = values
        if vals_list:
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO sfa_comp_statement_line
                        (%(names)s, sequence, user_id, team_id, company_id, date_from, state,
                         clawed_back, released, create_uid, create_date, write_uid, write_date)
                    SELECT %(values)s, 10, s.user_id, s.team_id, s.company_id, s.date_from,
                           s.state, FALSE, FALSE, %(uid)s, now() AT TIME ZONE 'UTC',
                           %(uid)s, now() AT TIME ZONE 'UTC'
                      FROM unnest(%(arrays)s) WITH ORDINALITY AS v(%(names)s, position)
                      JOIN sfa_comp_statement s ON s.id = v.statement_id
                      JOIN res_company co ON co.id = s.company_id
                      JOIN res_currency cur ON cur.id = co.currency_id
                  ORDER BY v.position
                    """,
                    names=SQL(", ").join(SQL.identifier(name) for name in LINE_COLUMNS),
                    # money to the company's currency, floats to their digits, as the ORM
                    values=SQL(", ").join(
                        SQL("ROUND(v.%s, cur.decimal_places)", SQL.identifier(name))
                        if kind == "money"
                        else SQL("ROUND(v.%s, %s)", SQL.identifier(name), kind)
                        if isinstance(kind, int)
                        else SQL("v.%s", SQL.identifier(name))
                        for name, kind in LINE_COLUMNS.items()
                    ),
                    arrays=SQL(", ").join(
                        SQL(
                            "%s::%s[]",
                            array_literal(columns[name]),
                            SQL(SQL_TYPES.get(kind, "numeric")),
                        )
                        for name, kind in LINE_COLUMNS.items()
                    ),
                    uid=self.env.uid,
                )
            )
        self._refresh_followed({v["origin_line_id"] for v in vals_list if v.get("origin_line_id")})
        self.invalidate_model()
        statements.modified(["line_ids"])  # their totals follow

    def _statement_open(self):
        if self.statement_id.filtered(lambda s: s.state != "computed"):
            raise UserError(self.env._("Only the lines of a computed statement change."))

    def action_dispute(self):
        """Open the dispute form (the statement's own person only)."""
        self.ensure_one()
        return self._dispute_action("open")

    def action_resolve_dispute(self):
        self.ensure_one()
        return self._dispute_action("resolve")

    def _dispute_action(self, mode):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dispute") if mode == "open" else self.env._("Resolve Dispute"),
            "res_model": "sfa.comp.dispute",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id, "default_mode": mode},
        }

    def action_hold(self):
        self._set_hold(True)

    def action_release_hold(self):
        self._set_hold(False)

    def _set_hold(self, held):
        """A manager holds a line (paid on a later statement) or lifts the hold."""
        self._statement_open()
        for statement in self.statement_id:
            if not statement._is_approver():
                raise AccessError(self.env._("Only the person's sales manager holds a line."))
        self.sudo().held = held
        for line in self:
            line.statement_id.message_post(
                body=(
                    self.env._("Line held: %(line)s", line=line.display_name)
                    if held
                    else self.env._("Hold lifted: %(line)s", line=line.display_name)
                )
            )
        return True
