from datetime import date, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_amount

from ..engine import compensation as engine
from ..engine import targets as target_engine
from .sfa_access_mixin import is_trusted, set_to_defaults, trusted
from .sfa_bulk import update_rows
from .sfa_comp_plan import COMP_ADMIN
from .sfa_period import period_clash
from .sfa_sales_target import first_win_sql

# A statement's state and figures move through its actions only (never by a plain write).
STATEMENT_FLOW = "sfa_comp_statement_flow"
STATEMENT_FIGURES = {
    "state",
    "plan_id",
    "target_id",
    "target_amount",
    "credited_amount",
    "attainment_pct",
    "draw_balance",
    "quarter_end_share_pct",
    "computed_on",
    "approved_uid",
    "approved_on",
    "paid_on",
}
ALWAYS_OPEN = {"message_follower_ids", "activity_ids", "message_main_attachment_id"}
# Statements computed per transaction by the scheduled action (it commits between batches).
CRON_BATCH = 50
# Statements computed per batch by hand (one transaction): each batch reads the period's
# won deals once and holds its deals and lines in memory (80 MB measured for 200 people
# with 50,000 won deals in a quarter).
COMPUTE_BATCH = 250
# Days of a quarter's end whose share of its won revenue the statement reports.
QUARTER_END_DAYS = 14
# Context key: the team leaders asked to approve follow the statements already (in bulk).
APPROVERS_SUBSCRIBED = "sfa_approvers_subscribed"


def line_key(vals):
    """What identifies a statement line from one computation to the next (for the holds
    and disputes that must survive a recompute)."""
    return (
        vals.get("line_type"),
        vals.get("lead_id") or False,
        vals.get("component_id") or False,
        vals.get("lower_pct") or 0.0,
        vals.get("review_id") or False,
        vals.get("origin_line_id") or False,
    )


def quarter_of(day):
    """The first and last day of the calendar quarter of ``day``."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = (
        date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    ) - timedelta(days=1)
    return start, end


def deals_sql(user_ids, company_ids, date_from, date_to, first_wins=True):
    """Won opportunities closed within ``date_from..date_to`` credited to any of the users
    (their salesperson, or someone on their credit split), one row per deal with its
    commercial partner, whether the partner is a key account and whether the deal is a
    key account's first won deal ever (what the spiff of a new key account pays on; False
    for other partners; when not ``first_wins``, no partner is looked up, none is a key
    account and no deal a first win: a first win reads the partner's whole history). One
    statement for a whole batch of people."""
    # the first wins of the key accounts among the deals' partners, or of none
    first_win = first_win_sql(
        SQL("lp.commercial_partner_id IN (SELECT partner_id FROM deal WHERE key_account)")
        if first_wins
        else SQL("FALSE")
    )
    return SQL(
        """
        WITH deal AS (
            SELECT l.id, l.company_id, l.user_id, l.expected_revenue,
                   l.date_closed, %(partner)s AS partner_id, %(key_account)s AS key_account
              FROM crm_lead l
              JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
              %(partner_join)s
             WHERE l.active AND l.type = 'opportunity'
               AND l.company_id = ANY(%(companies)s)
               AND l.date_closed >= %(date_from)s AND l.date_closed < %(date_to)s::date + 1
               AND (l.user_id = ANY(%(users)s) OR EXISTS (
                        SELECT 1 FROM sfa_comp_credit_split c
                         WHERE c.lead_id = l.id AND c.user_id = ANY(%(users)s)))
        ),
        first_win AS (%(first_win)s)
        SELECT deal.id, deal.company_id, deal.user_id, deal.expected_revenue,
               deal.date_closed::date, deal.partner_id,
               COALESCE(fw.first_date = deal.date_closed, FALSE) AS first_win,
               deal.key_account
          FROM deal
          LEFT JOIN first_win fw
            ON fw.company_id = deal.company_id AND fw.partner_id = deal.partner_id
      ORDER BY deal.date_closed, deal.id
        """,
        first_win=first_win,
        # the partners only for the first wins (50,000 deals: 50,000 lookups)
        partner=SQL("lp.commercial_partner_id") if first_wins else SQL("NULL::int"),
        partner_join=SQL("LEFT JOIN res_partner lp ON lp.id = l.partner_id")
        if first_wins
        else SQL(),
        key_account=SQL(
            """EXISTS (SELECT 1 FROM sfa_key_account k
                        WHERE k.partner_id = lp.commercial_partner_id
                          AND k.company_id = l.company_id AND k.is_key)"""
        )
        if first_wins
        else SQL("FALSE"),
        users=list(user_ids),
        companies=list(company_ids),
        date_from=date_from,
        date_to=date_to,
    )


class SfaCompStatement(models.Model):
    """What a person earned in a period under their plan, line by line: each credited deal
    with its share, tier and rate; the KPI bonus with its review; spiffs and draws;
    clawbacks of deals paid on and lost since. Computed (again, never twice the same line)
    until approved by the person's sales manager; approved and paid statements are locked.
    Reps dispute lines, managers hold them (docs: README "Compensation")."""

    _name = "sfa.comp.statement"
    _description = "Incentive Statement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, user_id, id"
    _check_company_auto = True
    # the rep writes in the chatter of their own statement (disputes) without write rights
    _mail_post_access = "read"

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one(
        "res.users",
        "Salesperson",
        required=True,
        index=True,
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one(
        "crm.team",
        "Sales Team",
        index=True,
        check_company=True,
        help="Its leader approves the statement; the person's team when it was made.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To", required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("computed", "Computed"),
            ("approved", "Approved"),
            ("paid", "Paid"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    plan_id = fields.Many2one("sfa.comp.plan", readonly=True, copy=False)
    target_id = fields.Many2one("sfa.sales.target", "Won-Revenue Target", readonly=True, copy=False)
    target_amount = fields.Monetary(readonly=True, copy=False)
    credited_amount = fields.Monetary("Credited Revenue", readonly=True, copy=False)
    attainment_pct = fields.Float(
        "Attainment (%)", digits=(16, 2), readonly=True, copy=False, aggregator="avg"
    )
    line_ids = fields.One2many("sfa.comp.statement.line", "statement_id", "Lines", copy=False)
    total_payout = fields.Monetary(compute="_compute_totals", store=True)
    held_amount = fields.Monetary("On Hold", compute="_compute_totals", store=True)
    cost_of_sales_pct = fields.Float(
        "Cost of Sales (%)",
        compute="_compute_totals",
        store=True,
        digits=(16, 2),
        aggregator="avg",
        help="Payout / credited revenue.",
    )
    draw_balance = fields.Monetary(
        readonly=True, copy=False, help="What is owed on a recoverable draw after this period."
    )
    quarter_end_share_pct = fields.Float(
        "Quarter-End Share (%)",
        digits=(16, 2),
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Share of the credited revenue closed in the last two weeks of a quarter.",
    )
    open_dispute_count = fields.Integer(compute="_compute_totals", store=True)
    computed_on = fields.Datetime(readonly=True, copy=False)
    approved_uid = fields.Many2one("res.users", "Approved By", readonly=True, copy=False)
    approved_on = fields.Datetime(readonly=True, copy=False)
    paid_on = fields.Date(readonly=True, copy=False)
    can_approve = fields.Boolean(compute="_compute_can_approve")
    is_mine = fields.Boolean(compute="_compute_can_approve")
    note = fields.Html()

    _sql_constraints = [
        (
            "period_unique",
            "unique(user_id, company_id, date_from, date_to)",
            "A person has one statement per period.",
        ),
    ]

    # --- computes -------------------------------------------------------------------------------
    @api.depends("user_id", "date_from", "date_to")
    def _compute_name(self):
        for statement in self:
            statement.name = (
                f"{statement.user_id.name or ''} {statement.date_from or ''}"
                f" - {statement.date_to or ''}"
            )

    def _line_sums(self):
        """{(statement, held): payout} and {(statement, "open"): open disputes} of the
        lines: grouped queries for the saved statements, the lines in memory for those
        being edited."""
        saved = self.filtered(lambda s: isinstance(s.id, int))
        sums = {}
        if saved:
            for statement, held, payout in self.env["sfa.comp.statement.line"]._read_group(
                [("statement_id", "in", saved.ids)], ["statement_id", "held"], ["payout:sum"]
            ):
                sums[statement, held] = payout
            for statement, count in self.env["sfa.comp.statement.line"]._read_group(
                [("statement_id", "in", saved.ids), ("dispute_state", "=", "open")],
                ["statement_id"],
                ["__count"],
            ):
                sums[statement, "open"] = count
        for statement in self - saved:
            for held in (False, True):
                lines = statement.line_ids.filtered(lambda x, h=held: x.held == h)
                sums[statement, held] = sum(lines.mapped("payout"))
            sums[statement, "open"] = len(
                statement.line_ids.filtered(lambda x: x.dispute_state == "open")
            )
        return sums

    @api.depends("line_ids.payout", "line_ids.held", "line_ids.dispute_state", "credited_amount")
    def _compute_totals(self):
        """Payout, held amount, cost of sales and open disputes: one method, so that the
        lines are summed once when they all change (a computation rebuilds them)."""
        sums = self._line_sums()
        for statement in self:
            paid = sums.get((statement, False), 0.0)
            statement.total_payout = paid
            statement.held_amount = sums.get((statement, True), 0.0)
            credited = statement.credited_amount
            statement.cost_of_sales_pct = 100 * paid / credited if credited else 0.0
            statement.open_dispute_count = sums.get((statement, "open"), 0)

    @api.depends_context("uid")
    @api.depends("team_id", "user_id")
    def _compute_can_approve(self):
        for statement in self:
            statement.can_approve = statement._is_approver()
            statement.is_mine = statement.user_id == self.env.user

    def _is_approver(self):
        """The leader of the person's team approves (never their own statement), or a
        Compensation administrator."""
        self.ensure_one()
        user = self.env.user
        if self.user_id == user:
            return False
        return user.has_group(COMP_ADMIN) or self.team_id.user_id == user

    @api.constrains("user_id", "company_id", "date_from", "date_to")
    def _check_period(self):
        """One statement per person and day: overlapping periods would pay twice."""
        for statement in self:
            if statement.date_to < statement.date_from:
                raise ValidationError(self.env._("The period ends before it starts."))
        clash = period_clash(self, lambda a, b: a.company_id == b.company_id)
        if clash:
            raise ValidationError(
                self.env._(
                    "%(name)s already has a statement on some of these days.",
                    name=clash[0].user_id.name,
                )
            )

    # --- CRUD -----------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        fresh = dict.fromkeys(STATEMENT_FIGURES, False) | {"state": "draft"}
        if not is_trusted(self.env, STATEMENT_FLOW) and any(
            not set_to_defaults(self.env, vals, fresh) for vals in vals_list
        ):
            raise UserError(self.env._("A statement starts in draft; its figures are computed."))
        # the people's sales teams read once for all (one prefetch set)
        users = (
            self.env["res.users"]
            .sudo()
            .browse(
                {
                    vals["user_id"]
                    for vals in vals_list
                    if "team_id" not in vals and vals.get("user_id")
                }
            )
        )
        teams = {user.id: user.sale_team_id for user in users}
        for vals in vals_list:
            if "team_id" not in vals and vals.get("user_id"):
                company = vals.get("company_id") or self.env.company.id
                team = teams[vals["user_id"]]
                vals["team_id"] = team.id if team.company_id.id in (False, company) else False
        return super().create(vals_list)

    def write(self, vals):
        changed = set(vals) - ALWAYS_OPEN
        if changed & STATEMENT_FIGURES and not is_trusted(self.env, STATEMENT_FLOW):
            raise UserError(
                self.env._(
                    "A statement moves on through its buttons (Compute, Approve, Mark as "
                    "Paid); its figures are computed."
                )
            )
        if (
            changed
            and self.filtered(lambda s: s.state in ("approved", "paid"))
            and not (is_trusted(self.env, STATEMENT_FLOW) and changed <= {"state", "paid_on"})
        ):
            raise UserError(self.env._("An approved or paid statement is locked."))
        if {"user_id", "date_from", "date_to", "company_id"} & changed and self.filtered(
            lambda s: s.state != "draft"
        ):
            raise UserError(self.env._("Person and period are set while in draft only."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_open(self):
        if self.filtered(lambda s: s.state in ("approved", "paid")):
            raise UserError(self.env._("An approved or paid statement is never deleted."))

    # --- actions --------------------------------------------------------------------------------
    def _check_admin(self):
        if not (self.env.su or self.env.user.has_group(COMP_ADMIN)):
            raise AccessError(self.env._("Only a Compensation administrator does this."))

    def action_compute(self):
        """Compute (again) draft and computed statements: the lines are rebuilt from the CRM,
        the targets and the reviews, never added twice."""
        self._check_admin()
        self.check_access("write")
        locked = self.filtered(lambda s: s.state in ("approved", "paid"))
        if locked:
            raise UserError(
                self.env._(
                    "An approved or paid statement is never computed again: %(name)s.",
                    name=locked[0].name,
                )
            )
        disputed = self.filtered("open_dispute_count")
        if disputed:
            raise UserError(
                self.env._(
                    "Resolve the open disputes of %(name)s before computing it again.",
                    name=disputed[0].name,
                )
            )
        for start in range(0, len(self), COMPUTE_BATCH):
            self[start : start + COMPUTE_BATCH]._compute_batch()
        return True

    def action_approve(self):
        for statement in self:
            if statement.state != "computed":
                raise UserError(
                    self.env._(
                        "Only a computed statement is approved: %(name)s.", name=statement.name
                    )
                )
            if not statement._is_approver():
                raise AccessError(
                    self.env._(
                        "Only the sales manager of %(person)s approves their statement.",
                        person=statement.user_id.name,
                    )
                )
            if statement._earlier_open():
                raise UserError(
                    self.env._(
                        "Approve the earlier statements of %(person)s first: a draw balance "
                        "carries from one period to the next.",
                        person=statement.user_id.name,
                    )
                )
            if statement.open_dispute_count:
                raise UserError(
                    self.env._(
                        "%(name)s has an open dispute: resolve it before approving.",
                        name=statement.name,
                    )
                )
        trusted(self.sudo(), STATEMENT_FLOW).write(
            {
                "state": "approved",
                "approved_uid": self.env.user.id,
                "approved_on": fields.Datetime.now(),
            }
        )
        for statement in self:
            statement.message_post(
                body=self.env._("Approved by %(name)s.", name=self.env.user.name)
            )
        self.sudo().activity_feedback(["sfa_key_accounts.mail_activity_type_comp_approve"])
        return True

    def _earlier_open(self):
        """The person's statements of earlier periods (same company) not approved yet."""
        return self.sudo().search(
            [
                ("user_id", "=", self.user_id.id),
                ("company_id", "=", self.company_id.id),
                ("date_to", "<", self.date_from),
                ("state", "in", ("draft", "computed")),
            ]
        )

    def action_mark_paid(self):
        self._check_admin()
        if self.filtered(lambda s: s.state != "approved"):
            raise UserError(self.env._("Only an approved statement is paid."))
        trusted(self, STATEMENT_FLOW).write(
            {"state": "paid", "paid_on": fields.Date.context_today(self)}
        )
        return True

    def action_reset_to_draft(self):
        """Back to draft from computed (not from approved or paid)."""
        self._check_admin()
        if self.filtered(lambda s: s.state != "computed"):
            raise UserError(self.env._("Only a computed statement goes back to draft."))
        if self.filtered("open_dispute_count"):
            raise UserError(self.env._("Resolve the open disputes first."))
        trusted(self, STATEMENT_FLOW).write({"state": "draft"})
        return True

    # --- computation ----------------------------------------------------------------------------
    def _compute_batch(self):
        """Compute a batch of statements, those with an open dispute left alone (a
        recompute would rebuild the disputed line), the earlier periods first."""
        todo = self.filtered(lambda s: not s.open_dispute_count).sorted("date_from")
        if todo:
            todo._compute_lines()

    def _compute_lines(self):
        """Rebuild the lines of the batch with a fixed number of queries, whatever the
        number of deals: one for the deals and one for their splits, one search each for
        plans, targets, reviews, earlier statements, clawbacks and held lines; the lines
        are rebuilt in one create, keeping the holds and disputes of the lines found again."""
        Line = self.env["sfa.comp.statement.line"].sudo()
        # holds and disputes survive a recompute
        kept = Line.search(
            [
                ("statement_id", "in", self.ids),
                "|",
                ("held", "=", True),
                ("dispute_state", "!=", False),
            ]
        )._kept_marks()
        Line._delete_of_statements(self)  # rebuilt: nothing is added twice
        self.env.flush_all()  # the queries below read the tables directly
        plans = self.env["sfa.comp.assignment"]._plans_of_statements(self)
        targets = self._won_revenue_targets()
        reviews = self._done_reviews()
        components = self.env["sfa.comp.component"].union(
            *(plan.plan_id.component_ids for plan in plans.values() if plan)
        )
        deals = self._credited_deals(
            first_wins=any(
                c.fixed_kind == "spiff" and c.spiff_trigger == "new_key_account"
                for c in components
                if c.component_type == "fixed"
            )
        )
        earlier = self._earlier_statements()
        claw = self._clawback_candidates()
        held = self._held_to_release()
        vals_list, figures = [], {}
        for statement in self:
            plan = plans.get(statement.id)
            lines, stats = statement._lines_of(
                plan,
                targets.get(statement.id),
                reviews.get(statement.id, self.env["sfa.performance.review"]),
                deals.get((statement.user_id.id, statement.company_id.id), []),
                earlier.get(statement.id),
            )
            person = (statement.user_id.id, statement.company_id.id)
            lines += [
                {
                    "lead_id": line.lead_id.id,
                    "line_type": "clawback",
                    "is_clawback": True,
                    "origin_line_id": line.id,
                    "credited_amount": -line.credited_amount,
                    "rate_pct": line.rate_pct,
                    "payout": engine.clawback(line.payout),
                    "note": self.env._("The deal was paid on and is no longer won."),
                }
                for line in claw.pop(person, [])  # the person's first open statement
            ]
            lines += [
                {
                    "lead_id": line.lead_id.id,
                    "line_type": "release",
                    "origin_line_id": line.id,
                    "payout": line.payout,
                    "note": self.env._("Held on %(name)s, paid now.", name=line.statement_id.name),
                }
                for line in held.pop(person, [])
            ]
            for vals in lines:  # completed in place: a batch holds many lines
                if kept:
                    vals.update(kept.get((statement.id, *line_key(vals)), {}))
                vals["statement_id"] = statement.id
            vals_list += lines
            figures[statement] = {
                **stats,
                "plan_id": plan.plan_id.id if plan else False,
                "state": "computed",
                "computed_on": fields.Datetime.now(),
            }
        # the statements first (they have no line now, so that no line follows their state
        # through the ORM), then the lines in one INSERT
        self._write_figures(figures)
        Line._insert_rows(vals_list)
        self._ask_approval()

    def _write_figures(self, figures):
        """Write each statement's own figures ({statement: vals}, the same fields for all)
        in one UPDATE, rather than one write (and its tracking and triggers) per statement;
        the fields that depend on them follow once for all."""
        fnames = sorted({fname for vals in figures.values() for fname in vals})
        if not figures or any(set(vals) != set(fnames) for vals in figures.values()):
            for statement, vals in figures.items():  # not one shape: one write each
                trusted(statement.sudo(), STATEMENT_FLOW).write(vals)
            return
        statements = self.browse([statement.id for statement in figures])
        statements.modified(fnames, before=True)
        update_rows(
            statements,
            {
                statement.id: {
                    fname: self._fields[fname].convert_to_column(vals[fname], statement)
                    for fname in fnames
                }
                for statement, vals in figures.items()
            },
        )
        statements.invalidate_recordset([*fnames, "write_uid", "write_date"], flush=False)
        statements.modified(fnames)

    def _ask_approval(self):
        """An *Approve Statement* activity for the team leader of each computed statement
        that has none yet, created in one batch; the leaders follow the statements (as
        an activity makes its user follow its record), subscribed in one batch too."""
        kind = self.env.ref("sfa_key_accounts.mail_activity_type_comp_approve")
        asked = set(
            self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == kind).mapped("res_id")
        )
        todo = self.sudo().filtered(lambda s: s.team_id.user_id and s.id not in asked)
        todo._subscribe_approvers()
        model = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        # one activity per statement, no e-mail each (the leader sees them on their desk)
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True, **{APPROVERS_SUBSCRIBED: True}
        ).create(
            [
                {
                    "res_model_id": model,
                    "res_id": statement.id,
                    "activity_type_id": kind.id,
                    "user_id": statement.team_id.user_id.id,
                    "summary": kind.summary,
                    "date_deadline": today + timedelta(days=kind.delay_count),
                    "automated": True,  # closed by the approval (activity_feedback)
                }
                for statement in todo
            ]
        )

    def _subscribe_approvers(self):
        """Each statement's team leader follows it, with the default subtypes, as
        ``message_subscribe`` does it (active partners only, existing followers left
        alone), in one batch rather than one subscription per leader."""
        leader = {s.id: s.team_id.user_id.partner_id for s in self}
        partners = self.env["res.partner"].sudo().union(*leader.values()).filtered("active")
        if not partners:
            return
        Followers = self.env["mail.followers"].sudo().with_context(default_partner_id=False)
        new, _existing = Followers._add_default_followers(
            self._name,
            list(leader),
            partners.ids,
            customer_ids=partners.filtered("partner_share").ids,
        )
        Followers.create(
            [
                dict(vals, res_id=res_id)
                for res_id, vals_list in new.items()
                for vals in vals_list
                if vals["partner_id"] == leader[res_id].id
            ]
        )

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """The activities asking for approval subscribe their users one by one: the
        statements' computation has subscribed them all at once before (_ask_approval)."""
        if self.env.context.get(APPROVERS_SUBSCRIBED):
            return True
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    def _won_revenue_targets(self):
        """{statement id: the person's confirmed won-revenue target of the period}."""
        found = (
            self.env["sfa.sales.target"]
            .sudo()
            .search(
                [
                    ("user_id", "in", self.user_id.ids),
                    ("measure", "=", "won_revenue"),
                    ("dimension", "=", "none"),
                    ("state", "=", "confirmed"),
                    ("date_from", "in", list(set(self.mapped("date_from")))),
                ]
            )
        )
        by_key = {(t.user_id.id, t.company_id.id, t.date_from, t.date_to): t for t in found}
        return {
            s.id: by_key.get((s.user_id.id, s.company_id.id, s.date_from, s.date_to)) for s in self
        }

    def _done_reviews(self):
        """{statement id: the person's done reviews whose period ends within it}."""
        found = (
            self.env["sfa.performance.review"]
            .sudo()
            .search(
                [
                    ("user_id", "in", self.user_id.ids),
                    ("state", "=", "done"),
                    ("date_to", ">=", min(self.mapped("date_from"))),
                    ("date_to", "<=", max(self.mapped("date_to"))),
                ]
            )
        )
        return {
            s.id: found.filtered(
                lambda r, s=s: (
                    r.user_id == s.user_id
                    and r.company_id == s.company_id
                    and s.date_from <= r.date_to <= s.date_to
                )
            )
            for s in self
        }

    def _credited_deals(self, first_wins=True):
        """{(user id, company id): [deal dicts]} of the won deals credited to each person
        over the quarters the statements touch (the quarter-end rule reads whole quarters);
        ``first_wins``: whether a key account's first won deal is looked up (for the spiff
        of a new key account; else no deal is one)."""
        start = quarter_of(min(self.mapped("date_from")))[0]
        end = quarter_of(max(self.mapped("date_to")))[1]
        users = set(self.user_id.ids)
        self.env.flush_all()
        rows = self.env.execute_query_dict(
            deals_sql(users, self.company_id.ids, start, end, first_wins)
        )
        splits = {}
        if rows:
            for lead_id, user_id, share in self.env.execute_query(
                SQL(
                    "SELECT lead_id, user_id, share_pct FROM sfa_comp_credit_split"
                    " WHERE lead_id = ANY(%s) ORDER BY lead_id, id",
                    [row["id"] for row in rows],
                )
            ):
                splits.setdefault(lead_id, []).append((user_id, share))
        digits = {c.id: c.currency_id.decimal_places for c in self.company_id}
        by_person = {}
        for row in rows:
            shares = splits.get(row["id"]) or [(row["user_id"], 100.0)]
            amounts = engine.split_credit(
                max(row["expected_revenue"] or 0.0, 0.0),  # a negative amount credits nothing
                [share for _user, share in shares],
                digits.get(row["company_id"], 2),
            )
            for (user_id, share), amount in zip(shares, amounts, strict=True):
                if user_id in users:
                    # the usual deal (one person) keeps its row; a split one, a copy each
                    deal = row if len(shares) == 1 else dict(row)
                    deal.update(share_pct=share, amount=amount)
                    by_person.setdefault((user_id, row["company_id"]), []).append(deal)
        return by_person

    def _earlier_statements(self):
        """{statement id: the person's latest approved or paid statement before it}."""
        found = self.sudo().search(
            [
                ("user_id", "in", self.user_id.ids),
                ("state", "in", ("approved", "paid")),
                ("date_to", "<", max(self.mapped("date_from"))),
            ],
            order="date_to desc",
        )
        return {
            s.id: next(
                (
                    e
                    for e in found
                    if e.user_id == s.user_id
                    and e.company_id == s.company_id
                    and e.date_to < s.date_from
                ),
                None,
            )
            for s in self
        }

    def _clawback_candidates(self):
        """{(user id, company id): lines paid on deals no longer won, not yet clawed back}."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.id
                  FROM sfa_comp_statement_line line
                  JOIN sfa_comp_statement st ON st.id = line.statement_id
                  JOIN crm_lead lead ON lead.id = line.lead_id
                  LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
                 WHERE st.user_id = ANY(%s) AND st.company_id = ANY(%s)
                   AND st.state IN ('approved', 'paid')
                   AND line.line_type IN ('commission', 'spiff') AND line.payout != 0
                   AND NOT COALESCE(line.clawed_back, FALSE)
                   AND NOT (lead.active AND COALESCE(stage.is_won, FALSE))
              ORDER BY line.id
                """,
                self.user_id.ids,
                self.company_id.ids,
            )
        )
        gone = self.env["sfa.comp.statement.line"].sudo().browse(row[0] for row in rows)
        out = {}
        for line in gone:
            out.setdefault((line.user_id.id, line.company_id.id), []).append(line)
        return out

    def _held_to_release(self):
        """{(user id, company id): lines held on approved statements, not released yet}."""
        Line = self.env["sfa.comp.statement.line"].sudo()
        held = Line.search(
            [
                ("user_id", "in", self.user_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("statement_id.state", "in", ("approved", "paid")),
                ("held", "=", True),
                ("released", "=", False),
            ]
        )
        out = {}
        for line in held:
            out.setdefault((line.user_id.id, line.company_id.id), []).append(line)
        return out

    def _lines_of(self, assignment, target, reviews, deals, earlier):
        """The lines (values) and figures of one statement under its plan."""
        self.ensure_one()
        digits = self.currency_id.decimal_places
        date_from, date_to = self.date_from, self.date_to  # read once, not per deal
        mine = [d for d in deals if date_from <= d["date_closed"] <= date_to]
        commissions = (
            assignment.plan_id.component_ids.filtered(lambda c: c.component_type == "commission")
            if assignment
            else self.env["sfa.comp.component"]
        )
        credit = self._credits(commissions[:1], deals, digits)[0]
        credited = sum(credit[d["id"]] for d in mine)
        window_start = {}  # by day closed: the days of a period, not one per deal
        for d in mine:
            if d["date_closed"] not in window_start:
                window_start[d["date_closed"]] = quarter_of(d["date_closed"])[1] - timedelta(
                    QUARTER_END_DAYS
                )
        window = [d for d in mine if d["date_closed"] > window_start[d["date_closed"]]]
        stats = {
            "target_id": target.id if target else False,
            "target_amount": target.amount if target else 0.0,
            "credited_amount": target_engine._round(credited, digits),
            "attainment_pct": (target and target_engine.attainment(credited, target.amount)) or 0.0,
            "quarter_end_share_pct": (
                target_engine._round(
                    100 * sum(d["amount"] for d in window) / sum(d["amount"] for d in mine)
                )
                if sum(d["amount"] for d in window)
                else 0.0
            ),
            "draw_balance": earlier.draw_balance if earlier else 0.0,
        }
        if not assignment:
            return [], stats
        lines, earned = [], 0.0
        for component in assignment.plan_id.component_ids:
            kind = component.component_type
            if kind == "commission":
                new = self._commission_lines(component, target, deals, digits)
                earned += sum(v["payout"] for v in new)
                lines += new
            elif kind == "kpi_bonus":
                lines += [
                    {
                        "component_id": component.id,
                        "line_type": "kpi_bonus",
                        "review_id": review.id,
                        "rate_pct": engine.payout_pct(component._engine_curve(), review.score),
                        "payout": engine.kpi_bonus(
                            component.target_bonus, review.score, component._engine_curve(), digits
                        ),
                        "note": self.env._("Review score %(score)s", score=review.score),
                    }
                    for review in reviews
                ]
            elif component.fixed_kind == "spiff":
                lines += self._spiff_lines(component, mine, digits)
        for component in assignment.plan_id.component_ids:
            if component.component_type == "fixed" and component.fixed_kind == "draw":
                payout, balance = engine.draw(
                    earned,
                    component.amount,
                    component.recoverable,
                    stats["draw_balance"] if component.recoverable else 0.0,
                    digits,
                )
                stats["draw_balance"] = balance
                if payout != earned:
                    lines.append(
                        {
                            "component_id": component.id,
                            "line_type": "draw",
                            "payout": target_engine._round(payout - earned, digits),
                            "note": self.env._(
                                "Draw %(draw)s on earnings of %(earned)s; owed after: %(owed)s",
                                draw=format_amount(self.env, component.amount, self.currency_id),
                                earned=format_amount(self.env, earned, self.currency_id),
                                owed=format_amount(self.env, balance, self.currency_id),
                            ),
                        }
                    )
        return lines, stats

    def _credits(self, component, deals, digits):
        """``({deal id: credit}, {deal id: note})``: each deal's credit, reduced by the
        component's quarter-end rule when it has one (applied quarter by quarter on the
        whole quarter's deals)."""
        credit = {d["id"]: d["amount"] for d in deals}
        note = {}
        if not (component and component.quarter_end_rule):
            return credit, note
        for quarter in {quarter_of(d["date_closed"]) for d in deals}:
            rule = engine.quarter_end_credit(
                [(d["id"], d["date_closed"], d["amount"]) for d in deals],
                quarter[0],
                quarter[1],
                component.quarter_end_days,
                component.quarter_end_share_pct,
                component.quarter_end_rate_pct,
                digits,
            )
            for key, (_full, reduced, credited) in rule.items():
                credit[key] = credited
                if reduced:
                    note[key] = self.env._(
                        "Quarter-end rule: %(reduced)s closed in the last %(days)s days "
                        "beyond %(share)s %% of the quarter, credited at %(rate)s %%.",
                        reduced=format_amount(self.env, reduced, self.currency_id),
                        days=component.quarter_end_days,
                        share=component.quarter_end_share_pct,
                        rate=component.quarter_end_rate_pct,
                    )
        return credit, note

    def _commission_lines(self, component, target, deals, digits):
        """The statement lines of a commission component: deals of the period in the order
        they closed, the quarter-end rule applied quarter by quarter, cut across tiers."""
        if not target or target.amount <= 0:
            return []
        credit, note = self._credits(component, deals, digits)
        date_from, date_to = self.date_from, self.date_to  # read once, not per deal
        mine = sorted(
            (d for d in deals if date_from <= d["date_closed"] <= date_to),
            key=lambda d: (d["date_closed"], d["id"]),
        )
        by_id = {d["id"]: d for d in mine}
        _result, pieces = engine.commission_lines(
            [(d["id"], credit[d["id"]]) for d in mine],
            target.amount,
            component._engine_tiers(),
            component.mode,
            component.threshold_pct,
            component.cap_amount or None,
            digits,
        )
        return [
            {
                "component_id": component.id,
                "line_type": "commission",
                "lead_id": piece.key,
                "share_pct": by_id[piece.key]["share_pct"],
                "deal_amount": by_id[piece.key]["amount"],
                "credited_amount": piece.base,
                "lower_pct": piece.tier.lower_pct,
                "upper_pct": piece.tier.upper_pct,
                "rate_pct": piece.tier.rate_pct,
                "gross": piece.gross,
                "payout": piece.payout,
                "note": note.get(piece.key, False),
            }
            for piece in pieces
        ]

    def _spiff_lines(self, component, deals, digits):
        if component.spiff_trigger == "period":
            return [
                {"component_id": component.id, "line_type": "spiff", "payout": component.amount}
            ]
        return [
            {
                "component_id": component.id,
                "line_type": "spiff",
                "lead_id": d["id"],
                "share_pct": d["share_pct"],
                "payout": target_engine._round(component.amount * d["share_pct"] / 100, digits),
                "note": self.env._("First deal won with a key account"),
            }
            for d in deals
            if d["first_win"] and d["key_account"]
        ]

    # --- estimates (the what-if) ----------------------------------------------------------------
    @api.model
    def _estimate(self, user, day, extra=0.0):
        """``(so_far, with_extra, next_tier_note)``: the commission of ``user`` in the period
        of their won-revenue target running on ``day``, as it stands and with ``extra``
        credited revenue more. Reads only."""
        return self._estimator(user, day)(extra)

    @api.model
    def _estimator(self, user, day):
        """A function of the extra credited revenue giving ``_estimate``'s answer, the
        target, plan and deals read once (for all the deals a form shows)."""
        Target = self.env["sfa.sales.target"].sudo()
        target = Target.search(
            [
                ("user_id", "=", user.id),
                ("measure", "=", "won_revenue"),
                ("dimension", "=", "none"),
                ("state", "=", "confirmed"),
                ("date_from", "<=", day),
                ("date_to", ">=", day),
            ],
            limit=1,
        )
        assignment = self.env["sfa.comp.assignment"]._plans_of(user, day).get(user.id)
        commission = (
            assignment
            and assignment.plan_id.component_ids.filtered(
                lambda c: c.component_type == "commission"
            )[:1]
        )
        if not target or not commission or target.amount <= 0:
            return lambda extra: (0.0, 0.0, "")
        probe = self.new(
            {
                "user_id": user.id,
                "company_id": target.company_id.id,
                "date_from": target.date_from,
                "date_to": target.date_to,
            }
        )
        # the commission only: no spiff, no first win to look up
        deals = probe._credited_deals(first_wins=False).get((user.id, target.company_id.id), [])
        digits = target.currency_id.decimal_places

        def pay(rows):
            lines = probe._commission_lines(commission, target, rows, digits)
            return sum(v["payout"] for v in lines)

        so_far = pay(deals)
        credit = probe._credits(commission, deals, digits)[0]
        credited = sum(
            credit[d["id"]] for d in deals if target.date_from <= d["date_closed"] <= target.date_to
        )
        higher = sorted(
            t.lower_pct for t in commission.tier_ids if t.lower_pct > 100 * credited / target.amount
        )
        note = ""
        if higher:
            gap = target_engine._round(higher[0] * target.amount / 100 - credited)
            note = self.env._(
                "%(gap)s more credited revenue reaches the %(pct)s %% tier.",
                gap=format_amount(self.env, gap, target.currency_id),
                pct=higher[0],
            )

        def estimate(extra):
            what_if = {"id": 0, "date_closed": day, "amount": max(extra, 0.0), "share_pct": 100.0}
            return so_far, pay([*deals, what_if]), note

        return estimate

    # --- scheduled action -----------------------------------------------------------------------
    @api.model
    def _cron_compute_last_month(self):
        """Create the missing statements of last month for everyone with a plan, then
        compute the draft ones batch by batch, committing between batches (resumable: a
        rerun picks up the drafts left)."""
        today = fields.Date.context_today(self)
        end = today.replace(day=1) - timedelta(days=1)
        start = end.replace(day=1)
        self.sudo()._ensure_statements(start, end)
        todo = self.sudo().search(
            [("date_from", "=", start), ("date_to", "=", end), ("state", "=", "draft")],
            limit=CRON_BATCH,
        )
        todo._compute_batch()
        remaining = self.sudo().search_count(
            [("date_from", "=", start), ("date_to", "=", end), ("state", "=", "draft")]
        )
        self.env["ir.cron"]._notify_progress(done=len(todo), remaining=remaining)

    @api.model
    def _compute_period(self, date_from, date_to, users=None):
        """Create the missing statements of the period for ``users`` (or everyone with a
        plan) and compute the open ones without an open dispute; returns the open ones."""
        self._check_admin()
        statements = self._ensure_statements(date_from, date_to, users)
        open_ones = statements.filtered(lambda s: s.state in ("draft", "computed"))
        open_ones.filtered(lambda s: not s.open_dispute_count).action_compute()
        return open_ones

    @api.model
    def _ensure_statements(self, date_from, date_to, users=None):
        """The statements of ``date_from..date_to`` for ``users`` (or everyone with a plan
        on some day of it), created when missing: running twice never makes two."""
        Assignment = self.env["sfa.comp.assignment"].sudo()
        domain = [
            ("date_from", "<=", date_to),
            "|",
            ("date_to", "=", False),
            ("date_to", ">=", date_from),
        ]
        if users is not None:
            domain.append(("user_id", "in", users.ids))
        if not self.env.su:
            domain.append(("company_id", "in", self.env.companies.ids))
        assignments = Assignment.search(domain)
        around = self.sudo().search(
            [
                ("user_id", "in", assignments.user_id.ids),
                ("date_from", "<=", date_to),
                ("date_to", ">=", date_from),
            ]
        )
        if not self.env.su:
            around = around.filtered(lambda s: s.company_id in self.env.companies)
        existing = around.filtered(lambda s: (s.date_from, s.date_to) == (date_from, date_to))
        # a person with a statement of another period over these days is left alone: two
        # statements over one day would pay it twice
        have = {(s.user_id.id, s.company_id.id) for s in around}
        wanted = {(a.user_id.id, a.company_id.id) for a in assignments} - have
        # in one batch, without a creation note per statement nor the author as follower
        # (computing them next posts what matters)
        new = (
            self.sudo()
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(
                [
                    {"user_id": uid, "company_id": cid, "date_from": date_from, "date_to": date_to}
                    for uid, cid in sorted(wanted)
                ]
            )
        )
        return existing | new

    @api.readonly
    def action_view_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Statement Lines"),
            "res_model": "sfa.comp.statement.line",
            "view_mode": "list,pivot,graph",
            "domain": [("statement_id", "=", self.id)],
        }
