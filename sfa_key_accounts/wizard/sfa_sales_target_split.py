from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL

from ..engine import targets as engine
from ..models.sfa_access_mixin import trusted
from ..models.sfa_sales_target import DIMENSION_FIELDS, TARGET_CHANGE

# split_by -> the dimension the children get (None: the parent's own)
SPLIT_DIMENSION = {"region": "region", "product": "product", "segment": "segment"}


class SfaSalesTargetSplit(models.TransientModel):
    """Decompose a confirmed target (目标分解) into children: by period, by person or team, or
    by region, product line or customer group; weighted equally, by last year's actuals, by
    last year's seasonality of the company, or typed by hand. Additive measures are split
    with largest-remainder rounding (the children add up exactly to the parent); rates are
    copied to every child."""

    _name = "sfa.sales.target.split"
    _description = "Split a Sales Target"
    _inherit = ["sfa.sales.target.wizard"]

    is_additive = fields.Boolean(related="target_id.is_additive")
    split_by = fields.Selection(
        [
            ("period", "Period"),
            ("user", "Salesperson"),
            ("team", "Sales Team"),
            ("region", "Region"),
            ("product", "Product Line"),
            ("segment", "Customer Group"),
        ],
        required=True,
        default="period",
    )
    period_unit = fields.Selection(
        [("quarter", "Quarters"), ("month", "Months")], default="quarter", required=True
    )
    method = fields.Selection(
        [
            ("equal", "Equal"),
            ("actuals", "Last Year's Actuals"),
            ("seasonality", "Seasonality"),
            ("manual", "Manual"),
        ],
        required=True,
        default="equal",
        help="Actuals: the same period last year, same dimension. Seasonality: last year's "
        "shares of each period in the company's won figures. Manual: type the amounts.",
    )
    line_ids = fields.One2many("sfa.sales.target.split.line", "wizard_id", "Children")
    lines_total = fields.Float(compute="_compute_lines_total", digits=(16, 2))
    warning = fields.Char(readonly=True)

    @api.depends("line_ids.amount")
    def _compute_lines_total(self):
        for wizard in self:
            wizard.lines_total = sum(wizard.line_ids.mapped("amount"))

    @api.onchange("target_id", "split_by", "period_unit", "method")
    def _onchange_build_lines(self):
        if self.target_id:
            lines, self.warning = self._propose()
            self.line_ids = [Command.clear()] + [Command.create(vals) for vals in lines]

    # --- proposal ---------------------------------------------------------------------------
    def _propose(self):
        """(line values, warning) for the chosen split and method."""
        target = self.target_id
        target.check_access("write")  # proposals show last year's figures of each child
        if self.method == "seasonality" and self.split_by != "period":
            raise UserError(self.env._("Seasonality splits a target by period only."))
        specs = self._child_specs()
        if not specs:
            raise UserError(self._no_children_message())
        warning = False
        if self.method in ("actuals", "seasonality") and target.is_additive:
            rows = [self._spec_row(i, spec) for i, spec in enumerate(specs)]
            figures = target._figures_of_specs(rows)
            weights = [max(figures.get(i, (0, 0))[1], 0.0) for i in range(len(specs))]
            if not any(weights):
                warning = self.env._("Nothing to go by last year: split equally.")
        else:
            weights = [1.0] * len(specs)
        if target.is_additive:
            amounts = engine.split_amount(target.amount, weights, target._digits())
        else:
            amounts = [target.amount] * len(specs)
        for spec, weight, amount in zip(specs, weights, amounts, strict=True):
            spec.update(weight=weight, amount=amount)
        return specs, warning

    def _spec_row(self, key, spec):
        """The figures_sql spec of a proposed child; seasonality reads the company's figures
        (no owner, no dimension) of the child's period."""
        target = self.target_id
        row = {
            "key": key,
            "company_id": target.company_id.id,
            "user_id": spec.get("user_id", target.user_id.id),
            "team_id": spec.get("team_id", target.team_id.id),
            "measure": target.measure,
            "date_from": spec.get("date_from", target.date_from),
            "date_to": spec.get("date_to", target.date_to),
            "market_size": target.market_size,
        }
        for fname in DIMENSION_FIELDS:
            row[fname] = spec.get(fname, target[fname].id)
        if self.method == "seasonality":
            row.update(dict.fromkeys(("user_id", "team_id", *DIMENSION_FIELDS)))
        return row

    def _child_specs(self):
        """What each child differs in from the parent, with its label (``name``)."""
        target = self.target_id
        if self.split_by == "period":
            return [
                {"name": self._period_label(start, end), "date_from": start, "date_to": end}
                for start, end in engine.period_slices(
                    target.date_from, target.date_to, self.period_unit
                )
            ]
        if self.split_by == "user":
            if target.owner_type != "team":
                raise UserError(self.env._("Only a team target is split among its members."))
            users = target.team_id.member_ids.filtered(lambda u: not u.share)
            return [{"name": u.name, "user_id": u.id, "team_id": target.team_id.id} for u in users]
        if self.split_by == "team":
            if target.owner_type != "company":
                raise UserError(self.env._("Only a company target is split among teams."))
            teams = self.env["crm.team"].search(
                [("company_id", "in", [target.company_id.id, False])]
            )
            return [{"name": t.name, "team_id": t.id} for t in teams]
        if target.dimension != "none":
            raise UserError(
                self.env._("%(name)s is already for one dimension value.", name=target.name)
            )
        fname, values = self._dimension_values()
        return [{"name": v.display_name, fname: v.id} for v in values]

    def _period_label(self, start, end):
        if self.period_unit == "month":
            return start.strftime("%Y-%m")
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"

    def _dimension_values(self):
        """(field, records) a dimension split proposes: the product lines, countries or tiers
        of the owner's won deals of the last twelve months before the target (one query);
        customer groups are the company's tiers."""
        target = self.target_id
        if self.split_by == "segment":
            tiers = self.env["sfa.key.account.tier"].search(
                [("company_id", "=", target.company_id.id)]
            )
            return "tier_id", tiers
        fname, model = {
            "region": ("country_id", "res.country"),
            "product": ("tag_id", "crm.tag"),
        }[self.split_by]
        value = SQL("p.country_id") if fname == "country_id" else SQL("r.tag_id")
        join = (
            SQL(
                "JOIN res_partner lp ON lp.id = l.partner_id "
                "JOIN res_partner p ON p.id = lp.commercial_partner_id"
            )
            if fname == "country_id"
            else SQL("JOIN crm_tag_rel r ON r.lead_id = l.id")
        )
        self.env["crm.lead"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT %(value)s FROM crm_lead l %(join)s
                    JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
                   WHERE l.active AND l.company_id = %(company)s
                     AND l.date_closed >= (%(start)s::date - INTERVAL '1 year')
                     AND l.date_closed < %(start)s::date
                     AND (%(user)s::int IS NULL OR l.user_id = %(user)s::int)
                     AND (%(user)s::int IS NOT NULL OR %(team)s::int IS NULL
                          OR l.team_id = %(team)s::int)
                     AND %(value)s IS NOT NULL""",
                value=value,
                join=join,
                company=target.company_id.id,
                start=target.date_from,
                user=target.user_id.id or None,
                team=target.team_id.id or None,
            )
        )
        return fname, self.env[model].browse(sorted(r[0] for r in self.env.cr.fetchall()))

    def _no_children_message(self):
        return {
            "user": self.env._("The team has no members to split the target among."),
            "region": self.env._("No won deals last year to propose regions from: add them."),
            "product": self.env._(
                "No won deals last year to propose product lines from: add them."
            ),
        }.get(self.split_by, self.env._("Nothing to split the target into."))

    # --- apply ------------------------------------------------------------------------------
    def action_apply(self):
        self.ensure_one()
        target = self.target_id
        target.check_access("write")  # team leaders and administrators only
        if target.state != "confirmed":
            raise UserError(self.env._("Confirm %(name)s before splitting it.", name=target.name))
        if target.child_ids:
            raise UserError(
                self.env._(
                    "%(name)s is already split: adjust its children instead.", name=target.name
                )
            )
        if not self.line_ids or self.method != "manual":
            # the amounts of a proposed split are the server's, whatever a client sends back
            lines, self.warning = self._propose()
            self.line_ids = [Command.clear()] + [Command.create(vals) for vals in lines]
        if target.is_additive and not engine.check_split(
            target.amount, self.line_ids.mapped("amount"), target._digits()
        ):
            raise ValidationError(
                self.env._(
                    "The children add up to %(total)s, not to the target's %(amount)s.",
                    total=round(self.lines_total, target._digits()),
                    amount=target.amount,
                )
            )
        if any(line.amount < 0 for line in self.line_ids):
            raise ValidationError(self.env._("A child target cannot be negative."))
        if any(
            (line.date_from or target.date_from) < target.date_from
            or (line.date_to or target.date_to) > target.date_to
            for line in self.line_ids
        ):
            raise ValidationError(self.env._("A child's period lies within its parent's."))
        children = trusted(self.env["sfa.sales.target"], TARGET_CHANGE).create(
            [line._child_values() for line in self.line_ids]
        )
        target._check_children_sum()
        target.message_post(
            body=Markup("%s")
            % self.env._(
                "Split by %(by)s (%(method)s) into %(count)s targets.",
                by=dict(self._fields["split_by"]._description_selection(self.env))[self.split_by],
                method=dict(self._fields["method"]._description_selection(self.env))[self.method],
                count=len(children),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return target.action_view_children()
