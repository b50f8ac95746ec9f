from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..engine import ranking
from .nullable_float import NullableFloat
from .sfa_access_mixin import is_trusted

MANAGER_GROUP = "sfa_key_accounts.group_sfa_manager"
# Who is a key account, its tier, manager and team: decided by key-account managers only.
MANAGED_FIELDS = {"partner_id", "company_id", "is_key", "tier_id", "manager_id", "member_ids"}
# Figures of the 80/20 selection: written by the selection only (see ``RANKING``).
RANKING_FIELDS = {"rank", "revenue", "cumulative_share", "tier_date", "sfa_proposed_tier_id"}
RANKING = "sfa_ranking"


class SfaKeyAccount(models.Model):
    """A customer as one company sees it: key account or not, tier, key-account manager and
    team, the figures of the last 80/20 ranking, the current account plan and its health,
    and the private parts of the customer record (business, personal, logistics details).

    This lives apart from ``res.partner`` on purpose: every employee can read a partner, and
    a customer's portal users can read their own; who may read this is decided by record
    rules (the customer's salesperson, its key-account manager and team, key-account
    managers of the same company). A partner shared by two companies has one key account in
    each, with its own tier and manager.
    """

    _name = "sfa.key.account"
    _description = "Key Account"
    _inherit = ["mail.thread", "mail.activity.mixin", "sfa.access.mixin", "sfa.edit.guard.mixin"]
    _order = "revenue desc, name, id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('is_company', '=', True)]",
    )
    name = fields.Char(related="partner_id.name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    salesperson_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    is_key = fields.Boolean("Key Account", tracking=True, index=True)
    tier_id = fields.Many2one(
        "sfa.key.account.tier",
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
        help="Tier of the customer pyramid; changes are kept in the tier history.",
    )
    tier_date = fields.Date("Tier Changed On", readonly=True, copy=False)
    sfa_proposed_tier_id = fields.Many2one(
        "sfa.key.account.tier",
        "Proposed Tier",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The tier the monthly 80/20 re-tiering proposes (not configured to apply it): "
        "apply it with CRM > Key Accounts > 80/20 Selection.",
    )
    manager_id = fields.Many2one(
        "res.users", "Key Account Manager", tracking=True, index=True, check_company=True
    )
    member_ids = fields.One2many(
        "sfa.key.account.member", "key_account_id", "Account Team", copy=False
    )
    relationship = fields.Selection(
        [
            ("clip", "Clip (transactional)"),
            ("zipper", "Zipper (adapted)"),
            ("velcro", "Velcro (interdependent)"),
        ],
        "Relationship Type",
        tracking=True,
        help="Clip: pure transaction, standard offer. Zipper: adapted offer, familiar. "
        "Velcro: customised, interdependent, closest.",
    )
    tier_history_ids = fields.One2many(
        "sfa.key.account.tier.history", "key_account_id", readonly=True
    )
    plan_ids = fields.One2many("sfa.account.plan", "key_account_id", "Account Plans")
    plan_count = fields.Integer("Plans", compute="_compute_plan_count")
    current_plan_id = fields.Many2one(
        "sfa.account.plan", compute="_compute_current_plan", store=True
    )
    health = NullableFloat(
        related="current_plan_id.health_score",
        store=True,
        aggregator="avg",
        help="0-100 relationship health of the current account plan (see the plan's breakdown); "
        "empty when not assessed.",
    )
    health_assessed = fields.Boolean(related="current_plan_id.health_assessed", store=True)
    # Figures of the last applied 80/20 ranking (for the concentration curve and pivots).
    rank = fields.Integer(readonly=True, copy=False, aggregator="min")
    revenue = fields.Monetary("Ranked Revenue", readonly=True, copy=False)
    cumulative_share = fields.Float(
        "Cumulative Share (%)", readonly=True, copy=False, aggregator="max", digits=(5, 2)
    )
    # The customer record in five parts: basic details are the partner's own fields, the
    # commercial record is its opportunities; these three are private to the account team.
    business_info = fields.Html("Business Details", help="Plans, fiscal year, organisation...")
    personal_info = fields.Html(
        "Personal Details", help="Birthdays, interests and preferences of the people we meet."
    )
    logistics_info = fields.Html("Logistics Details", help="Delivery priorities, sites...")
    # Non-monetary value of the customer (非货币价值), filled in by the account team; optional
    # criteria of the 80/20 selection (docs/method.md §1.1).
    customer_since = fields.Date(
        tracking=True,
        help="When the customer started buying from us. Empty: the closing date of its first "
        "won deal.",
    )
    loyalty_years = fields.Integer(
        "Years of Loyalty",
        compute="_compute_loyalty_years",
        help="Completed years since the customer started buying from us (Customer Since, "
        "else its first won deal).",
    )
    tolerance_score = fields.Integer(
        "Tolerance of Our Mistakes",
        tracking=True,
        help="0 (none) to 5 (very high): how patiently the customer bears our mistakes.",
    )
    advice_score = fields.Integer(
        "Advice Given",
        tracking=True,
        help="0 (none) to 5 (very often): how much useful advice the customer gives us on our "
        "products and service.",
    )
    referral_count = fields.Integer(
        "Referrals",
        tracking=True,
        help="Number of new customers this customer has referred to us.",
    )
    can_manage = fields.Boolean(compute="_compute_can_manage")

    _sql_constraints = [
        (
            "partner_company_unique",
            "unique(partner_id, company_id)",
            "A customer has one key-account record per company.",
        ),
    ]

    def _compute_plan_count(self):
        counts = dict(
            self.env["sfa.account.plan"]._read_group(
                [("key_account_id", "in", self.ids)], ["key_account_id"], ["__count"]
            )
        )
        for account in self:
            account.plan_count = counts.get(account, 0)

    @api.depends("plan_ids.state", "plan_ids.date_start")
    def _compute_current_plan(self):
        """The live plan (active or in review) that started last, else the last plan."""
        for account in self:
            plans = account.plan_ids
            live = plans.filtered(lambda p: p.state in ("active", "review"))
            account.current_plan_id = (live or plans).sorted(
                lambda p: (p.date_start, p._origin.id)
            )[-1:]

    @api.depends("customer_since")
    def _compute_loyalty_years(self):
        today = fields.Date.context_today(self)
        first_won = {}
        accounts = self.filtered(lambda a: a.id and not a.customer_since)
        if accounts:
            self.env["crm.lead"].flush_model(
                ["type", "active", "company_id", "date_closed", "stage_id", "partner_id"]
            )
            self.env["res.partner"].flush_model(["commercial_partner_id"])
            first_won = {
                (partner, company): closed
                for partner, company, closed in self.env.execute_query(
                    self._sfa_first_won_sql(accounts.company_id.ids, accounts.partner_id.ids)
                )
            }
        for account in self:
            since = account.customer_since or first_won.get(
                (account.partner_id.id, account.company_id.id)
            )
            account.loyalty_years = ranking.loyalty_years(since, today)

    @api.model
    def _sfa_first_won_sql(self, company_ids, partner_ids=None):
        """(commercial partner, company, closing date of its first won deal) of these
        companies' customers (all of them when ``partner_ids`` is None): where the years of
        loyalty start when Customer Since is empty. Read in SQL, whatever the user's record
        rules, like the 80/20 ranking (it reveals one date per customer)."""
        return SQL(
            """
            SELECT p.commercial_partner_id AS partner_id, l.company_id,
                   MIN(l.date_closed)::date AS first_won
              FROM crm_lead l
              JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
              JOIN res_partner p ON p.id = l.partner_id
             WHERE l.type = 'opportunity' AND l.active AND l.company_id = ANY(%(companies)s)
               AND l.date_closed IS NOT NULL AND p.commercial_partner_id IS NOT NULL
               %(partners)s
          GROUP BY p.commercial_partner_id, l.company_id
            """,
            companies=list(company_ids),
            partners=SQL("AND p.commercial_partner_id = ANY(%s)", list(partner_ids))
            if partner_ids is not None
            else SQL(),
        )

    @api.constrains("tolerance_score", "advice_score", "referral_count")
    def _check_non_monetary_value(self):
        for account in self:
            if not (0 <= account.tolerance_score <= 5 and 0 <= account.advice_score <= 5):
                raise ValidationError(
                    self.env._("Tolerance of our mistakes and advice given are scored 0 to 5.")
                )
            if account.referral_count < 0:
                raise ValidationError(self.env._("Referrals cannot be negative."))

    @api.depends_context("uid")
    def _compute_can_manage(self):
        self.can_manage = self.env.user.has_group(MANAGER_GROUP)

    @api.constrains("partner_id")
    def _check_partner_is_account(self):
        for account in self:
            if account.partner_id != account.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(person)s is a contact of %(company)s: the key account is the company.",
                        person=account.partner_id.display_name,
                        company=account.partner_id.commercial_partner_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._sfa_check_protected(vals)
        accounts = super().create(vals_list)
        no_tier = self.env["sfa.key.account.tier"]
        for tier, created in accounts.filtered("tier_id").grouped("tier_id").items():
            created._sfa_log_tier_changes(dict.fromkeys(created, no_tier), tier)
        return accounts

    def write(self, vals):
        self._sfa_check_protected(vals)
        if "tier_id" not in vals:
            return super().write(vals)
        new_tier = self.env["sfa.key.account.tier"].browse(vals["tier_id"])
        old_tiers = {account: account.tier_id for account in self}
        changed = self.filtered(lambda a: old_tiers[a] != new_tier)
        super(SfaKeyAccount, self - changed).write(vals)
        super(SfaKeyAccount, changed).write(dict(vals, tier_date=fields.Date.context_today(self)))
        changed._sfa_log_tier_changes(old_tiers, new_tier)
        return True

    def _sfa_check_protected(self, vals):
        """Ranking figures come from the 80/20 selection only; key-account status, tier,
        manager and team are set by key-account managers only."""
        if self.env.su:
            return
        if RANKING_FIELDS & vals.keys() and not is_trusted(self.env, RANKING):
            raise UserError(
                self.env._(
                    "Rank, ranked revenue, cumulative share, tier date and proposed tier are set "
                    "by the 80/20 selection only."
                )
            )
        if MANAGED_FIELDS & vals.keys() and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only key-account managers can change key-account status, tier, manager "
                    "and team."
                )
            )

    def _sfa_log_tier_changes(self, old_tiers, new_tier):
        """Keep the tier history and say it in the key account's chatter (readable only by
        those who may read the key account), in one batch for all of self."""
        if not self:
            return
        reason = self.env.context.get("sfa_tier_reason") or self.env._("Changed by hand")
        # sudo: the history is read-only for everyone (no create right); it is written here,
        # and only here, for tier changes the caller was allowed to make.
        self.env["sfa.key.account.tier.history"].sudo().create(
            [
                {
                    "key_account_id": account.id,
                    "from_tier_id": old_tiers[account].id,
                    "to_tier_id": new_tier.id,
                    "reason": reason,
                    "user_id": self.env.uid,
                }
                for account in self
            ]
        )
        none = self.env._("no tier")
        bodies = {
            account.id: Markup("%s<br/>%s")
            % (
                self.env._(
                    "Tier: %(old)s → %(new)s",
                    old=old_tiers[account].name or none,
                    new=new_tier.name or none,
                ),
                reason,
            )
            for account in self
        }
        self._message_log_batch(bodies=bodies)

    @api.model
    def _sfa_for_partners(self, partners, company):
        """{partner id: key account of ``company``}, creating the missing ones (not key, no
        tier) with the caller's rights: only key-account managers may create them."""
        accounts = self.with_context(active_test=False).search(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)]
        )
        by_partner = {account.partner_id.id: account for account in accounts}
        missing = [p.id for p in partners if p.id not in by_partner]
        if missing:
            created = self.with_context(
                mail_create_nolog=True, mail_create_nosubscribe=True
            ).create([{"partner_id": pid, "company_id": company.id} for pid in missing])
            by_partner.update({account.partner_id.id: account for account in created})
        return by_partner

    @api.model
    @api.readonly
    def sfa_concentration_curve(self):
        """Points of the current company's concentration (Pareto) curve from the last applied
        80/20 ranking: ``[{"customer_share": %, "revenue_share": %}]``, best customers first.
        Read-only: served by a read replica where there is one (README, "read replica")."""
        self.check_access("read")
        self.flush_model(["rank", "revenue", "cumulative_share", "company_id"])
        rows = self.env.execute_query(
            SQL(
                """SELECT id, revenue, rank, cumulative_share FROM sfa_key_account
                    WHERE company_id = %s AND revenue > 0 ORDER BY rank, id""",
                self.env.company.id,
            )
        )
        ranked = [ranking.Ranked(key, rev, rank, 0.0, cum, None) for key, rev, rank, cum in rows]
        return [
            {"customer_share": customers, "revenue_share": revenue}
            for customers, revenue in ranking.concentration(ranked)
        ]

    @api.readonly
    def action_view_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sfa_key_accounts.sfa_account_plan_action"
        )
        action["domain"] = [("key_account_id", "=", self.id)]
        action["context"] = {
            "default_partner_id": self.partner_id.id,
            "default_company_id": self.company_id.id,
        }
        return action

    @api.readonly
    def action_view_stakeholders(self):
        self.ensure_one()
        return self.partner_id.action_view_stakeholders()

    @api.readonly
    def action_view_value_worksheets(self):
        self.ensure_one()
        return self.partner_id.action_view_value_worksheets()
