import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..engine import ranking

_logger = logging.getLogger(__name__)

AUTO_APPLY_PARAM = "sfa_key_accounts.retier_auto_apply"
# Customers handled per call of the monthly job: the job commits after each batch (the cron
# runner does, see ir.cron._notify_progress), so it never holds locks on more rows than this.
RETIER_BATCH = 5000
# pg_try_advisory_xact_lock(RETIER_LOCK): one worker works on a batch of the job at a time
RETIER_LOCK = 0x5FA8020


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

    def _default_date_from(self):
        return fields.Date.context_today(self) - relativedelta(months=12) + relativedelta(days=1)

    @api.depends("company_id")
    def _compute_key_tiers_note(self):
        Tier = self.env["sfa.key.account.tier"]
        for wizard in self:
            wizard.key_tiers_note = Tier._key_tiers_note(wizard.company_id)

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
            {"state": "computed", "rule": labels.get(tiers[:1].rule, ""), "total_revenue": total}
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
                # the curve of the ranking just applied (it reads the applied figures); by
                # xml id, which the web client loads, so applying reads no action here
                "next": "sfa_key_accounts.sfa_key_account_action_concentration",
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
                           SUM(l.expected_revenue) AS revenue
                      FROM crm_lead l
                      JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
                      JOIN res_partner p ON p.id = l.partner_id
                     WHERE l.type = 'opportunity' AND l.active AND l.company_id = %(company)s
                       AND l.date_closed IS NOT NULL
                       AND l.date_closed >= %(start)s AND l.date_closed < %(end)s
                       AND p.commercial_partner_id IS NOT NULL
                  GROUP BY p.commercial_partner_id
                ),
                customer AS (
                    SELECT c.partner_id, COALESCE(c.revenue, 0)::float8 AS revenue,
                           COALESCE(p.name, '') COLLATE "C" AS name, a.tier_id AS current_tier_id
                      FROM (SELECT partner_id, revenue FROM revenue
                            UNION ALL
                            SELECT partner_id, 0 FROM sfa_key_account
                             WHERE company_id = %(company)s AND tier_id = ANY(%(tier_ids)s)
                               AND partner_id NOT IN (SELECT partner_id FROM revenue)) c
                      JOIN res_partner p ON p.id = c.partner_id
                 LEFT JOIN sfa_key_account a
                        ON a.partner_id = c.partner_id AND a.company_id = %(company)s
                ),
                positive AS (
                    SELECT c.*,
                           RANK() OVER (ORDER BY c.revenue DESC) AS rank,
                           SUM(c.revenue) OVER (ORDER BY c.revenue DESC, c.name, c.partner_id
                                                ROWS UNBOUNDED PRECEDING) AS cumulative,
                           SUM(c.revenue) OVER (ORDER BY c.revenue DESC
                                                RANGE BETWEEN UNBOUNDED PRECEDING
                                                AND CURRENT ROW)
                               - SUM(c.revenue) OVER (PARTITION BY c.revenue) AS above,
                           SUM(c.revenue) OVER () AS total,
                           COUNT(*) OVER () AS n
                      FROM customer c
                     WHERE c.revenue > 0
                ),
                ranked AS (
                    SELECT r.partner_id, r.revenue, r.current_tier_id, r.rank,
                           r.revenue * 100 / r.total AS share,
                           r.cumulative * 100 / r.total AS cumulative_share,
                           COALESCE((SELECT t.id FROM tier t
                                      WHERE r.above_pct + 1e-9 < t.threshold_pct
                                   ORDER BY t.position LIMIT 1),
                                    (SELECT MAX(last_id) FROM tier)) AS tier_id
                      FROM (SELECT positive.*,
                                   CASE WHEN %(customer_share)s THEN (rank - 1) * 100.0 / n
                                        ELSE above * 100 / total END AS above_pct
                              FROM positive) r
                    UNION ALL
                    SELECT c.partner_id, c.revenue, c.current_tier_id,
                           (SELECT COUNT(*) FROM positive) + 1, 0,
                           CASE WHEN EXISTS (SELECT 1 FROM positive) THEN 100 ELSE 0 END,
                           (SELECT MAX(last_id) FROM tier)
                      FROM customer c
                     WHERE NOT c.revenue > 0
                ),
                cleared AS (
                    DELETE FROM sfa_key_account_selection_line WHERE selection_id = %(wizard)s
                ),
                stored AS (
                    INSERT INTO sfa_key_account_selection_line
                        (selection_id, partner_id, rank, revenue, share, cumulative_share,
                         current_tier_id, proposed_tier_id, is_change, to_apply, done,
                         create_uid, create_date, write_uid, write_date)
                    SELECT %(wizard)s, r.partner_id, r.rank, r.revenue,
                           ROUND(r.share::numeric, 2), ROUND(r.cumulative_share::numeric, 2),
                           r.current_tier_id, r.tier_id,
                           r.current_tier_id IS DISTINCT FROM r.tier_id,
                           r.current_tier_id IS DISTINCT FROM r.tier_id, FALSE,
                           %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
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
            )
        )
        self.invalidate_recordset(["line_ids", "customer_count", "change_count"])
        return total

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
