from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..engine import health, politics
from .nullable_float import NullableFloat

BUYING_STYLES = [
    ("value", "V - Value"),
    ("relationship", "R - Relationship"),
    ("commercial", "$ - Commercial"),
    ("process", "P - Process"),
    ("technical", "T - Technical"),
]
CIRCLES = [("core", "Core circle"), ("influence", "Circle of influence"), ("outside", "Outside")]
TIME_LEVELS = [
    ("0", "0 - Never met"),
    ("1", "1 - Introduction"),
    ("2", "2 - One-to-one"),
    ("3", "3 - Quality time"),
]
RECENT_DAYS = 90  # window of the suggested time-spent level


def _or_false(value):
    """A nullable column as ``read`` gives a char field: False for NULL (an empty string
    stays one)."""
    return False if value is None else value


class SfaStakeholder(models.Model):
    """A person of a customer's buying centre, with what is true of them across deals: buying
    style, reports-to (the org chart), whom they influence (the power line), circle, influence
    sources, what moves them and our owner for the relationship. What differs per deal lives
    on ``sfa.deal.contact``."""

    _name = "sfa.stakeholder"
    _description = "Stakeholder"
    _inherit = ["mail.thread", "sfa.access.mixin", "sfa.edit.guard.mixin"]
    _sfa_edit_buttons = ("action_load_status_questions",)
    _order = "account_id, name, id"
    _rec_name = "name"

    partner_id = fields.Many2one(
        "res.partner", "Person", required=True, index=True, ondelete="cascade", tracking=True
    )
    account_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="cascade",
        compute="_compute_account_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('is_company', '=', True)]",
    )
    name = fields.Char(related="partner_id.name", store=True)
    function = fields.Char(related="partner_id.function", string="Job Position")
    image_128 = fields.Image(related="partner_id.image_128")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    reports_to_id = fields.Many2one(
        "sfa.stakeholder",
        index=True,
        ondelete="set null",
        domain="[('account_id', '=', account_id), ('id', '!=', id)]",
        tracking=True,
        help="The org chart: whom this person answers to. Who really moves whom (the power "
        "line) is Influences.",
    )
    child_ids = fields.One2many("sfa.stakeholder", "reports_to_id", "Direct Reports")
    # The power line (权力线) as the course draws it: who really moves whom, which can differ
    # from the org chart's reports-to (docs/method.md §3)
    influences_ids = fields.Many2many(
        "sfa.stakeholder",
        "sfa_stakeholder_influence_rel",
        "from_id",
        "to_id",
        domain="[('account_id', '=', account_id), ('id', '!=', id)]",
        help="The power line: the people of the buying centre this person really moves, "
        "whatever the org chart says (drawn as arrows on the political map).",
    )
    buying_style = fields.Selection(BUYING_STYLES, tracking=True)
    circle = fields.Selection(CIRCLES, default="outside", required=True, tracking=True)
    influence_source_ids = fields.Many2many("sfa.influence.source", string="Influence Sources")
    cognition = fields.Text(help="What they know and believe: product, value, references.")
    emotion = fields.Text(help="Institutional and historical feelings, trust.")
    interest = fields.Text(
        help="The organisation's business and political interest; the person's material, "
        "political and career interest."
    )
    user_id = fields.Many2one(
        "res.users", "Relationship Owner", default=lambda self: self.env.user, tracking=True
    )
    deal_contact_ids = fields.One2many("sfa.deal.contact", "stakeholder_id", "Deals")
    last_attitude = fields.Selection(
        [
            ("champion", "* Champion"),
            ("support", "+ Supports"),
            ("neutral", "= Neutral"),
            ("against", "- Does not support"),
            ("hostile", "X Hostile"),
        ],
        compute="_compute_deal_view",
        string="Attitude",
    )
    role_codes = fields.Char("Roles", compute="_compute_deal_view")
    time_spent = fields.Selection(TIME_LEVELS, compute="_compute_deal_view")
    last_contact_date = fields.Datetime(compute="_compute_contact_stats")
    suggested_time_spent = fields.Selection(
        TIME_LEVELS,
        compute="_compute_contact_stats",
        help="Suggested from the meetings and messages of the last 90 days.",
    )

    # The customer status analysis (客户状态分析表, docs/method.md §1.6): the person's
    # willingness and quality, each 0-100, or empty while none of its questions is answered
    status_assessment_ids = fields.One2many(
        "sfa.stakeholder.assessment", "stakeholder_id", "Status Analysis"
    )
    willingness_ids = fields.One2many(
        "sfa.stakeholder.assessment",
        "stakeholder_id",
        "Willingness Assessment",
        domain=[("kind", "=", health.WILLINGNESS)],
    )
    quality_ids = fields.One2many(
        "sfa.stakeholder.assessment",
        "stakeholder_id",
        "Quality Assessment",
        domain=[("kind", "=", health.QUALITY)],
    )
    willingness_score = NullableFloat(
        "Willingness",
        compute="_compute_status_scores",
        store=True,
        aggregator="avg",
        help="Customer willingness assessment (客户意愿评估), 0-100: empty while not assessed.",
    )
    quality_score = NullableFloat(
        "Quality",
        compute="_compute_status_scores",
        store=True,
        aggregator="avg",
        help="Customer quality assessment (客户素质评估): the person's character and standing, "
        "0-100: empty while not assessed.",
    )
    willingness_assessed = fields.Boolean(compute="_compute_status_scores", store=True)
    quality_assessed = fields.Boolean(compute="_compute_status_scores", store=True)

    _sql_constraints = [
        (
            "partner_account_unique",
            "unique(partner_id, account_id)",
            "A person is a stakeholder of an account only once.",
        ),
    ]

    @api.depends("partner_id")
    def _compute_account_id(self):
        for stakeholder in self:
            if stakeholder.partner_id and not stakeholder.account_id:
                stakeholder.account_id = stakeholder.partner_id.commercial_partner_id

    @api.depends(
        "status_assessment_ids.score",
        "status_assessment_ids.weight",
        "status_assessment_ids.kind",
    )
    def _compute_status_scores(self):
        """The engine's part formula on each kind's answers (engine/health.py
        ``status_scores``)."""
        for stakeholder in self:
            parts = {kind: [] for kind in health.STATUS_KINDS}
            for answer in stakeholder.status_assessment_ids:
                if answer.kind in parts:
                    parts[answer.kind].append(health.answer_item(answer.weight, answer.score))
            scores = health.status_scores(parts)
            stakeholder.update(
                {
                    "willingness_score": scores[health.WILLINGNESS],
                    "willingness_assessed": scores[health.WILLINGNESS] is not None,
                    "quality_score": scores[health.QUALITY],
                    "quality_assessed": scores[health.QUALITY] is not None,
                }
            )

    def action_load_status_questions(self):
        """Give each person one answer line per active question of the status analysis of
        their company (those they have stay as they are)."""
        self._sfa_load_status_questions()
        return True

    def _sfa_load_status_questions(self):
        Criterion = self.env["sfa.health.criterion"]
        Criterion._sfa_check_weights(self.company_id, health.STATUS_KINDS)
        questions = Criterion.search([("kind", "in", health.STATUS_KINDS)])
        existing = {
            (answer.stakeholder_id.id, answer.criterion_id.id)
            for answer in self.status_assessment_ids
        }
        self.env["sfa.stakeholder.assessment"].create(
            [
                {"stakeholder_id": stakeholder.id, "criterion_id": question.id}
                for stakeholder in self
                for question in questions
                if question.company_id in (stakeholder.company_id, self.env["res.company"])
                and (stakeholder.id, question.id) not in existing
            ]
        )

    @api.depends_context("sfa_lead_id")
    @api.depends(
        "deal_contact_ids.attitude", "deal_contact_ids.role_ids", "deal_contact_ids.time_spent"
    )
    def _compute_deal_view(self):
        """Role letters, attitude and time spent on the deal in context (``sfa_lead_id``: the
        person's one line on that deal), else the last known attitude and time and the roles
        of all their deals: what the org-chart cards show."""
        lead_id = self.env.context.get("sfa_lead_id")
        saved = self.filtered(lambda s: isinstance(s.id, int))
        if saved:
            # one query for all the cards of an org chart, however many people
            last, codes = self._deal_view_sql(SQL("s.id"))
            rows = self.env.execute_query(
                SQL("SELECT s.id, %s, %s FROM unnest(%s::int[]) AS s(id)", last, codes, saved.ids)
            )
            for sid, (attitude, time_spent), codes in rows:
                stakeholder = self.browse(sid)
                stakeholder.last_attitude = attitude or False
                stakeholder.time_spent = time_spent or False
                stakeholder.role_codes = codes or ""
        for stakeholder in self - saved:
            contacts = stakeholder.deal_contact_ids.sorted(lambda c: (c.write_date, c.id))
            if lead_id:
                contacts = contacts.filtered(lambda c: c.lead_id.id == lead_id)
            last = contacts[-1:]
            stakeholder.last_attitude = last.attitude
            stakeholder.time_spent = last.time_spent
            stakeholder.role_codes = "".join(sorted(set(contacts.role_ids.mapped("code"))))

    @api.model
    def _deal_view_sql(self, stakeholder_id):
        """The deal view of :meth:`_compute_deal_view` as two SQL expressions for the
        stakeholder whose id is ``stakeholder_id`` (an SQL expression): the array [attitude,
        time spent] of their last line (on the context's deal, if any; [NULL, NULL] without
        one) and their role letters (NULL without any). Flushes what they read."""
        self.env["sfa.deal.contact"].flush_model(
            ["stakeholder_id", "lead_id", "attitude", "time_spent", "role_ids", "write_date"]
        )
        self.env["sfa.buying.role"].flush_model(["code", "active"])
        lead_id = self.env.context.get("sfa_lead_id")
        on_deal = SQL("AND dc.lead_id = %s", lead_id) if lead_id else SQL()
        last = SQL(
            """COALESCE((SELECT ARRAY[dc.attitude, dc.time_spent] FROM sfa_deal_contact dc
                  WHERE dc.stakeholder_id = %(sid)s %(on_deal)s
               ORDER BY dc.write_date DESC, dc.id DESC LIMIT 1), ARRAY[NULL, NULL]::varchar[])""",
            sid=stakeholder_id,
            on_deal=on_deal,
        )
        codes = SQL(
            """(SELECT string_agg(DISTINCT r.code, '' ORDER BY r.code)
                  FROM sfa_deal_contact dc
                  JOIN sfa_deal_contact_role_rel rel ON rel.contact_id = dc.id
                  JOIN sfa_buying_role r ON r.id = rel.role_id AND r.active
                 WHERE dc.stakeholder_id = %(sid)s %(on_deal)s)""",
            sid=stakeholder_id,
            on_deal=on_deal,
        )
        return last, codes

    @api.model
    @api.readonly
    def sfa_org_chart_read(self, domain):
        """The whole org chart of the stakeholders of ``domain`` the user may read, in one
        query: for each, in the model's order (accounts by id), what ``read`` gives for the
        fields of the chart's cards (``sfa_stakeholder_view_hierarchy``), their manager
        (id, name) and their direct reports (``child_ids``: those the user may read, in the
        model's order), the deal view following the context's ``sfa_lead_id`` as the
        computed fields do. The org chart's web client (view ``sfa_org_chart``) loads the
        chart with it once and opens and closes branches without asking again; a field
        added to the cards must be added here (tests/test_org_chart.py checks it)."""
        # model access and record rules, as search and read check them
        query = self._search(domain)
        if query.is_empty():
            return []
        table = query.table
        # the model's order, but accounts by id, not by name (a chart is of one account:
        # sorting every row by its account's name costs a tenth of the query)
        query.order = SQL(
            "%s, %s, %s",
            SQL.identifier(table, "account_id"),
            self._field_to_sql(table, "name", query),
            SQL.identifier(table, "id"),
        )
        # the direct reports of each, those the user may read (all of them, in the domain or
        # not, as the ORM's child_ids), in the model's order: a manager's reports are of
        # their account (_check_reports_to), so by name and id
        readable = self._search([])
        reports = SQL(
            """ARRAY(SELECT r.id FROM (%(readable)s) AS r WHERE r.reports_to_id = %(id)s
                      ORDER BY r.name, r.id)""",
            readable=readable.select(
                *(
                    SQL.identifier(readable.table, fname)
                    for fname in ("id", "reports_to_id", "name")
                )
            ),
            id=SQL.identifier(table, "id"),
        )
        partner = query.join(table, "partner_id", "res_partner", "id", "partner_id")
        manager = query.left_join(table, "reports_to_id", table, "id", "reports_to_id")
        last, codes = self._deal_view_sql(SQL.identifier(table, "id"))
        rows = self.env.execute_query(
            query.select(
                SQL.identifier(table, "id"),
                self._field_to_sql(table, "name", query),
                self.env["res.partner"]._field_to_sql(partner, "function", query),
                self._field_to_sql(table, "buying_style", query),
                self._field_to_sql(table, "circle", query),
                self._field_to_sql(table, "reports_to_id", query),
                self._field_to_sql(manager, "name", query),
                reports,
                last,
                codes,
            )
        )
        return [
            {
                "id": sid,
                "name": _or_false(name),
                "function": _or_false(function),
                "buying_style": buying_style or False,
                "circle": circle or False,
                "reports_to_id": (manager_id, manager_name or False) if manager_id else False,
                "child_ids": reports,
                "last_attitude": attitude or False,
                "time_spent": time_spent or False,
                "role_codes": codes or "",
            }
            for (
                sid,
                name,
                function,
                buying_style,
                circle,
                manager_id,
                manager_name,
                reports,
                (attitude, time_spent),
                codes,
            ) in rows
        ]

    def _compute_contact_stats(self):
        stats = self._contact_stats()
        for stakeholder in self:
            last, meetings, messages = stats.get(stakeholder.partner_id.id, (None, 0, 0))
            stakeholder.last_contact_date = last
            stakeholder.suggested_time_spent = str(
                politics.suggested_time_spent(meetings, messages) if last else 0
            )

    @api.model
    def name_create(self, name):
        """A new person typed in a deal's buying centre: their contact is created under the
        customer the context names (``default_account_id``), then the stakeholder."""
        account = self.env["res.partner"].browse(self.env.context.get("default_account_id"))
        stakeholder = self._sfa_find_or_create(name, account.exists())
        return stakeholder.id, stakeholder.display_name

    @api.model
    def _sfa_find_or_create(self, name, account):
        """The stakeholder of ``account`` called ``name`` (case and spaces aside), or a new
        contact of the account and its stakeholder."""
        name = " ".join((name or "").split())
        if not account:
            raise UserError(
                self.env._(
                    "Choose the customer first: the people of a buying centre are contacts of "
                    "the customer."
                )
            )
        if not name:
            raise UserError(self.env._("Type the person's name."))
        found = self.search([("account_id", "=", account.id), ("name", "=ilike", name)], limit=1)
        if found:
            return found
        partner = self.env["res.partner"].create(
            {"name": name, "parent_id": account.id, "type": "contact"}
        )
        return self.create({"partner_id": partner.id, "account_id": account.id})

    @api.constrains("influences_ids", "account_id")
    def _check_influences(self):
        for stakeholder in self:
            others = stakeholder.influences_ids
            if stakeholder in others or any(o.account_id != stakeholder.account_id for o in others):
                raise ValidationError(
                    self.env._(
                        "%(person)s can only influence other people of the same account "
                        "(%(account)s).",
                        person=stakeholder.name,
                        account=stakeholder.account_id.display_name,
                    )
                )

    @api.constrains("reports_to_id", "account_id")
    def _check_reports_to(self):
        if self._has_cycle("reports_to_id"):
            raise ValidationError(self.env._("Reports-to lines cannot go round in a circle."))
        for stakeholder in self:
            if stakeholder.reports_to_id.account_id not in (
                stakeholder.account_id,
                self.env["res.partner"],
            ):
                raise ValidationError(
                    self.env._(
                        "%(person)s can only report to someone of the same account (%(account)s).",
                        person=stakeholder.name,
                        account=stakeholder.account_id.display_name,
                    )
                )

    def unlink(self):
        # The database cascades a person's deletion into their roles on every deal, record
        # rules or not: refuse unless the user may delete all of those roles too. (sudo: to
        # find the roles the user cannot even see; the check itself runs as the user.)
        contacts = self.env["sfa.deal.contact"].sudo().search([("stakeholder_id", "in", self.ids)])
        contacts.sudo(False).check_access("unlink")
        return super().unlink()

    def _contact_stats(self):
        """{partner id: (last contact, meetings, messages in the last 90 days)} from what the
        CRM recorded with these people: meetings they attend, messages they wrote or
        received, notes and done activities on their contact record. One query for all."""
        return self._contact_stats_of(self.partner_id.ids)

    @api.model
    def _contacts_sql(self, partner_ids):
        """SELECT of what the CRM recorded with the people ``partner_ids`` (an SQL int[]
        expression), one row ``(partner_id, at, meeting)`` per contact: meetings they attend
        (started; meeting = 1), messages they wrote or received and notes on their contact
        record (meeting = 0). Flushes what it reads. The last contact and the counts of
        :meth:`_contact_stats_of`, the stale key players of the maps in SQL
        (crm.lead._sfa_map_figures_sql)."""
        self.env["calendar.event"].flush_model(["start", "active", "partner_ids"])
        self.env["mail.message"].flush_model(
            ["author_id", "date", "message_type", "model", "res_id", "partner_ids"]
        )
        return SQL(
            """
            SELECT rel.res_partner_id AS partner_id, ev.start AS at, 1 AS meeting
              FROM calendar_event ev
              JOIN calendar_event_res_partner_rel rel ON rel.calendar_event_id = ev.id
             WHERE rel.res_partner_id = ANY(%(ids)s) AND ev.active
               AND ev.start <= (now() at time zone 'UTC')
            UNION ALL
            SELECT msg.author_id, msg.date, 0 FROM mail_message msg
             WHERE msg.author_id = ANY(%(ids)s) AND msg.message_type IN ('email', 'comment')
            UNION ALL
            SELECT rel.res_partner_id, msg.date, 0 FROM mail_message msg
              JOIN mail_message_res_partner_rel rel ON rel.mail_message_id = msg.id
             WHERE rel.res_partner_id = ANY(%(ids)s)
               AND msg.message_type IN ('email', 'comment')
            UNION ALL
            SELECT msg.res_id, msg.date, 0 FROM mail_message msg
             WHERE msg.model = 'res.partner' AND msg.res_id = ANY(%(ids)s)
               AND msg.message_type IN ('email', 'comment')
            """,
            ids=partner_ids,
        )

    @api.model
    def _contact_stats_of(self, partner_ids):
        """:meth:`_contact_stats` of these partner ids."""
        partner_ids = list(set(partner_ids) - {False, None})
        if not partner_ids:
            return {}
        self.env.cr.execute(
            SQL(
                """
            WITH contact AS (%(contacts)s)
            SELECT partner_id, MAX(at),
                   COUNT(*) FILTER (WHERE meeting = 1 AND at >= %(since)s),
                   COUNT(*) FILTER (WHERE meeting = 0 AND at >= %(since)s)
              FROM contact GROUP BY partner_id
            """,
                contacts=self._contacts_sql(SQL("%s::int[]", partner_ids)),
                since=fields.Datetime.subtract(fields.Datetime.now(), days=RECENT_DAYS),
            )
        )
        return {
            pid: (last, meetings, messages)
            for pid, last, meetings, messages in self.env.cr.fetchall()
        }
