import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..engine import ranking

_logger = logging.getLogger(__name__)

AUTO_APPLY_PARAM = "sfa_key_accounts.retier_auto_apply"
# Customers handled per call of the monthly job: the job commits after each batch (the cron
# runner does, see ir.cron._notify_progress), so it never holds locks on more rows than this.
RETIER_BATCH = 5000
# pg_try_advisory_xact_lock(RETIER_LOCK): one worker works on a batch of the job at a time
RETIER_LOCK = 0x5FA8020
# The weight field of each criterion of the engine (``ranking.CRITERIA``), in its order.
WEIGHT_FIELDS = {
    ranking.REVENUE: "weight_revenue",
    ranking.ORDER_COUNT: "weight_order_count",
    ranking.DEAL_SIZE: "weight_deal_size",
    ranking.SALES_CYCLE: "weight_sales_cycle",
    ranking.LOYALTY: "weight_loyalty",
    ranking.TOLERANCE: "weight_tolerance",
    ranking.ADVICE: "weight_advice",
    ranking.REFERRALS: "weight_referrals",
}


class SfaKeyAccountSelection(models.TransientModel):
    """80/20 selection: rank a company's customers by won revenue over a period, propose
    tiers, and apply the proposals the user keeps. Nothing changes before ``action_apply``.

    Revenue is the ``expected_revenue`` of won opportunities closed in the period, per
    commercial partner. Odoo keeps ``expected_revenue`` in the opportunity's company currency,
    and only the company's own opportunities are ranked, so every figure is in the company
    currency and no company sees another's revenue.

    At scale (docs/benchmarks.md) every step is set-based: one query ranks the revenue, the
    engine tiers it, one INSERT stores the preview, and applying is a few UPDATE / INSERT
    statements over the preview's lines, writing only the customers that change. The tier
    history keeps every change (who, when, from, to, why); no chatter note is posted per
    customer.
    """

    _name = "sfa.key.account.selection"
    _description = "Key Account Selection (80/20)"

    date_from = fields.Date("From", required=True, default=lambda self: self._default_date_from())
    date_to = fields.Date("To", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.One2many("sfa.key.account.selection.line", "selection_id", "Ranking")
    state = fields.Selection([("new", "New"), ("computed", "Computed")], default="new")
    rule = fields.Char("Tiering Rule", readonly=True)
    total_revenue = fields.Monetary(readonly=True, currency_field="currency_id")
    customer_count = fields.Integer("Customers", compute="_compute_counts")
    change_count = fields.Integer("Changes", compute="_compute_counts")
    key_tiers_note = fields.Char("Key Accounts", compute="_compute_key_tiers_note")
    # made by the monthly job (its batches continue it), never shown to a user
    is_job = fields.Boolean(readonly=True)
    # Evaluation criteria (考评指标体系): revenue alone is the 80/20 rule; a weight on any other
    # criterion ranks on a weighted score (engine.ranking.rank_by_criteria).
    weight_revenue = fields.Integer(
        "Revenue", default=100, help="Won revenue in the period. 0 = not used."
    )
    weight_order_count = fields.Integer(
        "Order Count", default=0, help="Number of deals won in the period. 0 = not used."
    )
    weight_deal_size = fields.Integer(
        "Average Deal Size",
        default=0,
        help="Purchase volume per order: won revenue divided by the number of deals won in the "
        "period. 0 = not used.",
    )
    weight_sales_cycle = fields.Integer(
        "Sales Cycle",
        default=0,
        help="Average days from creation to won date of the deals won in the period; the "
        "shorter, the better. 0 = not used.",
    )
    weight_loyalty = fields.Integer(
        "Years of Loyalty",
        default=0,
        help="Completed years since the customer started buying from us (key account: Customer "
        "Since, else its first won deal), at the end of the period. 0 = not used.",
    )
    weight_tolerance = fields.Integer(
        "Tolerance of Our Mistakes",
        default=0,
        help="The key account's 0-5 score. 0 = not used.",
    )
    weight_advice = fields.Integer(
        "Advice Given", default=0, help="The key account's 0-5 score. 0 = not used."
    )
    weight_referrals = fields.Integer(
        "Referrals",
        default=0,
        help="Number of customers the key account has referred to us. 0 = not used.",
    )
    # how the computed preview was ranked (kept for Apply: the weights may be edited since)
    scored = fields.Boolean("Ranked on a Score", readonly=True)
    criteria_note = fields.Char("Ranked On", readonly=True)

    def _default_date_from(self):
        return fields.Date.context_today(self) - relativedelta(months=12) + relativedelta(days=1)

    @api.depends("company_id")
    def _compute_key_tiers_note(self):
        Tier = self.env["sfa.key.account.tier"]
        for wizard in self:
            wizard.key_tiers_note = Tier._key_tiers_note(wizard.company_id)

    @api.constrains(*WEIGHT_FIELDS.values())
    def _check_weights(self):
        for wizard in self:
            problems = ranking.weight_problems(wizard._weights())
            if "negative" in problems:
                raise ValidationError(self.env._("A criterion's weight cannot be negative."))
            if "all_zero" in problems:
                raise ValidationError(
                    self.env._("Give at least one criterion a weight above 0 to rank on.")
                )

    def _weights(self):
        """{criterion: weight} of the engine."""
        self.ensure_one()
        return {criterion: self[field] for criterion, field in WEIGHT_FIELDS.items()}

    def _criteria_note(self):
        """The criteria used and their weights, e.g. "Revenue 60, Sales Cycle 40"."""
        weights = self._weights()
        if not ranking.is_scored(weights):
            return self._fields["weight_revenue"].get_description(self.env)["string"]
        return ", ".join(
            f"{self._fields[field].get_description(self.env)['string']} {weights[criterion]}"
            for criterion, field in WEIGHT_FIELDS.items()
            if weights[criterion]
        )

    @api.depends("line_ids.is_change")
    def _compute_counts(self):
        Line = self.env["sfa.key.account.selection.line"]
        counts = {
            (wizard.id, change): count
            for wizard, change, count in Line._read_group(
                [("selection_id", "in", self.ids)], ["selection_id", "is_change"], ["__count"]
            )
        }
        for wizard in self:
            wizard.customer_count = counts.get((wizard.id, False), 0) + counts.get(
                (wizard.id, True), 0
            )
            wizard.change_count = counts.get((wizard.id, True), 0)

    def action_compute(self):
        """Rank and propose; replaces the preview, changes no customer."""
        self.ensure_one()
        if self.date_to < self.date_from:
            raise UserError(self.env._("The period ends before it starts."))
        tiers = self.env["sfa.key.account.tier"]._for_company(self.company_id)
        tiers._check_complete()
        total = self._store_ranking(tiers)
        labels = dict(tiers._fields["rule"]._description_selection(self.env))
        self.write(
            {
                "state": "computed",
                "rule": labels.get(tiers[:1].rule, ""),
                "total_revenue": total,
                "scored": ranking.is_scored(self._weights()),
                "criteria_note": self._criteria_note(),
            }
        )
        return self._reopen()

    def action_apply(self):
        """Give the ticked customers their proposed tier (with their tier history) and keep
        every ranked customer's figures; says what changed and opens the concentration curve
        of the ranking applied."""
        self.ensure_one()
        if self.state != "computed":
            raise UserError(self.env._("Compute the ranking before applying it."))
        changed = self._apply_batch()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(changed)s of %(count)s customers changed tier.",
                    changed=changed,
                    count=self.customer_count,
                ),
                # the curve of the ranking just applied (it reads the applied figures of the
                # current company); by xml id, which the web client loads, so applying reads
                # no action here. Another company's ranking: the curve would not show it.
                "next": "sfa_key_accounts.sfa_key_account_action_concentration"
                if self.company_id == self.env.company
                else {"type": "ir.actions.act_window_close"},
            },
        }

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Key Account Selection (80/20)"),
        }

    # --- business methods -------------------------------------------------------------------
    def _store_ranking(self, tiers):
        """Rank the company's customers and store the preview in one statement, whatever the
        number of customers; returns the total revenue ranked.

        This is ``engine.ranking.rank_accounts`` in SQL (the engine is the specification:
        tests/test_ranking_sql.py checks both give the same rows): won revenue per commercial
        partner over the period, competition rank, share and cumulative share (ties listed by
        name, then id, in code-point order as Python sorts them), the tier of the first of
        each tie, customers without revenue last in the last tier; shares rounded to 2 digits.

        The ranking sees all won revenue of the company, whatever the record rules of the user
        running it (a key-account manager without "all leads" would otherwise rank others'
        accounts at 0 and demote them). Only key-account managers can run the selection
        (access rights of this wizard), and it reveals no more than totals per customer of
        the company they manage."""
        self.env.flush_all()
        Line = self.env["sfa.key.account.selection.line"]
        Line.invalidate_model()
        [(total,)] = self.env.execute_query(
            SQL(
                """
                WITH tier AS (
                    SELECT t.id, t.threshold_pct, t.position,
                           LAST_VALUE(t.id) OVER (ORDER BY t.position
                               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS last_id
                      FROM unnest(%(tier_ids)s::int[], %(thresholds)s::float8[])
                           WITH ORDINALITY AS t(id, threshold_pct, position)
                ),
                revenue AS (
                    SELECT p.commercial_partner_id AS partner_id,
                           SUM(l.expected_revenue) AS revenue %(deal_figures)s
                      FROM crm_lead l
                      JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
                      JOIN res_partner p ON p.id = l.partner_id
                     WHERE l.type = 'opportunity' AND l.active AND l.company_id = %(company)s
                       AND l.date_closed IS NOT NULL
                       AND l.date_closed >= %(start)s AND l.date_closed < %(end)s
                       AND p.commercial_partner_id IS NOT NULL
                  GROUP BY p.commercial_partner_id
                )
                %(first_won)s,
                customer AS (
                    SELECT k.*, %(value)s AS value
                      FROM (SELECT c.partner_id, COALESCE(c.revenue, 0)::float8 AS revenue,
                                   COALESCE(p.name, '') COLLATE "C" AS name,
                                   a.tier_id AS current_tier_id %(criteria)s
                              FROM (SELECT partner_id, revenue %(deal_columns)s FROM revenue
                                    UNION ALL
                                    SELECT partner_id, 0 %(no_deal_columns)s
                                      FROM sfa_key_account
                                     WHERE company_id = %(company)s
                                       AND tier_id = ANY(%(tier_ids)s)
                                       AND partner_id NOT IN (SELECT partner_id FROM revenue)) c
                              JOIN res_partner p ON p.id = c.partner_id
                         LEFT JOIN sfa_key_account a
                                ON a.partner_id = c.partner_id AND a.company_id = %(company)s
                                %(first_won_join)s) k
                ),
                positive AS (
                    SELECT c.*,
                           RANK() OVER (ORDER BY c.value DESC) AS rank,
                           SUM(c.value) OVER (ORDER BY c.value DESC, c.name, c.partner_id
                                              ROWS UNBOUNDED PRECEDING) AS cumulative,
                           SUM(c.value) OVER (ORDER BY c.value DESC
                                              RANGE BETWEEN UNBOUNDED PRECEDING
                                              AND CURRENT ROW)
                               - SUM(c.value) OVER (PARTITION BY c.value) AS above,
                           SUM(c.value) OVER () AS total,
                           COUNT(*) OVER () AS n
                      FROM customer c
                     WHERE c.value > 0
                ),
                ranked AS (
                    SELECT r.partner_id, r.revenue, r.current_tier_id, r.rank,
                           r.value * 100 / r.total AS share,
                           r.cumulative * 100 / r.total AS cumulative_share,
                           COALESCE((SELECT t.id FROM tier t
                                      WHERE r.above_pct + 1e-9 < t.threshold_pct
                                   ORDER BY t.position LIMIT 1),
                                    (SELECT MAX(last_id) FROM tier)) AS tier_id
                           %(ranked_criteria)s
                      FROM (SELECT positive.*,
                                   CASE WHEN %(customer_share)s THEN (rank - 1) * 100.0 / n
                                        ELSE above * 100 / total END AS above_pct
                              FROM positive) r
                    UNION ALL
                    SELECT r.partner_id, r.revenue, r.current_tier_id,
                           (SELECT COUNT(*) FROM positive) + 1, 0,
                           CASE WHEN EXISTS (SELECT 1 FROM positive) THEN 100 ELSE 0 END,
                           (SELECT MAX(last_id) FROM tier) %(ranked_criteria)s
                      FROM customer r
                     WHERE NOT r.value > 0
                ),
                cleared AS (
                    DELETE FROM sfa_key_account_selection_line WHERE selection_id = %(wizard)s
                ),
                stored AS (
                    INSERT INTO sfa_key_account_selection_line
                        (selection_id, partner_id, rank, revenue, share, cumulative_share,
                         current_tier_id, proposed_tier_id, is_change, to_apply, done,
                         create_uid, create_date, write_uid, write_date %(line_columns)s)
                    SELECT %(wizard)s, r.partner_id, r.rank, r.revenue,
                           ROUND(r.share::numeric, 2), ROUND(r.cumulative_share::numeric, 2),
                           r.current_tier_id, r.tier_id,
                           r.current_tier_id IS DISTINCT FROM r.tier_id,
                           r.current_tier_id IS DISTINCT FROM r.tier_id, FALSE,
                           %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                           %(line_values)s
                      FROM ranked r
                )
                SELECT COALESCE(SUM(revenue) FILTER (WHERE revenue > 0), 0) FROM customer
                """,
                tier_ids=tiers.ids,
                thresholds=tiers.mapped("threshold_pct"),
                customer_share=tiers[:1].rule == ranking.CUSTOMER_SHARE,
                company=self.company_id.id,
                start=self.date_from,
                end=self.date_to + relativedelta(days=1),
                wizard=self.id,
                uid=self.env.uid,
                **self._criteria_sql(),
            )
        )
        self.invalidate_recordset(["line_ids", "customer_count", "change_count"])
        return total

    def _criteria_sql(self):
        """The parts of the ranking query for the evaluation criteria: with revenue alone
        (the default) the customers are ranked on revenue and nothing else is read; with
        other criteria, on ``engine.ranking.scores`` computed in SQL, the criteria stored on
        the preview lines (the years of loyalty, which read every won deal of the company for
        the first one, only when they have a weight).

        Every figure is computed as the engine does, in the same float arithmetic and order
        (tests/test_ranking_sql.py): value / MAX(value) OVER () among the ranked customers,
        (longest - own) / longest for the sales cycle, the weighted terms summed in the
        engine's criterion order, times 100, over the sum of the weights."""
        weights = self._weights()
        if not ranking.is_scored(weights):
            return {
                "deal_figures": SQL(),
                "first_won": SQL(),
                "value": SQL("k.revenue"),
                "criteria": SQL(),
                "deal_columns": SQL(),
                "no_deal_columns": SQL(),
                "first_won_join": SQL(),
                "ranked_criteria": SQL(),
                "line_columns": SQL(),
                "line_values": SQL(),
            }
        # the criteria of a customer, from its won deals of the period (c), its key account (a)
        # and its first won deal (f); None where the engine has None (no won deal)
        figures = {
            ranking.REVENUE: SQL("COALESCE(c.revenue, 0)::float8"),
            ranking.ORDER_COUNT: SQL("COALESCE(c.order_count, 0)"),
            ranking.DEAL_SIZE: SQL(
                "CASE WHEN c.order_count > 0 THEN c.revenue::float8 / c.order_count END"
            ),
            ranking.SALES_CYCLE: SQL(
                "CASE WHEN c.order_count > 0 THEN c.cycle_days::float8 / c.order_count END"
            ),
            ranking.LOYALTY: SQL(
                """GREATEST(EXTRACT(YEAR FROM age(%s::timestamp,
                                       COALESCE(a.customer_since, f.first_won)::timestamp)),
                            0)::int""",
                self.date_to,
            ),
            ranking.TOLERANCE: SQL("COALESCE(a.tolerance_score, 0)"),
            ranking.ADVICE: SQL("COALESCE(a.advice_score, 0)"),
            ranking.REFERRALS: SQL("COALESCE(a.referral_count, 0)"),
        }
        terms = []
        for criterion in ranking.CRITERIA:
            weight = weights[criterion]
            if not weight:
                continue
            column = SQL.identifier(criterion)
            top = SQL("MAX(GREATEST(k.%s, 0)::float8) OVER ()", column)
            if criterion in ranking.LOWER_IS_BETTER:
                scaled = SQL(
                    """CASE WHEN k.%(x)s IS NULL THEN 0::float8
                            WHEN %(top)s = 0 THEN 1::float8
                            ELSE (%(top)s - GREATEST(k.%(x)s, 0)::float8) / %(top)s END""",
                    x=column,
                    top=top,
                )
            else:
                scaled = SQL(
                    """CASE WHEN %(top)s > 0 THEN GREATEST(k.%(x)s, 0)::float8 / %(top)s
                            ELSE 0::float8 END""",
                    x=column,
                    top=top,
                )
            terms.append(SQL("%s::float8 * (%s)", weight, scaled))
        total_weight = sum(weights.values())
        shown = [c for c in ranking.CRITERIA if c != ranking.REVENUE]
        return {
            "deal_figures": SQL(
                """, COUNT(*) AS order_count,
                   SUM(GREATEST(l.date_closed::date - l.create_date::date, 0)) AS cycle_days"""
            ),
            "first_won": SQL(
                ", first_won AS (%s)",
                self.env["sfa.key.account"]._sfa_first_won_sql([self.company_id.id]),
            )
            if weights[ranking.LOYALTY]
            else SQL(),
            "value": SQL("(%s) * 100::float8 / %s::float8", SQL(" + ").join(terms), total_weight),
            "criteria": SQL(
                ", %s",
                SQL(", ").join(
                    SQL("%s AS %s", figures[c], SQL.identifier(c))
                    for c in shown
                    if c != ranking.LOYALTY or weights[c]
                ),
            ),
            "deal_columns": SQL(", order_count, cycle_days"),
            "no_deal_columns": SQL(", NULL::bigint, NULL::bigint"),
            "first_won_join": SQL(
                """LEFT JOIN first_won f
                          ON f.partner_id = c.partner_id AND f.company_id = %s""",
                self.company_id.id,
            )
            if weights[ranking.LOYALTY]
            else SQL(),
            "ranked_criteria": SQL(
                ", r.value AS score, %s",
                SQL(", ").join(
                    SQL("r.%s", SQL.identifier(c))
                    if c != ranking.LOYALTY or weights[c]
                    else SQL("NULL::int AS %s", SQL.identifier(c))
                    for c in shown
                ),
            ),
            "line_columns": SQL(", score, %s", SQL(", ").join(SQL.identifier(c) for c in shown)),
            "line_values": SQL(
                """, ROUND(r.score::numeric, 2), r.order_count,
                   ROUND(r.deal_size::numeric, 2), ROUND(r.sales_cycle::numeric, 1),
                   r.loyalty_years, r.tolerance, r.advice, r.referrals"""
            ),
        }

    def _apply_batch(self, limit=None, propose_only=False):
        """Apply the next ``limit`` lines not done yet (all when None), in rank order: the
        missing key-account records are created, the ticked changes get their tier, ``is_key``
        and tier date with one tier-history row each, and every line's figures are kept for
        the concentration curve. Only rows that change are written. ``propose_only`` records
        the proposed tier on the key account instead of applying it (monthly job, not
        configured to apply). Returns the number of customers whose tier changed (proposed)."""
        self.ensure_one()
        Account = self.env["sfa.key.account"]
        # the rights of the user on what is written below in SQL: key-account managers create
        # and write key accounts (the tier history is written for them, as in write())
        Account.check_access("create")
        Account.check_access("write")
        self.env.flush_all()
        now = SQL("now() AT TIME ZONE 'UTC'")
        batch = SQL(
            """
            SELECT id, partner_id, rank, revenue, cumulative_share, proposed_tier_id,
                   is_change AND to_apply AS apply
              FROM sfa_key_account_selection_line
             WHERE selection_id = %(wizard)s AND NOT done
            %(limit)s
            """,
            wizard=self.id,
            limit=SQL("ORDER BY rank, id LIMIT %s", limit) if limit else SQL(),
        )
        if self.scored:
            reason = self.env._(
                "80/20 selection over %(start)s - %(end)s, ranked on a score of %(criteria)s",
                start=self.date_from,
                end=self.date_to,
                criteria=self.criteria_note,
            )
        else:
            reason = self.env._(
                "80/20 selection over %(start)s - %(end)s",
                start=self.date_from,
                end=self.date_to,
            )
        if propose_only:
            apply = SQL(
                """
                UPDATE sfa_key_account a
                   SET sfa_proposed_tier_id = CASE WHEN b.apply THEN b.proposed_tier_id END,
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM batch b
                 WHERE a.partner_id = b.partner_id AND a.company_id = %(company)s
                   AND a.sfa_proposed_tier_id IS DISTINCT FROM
                       CASE WHEN b.apply THEN b.proposed_tier_id END
             RETURNING a.id, NULL::int, a.sfa_proposed_tier_id
                """,
                uid=self.env.uid,
                now=now,
                company=self.company_id.id,
            )
            history = SQL("SELECT count(*) FROM applied WHERE to_tier IS NOT NULL")
        else:
            apply = SQL(
                """
                UPDATE sfa_key_account a
                   SET tier_id = CASE WHEN b.apply THEN b.proposed_tier_id ELSE a.tier_id END,
                       is_key = CASE WHEN b.apply THEN COALESCE(t.is_key, FALSE)
                                     ELSE a.is_key END,
                       tier_date = CASE WHEN b.apply AND a.tier_id IS DISTINCT FROM
                                        b.proposed_tier_id THEN %(today)s
                                        ELSE a.tier_date END,
                       rank = b.rank, revenue = b.revenue,
                       cumulative_share = b.cumulative_share,
                       sfa_proposed_tier_id = NULL,
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM batch b
                  JOIN sfa_key_account old
                    ON old.partner_id = b.partner_id AND old.company_id = %(company)s
             LEFT JOIN sfa_key_account_tier t ON t.id = b.proposed_tier_id
                 WHERE a.id = old.id
                   AND ((b.apply AND (a.tier_id IS DISTINCT FROM b.proposed_tier_id
                                      OR a.is_key IS DISTINCT FROM COALESCE(t.is_key, FALSE)))
                        OR a.rank IS DISTINCT FROM b.rank
                        OR a.revenue IS DISTINCT FROM b.revenue
                        OR a.cumulative_share IS DISTINCT FROM b.cumulative_share
                        OR a.sfa_proposed_tier_id IS NOT NULL)
             RETURNING a.id, old.tier_id, a.tier_id
                """,
                today=fields.Date.context_today(self),
                uid=self.env.uid,
                now=now,
                company=self.company_id.id,
            )
            history = SQL(
                """
                , logged AS (
                    INSERT INTO sfa_key_account_tier_history
                        (key_account_id, partner_id, company_id, date, user_id, from_tier_id,
                         to_tier_id, reason, create_uid, create_date, write_uid, write_date)
                    SELECT a.id, a.partner_id, a.company_id, %(date)s, %(uid)s, applied.from_tier,
                           applied.to_tier, %(reason)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM applied JOIN sfa_key_account a ON a.id = applied.id
                     WHERE applied.from_tier IS DISTINCT FROM applied.to_tier
                 RETURNING 1
                )
                SELECT count(*) FROM logged
                """,
                uid=self.env.uid,
                now=now,
                date=fields.Datetime.now(),
                reason=reason,
            )
        # the missing key-account records first (a statement does not see the rows its own
        # CTEs insert); in propose-only mode only for customers with a proposal
        self.env.cr.execute(
            SQL(
                """
                WITH batch AS (%(batch)s)
                INSERT INTO sfa_key_account
                    (partner_id, company_id, name, is_key, health_assessed,
                     create_uid, create_date, write_uid, write_date)
                SELECT b.partner_id, %(company)s, p.name, FALSE, FALSE,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM batch b JOIN res_partner p ON p.id = b.partner_id
                 WHERE (b.apply OR NOT %(propose_only)s)
                   AND NOT EXISTS (SELECT 1 FROM sfa_key_account a
                                    WHERE a.partner_id = b.partner_id
                                      AND a.company_id = %(company)s)
                ON CONFLICT (partner_id, company_id) DO NOTHING
                """,
                batch=batch,
                company=self.company_id.id,
                uid=self.env.uid,
                now=now,
                propose_only=propose_only,
            )
        )
        [(changed,)] = self.env.execute_query(
            SQL(
                """
                WITH batch AS MATERIALIZED (%(batch)s),
                %(done)s
                applied (id, from_tier, to_tier) AS (%(apply)s)
                %(history)s
                """,
                batch=batch,
                # a whole preview applied at once needs no bookmark (the job's batches do)
                done=SQL(
                    """done AS (
                        UPDATE sfa_key_account_selection_line l SET done = TRUE
                          FROM batch b WHERE l.id = b.id
                    ),"""
                )
                if limit
                else SQL(),
                apply=apply,
                history=history,
            )
        )
        Account.invalidate_model()
        self.env["sfa.key.account.tier.history"].invalidate_model()
        self.env["sfa.key.account.selection.line"].invalidate_model(["done"])
        return changed

    def _pending_count(self):
        """Lines of these previews not applied yet."""
        return self.env["sfa.key.account.selection.line"].search_count(
            [("selection_id", "in", self.ids), ("done", "=", False)]
        )

    def _retier_pending(self):
        """The job's previews with lines left to apply; the others are marked done."""
        pending = {
            wizard
            for [wizard] in self.env["sfa.key.account.selection.line"]._read_group(
                [("selection_id", "in", self.ids), ("done", "=", False)], ["selection_id"]
            )
        }
        finished = self.filtered(lambda w: w not in pending)
        finished.write({"state": "new"})  # done for this run
        return self - finished

    @api.model
    def _retier_run(self, companies):
        """The job's previews of the current run for these companies: the unfinished ones,
        else new ones, ranked now."""
        wizards = self.search(
            [("is_job", "=", True), ("state", "=", "computed"), ("company_id", "in", companies.ids)]
        )
        if wizards:
            return wizards
        for company in companies:
            wizard = self.with_company(company).create({"company_id": company.id, "is_job": True})
            wizard.action_compute()
            wizards |= wizard
        return wizards

    @api.model
    def _cron_retier(self, batch_size=RETIER_BATCH):
        """The monthly job: :meth:`_retier_step` over every company that has tiers."""
        companies = self.env["sfa.key.account.tier"].search([]).company_id
        return self._retier_step(companies, batch_size)

    @api.model
    def _retier_step(self, companies, batch_size):
        """Re-tier ``companies``: propose (the key accounts
        show the proposed tier: filter "Tier change proposed") or, when configured, apply.

        One batch of customers per call: the ranking is stored once per run (a preview the
        job keeps, ``is_job``) and the following calls continue it, so a run that stops
        resumes where it stopped; the cron runner commits after each call
        (``_notify_progress``), so no more than a batch of customers is locked at a time. A
        call made while another worker is inside a batch leaves the work to that worker.
        Returns the number of customers left."""
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", RETIER_LOCK))
        if not self.env.cr.fetchone()[0]:
            _logger.info("80/20 re-tiering: another worker is on it")
            return 0
        # sudo: one setting, read by the scheduled job
        auto = bool(self.env["ir.config_parameter"].sudo().get_param(AUTO_APPLY_PARAM))
        wizards = self._retier_run(companies)
        todo = wizards._retier_pending()
        if todo:
            wizard = todo[0]
            changed = wizard._apply_batch(limit=batch_size, propose_only=not auto)
            _logger.info(
                "80/20 re-tiering of %s: %s tier changes %s in this batch",
                wizard.company_id.name,
                changed,
                "applied" if auto else "proposed",
            )
            todo = todo._retier_pending()
        remaining = todo._pending_count()
        self.env["ir.cron"]._notify_progress(done=batch_size, remaining=remaining)
        return remaining
