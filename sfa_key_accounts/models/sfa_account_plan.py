from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..engine import health
from .nullable_float import NullableFloat

LIVE_STATES = ("active", "review")
# the stored health figures of a plan (_compute_health), in the order _sfa_health_query gives
HEALTH_FIELDS = (
    "health_score",
    "health_assessed",
    *(f"health_{kind}" for kind in health.PLAN_KINDS),
    *(f"health_{kind}_assessed" for kind in health.PLAN_KINDS),
)
# the answers' columns the health is computed from
ASSESSMENT_FIELDS = ["plan_id", "kind", "weight", "present", "score"]
REVIEW_INTERVAL_MONTHS = (1, 60)


class SfaAccountPlan(models.Model):
    """The plan of one key account for one period (docs/method.md §1.3, steps of key-account
    management): objectives measured from CRM data, the customer's SWOT and the needs derived
    from it, competitors, switching-cost levers, relationship health and a review cadence."""

    _name = "sfa.account.plan"
    _description = "Account Plan"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "sfa.access.mixin",
        "sfa.number.mixin",
        "sfa.edit.guard.mixin",
    ]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _sfa_number_bounds = {"review_interval_months": REVIEW_INTERVAL_MONTHS}
    _sfa_edit_buttons = (
        "action_activate",
        "action_start_review",
        "action_review_done",
        "action_close",
        "action_reset_draft",
        "action_sync_assessments",
    )

    name = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        "Key Account",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
        check_company=True,
    )
    key_account_id = fields.Many2one(
        "sfa.key.account",
        "Key Account Record",
        compute="_compute_key_account_id",
        store=True,
        index=True,
        precompute=True,
        help="The customer's key-account record of the plan's company: who may read and edit "
        "the plan follows it (its manager and team).",
    )
    user_id = fields.Many2one(
        "res.users",
        "Key Account Manager",
        tracking=True,
        default=lambda self: self.env.user,
        help="Owns the plan and is reminded of its reviews.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_start = fields.Date(
        "Start", required=True, tracking=True, default=lambda self: self._default_date_start()
    )
    date_end = fields.Date(
        "End", required=True, tracking=True, default=lambda self: self._default_date_end()
    )
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("review", "In Review"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    tier_id = fields.Many2one(related="key_account_id.tier_id")
    relationship_type = fields.Selection(related="key_account_id.relationship")
    strategy = fields.Html("Account Strategy")
    objective_ids = fields.One2many(
        "sfa.account.plan.objective", "plan_id", "Objectives", copy=True
    )
    swot_ids = fields.One2many("sfa.account.swot", "plan_id", "SWOT", copy=True)
    need_ids = fields.One2many("sfa.account.need", "plan_id", "Needs (TOWS)", copy=True)
    competitor_ids = fields.One2many(
        "sfa.account.competitor", "plan_id", "Competitor Analysis", copy=True
    )
    lever_ids = fields.One2many("sfa.account.plan.lever", "plan_id", "Switching-Cost Levers")
    assessment_ids = fields.One2many("sfa.account.plan.assessment", "plan_id", "Assessments")
    signal_ids = fields.One2many(
        "sfa.account.plan.assessment",
        "plan_id",
        "Strength Signals",
        domain=[("kind", "=", health.SIGNAL)],
    )
    indicator_ids = fields.One2many(
        "sfa.account.plan.assessment",
        "plan_id",
        "Evaluation Indicators",
        domain=[("kind", "=", health.INDICATOR)],
    )
    # 0-100, or empty when not assessed (no answer in that part): NULL in the column, None in
    # Python, False over RPC, left out of averages; *_assessed says which, for views/filters.
    health_score = NullableFloat("Health", compute="_compute_health", store=True, aggregator="avg")
    health_signal = NullableFloat(
        "Strength Signals Score", compute="_compute_health", store=True, aggregator="avg"
    )
    health_indicator = NullableFloat(
        "Evaluation Score", compute="_compute_health", store=True, aggregator="avg"
    )
    health_assessed = fields.Boolean(compute="_compute_health", store=True, index=True)
    health_signal_assessed = fields.Boolean(compute="_compute_health", store=True)
    health_indicator_assessed = fields.Boolean(compute="_compute_health", store=True)
    health_label = fields.Char(
        compute="_compute_health_label", help="Says 'Not assessed' where the health is empty."
    )
    review_interval_months = fields.Integer("Review Every (months)", default=3)
    next_review_date = fields.Date(tracking=True, copy=False)
    # The customer record's five parts, edited on the customer and reachable from the plan.
    business_info = fields.Html(related="key_account_id.business_info", readonly=False)
    personal_info = fields.Html(related="key_account_id.personal_info", readonly=False)
    logistics_info = fields.Html(related="key_account_id.logistics_info", readonly=False)

    _sql_constraints = [
        (
            "review_interval_positive",
            "CHECK(review_interval_months > 0)",
            "The review interval must be at least one month.",
        ),
    ]

    def _default_date_start(self):
        return fields.Date.context_today(self).replace(month=1, day=1)

    def _default_date_end(self):
        return fields.Date.context_today(self).replace(month=12, day=31)

    @api.depends("partner_id", "company_id")
    def _compute_key_account_id(self):
        accounts = self.env["sfa.key.account"].search(
            [("partner_id", "in", self.partner_id.ids), ("company_id", "in", self.company_id.ids)]
        )
        by_key = {(a.partner_id.id, a.company_id.id): a for a in accounts}
        for plan in self:
            plan.key_account_id = by_key.get((plan.partner_id.id, plan.company_id.id))

    @api.depends(
        "assessment_ids.score",
        "assessment_ids.present",
        "assessment_ids.kind",
        "assessment_ids.weight",
    )
    def _compute_health(self):
        for plan, values in self._sfa_health_values().items():
            plan.update(values)

    def _sfa_health_values(self):
        """{plan: {health field: value}}: the saved plans' figures in one query
        (:meth:`_sfa_health_query`), the engine on the cache for plans being edited
        (onchange)."""
        values = {}
        saved = self.filtered(lambda p: isinstance(p.id, int))
        if saved:
            self.env["sfa.account.plan.assessment"].flush_model(ASSESSMENT_FIELDS)
            by_id = {plan.id: plan for plan in saved}
            for plan_id, *row in self.env.execute_query(saved._sfa_health_query()):
                values[by_id[plan_id]] = dict(zip(HEALTH_FIELDS, row, strict=True))
        for plan in self - saved:
            parts = self._sfa_health_parts_in_memory(plan.assessment_ids)
            values[plan] = self._sfa_health_fields(parts)
        return values

    def _sfa_health_query(self):
        """SELECT id, *HEALTH_FIELDS (named so) of these plans from their saved answers:
        engine/health.py (the specification) in SQL, tested against it (test_health_sql.py).

        Per plan and part: a signal counts once one is ticked (the checklist as a whole), a
        score counts when answered, for (score - 1) / 4 of its weight; a part is
        100 x the answered weighted fractions / the answered weights, empty when those weigh
        nothing; the health is the parts' weighted mean over the parts that have a score.
        The arithmetic is the engine's, in its order, in double precision."""
        kinds = [k for k in health.PLAN_KINDS if k != health.SIGNAL]
        weight = SQL("COALESCE(a.weight, 0)")
        fraction = SQL(
            "((a.score::int - %s)::float8 / %s)",
            health.MIN_SCORE,
            health.MAX_SCORE - health.MIN_SCORE,
        )
        totals = [
            SQL(
                """SUM(%(w)s) FILTER (WHERE a.kind = %(kind)s AND a.present) AS %(weighted)s,
                   CASE WHEN bool_or(a.present) FILTER (WHERE a.kind = %(kind)s)
                        THEN SUM(%(w)s) FILTER (WHERE a.kind = %(kind)s) END AS %(total)s""",
                w=weight,
                kind=health.SIGNAL,
                weighted=SQL.identifier(f"{health.SIGNAL}_weighted"),
                total=SQL.identifier(f"{health.SIGNAL}_total"),
            ),
            *(
                SQL(
                    """SUM(%(w)s * %(f)s) FILTER (WHERE a.kind = %(kind)s
                                                  AND a.score IS NOT NULL) AS %(weighted)s,
                       SUM(%(w)s) FILTER (WHERE a.kind = %(kind)s
                                          AND a.score IS NOT NULL) AS %(total)s""",
                    w=weight,
                    f=fraction,
                    kind=kind,
                    weighted=SQL.identifier(f"{kind}_weighted"),
                    total=SQL.identifier(f"{kind}_total"),
                )
                for kind in kinds
            ),
        ]
        parts = [
            SQL(
                "CASE WHEN t.%(total)s > 0 THEN 100.0::float8 * t.%(weighted)s / t.%(total)s END"
                " AS %(kind)s",
                total=SQL.identifier(f"{kind}_total"),
                weighted=SQL.identifier(f"{kind}_weighted"),
                kind=SQL.identifier(kind),
            )
            for kind in health.PLAN_KINDS
        ]
        weighted_sum = SQL(" + ").join(
            SQL("COALESCE(%s * %s, 0)", health.PART_WEIGHTS[kind], SQL.identifier(kind))
            for kind in health.PLAN_KINDS
        )
        weight_sum = SQL(" + ").join(
            SQL(
                "CASE WHEN %s IS NULL THEN 0 ELSE %s END",
                SQL.identifier(kind),
                health.PART_WEIGHTS[kind],
            )
            for kind in health.PLAN_KINDS
        )
        return SQL(
            """
            WITH total AS (
                SELECT a.plan_id, %(totals)s
                  FROM sfa_account_plan_assessment a
                 WHERE a.plan_id = ANY(%(ids)s)
              GROUP BY a.plan_id
            ),
            part AS (
                SELECT p.id, %(parts)s
                  FROM unnest(%(ids)s::int[]) AS p(id)
             LEFT JOIN total t ON t.plan_id = p.id
            ),
            mean AS (
                SELECT part.*,
                       CASE WHEN %(weight_sum)s > 0
                            THEN (%(weighted_sum)s)::float8 / (%(weight_sum)s) END AS score
                  FROM part
            )
            SELECT id, score AS health_score, score IS NOT NULL AS health_assessed,
                   %(kinds)s, %(assessed)s
              FROM mean
            """,
            totals=SQL(", ").join(totals),
            ids=self.ids,
            parts=SQL(", ").join(parts),
            weight_sum=weight_sum,
            weighted_sum=weighted_sum,
            kinds=SQL(", ").join(
                SQL("%s AS %s", SQL.identifier(kind), SQL.identifier(f"health_{kind}"))
                for kind in health.PLAN_KINDS
            ),
            assessed=SQL(", ").join(
                SQL(
                    "%s IS NOT NULL AS %s",
                    SQL.identifier(kind),
                    SQL.identifier(f"health_{kind}_assessed"),
                )
                for kind in health.PLAN_KINDS
            ),
        )

    @staticmethod
    def _sfa_health_parts_in_memory(answers):
        """The parts' scores of answers not saved yet (the engine on their items)."""
        parts = {kind: [] for kind in health.PLAN_KINDS}
        signals = []
        for line in answers:
            if line.kind == health.SIGNAL:
                signals.append((line.weight, line.present))
            elif line.kind in parts:
                parts[line.kind].append(health.answer_item(line.weight, line.score))
        parts[health.SIGNAL] = health.signal_items(signals)  # the checklist as a whole
        return {kind: health.part_score(items) for kind, items in parts.items()}

    @staticmethod
    def _sfa_health_fields(parts):
        """The stored health fields from the parts' scores (kind -> score or None)."""
        breakdown = {kind: parts.get(kind) for kind in health.PLAN_KINDS}
        score = health.health_of_breakdown(breakdown)
        values = {"health_score": score, "health_assessed": score is not None}
        for kind in health.PLAN_KINDS:
            values[f"health_{kind}"] = breakdown[kind]
            values[f"health_{kind}_assessed"] = breakdown[kind] is not None
        return values

    def _sfa_recompute_health(self):
        """Recompute the health of many plans at once (e.g. after a criterion's weight
        changed) in one statement: the figures from the answers (:meth:`_sfa_health_query`),
        an UPDATE of only the plans whose figures changed, and of their key accounts' copy.
        Returns the plans written."""
        if not self:
            return self
        for fname in HEALTH_FIELDS:  # done below, in bulk, rather than by the ORM
            self.env.remove_to_compute(self._fields[fname], self)
        self.flush_recordset(HEALTH_FIELDS)
        self.env["sfa.account.plan.assessment"].flush_model(ASSESSMENT_FIELDS)
        Account = self.env["sfa.key.account"]
        Account.flush_model(["current_plan_id", "health", "health_assessed"])
        columns = [SQL.identifier(f) for f in HEALTH_FIELDS]
        rows = self.env.execute_query(
            SQL(
                """
                WITH health AS (%(query)s),
                plan AS (
                    UPDATE sfa_account_plan p
                       SET (%(columns)s) = (%(values)s), write_uid = %(uid)s,
                           write_date = now() AT TIME ZONE 'UTC'
                      FROM health h
                     WHERE p.id = h.id AND (%(stored)s) IS DISTINCT FROM (%(values)s)
                 RETURNING p.id, p.health_score, p.health_assessed
                ),
                account AS (
                    -- the key accounts whose current plan this is show its health
                    UPDATE sfa_key_account k
                       SET health = plan.health_score, health_assessed = plan.health_assessed
                      FROM plan
                     WHERE k.current_plan_id = plan.id
                       AND (k.health, k.health_assessed)
                           IS DISTINCT FROM (plan.health_score, plan.health_assessed)
                )
                SELECT id FROM plan
                """,
                query=self._sfa_health_query(),
                columns=SQL(", ").join(columns),
                values=SQL(", ").join(SQL("h.%s", c) for c in columns),
                stored=SQL(", ").join(SQL("p.%s", c) for c in columns),
                uid=self.env.uid,
            )
        )
        plans = self.browse(row[0] for row in rows)
        plans.invalidate_recordset([*HEALTH_FIELDS, "write_uid", "write_date"], flush=False)
        Account.invalidate_model(["health", "health_assessed"], flush=False)
        return plans

    @api.depends("health_assessed")
    @api.depends_context("lang")
    def _compute_health_label(self):
        for plan in self:
            plan.health_label = False if plan.health_assessed else self.env._("Not assessed")

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for plan in self:
            if plan.date_end < plan.date_start:
                raise ValidationError(
                    self.env._(
                        "The plan %(plan)s ends (%(end)s) before it starts (%(start)s).",
                        plan=plan.name,
                        end=plan.date_end,
                        start=plan.date_start,
                    )
                )

    @api.constrains("partner_id")
    def _check_partner_is_account(self):
        """A plan is for an account: a company, or a customer standing alone, never a
        contact person of a company, whose revenue and deals are the company's."""
        for plan in self:
            account = plan.partner_id.commercial_partner_id
            if plan.partner_id != account:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is a contact person of %(account)s: make the account plan "
                        "for %(account)s.",
                        contact=plan.partner_id.name,
                        account=account.display_name,
                    )
                )

    @api.constrains("state", "partner_id", "date_start", "date_end", "company_id")
    def _check_one_live_plan(self):
        live = self.filtered(lambda p: p.state in LIVE_STATES)
        for plan in live:
            other = self.search_count(
                [
                    ("id", "!=", plan.id),
                    ("partner_id", "=", plan.partner_id.id),
                    ("company_id", "=", plan.company_id.id),
                    ("state", "in", LIVE_STATES),
                    ("date_start", "<=", plan.date_end),
                    ("date_end", ">=", plan.date_start),
                ],
                limit=1,
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "%(account)s already has an active plan for a period overlapping "
                        "%(start)s - %(end)s: close it before activating another one.",
                        account=plan.partner_id.display_name,
                        start=plan.date_start,
                        end=plan.date_end,
                    )
                )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.key_account_id.manager_id:
            self.user_id = self.key_account_id.manager_id
        if self.partner_id and not self.name:
            self.name = self.env._(
                "%(account)s plan %(year)s",
                account=self.partner_id.name,
                year=self.date_start.year if self.date_start else "",
            )

    @api.model_create_multi
    def create(self, vals_list):
        # A plan belongs to a key-account record: a key-account manager's first plan for a
        # customer creates it (a rep cannot: only managers create key-account records).
        KeyAccount = self.env["sfa.key.account"]
        for vals in vals_list:
            if vals.get("partner_id"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                KeyAccount._sfa_for_partners(
                    self.env["res.partner"].browse(vals["partner_id"]), company
                )
        plans = super().create(vals_list)
        plans._sync_assessments()
        plans._schedule_review()
        return plans

    def write(self, vals):
        res = super().write(vals)
        if {"next_review_date", "user_id"} & vals.keys():
            self._schedule_review()
        return res

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for plan, vals in zip(self, vals_list, strict=True):
            vals.setdefault("name", self.env._("%s (copy)", plan.name))
        return vals_list

    # --- actions (they return True or an action: XML-RPC cannot marshal None) ---------------
    def action_activate(self):
        self._check_criteria_weights()
        self.filtered(lambda p: p.state == "draft").write({"state": "active"})
        for plan in self.filtered(lambda p: not p.next_review_date):
            plan.next_review_date = fields.Date.context_today(plan) + relativedelta(
                months=plan.review_interval_months
            )
        return True

    def action_start_review(self):
        self.filtered(lambda p: p.state == "active").write({"state": "review"})
        return True

    def action_review_done(self):
        for plan in self.filtered(lambda p: p.state == "review"):
            plan.activity_feedback(
                ["sfa_key_accounts.mail_activity_type_account_review"],
                feedback=self.env._("Review done"),
            )
            plan.write(
                {
                    "state": "active",
                    "next_review_date": fields.Date.context_today(plan)
                    + relativedelta(months=plan.review_interval_months),
                }
            )
        return True

    def action_close(self):
        self.write({"state": "closed"})
        self.activity_unlink(["sfa_key_accounts.mail_activity_type_account_review"])
        return True

    def action_reset_draft(self):
        self.filtered(lambda p: p.state == "closed").write({"state": "draft"})
        return True

    def action_sync_assessments(self):
        self._sync_assessments()
        return True

    @api.readonly
    def action_print(self):
        # data={}: report_action's default data=None cannot be marshalled by XML-RPC
        return self.env.ref("sfa_key_accounts.sfa_account_plan_report").report_action(self, data={})

    # --- business methods -------------------------------------------------------------------
    def _sync_assessments(self):
        """Give each plan one assessment line per active criterion of its company, of the
        plan's kinds (the status analysis is answered on the stakeholders)."""
        criteria = self.env["sfa.health.criterion"].search([("kind", "in", health.PLAN_KINDS)])
        existing = {(line.plan_id.id, line.criterion_id.id) for line in self.assessment_ids}
        self.env["sfa.account.plan.assessment"].create(
            [
                {"plan_id": plan.id, "criterion_id": criterion.id}
                for plan in self
                for criterion in criteria
                if criterion.company_id in (plan.company_id, self.env["res.company"])
                and (plan.id, criterion.id) not in existing
            ]
        )

    def _check_criteria_weights(self):
        self.env["sfa.health.criterion"]._sfa_check_weights(self.company_id, health.PLAN_KINDS)

    def _schedule_review(self):
        """One open review activity per plan, for its manager, on its next review date."""
        xmlid = "sfa_key_accounts.mail_activity_type_account_review"
        for plan in self:
            plan.activity_unlink([xmlid])
            if plan.next_review_date and plan.state != "closed":
                plan.activity_schedule(
                    xmlid,
                    date_deadline=plan.next_review_date,
                    user_id=(plan.user_id or self.env.user).id,
                    summary=self.env._("Review the account plan"),
                )
