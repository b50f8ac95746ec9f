from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import value
from .sfa_access_mixin import is_trusted, trusted

SCENARIOS = ("conservative", "likely")
FIGURES = ("total_benefit", "total_cost", "net_value", "roi", "payback_months", "npv")
# Which version is current (and its number) changes only through action_new_version, which
# grants this server-only permission (see sfa_access_mixin.trusted: no RPC can forge it).
VERSIONING = "sfa_value_versioning"
VERSION_FIELDS = ("is_current", "version")


class SfaValueWorksheet(models.Model):
    """The value triangle of a deal as a business case (docs/method.md §4): the customer's needs,
    the benefits (conservative and likely), the costs, benchmarks and differentiators, with
    ROI, payback and NPV computed by the engine. One current worksheet per deal; older
    versions stay, read-only. An agreed worksheet is read-only too."""

    _name = "sfa.value.worksheet"
    _description = "Value Worksheet"
    _inherit = ["mail.thread", "mail.activity.mixin", "sfa.access.mixin", "sfa.number.mixin"]
    _order = "lead_id, version desc"
    _check_company_auto = True
    _sfa_number_bounds = {
        "horizon_years": (value.HORIZON_MIN, value.HORIZON_MAX),
        "discount_rate": (0, 100),
    }

    name = fields.Char(required=True, tracking=True)
    lead_id = fields.Many2one(
        "crm.lead", "Opportunity", required=True, index=True, ondelete="cascade", check_company=True
    )
    partner_id = fields.Many2one(related="lead_id.partner_id", string="Customer")
    account_id = fields.Many2one(
        related="lead_id.partner_id.commercial_partner_id", store=True, index=True, string="Account"
    )
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        compute="_compute_currency_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    version = fields.Integer(default=1, readonly=True, copy=False)
    is_current = fields.Boolean("Current Version", default=True, readonly=True, copy=False)
    state = fields.Selection(
        [("draft", "Draft"), ("shared", "Shared with Customer"), ("agreed", "Agreed")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    horizon_years = fields.Integer("Horizon (years)", default=3, required=True, tracking=True)
    discount_rate = fields.Float("Discount Rate (%)", default=8.0, tracking=True)
    need_ids = fields.One2many("sfa.value.need", "worksheet_id", "Needs", copy=True)
    benefit_ids = fields.One2many("sfa.value.benefit", "worksheet_id", "Benefits", copy=True)
    cost_ids = fields.One2many("sfa.value.cost", "worksheet_id", "Costs", copy=True)
    # the costs list shows these two, not one sum of one-time and yearly amounts
    one_time_cost = fields.Monetary("One-time Costs", compute="_compute_cost_split")
    yearly_cost = fields.Monetary("Costs per Year", compute="_compute_cost_split")
    kpi_ids = fields.One2many("sfa.value.kpi", "worksheet_id", "Benchmarks", copy=True)
    differentiator_ids = fields.One2many(
        "sfa.value.differentiator", "worksheet_id", "Differentiators", copy=True
    )
    situation = fields.Selection(
        [
            ("all_meet", "Every competitor meets the needs"),
            ("none_meet_all", "No one meets every need"),
            ("mixed", "Mixed"),
        ],
        default="mixed",
        help="How the competitors answer the customer's needs: it decides what to stress.",
    )
    recommendation = fields.Text(compute="_compute_recommendation")
    advantage_html = fields.Html("Advantage", compute="_compute_advantage_html", sanitize=False)
    benefit_by_year_html = fields.Html(
        "Benefits by Year", compute="_compute_benefit_by_year_html", sanitize=False
    )
    cost_of_doing_nothing = fields.Monetary(
        "Cost of Doing Nothing / Month",
        compute="_compute_figures",
        store=True,
        help="Likely benefit forgone per month of delay: total likely benefit / (12 x horizon).",
    )
    conservative_total_benefit = fields.Monetary(compute="_compute_figures", store=True)
    conservative_total_cost = fields.Monetary(compute="_compute_figures", store=True)
    conservative_net_value = fields.Monetary(compute="_compute_figures", store=True)
    conservative_roi = fields.Float("Conservative ROI (%)", compute="_compute_figures", store=True)
    conservative_payback_months = fields.Integer(compute="_compute_figures", store=True)
    conservative_npv = fields.Monetary("Conservative NPV", compute="_compute_figures", store=True)
    conservative_pays_back = fields.Boolean(compute="_compute_figures", store=True)
    likely_total_benefit = fields.Monetary(compute="_compute_figures", store=True)
    likely_total_cost = fields.Monetary(compute="_compute_figures", store=True)
    likely_net_value = fields.Monetary(compute="_compute_figures", store=True)
    likely_roi = fields.Float("Likely ROI (%)", compute="_compute_figures", store=True)
    likely_payback_months = fields.Integer(compute="_compute_figures", store=True)
    likely_npv = fields.Monetary("Likely NPV", compute="_compute_figures", store=True)
    likely_pays_back = fields.Boolean(compute="_compute_figures", store=True)
    has_cost = fields.Boolean(compute="_compute_figures", store=True)

    @api.depends("lead_id")
    def _compute_currency_id(self):
        for worksheet in self:
            if not worksheet.currency_id:
                worksheet.currency_id = (
                    worksheet.lead_id.company_currency or self.env.company.currency_id
                )

    @api.depends("cost_ids.recurrence", "cost_ids.amount")
    def _compute_cost_split(self):
        for worksheet in self:
            costs = worksheet.cost_ids
            worksheet.one_time_cost = sum(
                costs.filtered(lambda c: c.recurrence == "one_time").mapped("amount")
            )
            worksheet.yearly_cost = sum(
                costs.filtered(lambda c: c.recurrence == "yearly").mapped("amount")
            )

    @api.depends(
        "horizon_years",
        "discount_rate",
        "currency_id",
        "benefit_ids.tangible",
        "benefit_ids.recurrence",
        "benefit_ids.conservative_amount",
        "benefit_ids.likely_amount",
        "cost_ids.recurrence",
        "cost_ids.amount",
    )
    def _compute_figures(self):
        for worksheet in self:
            if not worksheet._has_valid_parameters():
                # typed in a form, not saved (saving is refused): compute nothing rather
                # than a 30,000-year NPV
                for name in SCENARIOS:
                    for figure in FIGURES:
                        worksheet[f"{name}_{figure}"] = 0
                    worksheet[f"{name}_pays_back"] = False
                worksheet.has_cost = bool(worksheet.cost_ids)
                worksheet.cost_of_doing_nothing = 0
                continue
            rounding = worksheet.currency_id.rounding or 0.01
            horizon = worksheet.horizon_years
            rate = worksheet.discount_rate
            tangible = worksheet.benefit_ids.filtered("tangible")
            costs = [value.Flow(c.amount, c.recurrence) for c in worksheet.cost_ids]
            flows = {}
            for name in SCENARIOS:
                flows[name] = [value.Flow(b[f"{name}_amount"], b.recurrence) for b in tangible]
                result = value.scenario(flows[name], costs, horizon, rate, rounding)
                worksheet[f"{name}_total_benefit"] = float(result.total_benefit)
                worksheet[f"{name}_total_cost"] = float(result.total_cost)
                worksheet[f"{name}_net_value"] = float(result.net_value)
                worksheet[f"{name}_roi"] = float(result.roi_pct or 0)
                worksheet[f"{name}_pays_back"] = result.payback_months is not None
                worksheet[f"{name}_payback_months"] = result.payback_months or 0
                worksheet[f"{name}_npv"] = float(result.npv)
            worksheet.has_cost = bool(costs)
            worksheet.cost_of_doing_nothing = float(
                value.cost_of_doing_nothing(flows["likely"], horizon, rounding)
            )

    def _has_valid_parameters(self):
        """Whether the horizon and rate are within what the engine computes (1-30 years,
        0-100%); the number check refuses to save anything else."""
        return (
            value.HORIZON_MIN <= self.horizon_years <= value.HORIZON_MAX
            and 0 <= self.discount_rate <= 100
        )

    def _scenario_flows(self):
        """{scenario: [engine Flow]} of the tangible benefits of one worksheet."""
        tangible = self.benefit_ids.filtered("tangible")
        return {
            name: [value.Flow(b[f"{name}_amount"], b.recurrence) for b in tangible]
            for name in SCENARIOS
        }

    @api.depends(
        "horizon_years",
        "currency_id",
        "benefit_ids.likely_amount",
        "benefit_ids.conservative_amount",
        "benefit_ids.recurrence",
        "benefit_ids.tangible",
    )
    def _compute_benefit_by_year_html(self):
        for worksheet in self:
            worksheet.benefit_by_year_html = worksheet._benefit_by_year_table()

    def _benefit_by_year_table(self):
        if not self._has_valid_parameters():
            return False
        horizon = self.horizon_years
        rounding = self.currency_id.rounding or 0.01
        flows = self._scenario_flows()
        years = {n: value.yearly_totals(flows[n], horizon, rounding) for n in SCENARIOS}
        fmt = self.currency_id.format if self.currency_id else str
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td></tr>")
            % (
                self.env._("Start") if year == 0 else self.env._("Year %s", year),
                fmt(float(years["conservative"][year])),
                fmt(float(years["likely"][year])),
            )
            for year in range(horizon + 1)
        )
        return Markup(
            "<table class='table table-sm o_sfa_benefit_by_year'><thead><tr><th/>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th></tr></thead>"
            "<tbody>%s</tbody></table>"
        ) % (self.env._("Conservative"), self.env._("Likely"), rows)

    @api.depends("situation")
    def _compute_recommendation(self):
        texts = {
            "all_meet": self.env._(
                "Every competitor meets the needs: stress the non-product differentiators "
                "(company, partners, sales team, account manager) and the value they bring."
            ),
            "none_meet_all": self.env._(
                "No one meets every need: stress what only we have, strengthen internal "
                "support, then the non-product differentiators."
            ),
            "mixed": self.env._(
                "Mixed: lead with the needs only we meet and show parity where others meet "
                "them too; position where the customer's needs, our strengths and the "
                "competitor's weakness overlap."
            ),
        }
        for worksheet in self:
            worksheet.recommendation = texts.get(worksheet.situation, "")

    @api.depends(
        "differentiator_ids.level",
        "differentiator_ids.competitor_id",
        "differentiator_ids.importance",
        "differentiator_ids.our_rating",
        "differentiator_ids.competitor_rating",
    )
    def _compute_advantage_html(self):
        levels = dict(
            self.env["sfa.value.differentiator"]._fields["level"]._description_selection(self.env)
        )
        for worksheet in self:
            by_competitor, by_level = value.advantage_scores(
                [
                    value.Rating(
                        d.level,
                        d.competitor_id.display_name or self.env._("Any competitor"),
                        int(d.importance),
                        int(d.our_rating),
                        int(d.competitor_rating),
                    )
                    for d in worksheet.differentiator_ids
                    if all(
                        value.RATING_MIN <= r <= value.RATING_MAX
                        for r in (d.importance, d.our_rating, d.competitor_rating)
                    )
                ]
            )
            items = [(name, score) for name, score in sorted(by_competitor.items())]
            items += [(levels.get(level, level), score) for level, score in by_level.items()]
            worksheet.advantage_html = (
                Markup("<ul class='mb-0'>%s</ul>")
                % Markup("").join(
                    Markup("<li>%s: <b>%+d</b></li>") % (name, score) for name, score in items
                )
                if items
                else False
            )

    @api.constrains("lead_id", "is_current")
    def _check_one_current(self):
        for worksheet in self.filtered("is_current"):
            if self.search_count(
                [
                    ("lead_id", "=", worksheet.lead_id.id),
                    ("is_current", "=", True),
                    ("id", "!=", worksheet.id),
                ],
                limit=1,
            ):
                raise ValidationError(
                    self.env._(
                        "%(lead)s already has a current value worksheet: make a new version "
                        "of it instead.",
                        lead=worksheet.lead_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        forged = any(field in vals for vals in vals_list for field in VERSION_FIELDS) or any(
            f"default_{field}" in self.env.context for field in VERSION_FIELDS
        )
        if forged:
            self._check_versioning()
        return super().create(vals_list)

    def write(self, vals):
        if set(VERSION_FIELDS) & vals.keys():
            self._check_versioning()
        if set(vals) - {"is_current", "message_main_attachment_id"}:
            self._check_editable()
        return super().write(vals)

    def copy(self, default=None):
        """Copy the lines too, the benefits pointing at the copy's own benchmarks and needs
        (a plain copy would keep the original's)."""
        default = dict(default or {})
        remap = "benefit_ids" not in default
        default.setdefault("benefit_ids", [])
        copies = super().copy(default)
        if remap:
            vals_list = []
            for old, new in zip(self, copies, strict=True):
                kpis = self._copied_lines(old, new, "kpi_ids", default)
                needs = self._copied_lines(old, new, "need_ids", default)
                benefits = old.benefit_ids.sorted("id")
                for benefit, vals in zip(
                    benefits, benefits.copy_data({"worksheet_id": new.id}), strict=True
                ):
                    vals["kpi_id"] = kpis.get(benefit.kpi_id, benefit.kpi_id.browse()).id
                    vals["need_id"] = needs.get(benefit.need_id, benefit.need_id.browse()).id
                    vals_list.append(vals)
            self.env["sfa.value.benefit"].create(vals_list)
        return copies

    @staticmethod
    def _copied_lines(old, new, fname, default):
        """{line of ``old``: its copy in ``new``} for the one2many ``fname`` (copy_data
        duplicates lines in the order of their ids)."""
        if fname in default:
            return {}
        return dict(zip(old[fname].sorted("id"), new[fname].sorted("id"), strict=True))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        """Agreed worksheets and older versions are the history of the deal, and a current
        version with older ones is what the deal shows: only a first version not agreed yet
        can be deleted."""
        with_history = {
            lead
            for [lead] in self._read_group(
                [("lead_id", "in", self.lead_id.ids), ("is_current", "=", False)], ["lead_id"]
            )
        }
        for worksheet in self:
            if worksheet.state == "agreed":
                raise UserError(
                    self.env._(
                        "%(name)s is agreed with the customer and cannot be deleted.",
                        name=worksheet.name,
                    )
                )
            if not worksheet.is_current:
                raise UserError(
                    self.env._(
                        "Version %(version)s of %(name)s is an older version: it is kept as "
                        "the history of the deal and cannot be deleted.",
                        version=worksheet.version,
                        name=worksheet.name,
                    )
                )
            if worksheet.lead_id in with_history:
                raise UserError(
                    self.env._(
                        "%(name)s has older versions: it is the deal's current case and "
                        "cannot be deleted; change it or make a new version.",
                        name=worksheet.name,
                    )
                )

    def _check_versioning(self):
        if not is_trusted(self.env, VERSIONING):
            raise UserError(
                self.env._(
                    "The current version and the version number of a value worksheet change "
                    "only through New Version."
                )
            )

    def _check_editable(self):
        """Agreed worksheets and older versions are read-only, their state included: an
        agreed case changes only through a new version."""
        for worksheet in self:
            if not worksheet.is_current:
                raise UserError(
                    self.env._(
                        "Version %(version)s of %(name)s is an older version and cannot be "
                        "changed.",
                        version=worksheet.version,
                        name=worksheet.name,
                    )
                )
            if worksheet.state == "agreed":
                raise UserError(
                    self.env._(
                        "%(name)s is agreed with the customer and cannot be changed: make a "
                        "new version.",
                        name=worksheet.name,
                    )
                )

    # Buttons return True or an action: XML-RPC cannot marshal None.
    def action_share(self):
        self.filtered(lambda w: w.state == "draft").write({"state": "shared"})
        return True

    def action_agree(self):
        self.filtered(lambda w: w.state in ("draft", "shared")).write({"state": "agreed"})
        return True

    def action_reset_draft(self):
        self.filtered(lambda w: w.state == "shared").write({"state": "draft"})
        return True

    def action_new_version(self):
        """Copy this worksheet into a new current version; this one stays as it is."""
        self.ensure_one()
        if not self.is_current:
            raise UserError(self.env._("Make the new version from the current one."))
        versioning = trusted(self, VERSIONING)
        versioning.write({"is_current": False})
        new = versioning.copy({"version": self.version + 1, "name": self.name})
        new = new.with_env(self.env)
        new.message_post(
            body=self.env._(
                "Version %(version)s, made from version %(old)s.",
                version=new.version,
                old=self.version,
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
        }

    @api.readonly
    def action_view_benefits_by_phase(self):
        """This worksheet's benefits as a graph by phase (and pivot by category)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sfa_key_accounts.sfa_value_benefit_action"
        )
        action["domain"] = [("worksheet_id", "=", self.id)]
        action["display_name"] = self.env._("Benefits by phase: %s", self.name)
        return action

    @api.readonly
    def action_print(self):
        # data={}: report_action's default data=None cannot be marshalled by XML-RPC
        return self.env.ref("sfa_key_accounts.sfa_value_worksheet_report").report_action(
            self, data={}
        )
