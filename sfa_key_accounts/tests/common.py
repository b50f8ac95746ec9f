import base64
import contextlib
import os
import pathlib
from datetime import date, datetime
from unittest.mock import patch

from lxml import etree

from odoo import Command
from odoo.tests.common import ChromeBrowser, TransactionCase
from odoo.tools import config

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.sfa_key_accounts.models.crm_lead import GATE_OVERRIDE
from odoo.addons.sfa_key_accounts.models.sfa_access_mixin import trusted

ALWAYS_INVISIBLE = ("1", "True", "true")
X2MANY = ("one2many", "many2many")


def form_spec(model, view_type="form"):
    """The specification the web client sends to ``web_read`` when it opens a record in this
    view (web/static/src/model/relational_model/utils.js, getFieldsSpec): a many2one asks
    for its display name unless always invisible; a many2many_tags for its tags' names; a
    one2many or many2many shown as a list for the fields of its list (40 rows); an always
    invisible x2many for its ids only."""
    view = model.get_views([(False, view_type)])
    arch = etree.fromstring(view["views"][view_type]["arch"])
    return _fields_spec(arch, model._name, view["models"])


def _fields_spec(node, model_name, models, limit=None):
    spec = {}
    for field in _own_fields(node):
        name = field.get("name")
        desc = models[model_name]["fields"][name]
        invisible = field.get("invisible") in ALWAYS_INVISIBLE or (
            field.get("column_invisible") in ALWAYS_INVISIBLE
        )
        if desc["type"] in ("many2one", "reference"):
            spec[name] = {"fields": {} if invisible else {"display_name": {}}}
        elif desc["type"] in X2MANY and not invisible:
            subview = next(iter(field.iter("list", "kanban")), None)
            if subview is not None:
                spec[name] = {
                    "fields": _fields_spec(subview, desc["relation"], models),
                    "limit": 40,
                }
            else:  # tags, checkboxes
                spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


def _own_fields(node):
    """The field nodes of ``node``, not those of the subviews of its x2many fields."""
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "field":
            yield child
        elif child.tag not in ("list", "kanban", "form"):
            yield from _own_fields(child)


def place_deals(env, vals):
    """Deals a fixture places straight in a later stage, past its gates, as a manager's
    override does (creating a deal there is otherwise gated); returned in ``env``, where the
    gates hold again."""
    return trusted(env["crm.lead"], GATE_OVERRIDE).create(vals).with_env(env)


# The four boxes of the first gate, ticked (a deal qualified to leave *Confirm*).
QUALIFIED = {
    "sfa_need_confirmed": True,
    "sfa_authority_confirmed": True,
    "sfa_budget_confirmed": True,
    "sfa_timeline_confirmed": True,
}


class SfaCommon(TransactionCase):
    """Users of every role and a company of its own with a known tier set, shared by the
    addon's tests (as ``crm/tests/common.py`` does). The company is new so that demo data
    never changes a hand-computed figure."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env["res.company"].create(
            {"name": "SFA Test Company", "currency_id": cls.env.ref("base.USD").id}
        )
        cls.env.user.company_ids |= cls.company
        cls.user_rep = cls._user("sfa_rep", "Rita Rep", "sales_team.group_sale_salesman")
        cls.user_rep_all = cls._user(
            "sfa_rep_all", "Alan All-Leads", "sales_team.group_sale_salesman_all_leads"
        )
        cls.user_manager = cls._user("sfa_manager", "Mona Manager", "sales_team.group_sale_manager")
        cls.user_employee = cls._user("sfa_employee", "Eve Employee", "base.group_user")
        Tier = cls.env["sfa.key.account.tier"]
        Tier.search([("company_id", "=", cls.company.id)]).unlink()
        cls.tier_a, cls.tier_b, cls.tier_c = Tier.create(
            [
                {
                    "name": name,
                    "sequence": seq,
                    "rule": "revenue_share",
                    "threshold_pct": pct,
                    "is_key": key,
                    "company_id": cls.company.id,
                }
                for name, seq, pct, key in (
                    ("A", 1, 80, True),
                    ("B", 2, 95, True),
                    ("C", 3, 100, False),
                )
            ]
        )
        cls.stage_won = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        cls.stage_open = cls.env["crm.stage"].search([("is_won", "=", False)], limit=1)

    @classmethod
    def _user(cls, login, name, groups):
        return mail_new_test_user(
            cls.env,
            login=login,
            name=name,
            groups=groups,
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

    @classmethod
    def _ka(cls, partner, company=None):
        """The partner's key-account record of ``company`` (the test company), or none."""
        return cls.env["sfa.key.account"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", (company or cls.company).id)]
        )

    @classmethod
    def _make_ka(cls, partner, company=None, **vals):
        """A key-account record for ``partner`` in ``company`` (the test company)."""
        return cls.env["sfa.key.account"].create(
            {"partner_id": partner.id, "company_id": (company or cls.company).id, **vals}
        )

    @classmethod
    def _customers(cls, *names, company=None):
        return cls.env["res.partner"].create(
            [{"name": name, "is_company": True, "company_id": False} for name in names]
        )

    @classmethod
    def _plans_2026(cls, partners):
        """An account plan of the rep for 2026 for each of ``partners``."""
        return cls.env["sfa.account.plan"].create(
            [
                {
                    "name": f"Plan {p.name}",
                    "partner_id": p.id,
                    "user_id": cls.user_rep.id,
                    "company_id": cls.company.id,
                    "date_start": date(2026, 1, 1),
                    "date_end": date(2026, 12, 31),
                }
                for p in partners
            ]
        )

    @classmethod
    def _won(cls, partner, amount, closed="2026-06-15", company=None, **extra):
        """A won opportunity closed on ``closed`` (a date string)."""
        return cls.env["crm.lead"].create(
            {
                "name": f"Won {partner.name} {amount}",
                "type": "opportunity",
                "partner_id": partner.id,
                "expected_revenue": amount,
                "stage_id": cls.stage_won.id,
                "date_closed": datetime.fromisoformat(closed + " 10:00:00"),
                "company_id": (company or cls.company).id,
                **extra,
            }
        )


class SfaDealCommon(SfaCommon):
    """A customer with three people (``cls.people``: decider, approver, evaluator by name) and
    deals in the Key Accounts pipeline, shared by the gate and behaviour tests."""

    CUSTOMER = "Deal Co"
    PEOPLE = ("Dora Decider", "Abe Approver", "Eli Evaluator")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._customers(cls.CUSTOMER)
        people = cls.env["res.partner"].create(
            [{"name": name, "parent_id": cls.account.id} for name in cls.PEOPLE]
        )
        cls.people = cls.env["sfa.stakeholder"].create(
            [{"partner_id": p.id, "account_id": cls.account.id} for p in people]
        )
        cls.role = {
            code: cls.env["sfa.buying.role"].search([("code", "=", code)]) for code in "ACDEU"
        }
        cls.team = cls.env.ref("sfa_key_accounts.crm_team_key_account")
        cls.confirm = cls.env.ref("sfa_key_accounts.crm_stage_confirm")
        cls.lead_process = cls.env.ref("sfa_key_accounts.crm_stage_lead_process")
        cls.prove = cls.env.ref("sfa_key_accounts.crm_stage_prove")
        cls.negotiate = cls.env.ref("sfa_key_accounts.crm_stage_negotiate")
        cls.close = cls.env.ref("sfa_key_accounts.crm_stage_close")
        cls.won = cls.env.ref("sfa_key_accounts.crm_stage_won")

    @classmethod
    def _deal(cls, name, stage, **vals):
        return place_deals(
            cls.env,
            {
                "name": name,
                "type": "opportunity",
                "partner_id": cls.account.id,
                "team_id": cls.team.id,
                "stage_id": stage.id,
                "user_id": cls.user_rep.id,
                "company_id": cls.company.id,
                **vals,
            },
        )

    def _map(self, deal, *entries):
        """entries: (stakeholder, role codes, attitude[, time spent, "2" if left out])"""
        return self.env["sfa.deal.contact"].create(
            [
                {
                    "lead_id": deal.id,
                    "stakeholder_id": person.id,
                    "role_ids": [Command.set([self.role[c].id for c in codes])],
                    "attitude": attitude,
                    "time_spent": time_spent[0] if time_spent else "2",
                }
                for person, codes, attitude, *time_spent in entries
            ]
        )


def days_to_close_kpi(worksheet, **vals):
    """A "lower is better" benchmark: today 10 days, quartiles 12 / 8 / 5, target 6 days,
    1,000 a day (position "3", 2 days to the average, 5 to the best)."""
    return worksheet.env["sfa.value.kpi"].create(
        {
            "worksheet_id": worksheet.id,
            "name": "Days to close",
            "direction": "lower",
            "current_value": 10,
            "worst_quartile": 12,
            "average": 8,
            "best_quartile": 5,
            "target": 6,
            "value_per_unit": 1000,
            **vals,
        }
    )


class SfaWorksheetCommon(SfaCommon):
    """A customer, a competitor and a deal whose value worksheet runs 3 years at 10 %: a
    yearly benefit of 4,000 (conservative) / 6,000 (likely) and a one-time cost of 12,000."""

    CUSTOMER = "Worksheet Co"
    RIVAL = "Worksheet Rival"
    DEAL = "Worksheet deal"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._customers(cls.CUSTOMER)
        cls.rival = cls.env["res.partner"].create(
            {"name": cls.RIVAL, "is_company": True, "sfa_is_competitor": True}
        )
        cls.ws = cls._worksheet(cls.DEAL)
        cls.ws.write({"horizon_years": 3, "discount_rate": 10})
        cls.benefit = cls.env["sfa.value.benefit"].create(
            {
                "worksheet_id": cls.ws.id,
                "category": "cost_saving",
                "recurrence": "yearly",
                "conservative_amount": 4000,
                "likely_amount": 6000,
            }
        )
        cls.cost = cls.env["sfa.value.cost"].create(
            {"worksheet_id": cls.ws.id, "name": "Licence", "amount": 12000}
        )

    @classmethod
    def _worksheet(cls, name, company=None):
        """The current worksheet of a new deal of the customer, opened as the button does."""
        lead = cls.env["crm.lead"].create(
            {
                "name": name,
                "type": "opportunity",
                "partner_id": cls.account.id,
                "company_id": (company or cls.company).id,
            }
        )
        return cls.env["sfa.value.worksheet"].browse(lead.action_open_value_worksheet()["res_id"])


# A tour step logs this mark and a name (static/tests/tours/sfa_map_quick_add_tour.js): the
# test saves what the browser shows as <name>_<lang>.png.
SCREENSHOT_MARK = "sfa-screenshot:"


def screenshot_dir():
    """Where the tours' screenshots go: SFA_SCREENSHOTS (``make screenshots`` points it at
    static/description/), else Odoo's screenshots directory."""
    target = os.environ.get("SFA_SCREENSHOTS")
    return pathlib.Path(target or config["screenshots"]) / ("" if target else "sfa_key_accounts")


@contextlib.contextmanager
def screenshots(lang):
    """Within: a browser console message ``sfa-screenshot:<name>`` saves the page as a PNG."""
    handle_console = ChromeBrowser._handle_console
    directory = screenshot_dir()
    directory.mkdir(parents=True, exist_ok=True)
    saved = []

    def handler(browser, type, args=None, **kw):  # pylint: disable=redefined-builtin
        first = str(browser._from_remoteobject(args[0])) if args else ""
        if type == "log" and first.startswith(SCREENSHOT_MARK):
            path = directory / f"{first[len(SCREENSHOT_MARK) :]}_{lang}.png"

            def save(future, path=path):
                path.write_bytes(base64.b64decode(future.result()["data"]))
                saved.append(path)

            browser._websocket_send("Page.captureScreenshot", with_future=True).add_done_callback(
                save
            )
            return None
        return handle_console(browser, type, args=args, **kw)

    with patch.object(ChromeBrowser, "_handle_console", handler):
        yield saved
