import logging

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount

from ..engine import politics
from .sfa_access_mixin import is_trusted, trusted
from .sfa_comp_credit_split import SPLIT_BATCH

_logger = logging.getLogger(__name__)

STALE_DAYS_PARAM = "sfa_key_accounts.stale_days"
# Where the daily map job stopped (last deal id done; 0: start over) and its batch size
MAP_JOB_PARAM = "sfa_key_accounts.map_job_last_id"
MAP_BATCH = 1000
# pg_try_advisory_xact_lock(MAP_JOB_LOCK): one worker works on a batch of the map job at a time
MAP_JOB_LOCK = 0x5FA8021
# The closed opportunities (won or lost) by close date, per company (with what the 80/20
# ranking reads of them, for index-only scans), per salesperson and per team: what the
# ranking, the sales targets and the statements read over a period. Created by init, dropped
# by the uninstall hook (hooks.py).
CLOSED_DEALS_INDEXES = {
    "crm_lead_sfa_closed_idx": SQL(
        "(company_id, date_closed) INCLUDE (stage_id, partner_id, active, expected_revenue)"
    ),
    "crm_lead_sfa_user_closed_idx": SQL("(user_id, date_closed)"),
    "crm_lead_sfa_team_closed_idx": SQL("(team_id, date_closed)"),
}
DEFAULT_STALE_DAYS = 30
# The server-only permission to move past the gates (sfa_access_mixin.trusted): only the
# override wizard grants it, after checking that the user is a sales manager and has given a
# reason. A client's context (JSON-RPC, XML-RPC) can never carry it, whatever it sends.
GATE_OVERRIDE = "sfa_gate_override"
# Worked out from the political map and the value worksheet: callers cannot set them.
MAP_FIGURES = ("political_map_score", "political_map_status", "red_flag_codes")
COMPUTED_FIGURES = (
    *MAP_FIGURES,
    "value_worksheet_id",
    "likely_net_value",
    "likely_roi",
    "likely_payback_months",
    "likely_pays_back",
)
OPEN_DEALS = [("type", "=", "opportunity"), ("active", "=", True), ("stage_id.is_won", "=", False)]
QUALIFICATION = (
    ("sfa_need_confirmed", "need"),
    ("sfa_authority_confirmed", "authority"),
    ("sfa_budget_confirmed", "budget"),
    ("sfa_timeline_confirmed", "timeline"),
)


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # Not stored: lets grouped queries (80/20 ranking, plan objectives) aggregate a whole
    # account's opportunities, whichever of its contacts they were opened for.
    sfa_commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Account"
    )
    # The stages of the team's pipeline: what the status bar offers (crm.team.sfa_own_stages)
    sfa_stage_ids = fields.Many2many(
        "crm.stage", string="Pipeline Stages", compute="_compute_sfa_stage_ids"
    )
    deal_contact_ids = fields.One2many("sfa.deal.contact", "lead_id", "Buying Centre")
    political_map_score = fields.Integer(
        "Map Score", compute="_compute_political_map", store=True, aggregator="avg"
    )
    political_map_status = fields.Selection(
        [("green", "Green"), ("amber", "Amber"), ("red", "Red")],
        "Map Status",
        compute="_compute_political_map",
        store=True,
        index=True,
    )
    red_flag_codes = fields.Char("Red Flags", compute="_compute_political_map", store=True)
    red_flag_html = fields.Html("Red Flag Hints", compute="_compute_red_flag_html", sanitize=False)
    # The current value worksheet's business case (stored for lists, pivots and filters)
    value_worksheet_ids = fields.One2many("sfa.value.worksheet", "lead_id", "Value Worksheets")
    value_worksheet_id = fields.Many2one(
        "sfa.value.worksheet", compute="_compute_value_figures", store=True
    )
    likely_net_value = fields.Monetary(
        compute="_compute_value_figures", store=True, currency_field="company_currency"
    )
    likely_roi = fields.Float("Likely ROI (%)", compute="_compute_value_figures", store=True)
    likely_payback_months = fields.Integer(compute="_compute_value_figures", store=True)
    likely_pays_back = fields.Boolean(compute="_compute_value_figures", store=True)
    # Qualification of the first stage (confirm the opportunity)
    sfa_need_confirmed = fields.Boolean("Need Confirmed", tracking=True)
    sfa_need_note = fields.Char("Need")
    sfa_authority_confirmed = fields.Boolean("Authority Confirmed", tracking=True)
    sfa_authority_note = fields.Char("Authority")
    sfa_budget_confirmed = fields.Boolean("Budget Confirmed", tracking=True)
    sfa_budget_note = fields.Char("Budget")
    sfa_timeline_confirmed = fields.Boolean("Timeline Confirmed", tracking=True)
    sfa_timeline_note = fields.Char("Timeline")

    def init(self):
        res = super().init()
        for name, columns in CLOSED_DEALS_INDEXES.items():
            self.env.cr.execute(
                SQL(
                    """CREATE INDEX IF NOT EXISTS %s ON crm_lead %s
                       WHERE type = 'opportunity' AND date_closed IS NOT NULL""",
                    SQL.identifier(name),
                    columns,
                )
            )
        return res

    @api.depends("team_id", "team_id.sfa_own_stages")
    def _compute_sfa_stage_ids(self):
        pipelines = self.team_id._sfa_pipeline_stages()
        for lead in self:
            lead.sfa_stage_ids = pipelines.get(lead.team_id.id, pipelines[False])

    @api.depends(
        "value_worksheet_ids.is_current",
        "value_worksheet_ids.likely_net_value",
        "value_worksheet_ids.likely_roi",
        "value_worksheet_ids.likely_payback_months",
        "value_worksheet_ids.likely_pays_back",
    )
    def _compute_value_figures(self):
        for lead in self:
            current = lead.value_worksheet_ids.filtered("is_current")[:1]
            lead.value_worksheet_id = current
            lead.likely_net_value = current.likely_net_value
            lead.likely_roi = current.likely_roi
            lead.likely_payback_months = current.likely_payback_months
            lead.likely_pays_back = current.likely_pays_back

    @api.depends(
        "team_id.sfa_use_political_map",
        "deal_contact_ids.role_ids",
        "deal_contact_ids.attitude",
        "deal_contact_ids.influence",
        "deal_contact_ids.time_spent",
        "deal_contact_ids.stakeholder_id.circle",
    )
    def _compute_political_map(self):
        """Flags, score and status of every lead of self in a constant number of queries."""
        for lead, (codes, score, status) in self._sfa_map_figures().items():
            lead.red_flag_codes = codes
            lead.political_map_score = score
            lead.political_map_status = status

    def _sfa_map_figures(self):
        """{lead: (red flag codes, score, status)} as stored, from the engine."""
        contacts_by_lead = self._sfa_map_contacts()
        stale_days = self._sfa_stale_days()
        figures = {}
        for lead in self:
            contacts = contacts_by_lead.get(lead.id, [])
            if not contacts and not lead.team_id.sfa_use_political_map:
                figures[lead] = (False, 0, False)
                continue
            flags, score, status = politics.assess(contacts, stale_days)
            figures[lead] = (",".join(flags) or False, score, status)
        return figures

    def _sfa_refresh_map_figures(self):
        """Bring the stored map figures of these saved deals up to date in one statement
        (:meth:`_sfa_map_figures_sql`), writing only the deals whose figures change; the
        cache follows. Returns those deals."""
        for fname in MAP_FIGURES:
            self.env.remove_to_compute(self._fields[fname], self)
        # figures computed but not written yet must not overwrite ours at the next flush
        self.flush_recordset([*MAP_FIGURES, "team_id"])
        figures = self._sfa_map_figures_sql()
        rows = self.env.execute_query(
            SQL(
                """UPDATE crm_lead l
                      SET red_flag_codes = f.codes, political_map_score = f.score,
                          political_map_status = f.status, write_uid = %(uid)s,
                          write_date = now() AT TIME ZONE 'UTC'
                     FROM (%(figures)s) f
                    WHERE l.id = f.lead_id
                      AND (l.red_flag_codes, l.political_map_score, l.political_map_status)
                          IS DISTINCT FROM (f.codes, f.score, f.status)
                RETURNING l.id""",
                uid=self.env.uid,
                figures=figures,
            )
        )
        leads = self.browse([lead_id for [lead_id] in rows])
        leads.invalidate_recordset([*MAP_FIGURES, "write_uid", "write_date"], flush=False)
        leads.modified(MAP_FIGURES)
        return leads

    def _sfa_map_figures_sql(self):
        """SELECT ``(lead_id, codes, score, status)`` of these saved deals: their map figures
        as stored, as :meth:`_sfa_map_figures` works them out with the engine
        (engine/politics.py, the specification), for any number of deals in one query."""
        self.env["sfa.deal.contact"].flush_model(
            ["lead_id", "stakeholder_id", "role_ids", "attitude", "influence", "time_spent"]
        )
        self.env["sfa.stakeholder"].flush_model(["partner_id", "circle"])
        self.env["sfa.buying.role"].flush_model(["code", "active"])
        self.env["crm.team"].flush_model(["sfa_use_political_map"])
        self.flush_recordset(["team_id"])
        key_roles = list(politics.KEY_ROLES)
        # per flag of the engine (politics.red_flags), over one deal's ``person`` rows (a flag
        # the engine adds and this misses fails here: KeyError)
        raised = {
            "no_decision_maker": SQL(
                "BOOL_OR(%s = ANY(p.roles)) IS NOT TRUE", politics.DECISION_MAKER
            ),
            "no_approver": SQL("BOOL_OR(%s = ANY(p.roles)) IS NOT TRUE", politics.APPROVER),
            "key_player_against": SQL(
                "BOOL_OR(p.decider AND p.attitude = ANY(%s)) IS TRUE", list(politics.NOT_FOR_US)
            ),
            "no_champion": SQL("BOOL_OR(p.attitude = 'champion') IS NOT TRUE"),
            "hostile_core": SQL("BOOL_OR(p.attitude = 'hostile' AND p.circle = 'core') IS TRUE"),
            "key_player_not_met": SQL("BOOL_OR(p.decider AND p.time_spent = 0) IS TRUE"),
            "single_threaded": SQL("COUNT(p.lead_id) = 1"),
            "stale_key_player": SQL("BOOL_OR(p.stale_key_player) IS TRUE"),
        }
        flag = {code: SQL.identifier("f", code) for code in politics.FLAGS}
        return SQL(
            """
            WITH lead AS MATERIALIZED (
                SELECT l.id, COALESCE(t.sfa_use_political_map, FALSE) AS uses_map
                  FROM crm_lead l LEFT JOIN crm_team t ON t.id = l.team_id
                 WHERE l.id = ANY(%(ids)s)
            ),
            contact AS MATERIALIZED (
                SELECT dc.lead_id, s.partner_id, s.circle, dc.influence,
                       COALESCE(dc.attitude, 'neutral') AS attitude,
                       COALESCE(NULLIF(dc.time_spent, ''), '0')::int AS time_spent,
                       COALESCE(ARRAY_AGG(r.code) FILTER (WHERE r.id IS NOT NULL), '{}')
                           AS roles
                  FROM lead
                  JOIN sfa_deal_contact dc ON dc.lead_id = lead.id
                  JOIN sfa_stakeholder s ON s.id = dc.stakeholder_id
             LEFT JOIN sfa_deal_contact_role_rel rel ON rel.contact_id = dc.id
             LEFT JOIN sfa_buying_role r ON r.id = rel.role_id AND r.active
              GROUP BY dc.id, s.id
            ),
            touch AS (%(touches)s),
            last_touch AS (SELECT partner_id, MAX(at) AS at FROM touch GROUP BY partner_id),
            person AS (
                SELECT c.lead_id, c.roles, c.attitude, c.circle, c.time_spent,
                       c.roles && %(key_roles)s AS decider,
                       (c.roles && %(key_roles)s OR c.influence IS NOT DISTINCT FROM 'high')
                       AND (t.at IS NULL
                            OR FLOOR(EXTRACT(EPOCH FROM %(now)s - t.at) / 86400) > %(stale)s)
                           AS stale_key_player
                  FROM contact c LEFT JOIN last_touch t ON t.partner_id = c.partner_id
            ),
            flag AS (
                SELECT lead.id AS lead_id, lead.uses_map OR COUNT(p.lead_id) > 0 AS mapped,
                       %(raised)s
                  FROM lead LEFT JOIN person p ON p.lead_id = lead.id
              GROUP BY lead.id, lead.uses_map
            ),
            scored AS (
                SELECT f.lead_id, f.mapped,
                       NULLIF(CONCAT_WS(',', %(codes)s), '') AS codes,
                       GREATEST(0, 100 - %(penalties)s) AS score,
                       %(blocking)s AS blocking
                  FROM flag f
            )
            SELECT lead_id,
                   CASE WHEN mapped THEN codes END AS codes,
                   CASE WHEN mapped THEN score ELSE 0 END AS score,
                   CASE WHEN NOT mapped THEN NULL
                        WHEN blocking OR score < 50 THEN %(red)s
                        WHEN codes IS NOT NULL THEN %(amber)s
                        ELSE %(green)s END AS status
              FROM scored
            """,
            ids=self.ids,
            touches=self.env["sfa.stakeholder"]._contacts_sql(
                SQL("ARRAY(SELECT DISTINCT partner_id FROM contact)")
            ),
            key_roles=SQL("%s::varchar[]", key_roles),
            now=fields.Datetime.now(),
            stale=self._sfa_stale_days(),
            raised=SQL(", ").join(
                SQL("%s AS %s", raised[code], SQL.identifier(code)) for code in politics.FLAGS
            ),
            codes=SQL(", ").join(
                SQL("CASE WHEN %s THEN %s END", flag[code], code) for code in politics.FLAGS
            ),
            penalties=SQL(" - ").join(
                SQL("%s * %s::int", politics.PENALTY[severity], flag[code])
                for code, severity in politics.FLAGS.items()
            ),
            blocking=SQL(" OR ").join(
                flag[code]
                for code, severity in politics.FLAGS.items()
                if severity == politics.BLOCKING
            ),
            red=politics.RED,
            amber=politics.AMBER,
            green=politics.GREEN,
        )

    def _sfa_map_contacts(self):
        """{lead id: [engine MapContact]}: one query for the deal contacts of all the saved
        leads (one per person and deal, with all their role codes, the person's circle) and
        one for the CRM's contact statistics, however many leads; the cache for leads being
        edited (onchange)."""
        rows = []
        saved = self.filtered(lambda lead: isinstance(lead.id, int))
        if saved:
            self.env["sfa.deal.contact"].flush_model(
                ["lead_id", "stakeholder_id", "role_ids", "attitude", "influence", "time_spent"]
            )
            self.env["sfa.stakeholder"].flush_model(["partner_id", "circle"])
            self.env["sfa.buying.role"].flush_model(["code", "active"])
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT dc.lead_id, dc.stakeholder_id, s.partner_id,
                           ARRAY(SELECT DISTINCT r.code
                                   FROM sfa_deal_contact_role_rel rel
                                   JOIN sfa_buying_role r ON r.id = rel.role_id AND r.active
                                  WHERE rel.contact_id = dc.id
                               ORDER BY r.code),
                           dc.attitude, dc.influence, dc.time_spent, s.circle
                      FROM sfa_deal_contact dc
                      JOIN sfa_stakeholder s ON s.id = dc.stakeholder_id
                     WHERE dc.lead_id = ANY(%s)
                  ORDER BY dc.lead_id, dc.id
                    """,
                    saved.ids,
                )
            )
        for lead in self - saved:  # onchange on records not saved yet
            rows.extend(
                (
                    lead.id,
                    c.stakeholder_id.id,
                    c.stakeholder_id.partner_id.id,
                    sorted(set(c.role_ids.mapped("code"))),
                    c.attitude,
                    c.influence,
                    c.time_spent,
                    c.stakeholder_id.circle,
                )
                for c in lead.deal_contact_ids
            )
        stats = self.env["sfa.stakeholder"]._contact_stats_of({row[2] for row in rows})
        now = fields.Datetime.now()
        result = {}
        for lead_id, stakeholder_id, partner_id, codes, attitude, influence, spent, circle in rows:
            last = stats.get(partner_id, (None, 0, 0))[0]
            result.setdefault(lead_id, []).append(
                politics.MapContact(
                    stakeholder_id,
                    tuple(codes),
                    attitude or "neutral",
                    influence,
                    int(spent or 0),
                    circle,
                    (now - last).days if last else None,
                )
            )
        return result

    @api.depends("red_flag_codes")
    def _compute_red_flag_html(self):
        """The flags with their hints; a code this version does not know (left by an older
        or newer version) is shown as it is rather than breaking the deal."""
        flagged = self.filtered("red_flag_codes")
        people = flagged._sfa_flagged_people() if flagged else {}
        for lead in self:
            codes = [code for code in (lead.red_flag_codes or "").split(",") if code]
            named = people.get(lead.id, {})
            lead.red_flag_html = (
                Markup("<ul class='mb-0'>%s</ul>")
                % Markup("").join(
                    Markup("<li><b>%s</b>: %s%s</li>")
                    % (
                        lead._sfa_flag_label(code),
                        lead._sfa_flag_people(code, named.get(code)),
                        lead._sfa_flag_hint(code),
                    )
                    if code in politics.FLAGS
                    else Markup("<li><b>%s</b></li>") % code
                    for code in codes
                )
                if codes
                else False
            )

    def _sfa_flagged_people(self):
        """``{lead id: {flag code: ["Zhang Wei (Decision maker)", ...]}}``: who raises each
        flag about people, with their roles on the deal. The engine decides
        (politics.flagged_people); the people of every saved deal, with their names, role
        names and last contact, come from one query."""
        stale_days = self._sfa_stale_days()
        saved = self.filtered(lambda lead: isinstance(lead.id, int))
        maps, labels = {}, {}
        if saved:
            lang = self.env.lang or "en_US"
            self.env["sfa.deal.contact"].flush_model()
            self.env["sfa.stakeholder"].flush_model(["name", "partner_id", "circle"])
            self.env["sfa.buying.role"].flush_model(["code", "name", "active"])
            self.env.cr.execute(
                SQL(
                    """
                    WITH contact AS MATERIALIZED (
                        SELECT dc.id, dc.lead_id, dc.stakeholder_id, s.partner_id, s.name,
                               s.circle, dc.influence, COALESCE(dc.attitude, 'neutral') AS attitude,
                               COALESCE(NULLIF(dc.time_spent, ''), '0')::int AS time_spent,
                               COALESCE(ARRAY_AGG(r.code ORDER BY r.code)
                                        FILTER (WHERE r.id IS NOT NULL), '{}') AS codes,
                               COALESCE(ARRAY_AGG(COALESCE(r.name->>%(lang)s, r.name->>'en_US')
                                                  ORDER BY r.code)
                                        FILTER (WHERE r.id IS NOT NULL), '{}') AS role_names
                          FROM sfa_deal_contact dc
                          JOIN sfa_stakeholder s ON s.id = dc.stakeholder_id
                     LEFT JOIN sfa_deal_contact_role_rel rel ON rel.contact_id = dc.id
                     LEFT JOIN sfa_buying_role r ON r.id = rel.role_id AND r.active
                         WHERE dc.lead_id = ANY(%(ids)s)
                      GROUP BY dc.id, s.id
                    ),
                    touch AS (%(touches)s)
                    SELECT c.lead_id, c.stakeholder_id, c.name, c.codes, c.role_names,
                           c.attitude, c.influence, c.time_spent, c.circle,
                           FLOOR(EXTRACT(EPOCH FROM %(now)s - MAX(t.at)) / 86400)::int
                      FROM contact c
                 LEFT JOIN touch t ON t.partner_id = c.partner_id
                  GROUP BY c.id, c.lead_id, c.stakeholder_id, c.name, c.codes, c.role_names,
                           c.attitude, c.influence, c.time_spent, c.circle
                  ORDER BY c.lead_id, c.id
                    """,
                    lang=lang,
                    ids=saved.ids,
                    now=fields.Datetime.now(),
                    touches=self.env["sfa.stakeholder"]._contacts_sql(
                        SQL("ARRAY(SELECT partner_id FROM contact)")
                    ),
                )
            )
            for row in self.env.cr.fetchall():
                lead_id, key, name, codes, role_names, *person = row
                maps.setdefault(lead_id, []).append(politics.MapContact(key, tuple(codes), *person))
                labels[key] = self._sfa_person_label(name, role_names)
        unsaved = self - saved
        if unsaved:  # a form not saved yet: its people in memory
            maps.update(unsaved._sfa_map_contacts())
            for contact in unsaved.deal_contact_ids:
                labels[contact.stakeholder_id.id] = self._sfa_person_label(
                    contact.stakeholder_id.name, contact.role_ids.sorted("code").mapped("name")
                )
        return {
            lead_id: {
                code: [labels.get(key, "") for key in keys]
                for code, keys in politics.flagged_people(contacts, stale_days).items()
                if keys
            }
            for lead_id, contacts in maps.items()
        }

    def _sfa_person_label(self, name, role_names):
        roles = ", ".join(role_names)
        if not roles:
            return name or ""
        return self.env._("%(name)s (%(roles)s)", name=name, roles=roles)

    def _sfa_flag_people(self, code, people):
        """Who a flag is about, as a sentence before its hint ("Zhang Wei (Decision maker):
        never met."); empty for flags about someone missing."""
        sentence = self._sfa_flag_people_text(code, people)
        return Markup("<i>%s</i> ") % sentence if sentence else ""

    def _sfa_flag_people_text(self, code, people):
        if not people:
            return ""
        sentences = {
            "key_player_against": self.env._("%(people)s: not for us."),
            "hostile_core": self.env._("%(people)s: hostile, in the core circle."),
            "key_player_not_met": self.env._("%(people)s: never met."),
            "single_threaded": self.env._("%(people)s: the only person on the map."),
            "stale_key_player": self.env._("%(people)s: not contacted recently."),
        }
        return sentences[code] % {"people": "; ".join(people)} if code in sentences else ""

    def _sfa_flag_label(self, code):
        """The flag's name and severity; an unknown code as it is."""
        if code not in politics.FLAGS:
            return code
        labels = {
            "no_decision_maker": self.env._("No decision maker"),
            "no_approver": self.env._("No approver"),
            "key_player_against": self.env._("Decision maker or approver not for us"),
            "no_champion": self.env._("No champion"),
            "hostile_core": self.env._("Hostile person in the core circle"),
            "key_player_not_met": self.env._("Decision maker or approver never met"),
            "single_threaded": self.env._("Single-threaded"),
            "stale_key_player": self.env._("Key player not contacted recently"),
        }
        severity = {
            "blocking": self.env._("blocking"),
            "warning": self.env._("warning"),
            "info": self.env._("info"),
        }[politics.FLAGS[code]]
        return f"{labels[code]} ({severity})"

    def _sfa_flag_hint(self, code):
        hints = {
            "no_decision_maker": self.env._(
                "Nobody on the map decides: find the decision maker, with your champion's help."
            ),
            "no_approver": self.env._(
                "Nobody on the map approves: call high and find who signs off the budget."
            ),
            "key_player_against": self.env._(
                "A decision maker or approver is not for us: meet them with your champion and "
                "address what moves them (cognition, emotion, interest)."
            ),
            "no_champion": self.env._(
                "No champion: develop a supporter into someone who sells for you."
            ),
            "hostile_core": self.env._(
                "A hostile person sits in the core circle: neutralise them or reduce their "
                "influence."
            ),
            "key_player_not_met": self.env._(
                "A decision maker or approver has never been met: meet the approver with your "
                "champion."
            ),
            "single_threaded": self.env._(
                "Single-threaded: the deal hangs on one contact. Dig deeper: meet more of the "
                "buying centre."
            ),
            "stale_key_player": self.env._(
                "A key player has not been contacted recently: plan a meeting."
            ),
        }
        return hints.get(code, "")

    # --- CRUD: computed figures and stage gates ---------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self._sfa_refuse_computed_figures(vals_list)
        if is_trusted(self.env, GATE_OVERRIDE):
            return super().create(vals_list)
        # A deal created in a later stage (given, or a default such as a kanban column's)
        # passes the gates from its pipeline's first stage, as if it had been moved there:
        # creating it there is no way around them.
        with self.env.cr.savepoint():
            leads = super().create(vals_list)
            placed = leads.filtered(lambda lead: lead.type == "opportunity" and lead.stage_id)
            pipelines = placed.team_id._sfa_pipeline_stages()
            firsts = {
                lead.id: pipelines.get(lead.team_id.id, pipelines[False])[:1] for lead in placed
            }
            placed._sfa_pass_gates(firsts)
        return leads

    def write(self, vals):
        if "sfa_credit_split_ids" in vals and not is_trusted(self.env, SPLIT_BATCH):
            return self._sfa_write_credit_splits(vals)
        self._sfa_refuse_computed_figures([vals])
        if "stage_id" not in vals or is_trusted(self.env, GATE_OVERRIDE):
            return super().write(vals)
        stages_before = {lead.id: lead.stage_id for lead in self}
        new = self.env["crm.stage"].browse(vals["stage_id"])
        if not any(
            new and new != old and (new.is_won or new.sequence > old.sequence)
            for old in stages_before.values()
        ):
            return super().write(vals)  # moving back is free
        # The gates judge the deal as saved (a box ticked or an approver added in the same
        # save counts). A refused move rolls back to this savepoint: nothing of the write
        # remains, also for a caller that catches the error.
        with self.env.cr.savepoint():
            res = super().write(vals)
            self._sfa_pass_gates(stages_before)
        return res

    def _sfa_refuse_computed_figures(self, vals_list):
        """The map and value figures are worked out by the addon (the ORM recomputes them
        without going through create/write); a caller setting them gets an error."""
        forced = [fname for fname in COMPUTED_FIGURES if any(fname in v for v in vals_list)]
        if forced:
            raise UserError(
                self.env._(
                    "%(fields)s cannot be set by hand: they are worked out from the deal's "
                    "political map and value worksheet.",
                    fields=", ".join(
                        self._fields[fname]._description_string(self.env) for fname in forced
                    ),
                )
            )

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        """The kanban of a team with its own stages shows those (and any stage that holds one
        of the deals shown), not the shared ones."""
        team_id = self.env.context.get("default_team_id")
        team = self.env["crm.team"]
        if isinstance(team_id, int) and not isinstance(team_id, bool):
            team = team.browse(team_id).exists()
        if not team.sfa_own_stages:
            return super()._read_group_stage_ids(stages, domain)
        pipeline = team._sfa_pipeline_stages()[team.id]
        # sudo: as the CRM's own _read_group_stage_ids does, stage columns are listed whatever
        # the stages' rules (stages hold no data of their own)
        stage_ids = stages.sudo()._search(
            ["|", ("id", "in", stages.ids), ("id", "in", pipeline.ids)], order=stages._order
        )
        return stages.browse(stage_ids)

    def _stage_find(self, team_id=False, domain=None, order="sequence, id", limit=1):
        """A new deal of a team with its own stages starts in the team's first stage, and its
        Won button goes to the team's won stage; when the team has no such stage, the CRM's
        search over the shared stages answers (e.g. the shared won stage)."""
        teams = self.team_id | self.env["crm.team"].browse(team_id or [])
        if teams and all(teams.mapped("sfa_own_stages")):
            pipelines = teams._sfa_pipeline_stages()
            stage_ids = {sid for team in teams for sid in pipelines[team.id].ids}
            stages = self.env["crm.stage"].search(
                [("id", "in", list(stage_ids)), *(domain or [])], order=order, limit=limit
            )
            if stages:
                return stages
        return super()._stage_find(team_id=team_id, domain=domain, order=order, limit=limit)

    def _sfa_pass_gates(self, stages_before):
        """Every forward move from stage S to stage T (a later stage, or a won stage) passes
        the gate of S and of every gated stage of the deal's pipeline from S's sequence up to T
        (any sequence after S on a won move), T excluded: skipping a stage, or going back to
        a shared stage and on, passes the same gates. Blocking gates raise; warning gates note
        their open points on the deal. Moving back is free."""
        moves = [
            (lead, stages_before[lead.id], lead.stage_id)
            for lead in self
            if lead.stage_id != stages_before[lead.id]
        ]
        if not moves:
            return
        self.flush_recordset([*MAP_FIGURES, "value_worksheet_id"])
        pipelines = self.team_id._sfa_pipeline_stages()
        blocked, warned = [], {}
        for lead, old, new in moves:
            for stage in lead._sfa_gates_on_the_way(old, new, pipelines):
                missing = lead._sfa_gate_missing(stage.sfa_gate)
                if not missing:
                    continue
                if stage.sfa_gate_mode == "blocking":
                    blocked.append(
                        self.env._(
                            "%(lead)s cannot leave %(stage)s yet:\n- %(missing)s",
                            lead=lead.name,
                            stage=stage.name,
                            missing="\n- ".join(missing),
                        )
                    )
                else:
                    warned.setdefault(lead, []).append((stage, missing))
        if blocked:
            raise UserError(
                "\n\n".join(
                    [
                        *blocked,
                        self.env._(
                            "Complete it, or ask a sales manager to override the gate with a "
                            "reason."
                        ),
                    ]
                )
            )
        for lead, stages in warned.items():
            lead.message_post(
                body=Markup("").join(
                    Markup("%s<ul>%s</ul>")
                    % (
                        self.env._(
                            "Moved past the gate of %(stage)s with open points:",
                            stage=stage.name,
                        ),
                        Markup("").join(Markup("<li>%s</li>") % escape(m) for m in missing),
                    )
                    for stage, missing in stages
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _sfa_gates_on_the_way(self, old, new, pipelines=None):
        """The gated stages a move of this deal from ``old`` to ``new`` passes, in order:
        ``old``'s own gate and those of the pipeline's stages from ``old``'s sequence up to
        ``new`` (excluded; with no upper bound when ``new`` is won). None when moving back."""
        self.ensure_one()
        Stage = self.env["crm.stage"]
        if not new or new == old or not (new.is_won or new.sequence > old.sequence):
            return Stage
        if pipelines is None:
            pipelines = self.team_id._sfa_pipeline_stages()
        pipeline = pipelines.get(self.team_id.id, pipelines[False])
        return (
            old.filtered("sfa_gate")
            | pipeline.filtered(
                lambda s: (
                    s.sfa_gate
                    and s != new
                    and s.sequence >= old.sequence
                    and (new.is_won or s.sequence < new.sequence)
                )
            )
        ).sorted()

    def _sfa_gate_missing(self, gate):
        """What a lead still lacks to pass a gate, in plain words."""
        self.ensure_one()
        missing = []
        if gate == "qualification":
            labels = {
                "need": self.env._("the need is not confirmed"),
                "authority": self.env._("the authority (who decides) is not confirmed"),
                "budget": self.env._("the budget is not confirmed"),
                "timeline": self.env._("the timeline is not confirmed"),
            }
            missing = [labels[key] for fname, key in QUALIFICATION if not self[fname]]
        elif gate == "political_map":
            codes = set((self.red_flag_codes or "").split(","))
            if "no_decision_maker" in codes:
                missing.append(self.env._("no decision maker on the political map"))
            if "no_approver" in codes:
                missing.append(self.env._("no approver on the political map"))
            # a code this version does not know blocks nothing
            for code in sorted(codes - {"no_decision_maker", "no_approver", ""}):
                if politics.FLAGS.get(code) == politics.BLOCKING:
                    missing.append(self._sfa_flag_label(code))
        elif gate == "value_worksheet":
            worksheet = self.value_worksheet_id
            if not worksheet:
                missing.append(self.env._("no value worksheet"))
            elif not worksheet.benefit_ids.filtered("tangible"):
                missing.append(self.env._("the value worksheet has no tangible benefit"))
        return missing

    # --- actions ------------------------------------------------------------------------------
    @api.readonly
    def action_open_political_map(self):
        """The org chart of this deal's buying centre."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sfa_key_accounts.sfa_stakeholder_action_org_chart"
        )
        action["domain"] = [("id", "in", self.deal_contact_ids.stakeholder_id.ids)]
        action["context"] = {
            "sfa_lead_id": self.id,
            "default_account_id": self.partner_id.commercial_partner_id.id,
        }
        action["display_name"] = self.env._("Political map: %s", self.name)
        return action

    def action_open_value_worksheet(self):
        """The deal's current value worksheet, created on first use."""
        self.ensure_one()
        worksheet = self.value_worksheet_id or self.env["sfa.value.worksheet"].create(
            {"lead_id": self.id, "name": self.env._("Value case: %s", self.name)}
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "sfa.value.worksheet",
            "res_id": worksheet.id,
            "view_mode": "form",
            "name": worksheet.name,
        }

    @api.readonly
    def action_print_political_map(self):
        # data={} rather than None: an XML-RPC answer cannot hold None
        return self.env.ref("sfa_key_accounts.crm_lead_political_map_report").report_action(
            self, data={}
        )

    def action_sfa_override_gate(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sfa.stage.gate.override",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Override Stage Gate"),
            "context": {"default_lead_id": self.id},
        }

    def action_sfa_plan_follow_ups(self):
        """An activity for the owner of each key player not contacted recently: the same
        people the ``stale_key_player`` flag counts."""
        maps = self._sfa_map_contacts()
        stale_days = self._sfa_stale_days()
        Stakeholder = self.env["sfa.stakeholder"]
        for lead in self:
            for key in politics.stale_key_players(maps.get(lead.id, []), stale_days):
                stakeholder = Stakeholder.browse(key)
                lead.activity_schedule(
                    "mail.mail_activity_data_meeting",
                    user_id=(stakeholder.user_id or lead.user_id or self.env.user).id,
                    summary=self.env._("Meet %s", stakeholder.name),
                )
        return True

    def _sfa_stale_days(self):
        """Days without contact after which a key player is stale (setting, default 30; a
        value that is not a whole number of at least one day falls back to the default)."""
        # sudo: a system parameter every user's deals depend on; only this one key is read
        value = self.env["ir.config_parameter"].sudo().get_param(STALE_DAYS_PARAM)
        try:
            days = int(value)
        except (TypeError, ValueError):
            return DEFAULT_STALE_DAYS
        return days if days >= 1 else DEFAULT_STALE_DAYS

    def _sfa_recompute_maps(self):
        """Bring the map figures of these deals up to date at once, without going through
        write: the saved ones in one statement (only those that change are written), the
        ones being edited at the next flush or read (engine)."""
        saved = self.filtered(lambda lead: isinstance(lead.id, int))
        if saved:
            saved._sfa_refresh_map_figures()
        for fname in MAP_FIGURES:
            self.env.add_to_compute(self._fields[fname], self - saved)

    @api.model
    def _sfa_refresh_maps_of(self, partners):
        """The maps of the open deals where these people sit follow their meetings and
        messages at once (last contact, stale key players): one search and one UPDATE
        however many people."""
        if not partners:
            return
        # sudo: the maps of every deal these people sit on must follow, also of deals the
        # current user cannot read; nothing of them is read here or returned, only their
        # figures refreshed.
        self.sudo().search(
            [("deal_contact_ids.stakeholder_id.partner_id", "in", partners.ids), *OPEN_DEALS]
        )._sfa_recompute_maps()

    @api.model
    def _sfa_mapped_deals_after(self, after):
        """FROM ... WHERE of the open deals with people on their map, after id ``after``."""
        return SQL(
            """FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
              WHERE l.type = 'opportunity' AND l.active AND s.is_won IS NOT TRUE AND l.id > %s
                AND EXISTS (SELECT 1 FROM sfa_deal_contact dc WHERE dc.lead_id = l.id)""",
            after,
        )

    @api.model
    def _cron_refresh_political_maps(self, batch_size=MAP_BATCH):
        """Daily: staleness depends on time, so the maps of open deals with people on them
        follow (a map without people does not change with time). One batch of deals per
        call, in id order, from where the last call stopped; the cron runner commits after
        each call. Only the deals whose figures change are written. A call made while
        another worker is inside a batch leaves the work to that worker. Returns the number
        of deals left.

        The bookmark (last deal id done; 0: start over) is the ``MAP_JOB_PARAM`` row of
        ir_config_parameter, read and written in SQL here only: ``set_param`` would clear
        every worker's caches after each batch."""
        self.env["sfa.deal.contact"].flush_model(["lead_id"])
        self.env["crm.stage"].flush_model(["is_won"])
        self.flush_model(["type", "active", "stage_id"])
        self.env["ir.config_parameter"].flush_model(["key", "value"])
        [(free, bookmark)] = self.env.execute_query(
            SQL(
                """SELECT pg_try_advisory_xact_lock(%s),
                          (SELECT value FROM ir_config_parameter WHERE key = %s)""",
                MAP_JOB_LOCK,
                MAP_JOB_PARAM,
            )
        )
        if not free:
            _logger.info("Political maps: another worker is on it")
            return 0
        try:
            after = int(bookmark or 0)
        except ValueError:
            after = 0
        [(batch, left)] = self.env.execute_query(
            SQL(
                """WITH deal AS MATERIALIZED (SELECT l.id %(deals)s)
                   SELECT ARRAY(SELECT id FROM deal ORDER BY id LIMIT %(size)s),
                          (SELECT count(*) FROM deal)""",
                deals=self._sfa_mapped_deals_after(after),
                size=batch_size,
            )
        )
        remaining = left - len(batch)
        changed = self.browse(batch)._sfa_refresh_map_figures() if batch else self.browse()
        done = batch[-1] if remaining else 0
        if done != after:
            self.env.cr.execute(
                SQL(
                    """INSERT INTO ir_config_parameter
                              (key, value, create_uid, create_date, write_uid, write_date)
                       VALUES (%(key)s, %(value)s, %(uid)s, now() AT TIME ZONE 'UTC',
                               %(uid)s, now() AT TIME ZONE 'UTC')
                  ON CONFLICT (key) DO UPDATE
                          SET value = EXCLUDED.value, write_uid = EXCLUDED.write_uid,
                              write_date = EXCLUDED.write_date""",
                    key=MAP_JOB_PARAM,
                    value=str(done),
                    uid=self.env.uid,
                )
            )
            self.env["ir.config_parameter"].invalidate_model(["value", "write_uid", "write_date"])
        _logger.info(
            "Political maps: %s deals read, %s changed, %s left",
            len(batch),
            len(changed),
            remaining,
        )
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        return remaining

    # --- compensation: credit splits (业绩归属) and the what-if -----------------------------
    sfa_credit_split_ids = fields.One2many(
        "sfa.comp.credit.split",
        "lead_id",
        "Credit Split",
        help="Who is credited with the won revenue; empty: the salesperson, in full.",
    )
    sfa_can_edit_credit_split = fields.Boolean(compute="_compute_sfa_can_edit_credit_split")
    sfa_payout_so_far = fields.Monetary(
        "My Commission So Far",
        compute="_compute_sfa_what_if",
        currency_field="company_currency",
    )
    sfa_what_if_payout = fields.Monetary(
        "My Commission If Won",
        compute="_compute_sfa_what_if",
        currency_field="company_currency",
        help="Your commission of the period if this deal is won at its expected revenue "
        "this period, from your current attainment and plan.",
    )
    sfa_what_if_note = fields.Char("Next Tier", compute="_compute_sfa_what_if")

    @api.depends_context("uid")
    def _compute_sfa_can_edit_credit_split(self):
        allowed = self.env["sfa.comp.credit.split"].has_access("write")
        for lead in self:
            lead.sfa_can_edit_credit_split = allowed

    @api.depends_context("uid")
    @api.depends("expected_revenue", "user_id", "sfa_credit_split_ids.share_pct")
    def _compute_sfa_what_if(self):
        """The current user's commission now and with this open deal won (their share of it),
        in the period of their won-revenue target running today."""
        user = self.env.user
        estimate = None  # read the target, plan and deals once, for the first deal to need it
        for lead in self:
            lead.sfa_payout_so_far = lead.sfa_what_if_payout = 0.0
            lead.sfa_what_if_note = False
            if lead.type != "opportunity" or lead.stage_id.is_won or not lead.active:
                continue
            splits = {s.user_id: s.share_pct for s in lead.sfa_credit_split_ids}
            share = splits.get(user, 0.0) if splits else (100.0 if lead.user_id == user else 0.0)
            if not share:
                continue
            if estimate is None:
                estimate = self.env["sfa.comp.statement"]._estimator(
                    user, fields.Date.context_today(self)
                )
            so_far, if_won, note = estimate(lead.expected_revenue * share / 100)
            lead.sfa_payout_so_far = so_far
            lead.sfa_what_if_payout = if_won
            lead.sfa_what_if_note = note or False

    @api.readonly
    def action_sfa_what_if(self):
        """The current user's commission now and with this deal won, on demand: reading it
        costs a few queries (target, plan, the period's deals), which opening the form does
        not pay (docs/benchmarks.md: the deal form reads under 25 queries)."""
        self.ensure_one()
        currency = self.company_currency or self.env.company.currency_id
        if not (self.sfa_payout_so_far or self.sfa_what_if_payout):
            message = self.env._(
                "No commission to estimate: you have no running won-revenue target and "
                "incentive plan, or no share of this deal."
            )
        else:
            message = self.env._(
                "My commission so far: %(so_far)s. If this deal is won: %(if_won)s.",
                so_far=format_amount(self.env, self.sfa_payout_so_far, currency),
                if_won=format_amount(self.env, self.sfa_what_if_payout, currency),
            )
            if self.sfa_what_if_note:
                message = f"{message} {self.sfa_what_if_note}"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("What if I win it?"),
                "message": message,
                "sticky": True,
                "type": "info",
            },
        }

    @api.ondelete(at_uninstall=False)
    def _sfa_unlink_except_paid_on(self):
        """A deal a statement was approved or paid on stays (archive it, or mark it lost:
        the next statement claws it back)."""
        Line = self.env["sfa.comp.statement.line"].sudo()
        if Line.search_count(
            [("lead_id", "in", self.ids), ("state", "in", ("approved", "paid"))], limit=1
        ):
            raise UserError(
                self.env._(
                    "A deal paid on by an approved statement is not deleted: mark it lost "
                    "instead (the next statement takes the payout back)."
                )
            )

    def _sfa_write_credit_splits(self, vals):
        """Write a credit split table as a whole: the shares add up to 100 once written (not
        after each line), and the new table is logged on the deal."""
        res = trusted(self, SPLIT_BATCH).write(vals)  # the gates still apply
        self._sfa_check_credit_splits(force=True)
        for lead in self:
            table = ", ".join(
                f"{s.user_id.name} {s.share_pct:g} %" for s in lead.sudo().sfa_credit_split_ids
            )
            lead.message_post(
                body=self.env._("Credit split: %(table)s", table=table or self.env._("none"))
            )
        return res

    def _sfa_check_credit_splits(self, force=False):
        """Each deal's credit shares add up to 100 % (or there is none)."""
        if is_trusted(self.env, SPLIT_BATCH) and not force:
            return
        Split = self.env["sfa.comp.credit.split"].sudo()
        for lead, total in Split._read_group(
            [("lead_id", "in", self.ids)], ["lead_id"], ["share_pct:sum"]
        ):
            if abs(total - 100) > 0.001:
                raise ValidationError(
                    self.env._(
                        "The credit shares of %(deal)s add up to %(total)s %%, not 100 %%.",
                        deal=lead.name,
                        total=round(total, 2),
                    )
                )
