from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command

from ..engine import targets as engine
from .sfa_access_mixin import is_trusted, trusted
from .sfa_performance_rating import RATING_FLOW
from .sfa_period import period_clash

# The review's state and score move through its actions only (never by a plain write).
REVIEW_FLOW = "sfa_review_flow"

# What may still change on a review once rating has started (the interview) and once done.
INTERVIEW_FIELDS = {
    "interview_date",
    "interview_notes",
    "strengths",
    "improvements",
    "development_plan",
}
ALWAYS_OPEN = {"message_follower_ids", "activity_ids", "message_main_attachment_id"}
TARGETS_ADMIN = "sfa_key_accounts.group_sfa_targets_admin"
# Spec keys of the CRM figures of one review: review id * 10 + index.
REVIEW_MEASURES = ("won_revenue", "win_rate", "new_customers")


class SfaPerformanceReview(models.Model):
    """The performance review (绩效考核) of one salesperson for one period, on a published
    evaluation template: results computed from the CRM and the targets at a cut-off date and
    frozen when rating starts; attitude and collaboration rated 1-5 by the manager, peers and
    customers (360°), each rater on a sheet of their own; a weighted score 0-100; the review
    interview (绩效面谈); done reviews are read-only. Incentive plans pay on the score."""

    _name = "sfa.performance.review"
    _description = "Performance Review"
    _inherit = ["mail.thread", "mail.activity.mixin", "sfa.access.mixin"]
    _order = "date_to desc, user_id, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one(
        "res.users",
        "Salesperson",
        required=True,
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    manager_id = fields.Many2one(
        "res.users",
        "Reviewer",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        help="The manager who rates, holds the interview and closes the review.",
    )
    team_id = fields.Many2one("crm.team", "Sales Team", check_company=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    template_id = fields.Many2one(
        "sfa.evaluation.template",
        "Evaluation Template",
        required=True,
        check_company=True,
        domain="[('state', '=', 'published')]",
    )
    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To", required=True)
    cutoff_date = fields.Date(
        "Figures as of", help="The CRM is read up to this day (the period's end by default)."
    )
    state = fields.Selection(
        [("draft", "Draft"), ("rating", "Rating"), ("interview", "Interview"), ("done", "Done")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    score = fields.Float(digits=(16, 2), readonly=True, tracking=True, aggregator="avg", copy=False)
    line_ids = fields.One2many("sfa.performance.review.line", "review_id", "Indicators")
    rating_ids = fields.One2many("sfa.performance.rating", "review_id", "Rating Sheets")
    rating_count = fields.Integer(compute="_compute_rating_count")
    is_reviewer = fields.Boolean(
        compute="_compute_is_reviewer", help="The current user runs this review."
    )
    peer_ids = fields.Many2many(
        "res.users",
        "sfa_performance_review_peer_rel",
        "review_id",
        "user_id",
        "Peers",
        domain="[('share', '=', False)]",
        help="Colleagues invited to rate (同事).",
    )
    customer_ids = fields.Many2many(
        "res.partner",
        "sfa_performance_review_customer_rel",
        "review_id",
        "partner_id",
        "Customers",
        help="Customers whose rating (客户) the manager records.",
    )
    interview_date = fields.Date(tracking=True)
    interview_notes = fields.Html()
    strengths = fields.Html()
    improvements = fields.Html("Points to Improve")
    development_plan = fields.Html()

    # --- computes -------------------------------------------------------------------------------
    @api.depends("user_id", "date_from", "date_to")
    def _compute_name(self):
        for review in self:
            review.name = (
                f"{review.user_id.name or ''} {review.date_from or ''} - {review.date_to or ''}"
            )

    @api.depends("rating_ids")
    def _compute_rating_count(self):
        for review in self:
            review.rating_count = len(review.rating_ids)

    @api.depends_context("uid")
    @api.depends("manager_id")
    def _compute_is_reviewer(self):
        admin = self.env.user.has_group("sfa_key_accounts.group_sfa_targets_admin")
        for review in self:
            review.is_reviewer = admin or review.manager_id == self.env.user

    # --- constraints ----------------------------------------------------------------------------
    @api.constrains("user_id", "manager_id", "peer_ids", "date_from", "date_to", "template_id")
    def _check_review(self):
        for review in self:
            if review.date_to < review.date_from:
                raise ValidationError(self.env._("The period ends before it starts."))
            if review.manager_id == review.user_id or review.user_id in review.peer_ids:
                raise ValidationError(
                    self.env._("Nobody rates themselves: %(name)s.", name=review.user_id.name)
                )
            if review.manager_id in review.peer_ids:
                raise ValidationError(
                    self.env._("The reviewer rates as manager, not also as a peer.")
                )
            if review.template_id.state != "published":
                raise ValidationError(self.env._("Review on published templates only."))
        clash = period_clash(self)
        if clash:
            raise ValidationError(
                self.env._(
                    "%(name)s already has a review for this period.",
                    name=clash[0].user_id.name,
                )
            )

    # --- CRUD -----------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("state", "draft") != "draft" or vals.get("score") for vals in vals_list):
            raise UserError(self.env._("A review starts in draft, with no score."))
        reviews = super().create(vals_list)
        reviews._check_reviewer()
        return reviews

    def _check_reviewer(self):
        """Only the leader of a team the reviewed person belongs to reviews them (or a Sales
        Targets administrator): nobody opens a colleague's figures by naming themselves
        reviewer."""
        if self.env.su or self.env.user.has_group(TARGETS_ADMIN):
            return
        Team = self.env["crm.team"].sudo()
        for review in self:
            led = Team.search([("user_id", "=", self.env.user.id)])
            if review.manager_id != self.env.user or review.user_id not in led.member_ids:
                raise AccessError(
                    self.env._(
                        "Only the leader of %(name)s's team reviews them.",
                        name=review.user_id.name,
                    )
                )

    def write(self, vals):
        changed = set(vals) - ALWAYS_OPEN
        if {"state", "score"} & changed and not is_trusted(self.env, REVIEW_FLOW):
            raise UserError(
                self.env._(
                    "A review moves on through its buttons: Start Rating, Close Rating, "
                    "Close Review."
                )
            )
        for review in self:
            if review.state == "done" and changed:
                raise UserError(
                    self.env._("A done review is read-only: %(name)s.", name=review.name)
                )
            if review.state in ("rating", "interview") and changed - INTERVIEW_FIELDS - {
                "state",
                "score",
            }:
                raise UserError(
                    self.env._("Rating has started: only the interview can still be written.")
                )
        res = super().write(vals)
        if {"user_id", "manager_id"} & changed:
            self._check_reviewer()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if self.filtered(lambda r: r.state != "draft"):
            raise UserError(self.env._("Only a draft review can be deleted."))

    # --- actions --------------------------------------------------------------------------------
    def action_refresh_figures(self):
        """Read the computed indicators from the CRM again (draft reviews only)."""
        if self.filtered(lambda r: r.state != "draft"):
            raise UserError(self.env._("The figures are frozen once rating has started."))
        self.check_access("write")
        self._fill_lines()
        return True

    def action_start_rating(self):
        """Freeze the figures, open a rating sheet for the manager, each peer and each
        customer, and invite every rater with an activity."""
        self.check_access("write")
        for review in self:
            if review.state != "draft":
                raise UserError(self.env._("Rating of %(name)s has started.", name=review.name))
        self._fill_lines()
        Rating = self.env["sfa.performance.rating"].sudo()
        sheets = Rating.create([vals for review in self for vals in review._sheet_values()])
        for sheet in sheets:
            sheet.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=sheet.review_id.date_to,
                summary=self.env._("Rate %(name)s", name=sheet.review_id.user_id.name),
                user_id=sheet.rater_id.id,
            )
        trusted(self, REVIEW_FLOW).write({"state": "rating"})
        return True

    def action_start_interview(self):
        """Close the rating: blend the submitted sheets, score the review, and move on to the
        interview. Sheets not submitted by then count for nothing."""
        self.check_access("write")
        for review in self:
            if review.state != "rating":
                raise UserError(self.env._("%(name)s is not being rated.", name=review.name))
            manager_sheet = review.rating_ids.filtered(lambda s: s.source == "manager")
            if manager_sheet.state != "submitted":
                raise UserError(
                    self.env._("The manager's own rating of %(name)s is missing.", name=review.name)
                )
        self._rate_lines()
        pending = self.rating_ids.filtered(lambda s: s.state == "pending").sudo()
        pending.activity_unlink(["mail.mail_activity_data_todo"])
        trusted(pending, RATING_FLOW).write({"state": "expired"})
        for review in self:
            trusted(review, REVIEW_FLOW).write(
                {"state": "interview", "score": review._weighted_score()}
            )
        return True

    def action_done(self):
        self.check_access("write")
        for review in self:
            if review.state != "interview":
                raise UserError(
                    self.env._("Hold the interview of %(name)s first.", name=review.name)
                )
            if not review.interview_date:
                raise UserError(self.env._("When was the interview of %(name)s?", name=review.name))
        trusted(self, REVIEW_FLOW).write({"state": "done"})
        for review in self:
            review.message_post(
                body=Markup("%s")
                % self.env._("Review closed with a score of %(score)s.", score=review.score),
                subtype_xmlid="mail.mt_note",
            )
        return True

    @api.readonly
    def action_view_ratings(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sfa.performance.rating",
            "view_mode": "list,form",
            "domain": [("review_id", "=", self.id)],
            "name": self.env._("Ratings of %(name)s", name=self.name),
        }

    # --- business methods -----------------------------------------------------------------------
    def _sheet_values(self):
        self.ensure_one()
        rated = self.template_id.indicator_ids.filtered(lambda i: i.kind == "rated")
        lines = [Command.create({"indicator_id": i.id}) for i in rated]
        sheets = [("manager", self.manager_id, False)]
        sheets += [("peer", peer, False) for peer in self.peer_ids]
        sheets += [("customer", self.manager_id, customer) for customer in self.customer_ids]
        return [
            {
                "review_id": self.id,
                "source": source,
                "rater_id": rater.id,
                "customer_id": customer and customer.id,
                "line_ids": lines,
            }
            for source, rater, customer in sheets
        ]

    def _fill_lines(self):
        """(Re)create the indicator lines and fill the computed ones from the CRM: one
        figures statement and a few grouped reads for the whole batch of reviews."""
        raw = self._computed_raw_values()
        Line = self.env["sfa.performance.review.line"].sudo()
        Line.search([("review_id", "in", self.ids)]).unlink()
        values = []
        for review in self:
            for indicator in review.template_id.indicator_ids:
                value = raw.get((review.id, indicator.kind), 0.0)
                values.append(
                    {
                        "review_id": review.id,
                        "indicator_id": indicator.id,
                        "weight": indicator.weight,
                        "raw_value": value,
                        "score": 0.0 if indicator.kind == "rated" else indicator._score(value),
                    }
                )
        Line.create(values)

    def _computed_raw_values(self):
        """{(review id, indicator kind): raw value} of the computed indicators."""
        Target = self.env["sfa.sales.target"].sudo()
        rows = []
        for review in self:
            end = min(review.date_to, review.cutoff_date or review.date_to)
            for index, measure in enumerate(REVIEW_MEASURES):
                rows.append(
                    {
                        "key": review.id * 10 + index,
                        "company_id": review.company_id.id,
                        "user_id": review.user_id.id,
                        "measure": measure,
                        "date_from": review.date_from,
                        "date_to": max(end, review.date_from),
                    }
                )
        figures = Target._figures_of_specs(rows)
        targets = Target.search(
            [
                ("user_id", "in", self.user_id.ids),
                ("measure", "=", "won_revenue"),
                ("dimension", "=", "none"),
                ("state", "=", "confirmed"),
                ("date_from", ">=", min(self.mapped("date_from"))),
                ("date_to", "<=", max(self.mapped("date_to"))),
            ]
        )
        crm = self._key_account_figures()
        # by owner first: a review looks through its salesperson's targets, not everyone's
        by_owner = targets.grouped(lambda t: (t.user_id, t.company_id))
        raw = {}
        for review in self:
            achieved, last_year = figures.get(review.id * 10, (0.0, 0.0))
            mine = by_owner.get((review.user_id, review.company_id), Target).filtered(
                lambda t, r=review: t.date_from >= r.date_from and t.date_to <= r.date_to
            )
            top = mine.filtered(lambda t, m=mine: not (t.parent_id & m))
            user = review.user_id.id
            raw.update(
                {
                    (review.id, "revenue_attainment"): engine.attainment(
                        achieved, sum(top.mapped("amount"))
                    )
                    or 0.0,
                    (review.id, "growth"): engine.growth(achieved, last_year) or 0.0,
                    (review.id, "win_rate"): round(figures.get(review.id * 10 + 1, (0, 0))[0], 2),
                    (review.id, "new_customers"): figures.get(review.id * 10 + 2, (0, 0))[0],
                    (review.id, "map_score"): crm["map_score"].get(user, 0.0),
                    (review.id, "plan_coverage"): crm["plan_coverage"].get(user, 0.0),
                    (review.id, "value_coverage"): crm["value_coverage"].get(user, 0.0),
                }
            )
        return raw

    def _key_account_figures(self):
        """Per salesperson: the average map score of their open key deals, the share of those
        deals with a current value case, and the share of the key accounts they manage with an
        active account plan (percentages), as of now, in a few grouped reads."""
        users = self.user_id.ids
        accounts = (
            self.env["sfa.key.account"]
            .sudo()
            .search([("is_key", "=", True), ("company_id", "in", self.company_id.ids)])
        )
        Lead = self.env["crm.lead"].sudo()
        open_key = [
            ("type", "=", "opportunity"),
            ("active", "=", True),
            ("stage_id.is_won", "=", False),
            ("user_id", "in", users),
            ("company_id", "in", self.company_id.ids),
            ("partner_id.commercial_partner_id", "in", accounts.partner_id.ids),
        ]
        deals = {
            user.id: (count, score)
            for user, count, score in Lead._read_group(
                open_key, ["user_id"], ["__count", "political_map_score:avg"]
            )
        }
        with_case = {
            user.id: count
            for user, count in Lead._read_group(
                [*open_key, ("value_worksheet_id", "!=", False)], ["user_id"], ["__count"]
            )
        }
        managed = accounts.filtered(lambda a: a.manager_id.id in users)
        today = fields.Date.context_today(self)
        planned = set(
            self.env["sfa.account.plan"]
            .sudo()
            .search(
                [
                    ("key_account_id", "in", managed.ids),
                    ("state", "=", "active"),
                    ("date_start", "<=", today),
                    ("date_end", ">=", today),
                ]
            )
            .key_account_id.ids
        )
        result = {"map_score": {}, "value_coverage": {}, "plan_coverage": {}}
        for user_id, (count, score) in deals.items():
            result["map_score"][user_id] = round(score or 0.0, 2)
            result["value_coverage"][user_id] = (
                engine.attainment(with_case.get(user_id, 0), count) or 0.0
            )
        for user, mine in managed.grouped("manager_id").items():
            covered = len([a for a in mine.ids if a in planned])
            result["plan_coverage"][user.id] = engine.attainment(covered, len(mine)) or 0.0
        return result

    def _rate_lines(self):
        """Fill the rated lines from the submitted sheets: each source's average, blended by
        the template's source weights, then scored on the indicator's curve."""
        submitted = self.rating_ids.filtered(lambda s: s.state == "submitted")
        for review in self:
            template = review.template_id
            weights = {
                "manager": template.manager_weight,
                "peer": template.peer_weight,
                "customer": template.customer_weight,
            }
            sheets = submitted.filtered(lambda s, r=review: s.review_id == r)
            for line in review.line_ids.filtered(lambda ln: ln.indicator_id.kind == "rated"):
                ratings = {}
                for rating in sheets.line_ids.filtered(
                    lambda rl, ln=line: rl.indicator_id == ln.indicator_id
                ):
                    ratings.setdefault(rating.rating_id.source, []).append(rating.value)
                blended = engine.blend_ratings(ratings, weights)
                line.sudo().write(
                    {
                        "raw_value": blended or 0.0,
                        "score": 0.0 if blended is None else line.indicator_id._score(blended),
                    }
                )

    def _weighted_score(self):
        self.ensure_one()
        return engine.weighted_score([(line.weight, line.score) for line in self.line_ids])
