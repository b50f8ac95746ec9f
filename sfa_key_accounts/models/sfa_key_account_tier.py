from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import ranking


class SfaKeyAccountTier(models.Model):
    """A tier of the customer pyramid; the tiers of a company, in sequence, form its tier set.

    ``threshold_pct`` is the cumulative percentage (of customers or of revenue, by ``rule``)
    at which the tier ends, e.g. 1 / 5 / 20 / 100 for the pyramid main / big / ordinary /
    small, or 80 / 95 / 100 for revenue cut-offs. The last tier takes every customer left.
    """

    _name = "sfa.key.account.tier"
    _description = "Key Account Tier"
    _order = "company_id, sequence, threshold_pct, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    rule = fields.Selection(
        [
            (ranking.CUSTOMER_SHARE, "Share of customers"),
            (ranking.REVENUE_SHARE, "Share of cumulative revenue"),
        ],
        required=True,
        default=ranking.REVENUE_SHARE,
        help="What the threshold measures: the cumulative share of ranked customers, or the "
        "cumulative share of their revenue.",
    )
    threshold_pct = fields.Float(
        "Threshold (%)",
        required=True,
        digits=(5, 2),
        help="Cumulative percentage at which this tier ends (0 < threshold <= 100).",
    )
    color = fields.Integer()
    is_key = fields.Boolean(
        "Key tier", help="Customers in this tier are key accounts (they get a manager and a plan)."
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_count = fields.Integer(compute="_compute_partner_count")

    def _compute_partner_count(self):
        counts = dict(
            self.env["sfa.key.account"]._read_group(
                [("tier_id", "in", self.ids)], ["tier_id"], ["__count"]
            )
        )
        for tier in self:
            tier.partner_count = counts.get(tier, 0)

    @api.constrains("threshold_pct", "sequence", "rule", "active", "company_id")
    def _check_tier_set(self):
        for company in self.company_id:
            tiers = self.search([("company_id", "=", company.id)])
            if len(set(tiers.mapped("rule"))) > 1:
                raise ValidationError(
                    self.env._(
                        "All tiers of %(company)s must use the same rule: a tier set measures "
                        "either the share of customers or the share of revenue.",
                        company=company.display_name,
                    )
                )
            problems = ranking.tier_set_problems(tiers.mapped("threshold_pct"))
            if "out_of_range" in problems:
                raise ValidationError(
                    self.env._("A tier threshold must be above 0% and at most 100%.")
                )
            if "not_increasing" in problems:
                raise ValidationError(
                    self.env._(
                        "Tier thresholds of %(company)s overlap: in sequence order each tier "
                        "must end above the previous one (%(thresholds)s).",
                        company=company.display_name,
                        thresholds=" / ".join(f"{t:g}%" for t in tiers.mapped("threshold_pct")),
                    )
                )

    def _check_complete(self):
        """A tier set must end at 100% before it ranks anyone (self: one company's tiers, in
        order). Checked when the selection runs, not on each row, since a tier set is edited
        a row at a time and is incomplete in between."""
        if "not_complete" in ranking.tier_set_problems(self.mapped("threshold_pct")):
            # (no f-string inside the call: Odoo's term extractor would skip this file)
            last = format(self[-1:].threshold_pct, "g")
            raise UserError(
                self.env._(
                    "The tiers of %(company)s end at %(last)s%%: the last tier must end at 100%% "
                    "so that every customer gets a tier. Fix it in CRM > Configuration > Key "
                    "Account Tiers.",
                    company=self.company_id.display_name,
                    last=last,
                )
            )

    def _engine_tiers(self):
        """The tier set as the engine's plain tiers (self: one company's tiers, in order)."""
        return [ranking.Tier(t.id, t.threshold_pct) for t in self]

    @api.model
    def _for_company(self, company):
        """The company's tier set, created from the customer pyramid when it has none."""
        tiers = self.search([("company_id", "=", company.id)])
        if not tiers:
            # sudo: the first run of the selection in a company gives it the default pyramid,
            # whoever runs it (only key-account managers can); nothing else is created
            tiers = self.sudo().create(self._default_pyramid(company)).sudo(False)
        return tiers

    @api.model
    def _key_tiers_note(self, company):
        """Which tiers of the company make a key account, and what that means, in a sentence:
        the 80/20 selection shows it beside its ranking (docs/method.md §1.1)."""
        tiers = self.search([("company_id", "=", company.id)])
        key = tiers.filtered("is_key")
        if not key:
            return self.env._(
                "No tier is a key tier: the selection ranks and tiers customers but makes no "
                "key account. Tick Key tier on the tiers whose customers get a manager and a plan."
            )
        # (no other string literal inside a translated call: the term extractor skips those)
        share = f"{key[-1].threshold_pct:g}%"
        names = ", ".join(key.mapped("name"))
        if key[-1].rule == ranking.CUSTOMER_SHARE:
            what = self.env._("the top %(share)s of customers by revenue", share=share)
        else:
            what = self.env._(
                "the customers who make the first %(share)s of the revenue", share=share
            )
        return self.env._(
            "Key accounts: the customers of %(tiers)s, i.e. %(what)s. The course's 80/20 rule "
            "picks the few customers who make most of the revenue; in the default pyramid, the "
            "main and big customers are the top 5 percent. Tick Key tier on another tier to "
            "widen it.",
            tiers=names,
            what=what,
        )

    @api.model
    def _install_default_tiers(self):
        """Give every company the pyramid; the main company's tiers get xml ids
        (``tier_main``, ``tier_big``, ``tier_ordinary``, ``tier_small``) for demo data."""
        main = self.env.ref("base.main_company", raise_if_not_found=False)
        for company in self.env["res.company"].search([]):
            tiers = self._for_company(company)
            if company == main and len(tiers) == 4:
                self.env["ir.model.data"]._update_xmlids(
                    [
                        {"xml_id": f"sfa_key_accounts.tier_{key}", "record": tier, "noupdate": True}
                        for key, tier in zip(
                            ("main", "big", "ordinary", "small"), tiers, strict=True
                        )
                    ]
                )

    @api.model
    def _default_pyramid(self, company):
        """The customer pyramid of the method: main 1%, big 4%, ordinary 15%, small 80%."""
        rows = [
            (self.env._("Main customers"), 1, 3, True),
            (self.env._("Big customers"), 5, 2, True),
            (self.env._("Ordinary customers"), 20, 4, False),
            (self.env._("Small customers"), 100, 0, False),
        ]
        return [
            {
                "name": name,
                "sequence": 10 * (i + 1),
                "rule": ranking.CUSTOMER_SHARE,
                "threshold_pct": threshold,
                "color": color,
                "is_key": is_key,
                "company_id": company.id,
            }
            for i, (name, threshold, color, is_key) in enumerate(rows)
        ]
