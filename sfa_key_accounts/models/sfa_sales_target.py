from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..engine import targets as engine
from .sfa_access_mixin import is_trusted, trusted

# Confirmed targets change only through the split and adjust wizards, which grant this.
TARGET_CHANGE = "sfa_target_change"
# What may still be written on a confirmed target by hand.
FREE_FIELDS = {"name", "note", "market_size", "entry_ids", "activity_ids", "message_follower_ids"}
DIMENSION_FIELDS = ("tag_id", "country_id", "state_id", "tier_id", "industry_id")
# The figures _compute_figures gives, and from how many targets at once they are summed in
# one pass over the deals rather than read target by target (figures_sql).
FIGURE_FIELDS = (
    "achieved_amount",
    "last_year_amount",
    "attainment",
    "growth",
    "expected_amount",
    "pace_status",
)
SUMMED_FROM = 100
MEASURE_SELECTION = [
    ("won_revenue", "Won Revenue"),
    ("won_count", "Won Deals"),
    ("new_customers", "New Customers"),
    ("win_rate", "Win Rate (%)"),
    ("satisfaction", "Customer Satisfaction"),
    ("market_share", "Market Share (%)"),
]
# Measures counted in money (shown with the company's currency); the others are counts,
# rates and scores.
MONEY_MEASURES = {"won_revenue"}
DIMENSION_SELECTION = [
    ("none", "None"),
    ("product", "Product Line"),
    ("region", "Region"),
    ("segment", "Customer Group"),
]


def first_win_sql(condition):
    """Each customer's first won deal ever, per company (``company_id, partner_id,
    first_date``), for the deals ``condition`` keeps (on ``l``, the deal, and ``lp``, its
    partner): what a new customer is, for targets and for spiffs."""
    return SQL(
        """
        SELECT l.company_id, lp.commercial_partner_id AS partner_id,
               MIN(l.date_closed) AS first_date
          FROM crm_lead l
          JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
          JOIN res_partner lp ON lp.id = l.partner_id
         WHERE l.active AND l.type = 'opportunity' AND %s
      GROUP BY 1, 2
        """,
        condition,
    )


def figures_sql(specs, summed=False):
    """The CRM figures of target specs, as one SQL statement (docs: README "Targets").

    ``specs`` is an SQL relation with the columns ``key, company_id, user_id, team_id,
    measure, tag_id, country_id, state_id, tier_id, industry_id, date_from, date_to,
    market_size`` (the target table itself, or the VALUES of a split being proposed). For
    each key it returns the achieved value over ``date_from..date_to`` and over the same
    period last year (``achieved``, ``last_year``), from won / lost opportunities of the
    owner (a salesperson; else the team; else the whole company) that match the dimension:

    * won: active, in a won stage, ``date_closed`` in the period; lost: archived with
      probability 0, ``date_closed`` in the period (Odoo's own "lost");
    * won revenue is ``expected_revenue`` (company currency); win rate is won / (won + lost);
    * a new customer is a customer whose first won deal ever (in the company, any owner)
      falls in the period, counted when the owner won a deal of it in the period;
    * market share is the won revenue over the target's market size; satisfaction is entered
      by hand (the latest entry of the period: ``key`` is then a stored target's id).

    Each target reads its own deals, one index lookup per target: right for a few. With
    ``summed``, for a large batch, the targets without a dimension whose measure adds up
    (revenue, deals, win rate, market share) instead share one pass over the deals: they are
    summed by owner between the days where periods start or end, and each period adds up
    its stretches, whatever the number of targets. The others (a dimension, new customers)
    still read their own deals.
    """
    return SQL(
        """
        WITH spec AS MATERIALIZED (
            SELECT s.*,
                   (%(summed)s AND s.measure IN ('won_revenue', 'won_count', 'win_rate',
                                                   'market_share')
                    AND s.tag_id IS NULL AND s.country_id IS NULL AND s.state_id IS NULL
                    AND s.tier_id IS NULL AND s.industry_id IS NULL) AS summed,
                   -- as flags, which the planner weighs as half the rows (a comparison on
                   -- a CTE's column weighs almost none: nested loops over large sets)
                   (s.tag_id IS NULL AND s.country_id IS NULL AND s.state_id IS NULL
                    AND s.tier_id IS NULL AND s.industry_id IS NULL) AS whole,
                   s.measure = 'new_customers' AS counts_customers
              FROM (%(specs)s) s
        ),
        period AS MATERIALIZED (
            -- the two periods of a summed target, first day and the day after the last
            -- (last year ends where the period starts, if the period is longer than a year)
            SELECT spec.key, spec.company_id, p.current, p.day_from, p.day_end,
                   CASE WHEN spec.user_id IS NOT NULL THEN 'user'
                        WHEN spec.team_id IS NOT NULL THEN 'team' ELSE 'company' END AS kind,
                   COALESCE(spec.user_id, spec.team_id, 0) AS owner
              FROM spec, LATERAL (
                SELECT TRUE AS current, spec.date_from AS day_from,
                       GREATEST(spec.date_to + 1, spec.date_from) AS day_end
                UNION ALL
                SELECT FALSE, ly.day_from,
                       GREATEST(LEAST((spec.date_to - INTERVAL '1 year')::date + 1,
                                      spec.date_from), ly.day_from)
                  FROM (SELECT (spec.date_from - INTERVAL '1 year')::date AS day_from) ly
              ) p
             WHERE spec.summed
        ),
        edge AS (
            -- every day a period starts or ends after: the deals are summed between them
            SELECT ARRAY(SELECT day_from FROM period UNION SELECT day_end FROM period
                         ORDER BY 1) AS days
        ),
        closed_stretch AS MATERIALIZED (
            -- the won / lost deals by salesperson, team and stretch between two edges, in
            -- one pass over the deals (not through the index: a batch this large reads
            -- most of them)
            SELECT l.company_id, l.user_id, l.team_id,
                   width_bucket(l.date_closed::date, (SELECT days FROM edge)) AS stretch,
                   COALESCE(SUM(l.expected_revenue) FILTER (WHERE l.active), 0) AS won_revenue,
                   COUNT(*) FILTER (WHERE l.active) AS won_count,
                   COUNT(*) FILTER (WHERE NOT l.active) AS lost_count
              FROM crm_lead l
             WHERE l.type = 'opportunity' AND l.date_closed IS NOT NULL
               AND l.company_id IN (SELECT company_id FROM period)
               AND (l.active AND l.stage_id IN (SELECT id FROM crm_stage WHERE is_won)
                    OR NOT l.active AND l.probability = 0)
          GROUP BY 1, 2, 3, 4
        ),
        owner_stretch AS MATERIALIZED (
            -- by owner: salesperson, team, whole company
            SELECT company_id,
                   CASE GROUPING(user_id, team_id) WHEN 1 THEN 'user'
                        WHEN 2 THEN 'team' ELSE 'company' END AS kind,
                   CASE GROUPING(user_id, team_id) WHEN 1 THEN user_id
                        WHEN 2 THEN team_id ELSE 0 END AS owner,
                   stretch, SUM(won_revenue) AS won_revenue, SUM(won_count) AS won_count,
                   SUM(lost_count) AS lost_count
              FROM closed_stretch
          GROUP BY company_id, stretch, GROUPING SETS ((user_id), (team_id), ())
        ),
        owned AS MATERIALIZED (
            -- the other targets: the owner's deals closed in the two periods, one index
            -- lookup per target (crm.lead init: closed deals by salesperson, team and company)
            SELECT spec.key, o.*
              FROM spec, LATERAL (
                SELECT %(deal_columns)s FROM crm_lead l
                 WHERE spec.user_id IS NOT NULL AND l.user_id = spec.user_id
                   AND l.company_id = spec.company_id AND %(closed)s
                UNION ALL
                SELECT %(deal_columns)s FROM crm_lead l
                 WHERE spec.user_id IS NULL AND spec.team_id IS NOT NULL
                   AND l.team_id = spec.team_id AND l.company_id = spec.company_id
                   AND %(closed)s
                UNION ALL
                SELECT %(deal_columns)s FROM crm_lead l
                 WHERE spec.user_id IS NULL AND spec.team_id IS NULL
                   AND l.company_id = spec.company_id AND %(closed)s
            ) o
             WHERE NOT spec.summed AND spec.measure <> 'satisfaction'
        ),
        deal AS MATERIALIZED (
            SELECT d.*,
                   CASE WHEN d.current THEN d.date_from
                        ELSE (d.date_from - INTERVAL '1 year')::date END AS p_from,
                   CASE WHEN d.current THEN d.date_to
                        ELSE (d.date_to - INTERVAL '1 year')::date END AS p_to
              FROM (
                SELECT spec.key, spec.counts_customers, spec.company_id, spec.date_from,
                       spec.date_to,
                       (l.date_closed >= spec.date_from
                        AND l.date_closed < spec.date_to + 1) AS current,
                       (l.active AND COALESCE(s.is_won, FALSE)) AS won,
                       (NOT l.active AND l.probability = 0) AS lost,
                       l.expected_revenue, lp.commercial_partner_id AS partner_id
                  FROM owned l
                  JOIN spec ON spec.key = l.key
                  LEFT JOIN crm_stage s ON s.id = l.stage_id
                  LEFT JOIN res_partner lp ON lp.id = l.partner_id
                  LEFT JOIN res_partner p ON p.id = lp.commercial_partner_id
                 WHERE (l.date_closed >= spec.date_from
                        OR l.date_closed < (spec.date_to - INTERVAL '1 year')::date + 1)
                   AND (spec.whole OR (
                        (spec.tag_id IS NULL OR EXISTS (
                            SELECT 1 FROM crm_tag_rel r
                             WHERE r.lead_id = l.id AND r.tag_id = spec.tag_id))
                        AND (spec.country_id IS NULL OR p.country_id = spec.country_id)
                        AND (spec.state_id IS NULL OR p.state_id = spec.state_id)
                        AND (spec.industry_id IS NULL OR p.industry_id = spec.industry_id)
                        AND (spec.tier_id IS NULL OR EXISTS (
                            SELECT 1 FROM sfa_key_account k
                             WHERE k.partner_id = lp.commercial_partner_id
                               AND k.company_id = l.company_id AND k.tier_id = spec.tier_id))))
              ) d
        ),
        won_customer AS MATERIALIZED (
            -- the customers won in a period by the owner of a "new customers" target
            SELECT DISTINCT key, current, company_id, partner_id, p_from, p_to
              FROM deal WHERE won AND counts_customers AND partner_id IS NOT NULL
        ),
        first_win AS MATERIALIZED (%(first_win)s),
        new_customer AS (
            SELECT w.key, w.current, COUNT(*) AS new_customers
              FROM won_customer w
              JOIN first_win fw ON fw.company_id = w.company_id AND fw.partner_id = w.partner_id
             WHERE fw.first_date >= w.p_from AND fw.first_date < w.p_to + 1
          GROUP BY w.key, w.current
        ),
        agg AS (
            SELECT key, current,
                   COALESCE(SUM(expected_revenue) FILTER (WHERE won), 0) AS won_revenue,
                   COUNT(*) FILTER (WHERE won) AS won_count,
                   COUNT(*) FILTER (WHERE lost) AS lost_count
              FROM deal
          GROUP BY key, current
            UNION ALL
            SELECT p.key, p.current, SUM(o.won_revenue), SUM(o.won_count), SUM(o.lost_count)
              FROM period p
              JOIN owner_stretch o
                ON o.company_id = p.company_id AND o.kind = p.kind AND o.owner = p.owner
               AND o.stretch >= width_bucket(p.day_from, (SELECT days FROM edge))
               AND o.stretch < width_bucket(p.day_end, (SELECT days FROM edge))
          GROUP BY p.key, p.current
        ),
        value AS (
            SELECT spec.key, agg.current,
                   CASE spec.measure
                       WHEN 'won_revenue' THEN agg.won_revenue
                       WHEN 'won_count' THEN agg.won_count
                       WHEN 'new_customers' THEN COALESCE(n.new_customers, 0)
                       WHEN 'win_rate' THEN CASE WHEN agg.won_count + agg.lost_count > 0
                           THEN 100.0 * agg.won_count / (agg.won_count + agg.lost_count)
                           ELSE 0 END
                       WHEN 'market_share' THEN CASE WHEN spec.market_size > 0
                           THEN 100.0 * agg.won_revenue / spec.market_size ELSE 0 END
                   END AS amount
              FROM spec JOIN agg ON agg.key = spec.key
         LEFT JOIN new_customer n ON n.key = agg.key AND n.current = agg.current
        )
        SELECT spec.key,
               CASE WHEN spec.measure = 'satisfaction' THEN COALESCE((
                        SELECT e.value FROM sfa_sales_target_entry e
                         WHERE e.target_id = spec.key
                           AND e.date >= spec.date_from AND e.date <= spec.date_to
                      ORDER BY e.date DESC, e.id DESC LIMIT 1), 0)
                    ELSE COALESCE(cur.amount, 0)
               END AS achieved,
               COALESCE(prev.amount, 0) AS last_year
          FROM spec
     LEFT JOIN value cur ON cur.key = spec.key AND cur.current
     LEFT JOIN value prev ON prev.key = spec.key AND NOT prev.current
        """,
        specs=specs,
        summed=summed,
        deal_columns=SQL(
            """l.id, l.company_id, l.date_closed, l.active, l.stage_id, l.probability,
               l.expected_revenue, l.partner_id"""
        ),
        first_win=first_win_sql(
            SQL(
                """lp.commercial_partner_id IN (SELECT partner_id FROM won_customer)
                   AND l.company_id IN (SELECT company_id FROM won_customer)"""
            )
        ),
        closed=SQL(
            """l.type = 'opportunity' AND l.date_closed IS NOT NULL
               AND l.date_closed >= (spec.date_from - INTERVAL '1 year')
               AND l.date_closed < spec.date_to + 1"""
        ),
    )


def _half_up_sql(dividend, divisor):
    """``dividend / divisor`` rounded half-up (away from zero) to 2 decimals, as the engine
    rounds its exact fractions: the quotient is taken to 60 decimals and snapped to 50, so
    that a value lying exactly on a half cent (12.345 as 37.035 / 3) is not read as just
    below it, then rounded."""
    return SQL("ROUND(ROUND(ROUND(%s, 60) / %s, 50), 2)", dividend, divisor)


def progress_sql(figures, ids, today):
    """Every figure of stored targets, as one SQL statement: the engine's (engine/targets.py)
    ``attainment``, ``growth``, ``expected_to_date`` (the seasonality of
    ``SfaSalesTarget._seasonality``) and ``pace_status`` on top of ``figures`` (the
    ``figures_sql`` of the targets ``ids``, keyed by id). Returns ``id, achieved, last_year,
    attainment, growth, expected, pace`` (``pace`` NULL when the period ends before it
    starts); tests/test_sales_targets.py checks it against the engine."""
    return SQL(
        """
        WITH figure AS MATERIALIZED (%(figures)s),
        target AS MATERIALIZED (
            SELECT t.id, t.parent_id, t.date_from, t.date_to, t.amount::numeric AS amount,
                   f.achieved::numeric AS achieved, f.last_year::numeric AS last_year
              FROM figure f JOIN sfa_sales_target t ON t.id = f.key
        ),
        period_split AS MATERIALIZED (
            -- the targets split by period (their children do not all start on one day)
            -- among the targets and their parents
            SELECT parent_id AS id FROM sfa_sales_target
             WHERE parent_id = ANY(%(ids)s)
                OR parent_id IN (SELECT parent_id FROM sfa_sales_target WHERE id = ANY(%(ids)s))
          GROUP BY parent_id HAVING MIN(date_from) < MAX(date_from)
        ),
        sibling_paced AS MATERIALIZED (
            -- a target covering its parent's period, the parent split by period, is paced
            -- by the parent's children (its siblings and itself)
            SELECT t.id, t.parent_id
              FROM target t JOIN sfa_sales_target parent ON parent.id = t.parent_id
             WHERE t.parent_id IN (SELECT id FROM period_split)
               AND parent.date_from = t.date_from AND parent.date_to = t.date_to
        ),
        piece AS (
            SELECT s.id, p.date_from, p.date_to, p.amount::numeric AS weight
              FROM sibling_paced s JOIN sfa_sales_target p ON p.parent_id = s.parent_id
            UNION ALL
            -- else a target split by period is paced by its own children
            SELECT c.parent_id, c.date_from, c.date_to, c.amount::numeric
              FROM sfa_sales_target c
             WHERE c.parent_id IN (SELECT id FROM period_split)
               AND c.parent_id IN (SELECT id FROM target)
               AND c.parent_id NOT IN (SELECT id FROM sibling_paced)
        ),
        season AS (
            -- the amount due by today over the sum of the weights (NULL: all weigh 0)
            SELECT id,
                   SUM(ROUND(weight * LEAST(GREATEST(%(today)s - date_from + 1, 0),
                                            date_to - date_from + 1), 60)
                       / NULLIF(date_to - date_from + 1, 0)) AS due_weight,
                   NULLIF(SUM(weight), 0) AS weight
              FROM piece GROUP BY id
        ),
        expected AS (
            SELECT t.*,
                   CASE WHEN t.date_to < t.date_from THEN NULL
                        WHEN s.weight IS NOT NULL THEN %(seasonal)s
                        ELSE %(linear)s END AS due
              FROM target t LEFT JOIN season s ON s.id = t.id
        )
        SELECT id, ROUND(achieved, 2), ROUND(last_year, 2),
               CASE WHEN amount > 0 THEN %(attainment)s ELSE 0 END,
               CASE WHEN last_year > 0 THEN %(growth)s ELSE 0 END,
               COALESCE(due, 0),
               CASE WHEN due IS NULL THEN NULL
                    WHEN due <= 0 OR achieved >= due THEN 'on_track'
                    WHEN achieved * 100 >= due * 80 THEN 'behind'
                    ELSE 'at_risk' END
          FROM expected
        """,
        figures=figures,
        ids=list(ids),
        today=today,
        seasonal=_half_up_sql(SQL("t.amount * s.due_weight"), SQL("s.weight")),
        linear=_half_up_sql(
            SQL(
                "t.amount * LEAST(GREATEST(%s - t.date_from + 1, 0), t.date_to - t.date_from + 1)",
                today,
            ),
            SQL("(t.date_to - t.date_from + 1)"),
        ),
        attainment=_half_up_sql(SQL("achieved * 100"), SQL("amount")),
        growth=_half_up_sql(SQL("(achieved - last_year) * 100"), SQL("last_year")),
    )


SPEC_COLUMNS = (
    "key",
    "company_id",
    "user_id",
    "team_id",
    "measure",
    "tag_id",
    "country_id",
    "state_id",
    "tier_id",
    "industry_id",
    "date_from",
    "date_to",
    "market_size",
)
_SPEC_TYPES = (
    "int",
    "int",
    "int",
    "int",
    "varchar",
    "int",
    "int",
    "int",
    "int",
    "int",
    "date",
    "date",
    "numeric",
)


def spec_values_sql(rows):
    """Target specs not stored yet (a split being proposed) as an SQL relation for
    ``figures_sql``: each row a dict of ``SPEC_COLUMNS``, typed so that empty values compare."""
    values = SQL(", ").join(
        SQL(
            "(%s)",
            SQL(", ").join(
                SQL(f"%s::{kind}", None if row.get(col) is None or row[col] is False else row[col])
                for col, kind in zip(SPEC_COLUMNS, _SPEC_TYPES, strict=True)
            ),
        )
        for row in rows
    )
    return SQL("SELECT * FROM (VALUES %s) AS v(%s)", values, SQL(", ".join(SPEC_COLUMNS)))


class SfaSalesTarget(models.Model):
    """A sales target (销售目标): what one owner — a salesperson, a sales team or the whole
    company — should achieve in a period, in a measure read from the CRM (or entered by
    hand), optionally for one product line, region or customer group. Targets are split
    (目标分解) into children that add up exactly to their parent, and once confirmed change
    only through Adjust (目标调整), which logs the reason."""

    _name = "sfa.sales.target"
    _description = "Sales Target"
    _inherit = ["mail.thread", "mail.activity.mixin", "sfa.access.mixin"]
    _order = "date_from desc, parent_path, id"
    _parent_store = True
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    money_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_money_currency_id",
        help="The currency of the target's figures when its measure is money, else empty.",
    )
    user_id = fields.Many2one(
        "res.users",
        "Salesperson",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
        help="The owner, for a personal target. Empty for a team or company target.",
    )
    team_id = fields.Many2one(
        "crm.team",
        "Sales Team",
        index=True,
        tracking=True,
        check_company=True,
        help="The owner of a team target; for a personal target, the team it was split from.",
    )
    owner_type = fields.Selection(
        [("user", "Salesperson"), ("team", "Sales Team"), ("company", "Company")],
        compute="_compute_owner_type",
        store=True,
    )
    date_from = fields.Date("From", required=True, tracking=True)
    date_to = fields.Date("To", required=True, tracking=True)
    measure = fields.Selection(
        MEASURE_SELECTION, required=True, default="won_revenue", tracking=True
    )
    is_additive = fields.Boolean(compute="_compute_is_additive")
    amount = fields.Float("Target", required=True, tracking=True, digits=(16, 2))
    dimension = fields.Selection(DIMENSION_SELECTION, default="none", required=True)
    tag_id = fields.Many2one("crm.tag", "Product Line", ondelete="restrict")
    country_id = fields.Many2one("res.country", ondelete="restrict")
    state_id = fields.Many2one(
        "res.country.state",
        "State / Province",
        ondelete="restrict",
        domain="[('country_id', '=?', country_id)]",
    )
    tier_id = fields.Many2one(
        "sfa.key.account.tier", "Customer Tier", ondelete="restrict", check_company=True
    )
    industry_id = fields.Many2one("res.partner.industry", ondelete="restrict")
    market_size = fields.Monetary(
        tracking=True, help="For a market-share target: the size of the market in the period."
    )
    parent_id = fields.Many2one(
        "sfa.sales.target", "Parent Target", index=True, ondelete="restrict", check_company=True
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("sfa.sales.target", "parent_id", "Split Into")
    child_count = fields.Integer(compute="_compute_child_count")
    can_manage = fields.Boolean(
        compute="_compute_can_manage", help="The current user may split and adjust it."
    )
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    note = fields.Html()
    entry_ids = fields.One2many("sfa.sales.target.entry", "target_id", "Entries")
    matrix_html = fields.Html(
        "Owners by Month",
        compute="_compute_matrix_html",
        sanitize=False,
        help="The targets this one is split into, by owner and month: target, achieved and "
        "attainment, green from 100%, amber from 80%, red below.",
    )
    achieved_amount = fields.Float("Achieved", compute="_compute_figures", digits=(16, 2))
    last_year_amount = fields.Float(
        "Same Period Last Year", compute="_compute_figures", digits=(16, 2)
    )
    attainment = fields.Float("Attainment (%)", compute="_compute_figures", digits=(16, 2))
    growth = fields.Float(
        "Growth (%)",
        compute="_compute_figures",
        digits=(16, 2),
        help="Against the same period last year (与去年同期相比); 0 when last year had nothing.",
    )
    expected_amount = fields.Float(
        "Expected by Today",
        compute="_compute_figures",
        digits=(16, 2),
        help="The share of the target due by today: linear over the period, or by the "
        "seasonality of the parent's split by period.",
    )
    pace_status = fields.Selection(
        [("on_track", "On Track"), ("behind", "Behind"), ("at_risk", "At Risk")],
        "Status",
        compute="_compute_figures",
    )

    # --- computes -------------------------------------------------------------------------------
    @api.depends("measure", "company_id.currency_id")
    def _compute_money_currency_id(self):
        for target in self:
            money = target.measure in MONEY_MEASURES
            target.money_currency_id = target.currency_id if money else False

    @api.depends("user_id", "team_id")
    def _compute_owner_type(self):
        for target in self:
            target.owner_type = (
                "user" if target.user_id else "team" if target.team_id else "company"
            )

    @api.depends("measure")
    def _compute_is_additive(self):
        for target in self:
            target.is_additive = target.measure in engine.ADDITIVE_MEASURES

    @api.depends_context("uid")
    @api.depends("team_id.user_id")
    def _compute_can_manage(self):
        admin = self.env.user.has_group("sfa_key_accounts.group_sfa_targets_admin")
        for target in self:
            target.can_manage = admin or target.team_id.user_id == self.env.user

    @api.depends("child_ids")
    def _compute_child_count(self):
        for target in self:
            target.child_count = len(target.child_ids)

    @api.depends(
        "measure",
        "amount",
        "date_from",
        "date_to",
        "user_id",
        "team_id",
        "market_size",
        *DIMENSION_FIELDS,
        "entry_ids.value",
        "entry_ids.date",
        "parent_id.child_ids.amount",
    )
    def _compute_figures(self):
        """All figures of the stored targets in one SQL statement for the whole batch
        (``figures_sql`` and ``progress_sql``, the engine's formulas), put in the cache at
        once; an unsaved target (nothing achieved yet) through the engine: the number of
        queries never depends on the number of targets or opportunities."""
        stored = self.filtered("id")
        if stored:
            rows = stored._progress()
            empty = (0.0, 0.0, 0.0, 0.0, 0.0, None)
            values = [rows.get(target_id, empty) for target_id in stored._ids]
            for column, name in enumerate(FIGURE_FIELDS):
                self.env.cache.update(stored, self._fields[name], [v[column] for v in values])
        today = fields.Date.context_today(self)
        for target in self - stored:
            target.achieved_amount = target.last_year_amount = 0.0
            target.attainment = target.growth = 0.0
            if not (target.date_from and target.date_to) or target.date_to < target.date_from:
                target.expected_amount, target.pace_status = 0.0, False
                continue
            target.expected_amount = engine.expected_to_date(
                target.amount, target.date_from, target.date_to, today, target._seasonality()
            )
            target.pace_status = engine.pace_status(0.0, target.expected_amount)

    @api.depends("child_ids")
    def _compute_matrix_html(self):
        """The leaves below each target in a table of owners x months (one search for all
        the targets' descendants, their figures in one statement)."""
        below = self.filtered("id")
        leaves = self.search(
            [("id", "child_of", below.ids), ("child_ids", "=", False), ("id", "not in", below.ids)]
        )
        for target in self:
            prefix = target.id and target.parent_path
            mine = leaves.filtered(lambda t, p=prefix: p and t.parent_path.startswith(p))
            target.matrix_html = mine._matrix_table() if mine else False

    def _matrix_table(self):
        owners = sorted({(t.user_id or t.team_id).display_name or "" for t in self})
        months = sorted({t.date_from.strftime("%Y-%m") for t in self})
        cells = {}
        for t in self:
            key = ((t.user_id or t.team_id).display_name or "", t.date_from.strftime("%Y-%m"))
            amount, achieved = cells.get(key, (0.0, 0.0))
            cells[key] = (amount + t.amount, achieved + t.achieved_amount)
        colour = {"on_track": "success", "behind": "warning", "at_risk": "danger"}
        head = Markup("").join(Markup("<th class='text-end'>%s</th>") % m for m in months)
        rows = Markup("")
        for owner in owners:
            row = Markup("<td>%s</td>") % owner
            for month in months:
                if (owner, month) not in cells:
                    row += Markup("<td/>")
                    continue
                amount, achieved = cells[owner, month]
                band = colour[engine.pace_status(achieved, amount)]
                row += Markup("<td class='text-end text-bg-%s' title='%s'>%s<br/>%s</td>") % (
                    band,
                    self.env._("achieved / target"),
                    f"{achieved:,.0f} / {amount:,.0f}",
                    f"{engine.attainment(achieved, amount) or 0:.0f}%",
                )
            rows += Markup("<tr>%s</tr>") % row
        return Markup(
            "<table class='table table-sm table-bordered o_sfa_target_matrix'>"
            "<thead><tr><th/>%s</tr></thead><tbody>%s</tbody></table>"
        ) % (head, rows)

    def _read_format(self, fnames, load="_classic_read"):
        """The figures of all the records read in one go: the ORM computes a non-stored field
        by prefetch chunks of 1,000 records, each chunk one more pass over the deals."""
        if len(self) > 1 and not set(fnames).isdisjoint(FIGURE_FIELDS):
            self._fields["attainment"].compute_value(self)
        return super()._read_format(fnames, load=load)

    def _progress(self):
        """{target id: (achieved, same period last year, attainment, growth, expected by
        today, pace)} read from the CRM in one query (``progress_sql``)."""
        self.env.flush_all()  # the statement reads leads, tags, customers, tiers and entries
        # sudo-like reach on purpose: a target's figures count every opportunity of its owner,
        # also those the reader may not open (a team leader's own rights are not the team's).
        specs = SQL(
            """SELECT id AS key, company_id, user_id, team_id, measure, tag_id, country_id,
                      state_id, tier_id, industry_id, date_from, date_to, market_size
                 FROM sfa_sales_target WHERE id = ANY(%s)""",
            list(self.ids),
        )
        figures = figures_sql(specs, summed=len(self) >= SUMMED_FROM)
        self.env.cr.execute(progress_sql(figures, self.ids, fields.Date.context_today(self)))
        return {
            row[0]: (
                float(row[1]),
                float(row[2]),
                float(row[3]),
                float(row[4]),
                float(row[5]),
                row[6],
            )
            for row in self.env.cr.fetchall()
        }

    @api.model
    def _figures_of_specs(self, rows):
        """{key: (achieved, same period last year)} of unsaved target specs, in one query."""
        if not rows:
            return {}
        self.env.flush_all()
        self.env.cr.execute(figures_sql(spec_values_sql(rows), summed=len(rows) >= SUMMED_FROM))
        return {
            key: (float(achieved), float(last_year))
            for key, achieved, last_year in self.env.cr.fetchall()
        }

    def _seasonality(self):
        """The pieces (start, end, weight) of the parent's split by period, if the target is
        one of them or shares the parent's period; None for linear pace."""
        siblings = self.parent_id.child_ids
        if (
            self.parent_id
            and len(siblings) > 1
            and siblings.mapped("date_from") != [self.date_from] * len(siblings)
            and self.date_from == self.parent_id.date_from
            and self.date_to == self.parent_id.date_to
        ):
            return [(t.date_from, t.date_to, t.amount) for t in siblings]
        if self.child_ids and len(set(self.child_ids.mapped("date_from"))) > 1:
            return [(t.date_from, t.date_to, t.amount) for t in self.child_ids]
        return None

    # --- constraints ----------------------------------------------------------------------------
    @api.constrains("amount", "date_from", "date_to")
    def _check_amount_and_period(self):
        for target in self:
            if target.amount < 0:
                raise ValidationError(
                    self.env._("%(name)s: a target cannot be negative.", name=target.name)
                )
            if target.date_to < target.date_from:
                raise ValidationError(
                    self.env._("%(name)s: the period ends before it starts.", name=target.name)
                )

    @api.constrains("dimension", *DIMENSION_FIELDS)
    def _check_dimension(self):
        needs = {
            "product": ("tag_id",),
            "region": ("country_id", "state_id"),
            "segment": ("tier_id", "industry_id"),
            "none": (),
        }
        for target in self:
            allowed = needs[target.dimension]
            if any(target[f] for f in DIMENSION_FIELDS if f not in allowed):
                raise ValidationError(
                    self.env._("%(name)s: set only the fields of its dimension.", name=target.name)
                )
            if allowed and not any(target[f] for f in allowed):
                raise ValidationError(
                    self.env._(
                        "%(name)s: a target by %(dimension)s needs its value.",
                        name=target.name,
                        dimension=dict(DIMENSION_SELECTION)[target.dimension],
                    )
                )

    @api.constrains("user_id", "team_id", "measure", "date_from", "date_to", *DIMENSION_FIELDS)
    def _check_overlap(self):
        """One target per owner, measure, dimension and time: no two may overlap, except a
        target and its own split (a parent and its descendants)."""
        Target = self.sudo().with_context(active_test=False)
        candidates = (
            Target.search(
                [
                    ("id", "not in", self.ids),
                    ("company_id", "in", self.company_id.ids),
                    ("measure", "in", list(set(self.mapped("measure")))),
                    ("date_from", "<=", max(self.mapped("date_to"))),
                    ("date_to", ">=", min(self.mapped("date_from"))),
                ]
            )
            | self.sudo()
        )
        for target in self:
            for other in candidates:
                if other == target or not target._same_scope(other):
                    continue
                if other.date_from > target.date_to or other.date_to < target.date_from:
                    continue
                if target._is_relative(other):
                    continue
                raise ValidationError(
                    self.env._(
                        "%(name)s overlaps %(other)s: same owner, measure and dimension in "
                        "the same period.",
                        name=target.name,
                        other=other.name,
                    )
                )

    def _same_scope(self, other):
        keys = ("company_id", "user_id", "measure", *DIMENSION_FIELDS)
        if any(self[k] != other[k] for k in keys):
            return False
        # a team target and a personal target never clash; two team targets do
        return bool(self.user_id) or self.team_id == other.team_id

    def _is_relative(self, other):
        """Whether one of the two targets descends from the other."""
        mine, theirs = self.parent_path or "", other.parent_path or ""
        return bool(mine and theirs) and (mine.startswith(theirs) or theirs.startswith(mine))

    @api.constrains("user_id", "team_id")
    def _check_member(self):
        """A personal target of a team is a member's (or its leader's): a team leader sets
        no target, and so reads no figures, of someone outside their team."""
        for target in self.filtered(lambda t: t.user_id and t.team_id):
            team = target.team_id.sudo()
            if target.user_id not in team.member_ids | team.user_id:
                raise ValidationError(
                    self.env._(
                        "%(user)s is not a member of %(team)s.",
                        user=target.user_id.name,
                        team=team.name,
                    )
                )

    # --- CRUD -----------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if any(v.get("parent_id") for v in vals_list) and not (
            self.env.su or is_trusted(self.env, TARGET_CHANGE)
        ):
            raise UserError(self.env._("A target gets its parent by a Split, which adds up."))
        return super().create(vals_list)

    def write(self, vals):
        if "parent_id" in vals and not (self.env.su or is_trusted(self.env, TARGET_CHANGE)):
            raise UserError(self.env._("A target gets its parent by a Split, which adds up."))
        if not is_trusted(self.env, TARGET_CHANGE):
            locked = set(vals) - FREE_FIELDS
            if locked and self.filtered(lambda t: t.state == "confirmed"):
                raise UserError(
                    self.env._(
                        "A confirmed target changes only through Adjust, which logs the "
                        "reason: %(names)s.",
                        names=", ".join(
                            self.filtered(lambda t: t.state == "confirmed").mapped("name")
                        ),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if self.filtered(lambda t: t.state == "confirmed" or t.child_ids):
            raise UserError(
                self.env._("Confirmed targets and targets split into others cannot be deleted.")
            )

    # --- actions --------------------------------------------------------------------------------
    def action_confirm(self):
        for target in self:
            if target.state != "draft":
                raise UserError(self.env._("%(name)s is already confirmed.", name=target.name))
        trusted(self, TARGET_CHANGE).write({"state": "confirmed"})
        return True

    def action_split(self):
        self.ensure_one()
        if self.state != "confirmed":
            raise UserError(self.env._("Confirm %(name)s before splitting it.", name=self.name))
        return {
            "type": "ir.actions.act_window",
            "res_model": "sfa.sales.target.split",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Split Target"),
            "context": {"default_target_id": self.id},
        }

    def action_adjust(self):
        self.ensure_one()
        if self.state != "confirmed":
            raise UserError(
                self.env._("A draft target is edited directly; Adjust is for confirmed ones.")
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "sfa.sales.target.adjust",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Adjust Target"),
            "context": {"default_target_id": self.id, "default_new_amount": self.amount},
        }

    @api.readonly
    def action_view_children(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "list,form",
            "domain": [("parent_id", "=", self.id)],
            "name": self.env._("Split of %(name)s", name=self.name),
        }

    # --- business methods -----------------------------------------------------------------------
    def _digits(self):
        """Decimal places a split keeps: the currency's for money, none for counts."""
        if self.measure in ("won_count", "new_customers"):
            return 0
        return self.currency_id.decimal_places if self.measure == "won_revenue" else 2

    def _check_children_sum(self):
        """Children of an additive target add up exactly to it (in its rounding)."""
        for target in self.filtered(lambda t: t.is_additive and t.child_ids):
            if not engine.check_split(
                target.amount, target.child_ids.mapped("amount"), target._digits()
            ):
                raise ValidationError(
                    self.env._(
                        "The split of %(name)s adds up to %(total)s, not %(amount)s.",
                        name=target.name,
                        total=round(sum(target.child_ids.mapped("amount")), target._digits()),
                        amount=target.amount,
                    )
                )

    def _log_change(self, old, new, reason, note):
        body = Markup("%s<br/>%s") % (
            self.env._(
                "Target adjusted: %(old)s → %(new)s (%(reason)s).", old=old, new=new, reason=reason
            ),
            note or "",
        )
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
