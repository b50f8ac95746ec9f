from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .nullable_float import NullableFloat
from .sfa_stakeholder import TIME_LEVELS

ATTITUDES = [
    ("champion", "* Champion"),
    ("support", "+ Supports"),
    ("neutral", "= Neutral"),
    ("against", "- Does not support"),
    ("hostile", "X Hostile"),
]


def role_order(role):
    """The buying roles' own order (sequence, id) in memory: ``sorted()`` without a key
    would run one query per contact."""
    return (role.sequence, role.id)


class SfaDealContact(models.Model):
    """A stakeholder's part in one deal, one line per person and deal: the decision roles
    they play in it (one or more, or none yet), their one attitude to us, influence on this
    decision and time spent with them. Editing one deal never changes another."""

    _name = "sfa.deal.contact"
    _description = "Buying Centre Member of a Deal"
    _inherit = ["sfa.access.mixin"]
    _order = "lead_id, role_sequence, id"

    lead_id = fields.Many2one(
        "crm.lead", "Opportunity", required=True, index=True, ondelete="cascade"
    )
    stakeholder_id = fields.Many2one(
        "sfa.stakeholder",
        required=True,
        index=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(related="stakeholder_id.partner_id")
    function = fields.Char(related="stakeholder_id.function")
    circle = fields.Selection(related="stakeholder_id.circle", readonly=False)
    buying_style = fields.Selection(related="stakeholder_id.buying_style", readonly=False)
    reports_to_id = fields.Many2one(related="stakeholder_id.reports_to_id")
    role_ids = fields.Many2many(
        "sfa.buying.role",
        "sfa_deal_contact_role_rel",
        "contact_id",
        "role_id",
        "Decision Roles",
    )
    # The role codes (A, C, D, E, U), for lists: reading them costs no query of their own
    role_codes = fields.Char("Roles", compute="_compute_role_codes", store=True)
    # The first role by sequence, read-only: orders the buying centre (approvers first) and
    # keeps 1.0's ``role_id`` readable for reports and integrations. Set ``role_ids``.
    role_id = fields.Many2one(
        "sfa.buying.role", "Main Role", compute="_compute_role_id", store=True, index=True
    )
    role_sequence = fields.Integer(related="role_id.sequence", store=True)
    attitude = fields.Selection(
        ATTITUDES,
        compute="_compute_attitude",
        store=True,
        readonly=False,
        precompute=True,
        help="Filled with the person's last known attitude on another deal.",
    )
    influence = fields.Selection(
        [("high", "High"), ("medium", "Medium"), ("low", "Low")],
        default="medium",
        required=True,
    )
    time_spent = fields.Selection(TIME_LEVELS, default="0", required=True)
    suggested_time_spent = fields.Selection(related="stakeholder_id.suggested_time_spent")
    last_contact_date = fields.Datetime(related="stakeholder_id.last_contact_date")
    # the person's customer status analysis, answered on the stakeholder
    willingness_score = NullableFloat(related="stakeholder_id.willingness_score")
    willingness_assessed = fields.Boolean(related="stakeholder_id.willingness_assessed")
    quality_score = NullableFloat(related="stakeholder_id.quality_score")
    quality_assessed = fields.Boolean(related="stakeholder_id.quality_assessed")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)

    _sql_constraints = [
        (
            "lead_stakeholder_unique",
            "unique(lead_id, stakeholder_id)",
            "This person is already on this deal's buying centre: give them all their roles on "
            "that one line.",
        ),
    ]

    @api.depends("role_ids", "role_ids.code", "role_ids.sequence")
    def _compute_role_codes(self):
        for contact in self:
            roles = contact.role_ids.sorted(role_order)
            contact.role_codes = ", ".join(roles.mapped("code")) or False

    @api.depends("role_ids", "role_ids.sequence")
    def _compute_role_id(self):
        for contact in self:
            contact.role_id = contact.role_ids.sorted(role_order)[:1]

    @api.depends("stakeholder_id")
    def _compute_attitude(self):
        for contact in self:
            if contact.attitude or not contact.stakeholder_id:
                continue
            previous = contact.stakeholder_id.deal_contact_ids.filtered(
                lambda c, contact=contact: c.attitude and c.id and c.id != contact.id
            ).sorted(lambda c: (c.write_date, c.id))[-1:]
            contact.attitude = previous.attitude or "neutral"

    @api.constrains("lead_id", "stakeholder_id")
    def _check_account_and_company(self):
        for contact in self:
            account = contact.lead_id.partner_id.commercial_partner_id
            if account and contact.stakeholder_id.account_id != account:
                raise ValidationError(
                    self.env._(
                        "%(person)s is a stakeholder of %(other)s, not of %(account)s, the "
                        "customer of this opportunity.",
                        person=contact.stakeholder_id.name,
                        other=contact.stakeholder_id.account_id.display_name,
                        account=account.display_name,
                    )
                )
            company = contact.stakeholder_id.company_id
            if company and contact.lead_id.company_id and company != contact.lead_id.company_id:
                raise ValidationError(
                    self.env._(
                        "%(person)s belongs to %(company)s: they cannot take a role on an "
                        "opportunity of %(lead_company)s.",
                        person=contact.stakeholder_id.name,
                        company=company.name,
                        lead_company=contact.lead_id.company_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_no_main_role(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_no_main_role([vals])
        return super().write(vals)

    def _check_no_main_role(self, vals_list):
        if any("role_id" in vals for vals in vals_list):
            raise UserError(
                self.env._(
                    "The main role follows the decision roles: set the roles (role_ids) of "
                    "the person on the deal instead."
                )
            )

    # --- the drawn political map of a deal (static/src/political_map) -------------------------
    @api.model
    @api.readonly
    def sfa_map_data(self, lead_id):
        """What the deal's drawn map shows: each person with their roles, attitude, time spent
        and circle, their reports-to and influence lines, the people of the account not yet
        on the deal, and the choices of the map's buttons. A few queries whatever the size."""
        lead = self.env["crm.lead"].browse(lead_id)
        lead.check_access("read")
        contacts = self.search_fetch(
            [("lead_id", "=", lead.id)], ["stakeholder_id", "role_ids", "attitude", "time_spent"]
        )
        people = contacts.stakeholder_id
        people.fetch(["name", "partner_id", "reports_to_id", "influences_ids", "circle"])
        people.partner_id.fetch(["function"])
        account = lead.partner_id.commercial_partner_id
        others = self.env["sfa.stakeholder"]
        if account:
            others = others.search(
                [("account_id", "=", account.id), ("id", "not in", people.ids)], limit=200
            )
        roles = self.env["sfa.buying.role"].search([])
        codes = [code for code in (lead.red_flag_codes or "").split(",") if code]
        named = lead._sfa_flagged_people().get(lead.id, {}) if codes else {}
        return {
            # the red flags, each with the people it is about (engine: politics.flagged_people)
            "flags": [
                {
                    "code": code,
                    "label": lead._sfa_flag_label(code),
                    "people": lead._sfa_flag_people_text(code, named.get(code)),
                    "hint": lead._sfa_flag_hint(code),
                }
                for code in codes
            ],
            "can_edit": lead.has_access("write") and contacts.browse().has_access("create"),
            "has_account": bool(account),
            "people": [
                {
                    "id": contact.id,
                    "stakeholder_id": contact.stakeholder_id.id,
                    "name": contact.stakeholder_id.name,
                    "function": contact.stakeholder_id.partner_id.function or "",
                    "role_ids": contact.role_ids.ids,
                    "attitude": contact.attitude or "neutral",
                    "time_spent": contact.time_spent,
                    "circle": contact.stakeholder_id.circle,
                    "reports_to_id": contact.stakeholder_id.reports_to_id.id,
                    "influences_ids": contact.stakeholder_id.influences_ids.ids,
                }
                for contact in contacts
            ],
            "candidates": [{"id": s.id, "name": s.name} for s in others],
            "roles": [{"id": r.id, "code": r.code, "name": r.name} for r in roles],
            "attitudes": self._fields["attitude"]._description_selection(self.env),
            "time_levels": self._fields["time_spent"]._description_selection(self.env),
        }

    @api.model
    def sfa_map_add(self, lead_id, name, role_ids, attitude):
        """Put a person on the deal's map in one call, with their roles and attitude: an
        existing stakeholder of the customer by name, or a new contact of the customer."""
        lead = self.env["crm.lead"].browse(lead_id)
        lead.check_access("write")
        if attitude not in dict(ATTITUDES):
            raise UserError(self.env._("Choose an attitude: * + = - or X."))
        stakeholder = self.env["sfa.stakeholder"]._sfa_find_or_create(
            name, lead.partner_id.commercial_partner_id
        )
        if stakeholder in self.search([("lead_id", "=", lead.id)]).stakeholder_id:
            raise UserError(
                self.env._(
                    "%(person)s is already on this deal's map: click their card to change "
                    "their roles or attitude.",
                    person=stakeholder.name,
                )
            )
        contact = self.create(
            {
                "lead_id": lead.id,
                "stakeholder_id": stakeholder.id,
                "role_ids": [fields.Command.set(role_ids or [])],
                "attitude": attitude,
            }
        )
        return contact.id
