from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine import ranking
from ..models.sfa_access_mixin import trusted
from ..models.sfa_key_account import RANKING

AUTO_APPLY_PARAM = "sfa_key_accounts.retier_auto_apply"


class SfaKeyAccountSelection(models.TransientModel):
    """80/20 selection: rank a company's customers by won revenue over a period, propose
    tiers, and apply the proposals the user keeps. Nothing changes before ``action_apply``.

    Revenue is the ``expected_revenue`` of won opportunities closed in the period, per
    commercial partner. Odoo keeps ``expected_revenue`` in the opportunity's company currency,
    and only the company's own opportunities are ranked, so every figure is in the company
    currency and no company sees another's revenue.
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

    def _default_date_from(self):
        return fields.Date.context_today(self) - relativedelta(months=12) + relativedelta(days=1)

    @api.depends("line_ids.is_change")
    def _compute_counts(self):
        for wizard in self:
            wizard.customer_count = len(wizard.line_ids)
            wizard.change_count = len(wizard.line_ids.filtered("is_change"))

    def action_compute(self):
        """Rank and propose; replaces the preview, changes no customer."""
        self.ensure_one()
        if self.date_to < self.date_from:
            raise UserError(self.env._("The period ends before it starts."))
        tiers = self.env["sfa.key.account.tier"]._for_company(self.company_id)
        tiers._check_complete()
        ranked, current = self._rank(tiers)
        self.line_ids.unlink()
        self.env["sfa.key.account.selection.line"].create(
            [
                {
                    "selection_id": self.id,
                    "partner_id": row.key,
                    "rank": row.rank,
                    "revenue": row.revenue,
                    "share": row.share,
                    "cumulative_share": row.cumulative_share,
                    "current_tier_id": current.get(row.key, False),
                    "proposed_tier_id": row.tier_key,
                    "is_change": current.get(row.key, False) != row.tier_key,
                    "to_apply": current.get(row.key, False) != row.tier_key,
                }
                for row in ranked
            ]
        )
        labels = dict(tiers._fields["rule"]._description_selection(self.env))
        self.write(
            {
                "state": "computed",
                "rule": labels.get(tiers[:1].rule, ""),
                "total_revenue": sum(row.revenue for row in ranked if row.revenue > 0),
            }
        )
        return self._reopen()

    def action_apply(self):
        """Give the ticked customers their proposed tier, with history and a chatter note."""
        self.ensure_one()
        if self.state != "computed":
            raise UserError(self.env._("Compute the ranking before applying it."))
        lines = self.line_ids.filtered(lambda line: line.to_apply and line.is_change)
        self._apply_lines(lines)
        self._store_figures(self.line_ids)
        return {"type": "ir.actions.act_window_close"}

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
    def _rank(self, tiers):
        """Rank the company's customers: one grouped query for the revenue, one to read the
        customers' key-account records, then the engine. Returns (engine rows,
        {partner id: current tier id})."""
        # sudo: the ranking must see all won revenue of the company, whatever the record
        # rules of the user running it (a key-account manager without "all leads" would
        # otherwise rank others' accounts at 0 and demote them). Only key-account managers
        # can run the selection (access rights of this wizard), and it reveals no more than
        # totals per customer of the company they manage.
        Lead = self.env["crm.lead"].sudo().with_context(active_test=True)
        revenue = {
            partner.id: amount
            for partner, amount in Lead._read_group(
                [
                    ("type", "=", "opportunity"),
                    ("company_id", "=", self.company_id.id),
                    ("stage_id.is_won", "=", True),
                    ("date_closed", ">=", self.date_from),
                    ("date_closed", "<", self.date_to + relativedelta(days=1)),
                    ("sfa_commercial_partner_id", "!=", False),
                ],
                ["sfa_commercial_partner_id"],
                ["expected_revenue:sum"],
            )
        }
        # Customers holding one of these tiers stay in the preview even without revenue,
        # so that they can be moved down.
        accounts = self.env["sfa.key.account"].search_fetch(
            [
                ("company_id", "=", self.company_id.id),
                "|",
                ("partner_id", "in", list(revenue)),
                ("tier_id", "in", tiers.ids),
            ],
            ["partner_id", "tier_id"],
        )
        current = {account.partner_id.id: account.tier_id.id for account in accounts}
        # sudo: the names of the company's customers with revenue, to sort ties; a customer
        # restricted to another company of the user's group must still be ranked
        partners = self.env["res.partner"].sudo().browse(set(revenue) | set(current))
        partners.fetch(["name"])
        rows = [(p.id, revenue.get(p.id, 0.0), (p.name or "", p.id)) for p in partners]
        ranked = ranking.rank_accounts(rows, tiers._engine_tiers(), tiers[:1].rule)
        return ranked, current

    def _accounts(self, lines):
        """{partner id: key account of the wizard's company} for the lines' customers."""
        return self.env["sfa.key.account"]._sfa_for_partners(lines.partner_id, self.company_id)

    def _apply_lines(self, lines):
        reason = self.env._(
            "80/20 selection over %(start)s - %(end)s",
            start=self.date_from,
            end=self.date_to,
        )
        accounts = self._accounts(lines)
        by_tier = {}
        for line in lines:
            by_tier.setdefault(line.proposed_tier_id, []).append(accounts[line.partner_id.id].id)
        for tier, account_ids in by_tier.items():
            self.env["sfa.key.account"].browse(account_ids).with_context(
                sfa_tier_reason=reason, tracking_disable=True
            ).write({"tier_id": tier.id, "is_key": tier.is_key})

    def _store_figures(self, lines):
        """Keep each ranked customer's rank, revenue and cumulative share (for the
        concentration curve); the writes are flushed as one batched UPDATE."""
        accounts = self._accounts(lines)
        Account = trusted(self.env["sfa.key.account"], RANKING).with_context(tracking_disable=True)
        for line in lines:
            Account.browse(accounts[line.partner_id.id].id).write(
                {
                    "rank": line.rank,
                    "revenue": line.revenue,
                    "cumulative_share": line.cumulative_share,
                }
            )

    @api.model
    def _cron_retier(self):
        """Monthly re-tiering of every company that has tiers: propose (a note on each
        customer whose tier would change) or, when configured, apply."""
        # sudo: one setting, read by the scheduled job
        auto = self.env["ir.config_parameter"].sudo().get_param(AUTO_APPLY_PARAM)
        companies = self.env["sfa.key.account.tier"].search([]).company_id
        for company in companies:
            wizard = self.with_company(company).create({"company_id": company.id})
            wizard.action_compute()
            changes = wizard.line_ids.filtered("is_change")
            if auto:
                wizard.action_apply()
                continue
            none = self.env._("no tier")
            bodies = {
                line.partner_id.id: Markup("%s")
                % self.env._(
                    "Proposed by the monthly 80/20 re-tiering: %(old)s → %(new)s "
                    "(rank %(rank)s, %(share).1f%% of revenue). Apply it with "
                    "CRM > Key Accounts > 80/20 Selection.",
                    old=line.current_tier_id.name or none,
                    new=line.proposed_tier_id.name or none,
                    rank=line.rank,
                    share=line.share,
                )
                for line in changes
            }
            accounts = wizard._accounts(changes)
            self.env["sfa.key.account"].browse(
                [accounts[pid].id for pid in bodies]
            )._message_log_batch(bodies={accounts[pid].id: body for pid, body in bodies.items()})
