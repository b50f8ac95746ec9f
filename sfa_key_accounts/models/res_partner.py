from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError

# Fields only key-account managers may change: they decide who is a key account.
MANAGED_FIELDS = {"is_key_account", "key_account_tier_id", "key_account_manager_id"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_key_account = fields.Boolean("Key Account", tracking=True, index=True)
    key_account_tier_id = fields.Many2one(
        "sfa.key.account.tier",
        "Tier",
        index=True,
        ondelete="restrict",
        domain="[('company_id', 'in', allowed_company_ids)]",
        help="Tier of the customer pyramid; changes are kept in the tier history.",
    )
    key_account_tier_date = fields.Date("Tier Changed On", readonly=True, copy=False)
    key_account_manager_id = fields.Many2one("res.users", tracking=True, index=True)
    key_account_member_ids = fields.One2many(
        "sfa.key.account.member", "partner_id", "Account Team", copy=False
    )
    key_account_relationship = fields.Selection(
        [
            ("clip", "Clip (transactional)"),
            ("zipper", "Zipper (adapted)"),
            ("velcro", "Velcro (interdependent)"),
        ],
        "Relationship Type",
        help="Clip: pure transaction, standard offer. Zipper: adapted offer, familiar. "
        "Velcro: customised, interdependent, closest.",
    )
    key_account_tier_history_ids = fields.One2many(
        "sfa.key.account.tier.history", "partner_id", "Tier History", readonly=True, copy=False
    )
    key_account_plan_ids = fields.One2many("sfa.account.plan", "partner_id", "Account Plans")
    key_account_plan_count = fields.Integer("Plans", compute="_compute_key_account_plan_count")
    stakeholder_ids = fields.One2many("sfa.stakeholder", "account_id", "Stakeholders")
    stakeholder_count = fields.Integer(compute="_compute_stakeholder_count")
    value_worksheet_count = fields.Integer(compute="_compute_value_worksheet_count")
    key_account_current_plan_id = fields.Many2one(
        "sfa.account.plan",
        "Current Plan",
        compute="_compute_key_account_current_plan",
        store=True,
    )
    key_account_health = fields.Float(
        "Health",
        compute="_compute_key_account_current_plan",
        store=True,
        aggregator="avg",
        help="0-100 relationship health of the current account plan (see the plan's breakdown).",
    )
    # Figures of the last applied 80/20 ranking (for the concentration curve and pivots).
    key_account_rank = fields.Integer("Rank", readonly=True, copy=False, aggregator="min")
    key_account_revenue = fields.Monetary(
        "Ranked Revenue", readonly=True, copy=False, currency_field="key_account_currency_id"
    )
    key_account_cumulative_share = fields.Float(
        "Cumulative Share (%)", readonly=True, copy=False, aggregator="max", digits=(5, 2)
    )
    key_account_currency_id = fields.Many2one(
        "res.currency", compute="_compute_key_account_currency_id"
    )
    sfa_can_manage = fields.Boolean(compute="_compute_sfa_can_manage")
    sfa_is_competitor = fields.Boolean(
        "Competitor", index=True, help="Offered as a competitor on value worksheets."
    )
    # The customer record in five parts (basic details are the partner's own fields, the
    # commercial record is its opportunities).
    sfa_business_info = fields.Html("Business Details", help="Plans, fiscal year, organisation...")
    sfa_personal_info = fields.Html(
        "Personal Details", help="Birthdays, interests and preferences of the people we meet."
    )
    sfa_logistics_info = fields.Html("Logistics Details", help="Delivery priorities, sites...")

    def _sfa_counts(self, model, field, domain=()):
        """{partner: number of ``model`` records whose ``field`` is that partner}."""
        return dict(
            self.env[model]._read_group([(field, "in", self.ids), *domain], [field], ["__count"])
        )

    def _compute_key_account_plan_count(self):
        counts = self._sfa_counts("sfa.account.plan", "partner_id")
        for partner in self:
            partner.key_account_plan_count = counts.get(partner, 0)

    def _compute_stakeholder_count(self):
        counts = self._sfa_counts("sfa.stakeholder", "account_id")
        for partner in self:
            partner.stakeholder_count = counts.get(partner, 0)

    def _compute_value_worksheet_count(self):
        counts = self._sfa_counts("sfa.value.worksheet", "account_id", [("is_current", "=", True)])
        for partner in self:
            partner.value_worksheet_count = counts.get(partner, 0)

    @api.depends(
        "key_account_plan_ids.state",
        "key_account_plan_ids.date_start",
        "key_account_plan_ids.health_score",
    )
    def _compute_key_account_current_plan(self):
        for partner in self:
            plans = partner.key_account_plan_ids
            live = plans.filtered(lambda p: p.state in ("active", "review"))
            current = (live or plans).sorted(lambda p: (p.date_start, p.id))[-1:]
            partner.key_account_current_plan_id = current
            partner.key_account_health = current.health_score

    @api.depends_context("uid")
    def _compute_sfa_can_manage(self):
        self.sfa_can_manage = self.env.user.has_group("sfa_key_accounts.group_sfa_manager")

    def _compute_key_account_currency_id(self):
        for partner in self:
            partner.key_account_currency_id = (
                partner.key_account_tier_id.company_id.currency_id or self.env.company.currency_id
            )

    def _sfa_check_can_manage(self):
        """Only key-account managers set who is a key account."""
        if not (self.env.su or self.env.user.has_group("sfa_key_accounts.group_sfa_manager")):
            raise AccessError(
                self.env._("Only key-account managers can change key-account status and tiers.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        # a new partner's empty values (what a form sends for every field) are no change
        if any(vals.get(fname) for vals in vals_list for fname in MANAGED_FIELDS):
            self._sfa_check_can_manage()
        return super().create(vals_list)

    def write(self, vals):
        if MANAGED_FIELDS & vals.keys():
            self._sfa_check_can_manage()
        if "key_account_tier_id" not in vals:
            return super().write(vals)
        old_tiers = {partner: partner.key_account_tier_id for partner in self}
        new_tier = self.env["sfa.key.account.tier"].browse(vals["key_account_tier_id"])
        changed = self.filtered(lambda p: old_tiers[p] != new_tier)
        if changed:
            vals = dict(vals, key_account_tier_date=fields.Date.context_today(self))
        res = super().write(vals)
        changed._sfa_log_tier_changes(old_tiers, new_tier)
        return res

    def _sfa_log_tier_changes(self, old_tiers, new_tier):
        """Keep the tier history and say it in the chatter, in one batch for all of self."""
        if not self:
            return
        reason = self.env.context.get("sfa_tier_reason") or self.env._("Changed by hand")
        self.env["sfa.key.account.tier.history"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "from_tier_id": old_tiers[partner].id,
                    "to_tier_id": new_tier.id,
                    "reason": reason,
                    "company_id": (new_tier or old_tiers[partner]).company_id.id
                    or self.env.company.id,
                }
                for partner in self
            ]
        )
        none = self.env._("no tier")
        bodies = {
            partner.id: Markup("%s<br/>%s")
            % (
                self.env._(
                    "Tier: %(old)s → %(new)s",
                    old=old_tiers[partner].name or none,
                    new=new_tier.name or none,
                ),
                reason,
            )
            for partner in self
        }
        self._message_log_batch(bodies=bodies)

    def action_view_key_account_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sfa_key_accounts.sfa_account_plan_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_stakeholders(self):
        """The account's buying centre as an org chart (reports-to lines)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sfa_key_accounts.sfa_stakeholder_action_org_chart"
        )
        action["domain"] = [("account_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_account_id": self.commercial_partner_id.id}
        return action

    def action_view_value_worksheets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sfa_key_accounts.sfa_value_worksheet_action"
        )
        action["domain"] = [("account_id", "=", self.commercial_partner_id.id)]
        return action
