from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..engine import health
from .nullable_float import NullableFloat
from .sfa_bulk import update_rows

LIVE_STATES = ("active", "review")
# the stored health figures of a plan (_compute_health), in the order of the bulk UPDATE
HEALTH_FIELDS = (
    "health_score",
    "health_assessed",
    *(f"health_{kind}" for kind in health.KINDS),
    *(f"health_{kind}_assessed" for kind in health.KINDS),
)
REVIEW_INTERVAL_MONTHS = (1, 60)


class SfaAccountPlan(models.Model):
    """The plan of one key account for one period (DOMAIN.md §1, steps of key-account
    management): objectives measured from CRM data, the customer's SWOT and the needs derived
    from it, competitors, switching-cost levers, relationship health and a review cadence."""

    _name = "sfa.account.plan"
    _description = "Account Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "sfa.access.mixin", "sfa.number.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _sfa_number_bounds = {"review_interval_months": REVIEW_INTERVAL_MONTHS}

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
    willingness_ids = fields.One2many(
        "sfa.account.plan.assessment",
        "plan_id",
        "Willingness Assessment",
        domain=[("kind", "=", health.WILLINGNESS)],
    )
    quality_ids = fields.One2many(
        "sfa.account.plan.assessment",
        "plan_id",
        "Quality Assessment",
        domain=[("kind", "=", health.QUALITY)],
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
    health_willingness = NullableFloat(
        "Willingness Score", compute="_compute_health", store=True, aggregator="avg"
    )
    health_quality = NullableFloat(
        "Quality Score", compute="_compute_health", store=True, aggregator="avg"
    )
    health_indicator = NullableFloat(
        "Evaluation Score", compute="_compute_health", store=True, aggregator="avg"
    )
    health_assessed = fields.Boolean(compute="_compute_health", store=True, index=True)
    health_signal_assessed = fields.Boolean(compute="_compute_health", store=True)
    health_willingness_assessed = fields.Boolean(compute="_compute_health", store=True)
    health_quality_assessed = fields.Boolean(compute="_compute_health", store=True)
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
        """{plan: {health field: value}} from the plans' answers: one aggregate query for
        all saved plans (per plan and part: the answered weights and their weighted
        fractions), the cache for plans being edited (onchange)."""
        totals = {plan: {} for plan in self}
        saved = self.filtered(lambda p: isinstance(p.id, int))
        if saved:
            self.env["sfa.account.plan.assessment"].flush_model(
                ["plan_id", "kind", "weight", "present", "score"]
            )
            by_id = {plan.id: plan for plan in saved}
            # a signal counts when ticked (the checklist is assessed once one is ticked); a
            # score counts when answered, for (score - 1) / 4 of its weight
            for plan_id, kind, weighted, total in self.env.execute_query(
                SQL(
                    """
                    SELECT plan_id, kind,
                           CASE WHEN kind = %(signal)s
                                THEN SUM(weight) FILTER (WHERE present)
                                ELSE SUM(weight * (score::int - 1) / 4.0)
                                         FILTER (WHERE score IS NOT NULL) END,
                           CASE WHEN kind = %(signal)s
                                THEN CASE WHEN bool_or(present) THEN SUM(weight) END
                                ELSE SUM(weight) FILTER (WHERE score IS NOT NULL) END
                      FROM sfa_account_plan_assessment
                     WHERE plan_id = ANY(%(ids)s)
                  GROUP BY plan_id, kind
                    """,
                    signal=health.SIGNAL,
                    ids=saved.ids,
                )
            ):
                totals[by_id[plan_id]][kind] = health.part_from_totals(weighted, total)
        for plan in self - saved:
            totals[plan] = self._sfa_health_parts_in_memory(plan.assessment_ids)
        return {plan: self._sfa_health_fields(parts) for plan, parts in totals.items()}

    @staticmethod
    def _sfa_health_parts_in_memory(answers):
        """The parts' scores of answers not saved yet (the engine on their items)."""
        parts = {kind: [] for kind in health.KINDS}
        signals = []
        for line in answers:
            if line.kind == health.SIGNAL:
                signals.append((line.weight, line.present))
            elif line.kind in parts:
                score = int(line.score) if line.score else None
                parts[line.kind].append((line.weight, health.score_fraction(score)))
        parts[health.SIGNAL] = health.signal_items(signals)  # the checklist as a whole
        return {kind: health.part_score(items) for kind, items in parts.items()}

    @staticmethod
    def _sfa_health_fields(parts):
        """The stored health fields from the parts' scores (kind -> score or None)."""
        breakdown = {kind: parts.get(kind) for kind in health.KINDS}
        score = health.health_of_breakdown(breakdown)
        values = {"health_score": score, "health_assessed": score is not None}
        for kind in health.KINDS:
            values[f"health_{kind}"] = breakdown[kind]
            values[f"health_{kind}_assessed"] = breakdown[kind] is not None
        return values

    def _sfa_recompute_health(self):
        """Recompute the health of many plans at once (e.g. after a criterion's weight
        changed): the answers in one query, the figures by the engine, and one UPDATE of only
        the plans whose figures changed; their key accounts follow."""
        for fname in HEALTH_FIELDS:  # done below, in bulk, rather than by the ORM
            self.env.remove_to_compute(self._fields[fname], self)
        self.flush_recordset(HEALTH_FIELDS)
        stored = {
            row[0]: row[1:]
            for row in self.env.execute_query(
                SQL(
                    "SELECT id, %s FROM sfa_account_plan WHERE id = ANY(%s)",
                    SQL(", ").join(SQL.identifier(f) for f in HEALTH_FIELDS),
                    self.ids,
                )
            )
        }
        changed = {
            plan.id: row
            for plan, values in self._sfa_health_values().items()
            if (row := tuple(values[f] for f in HEALTH_FIELDS)) != stored.get(plan.id)
        }
        if not changed:
            return self.browse()
        plans = self.browse(list(changed))
        update_rows(
            self, {pid: dict(zip(HEALTH_FIELDS, row, strict=True)) for pid, row in changed.items()}
        )
        # the key accounts whose current plan this is show its health (related, stored)
        self.env["sfa.key.account"].flush_model(["current_plan_id", "health", "health_assessed"])
        self.env.cr.execute(
            SQL(
                """UPDATE sfa_key_account k
                      SET health = p.health_score, health_assessed = p.health_assessed
                     FROM sfa_account_plan p
                    WHERE k.current_plan_id = p.id AND p.id = ANY(%s)
                      AND (k.health IS DISTINCT FROM p.health_score
                           OR k.health_assessed IS DISTINCT FROM p.health_assessed)""",
                plans.ids,
            )
        )
        plans.invalidate_recordset(HEALTH_FIELDS, flush=False)
        self.env["sfa.key.account"].invalidate_model(["health", "health_assessed"], flush=False)
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
        """Give each plan one assessment line per active criterion of its company."""
        criteria = self.env["sfa.health.criterion"].search([])
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
        for company in self.company_id:
            criteria = self.env["sfa.health.criterion"].search(
                [("company_id", "in", [company.id, False])]
            )
            weights = {kind: [] for kind in health.KINDS}
            for criterion in criteria:
                weights[criterion.kind].append(criterion.weight)
            problems = health.weight_total_problems(weights)
            if problems:
                labels = dict(criteria._fields["kind"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "The weights of the health criteria must sum to 100 in each group: "
                        "%(groups)s. Fix them in CRM > Configuration > Health Criteria.",
                        groups=", ".join(
                            f"{labels[kind]} = {total:g}" for kind, total in problems.items()
                        ),
                    )
                )

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
