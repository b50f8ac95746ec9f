"""The access table: every model of the addon x every role x every operation, run as real
users over the routes a client uses (read, search_read, read_group, export, name_search,
create, write, unlink). The table is written once, here; README "Access" and the addon's
readme/ACCESS.md show it (``test_docs_show_the_table`` keeps them in step)."""

from pathlib import Path

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.sfa_key_accounts.migrations.partner_to_key_account import PARTNER_COLUMNS

from .common import SfaCommon

ROLES = (
    "rep",
    "other_rep",
    "ka_user",
    "ka_manager",
    "sales_admin",
    "other_company",
    "employee",
    "portal",
)
ROLE_DOCS = {
    "rep": "salesperson (own documents) of the customer and the deal, the account's "
    "key-account manager, member of a sales team they do not lead",
    "other_rep": "another salesperson (own documents)",
    "ka_user": "Key Accounts / User without Sales rights, on the account team",
    "ka_manager": "Key Accounts / Manager with Sales / All documents",
    "sales_admin": "Sales / Administrator (implies Key Accounts / Manager and "
    "Sales Targets / Administrator)",
    "other_company": "Sales / Administrator of another company only",
    "employee": "internal user without Sales or Key Accounts rights",
    "portal": "portal user of the customer itself",
}
OPERATIONS = ("read", "write", "create", "unlink")
SELLERS = "rep ka_user ka_manager sales_admin"
KA_ADMINS = "ka_manager sales_admin"
ALL_KA = "rep other_rep ka_user ka_manager sales_admin"
DEAL = "rep ka_manager sales_admin"
SALES = "rep other_rep ka_manager sales_admin"  # every Sales user

# model: {operation: roles allowed}. "read" covers read, search_read, read_group, export and
# name_search; a role not listed must be refused (AccessError) or not see the record.
TABLE = {
    # configuration shared by every company (no company field)
    "sfa.switching.lever": {
        "read": ALL_KA + " other_company",
        "write": KA_ADMINS + " other_company",
        "create": KA_ADMINS + " other_company",
        "unlink": KA_ADMINS + " other_company",
    },
    "sfa.buying.role": {
        "read": ALL_KA + " other_company",
        "write": KA_ADMINS + " other_company",
        "create": KA_ADMINS + " other_company",
        "unlink": KA_ADMINS + " other_company",
    },
    "sfa.influence.source": {
        "read": ALL_KA + " other_company",
        "write": KA_ADMINS + " other_company",
        "create": KA_ADMINS + " other_company",
        "unlink": KA_ADMINS + " other_company",
    },
    "sfa.differentiator.category": {
        "read": ALL_KA + " other_company",
        "write": KA_ADMINS + " other_company",
        "create": KA_ADMINS + " other_company",
        "unlink": KA_ADMINS + " other_company",
    },
    # configuration of one company
    "sfa.key.account.tier": {
        "read": ALL_KA,
        "write": KA_ADMINS,
        "create": KA_ADMINS,
        "unlink": KA_ADMINS,
    },
    "sfa.health.criterion": {
        "read": ALL_KA,
        "write": KA_ADMINS,
        "create": KA_ADMINS,
        "unlink": KA_ADMINS,
    },
    # key accounts and what hangs on them
    "sfa.key.account": {
        "read": SELLERS,
        "write": SELLERS,
        "create": KA_ADMINS,
        "unlink": KA_ADMINS,
    },
    "sfa.key.account.member": {
        "read": SELLERS,
        "write": KA_ADMINS,
        "create": KA_ADMINS,
        "unlink": KA_ADMINS,
    },
    "sfa.key.account.tier.history": {"read": SELLERS, "write": "", "create": "", "unlink": ""},
    "sfa.account.plan": {
        "read": SELLERS,
        "write": "rep " + KA_ADMINS,
        "create": "rep " + KA_ADMINS,
        "unlink": "rep " + KA_ADMINS,
    },
    # political maps: people are shared like their customers; a deal's map follows the deal
    "sfa.stakeholder": {
        "read": ALL_KA + " other_company",
        "write": "rep " + KA_ADMINS + " other_company",
        "create": ALL_KA + " other_company",
        "unlink": "rep " + KA_ADMINS,
    },
    # a person's status analysis: read with the person, answered by whoever may edit them
    "sfa.stakeholder.assessment": {
        "read": ALL_KA + " other_company",
        "write": "rep " + KA_ADMINS + " other_company",
        "create": "rep " + KA_ADMINS + " other_company",
        "unlink": "rep " + KA_ADMINS + " other_company",
    },
    "sfa.deal.contact": {"read": DEAL, "write": DEAL, "create": DEAL, "unlink": DEAL},
    "sfa.value.worksheet": {"read": DEAL, "write": DEAL, "create": DEAL, "unlink": DEAL},
    # wizards (transient): only creating them is meaningful
    "sfa.key.account.selection": {"create": KA_ADMINS},
    "sfa.stage.gate.override": {"create": DEAL},
    # sales targets: the rep's own personal target (draft) in a team they do not lead; team
    # leaders (tests/test_sales_targets.py) and Targets / Administrator manage them
    "sfa.sales.target": {
        "read": "rep sales_admin",
        "write": "sales_admin",
        "create": "sales_admin",
        "unlink": "sales_admin",
    },
    "sfa.sales.target.analysis": {"read": "rep sales_admin"},
    "sfa.sales.target.split": {"create": "sales_admin"},
    "sfa.sales.target.adjust": {"create": "sales_admin"},
    # reviews: job roles are shared configuration; templates (a draft one here) are written
    # by Targets / Administrator and read by every salesperson once published
    # (tests/test_performance_reviews.py); the rep's own review, reviewed by a team leader
    # who is none of these roles; the rating sheet is other_rep's, rating the rep
    "sfa.job.role": {
        "read": SALES + " other_company",
        "write": "sales_admin other_company",
        "create": "sales_admin other_company",
        "unlink": "sales_admin other_company",
    },
    "sfa.evaluation.template": {
        "read": "sales_admin",
        "write": "sales_admin",
        "create": "sales_admin",
        "unlink": "sales_admin",
    },
    "sfa.performance.review": {
        "read": "rep sales_admin",
        "write": "sales_admin",
        "create": "sales_admin",
        "unlink": "sales_admin",
    },
    "sfa.performance.review.line": {
        "read": "rep sales_admin",
        "write": "",
        "create": "",
        "unlink": "",
    },
    "sfa.performance.rating": {
        "read": "other_rep sales_admin",
        "write": "other_rep",
        "create": "",
        "unlink": "",
    },
    "sfa.performance.review.start": {"create": SALES},
    # compensation: the rep is on a plan in use (read through the assignment); its draft
    # next version is what administrators edit and delete (a plan in use is never edited);
    # the rep's computed statement (their team has no leader among the roles)
    "sfa.comp.plan": {
        "read": "rep sales_admin",
        "write": "sales_admin",
        "create": "sales_admin",
        "unlink": "sales_admin",
    },
    "sfa.comp.assignment": {
        "read": "rep sales_admin",
        "write": "sales_admin",
        "create": "sales_admin",
        "unlink": "sales_admin",
    },
    "sfa.comp.statement": {
        "read": "rep sales_admin",
        "write": "sales_admin",
        "create": "sales_admin",
        "unlink": "sales_admin",
    },
    "sfa.comp.statement.line": {"read": "rep sales_admin", "write": "", "create": "", "unlink": ""},
    # splits follow their deal (the rep's); Sales / Administrator writes them
    "sfa.comp.credit.split": {
        "read": DEAL,
        "write": "sales_admin",
        "create": "sales_admin",
        "unlink": "sales_admin",
    },
    "sfa.comp.statement.compute": {"create": "sales_admin other_company"},
    "sfa.comp.dispute": {"create": "rep"},
}
PLAN_LINES = (
    "sfa.account.plan.objective",
    "sfa.account.swot",
    "sfa.account.need",
    "sfa.account.competitor",
    "sfa.account.plan.lever",
    "sfa.account.plan.assessment",
)
WORKSHEET_LINES = (
    "sfa.value.need",
    "sfa.value.benefit",
    "sfa.value.cost",
    "sfa.value.kpi",
    "sfa.value.differentiator",
)
TABLE.update(dict.fromkeys(PLAN_LINES, TABLE["sfa.account.plan"]))
TABLE.update(dict.fromkeys(WORKSHEET_LINES, TABLE["sfa.value.worksheet"]))
TABLE["sfa.sales.target.entry"] = TABLE["sfa.sales.target"]
TABLE["sfa.evaluation.indicator"] = TABLE["sfa.evaluation.template"]
TABLE["sfa.evaluation.curve.point"] = TABLE["sfa.evaluation.template"]
TABLE["sfa.performance.rating.line"] = TABLE["sfa.performance.rating"]
TABLE["sfa.comp.component"] = TABLE["sfa.comp.plan"]
TABLE["sfa.comp.tier"] = TABLE["sfa.comp.plan"]
TABLE["sfa.comp.curve.point"] = TABLE["sfa.comp.plan"]


class _Undo(Exception):
    """Raised to roll back an operation that succeeded."""


def access_markdown():
    """The table as the README shows it."""
    models = sorted(TABLE)
    lines = [
        "| model | " + " | ".join(OPERATIONS) + " |",
        "|---|" + "---|" * len(OPERATIONS),
    ]
    for model in models:
        row = TABLE[model]
        cells = [
            ", ".join(row[op].split()) if row.get(op) else ("nobody" if op in row else "-")
            for op in OPERATIONS
        ]
        lines.append(f"| `{model}` | " + " | ".join(cells) + " |")
    lines.append("")
    lines += [f"- **{role}**: {ROLE_DOCS[role]}" for role in ROLES]
    return "\n".join(lines)


@tagged("post_install", "-at_install")
class TestAccessTable(SfaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.other_company = env["res.company"].create({"name": "SFA Rival Company"})
        cls.customer = cls._customers("Access Co")
        cls.customer.user_id = cls.user_rep
        cls.customer_contact = env["res.partner"].create(
            {"name": "Pat Portal", "parent_id": cls.customer.id, "email": "pat@access.example"}
        )
        cls.users = {
            "rep": cls.user_rep,
            "other_rep": cls._user("sfa_other_rep", "Otto Other", "sales_team.group_sale_salesman"),
            "ka_user": cls._user(
                "sfa_ka_user", "Kai Presales", "base.group_user,sfa_key_accounts.group_sfa_user"
            ),
            "ka_manager": cls._user(
                "sfa_ka_manager",
                "Kim Head",
                "sales_team.group_sale_salesman_all_leads,sfa_key_accounts.group_sfa_manager",
            ),
            "sales_admin": cls.user_manager,
            "other_company": mail_new_test_user(
                env,
                login="sfa_other_company",
                name="Omar Elsewhere",
                groups="sales_team.group_sale_manager",
                company_id=cls.other_company.id,
                company_ids=[(6, 0, cls.other_company.ids)],
            ),
            "employee": cls.user_employee,
            "portal": mail_new_test_user(
                env,
                login="sfa_portal",
                name="Pat Portal",
                groups="base.group_portal",
                partner_id=cls.customer_contact.id,
                company_id=cls.company.id,
                company_ids=[(6, 0, cls.company.ids)],
            ),
        }
        # export is a read route like the others: give it to every internal user
        export = env.ref("base.group_allow_export")
        for role, user in cls.users.items():
            if role != "portal":
                user.groups_id |= export
        company = cls.company.id
        cls.key_account = cls._make_ka(
            cls.customer,
            manager_id=cls.user_rep.id,
            tier_id=cls.tier_a.id,
            is_key=True,
            personal_info="<p>The buyer's daughter starts university in May.</p>",
        )
        cls.member = env["sfa.key.account.member"].create(
            {"key_account_id": cls.key_account.id, "user_id": cls.users["ka_user"].id}
        )
        cls.criterion = env["sfa.health.criterion"].create(
            {"name": "Access signal", "kind": "signal", "company_id": company}
        )
        cls.plan = env["sfa.account.plan"].create(
            {"name": "Access plan", "partner_id": cls.customer.id, "company_id": company}
        )
        cls.late_criterion = env["sfa.health.criterion"].create(
            {"name": "Criterion added after the plan", "kind": "signal", "company_id": company}
        )
        cls.competitor = env["res.partner"].create({"name": "Rival Ltd", "is_company": True})
        cls.lever = env["sfa.switching.lever"].create({"name": "Access lever"})
        cls.role = env["sfa.buying.role"].create({"name": "Access role", "code": "Z"})
        cls.source = env["sfa.influence.source"].create({"name": "Access source"})
        cls.category = env["sfa.differentiator.category"].create({"name": "Access category"})
        cls.person = env["res.partner"].create(
            {"name": "Dora Decider", "parent_id": cls.customer.id}
        )
        cls.stakeholder = env["sfa.stakeholder"].create(
            {"partner_id": cls.person.id, "user_id": cls.user_rep.id}
        )
        # questions shared by every company, as the people (of a customer of no company) are
        cls.question, cls.late_question = env["sfa.health.criterion"].create(
            [
                {"name": name, "kind": "willingness"}
                for name in ("Access question", "Question added later")
            ]
        )
        cls.lead = cls._lead("Access deal")
        cls.worksheet = env["sfa.value.worksheet"].create(
            {"name": "Access case", "lead_id": cls.lead.id}
        )
        cls.sales_team = env["crm.team"].create(
            {"name": "Access team", "company_id": company, "member_ids": [(6, 0, cls.user_rep.ids)]}
        )
        target_vals = {
            "company_id": company,
            "user_id": cls.user_rep.id,
            "team_id": cls.sales_team.id,
            "date_from": "2026-01-01",
            "date_to": "2026-12-31",
        }
        cls.target = env["sfa.sales.target"].create(
            {**target_vals, "name": "Rita 2026", "amount": 1000}
        )
        cls.satisfaction = env["sfa.sales.target"].create(
            {**target_vals, "name": "Rita happy", "amount": 4, "measure": "satisfaction"}
        )
        cls._review_records()
        plan, ws = cls.plan.id, cls.worksheet.id
        # model: (record, values a write sends, values a create sends)
        cls.specs = {
            "sfa.switching.lever": (
                env["sfa.switching.lever"].create({"name": "Unused lever"}),
                {"name": "Renamed"},
                {"name": "New lever"},
            ),
            "sfa.buying.role": (cls.role, {"name": "Renamed"}, {"name": "New", "code": "Y"}),
            "sfa.influence.source": (cls.source, {"name": "Renamed"}, {"name": "New"}),
            "sfa.differentiator.category": (cls.category, {"name": "Renamed"}, {"name": "New"}),
            "sfa.key.account.tier": (
                cls.tier_c,
                {"color": 3},
                {
                    "name": "B+",
                    "sequence": 3,
                    "threshold_pct": 97,
                    "rule": "revenue_share",
                    "company_id": company,
                },
            ),
            "sfa.health.criterion": (
                cls.criterion,
                {"name": "Renamed"},
                {"name": "New", "kind": "signal", "company_id": company},
            ),
            "sfa.key.account": (
                cls.key_account,
                {"business_info": "<p>Fiscal year ends in March.</p>"},
                {"partner_id": cls.competitor.id, "company_id": company},
            ),
            "sfa.key.account.member": (
                cls.member,
                {"role": "service"},
                {"key_account_id": cls.key_account.id, "user_id": cls.users["other_rep"].id},
            ),
            "sfa.key.account.tier.history": (
                cls.key_account.tier_history_ids[:1],
                {"reason": "Rewritten"},
                {"key_account_id": cls.key_account.id, "reason": "Forged"},
            ),
            "sfa.account.plan": (
                cls.plan,
                {"strategy": "<p>Win the plant</p>"},
                {
                    "name": "Second plan",
                    "partner_id": cls.customer.id,
                    "company_id": company,
                    "date_start": "2030-01-01",
                    "date_end": "2030-12-31",
                },
            ),
            "sfa.account.plan.objective": (
                env["sfa.account.plan.objective"].create(
                    {"plan_id": plan, "name": "Grow", "target": 100}
                ),
                {"name": "Grow more"},
                {"plan_id": plan, "name": "New objective", "target": 10},
            ),
            "sfa.account.swot": (
                env["sfa.account.swot"].create(
                    {"plan_id": plan, "quadrant": "strength", "name": "Capacity"}
                ),
                {"name": "More capacity"},
                {"plan_id": plan, "quadrant": "weakness", "name": "Slow"},
            ),
            "sfa.account.need": (
                env["sfa.account.need"].create({"plan_id": plan, "name": "Cheaper parts"}),
                {"name": "Much cheaper parts"},
                {"plan_id": plan, "name": "Faster delivery"},
            ),
            "sfa.account.competitor": (
                env["sfa.account.competitor"].create(
                    {"plan_id": plan, "competitor_id": cls.competitor.id}
                ),
                {"competitor_id": cls.competitor.id},
                {"plan_id": plan, "competitor_id": cls.competitor.id},
            ),
            "sfa.account.plan.lever": (
                env["sfa.account.plan.lever"].create({"plan_id": plan, "lever_id": cls.lever.id}),
                {"status": "in_progress"},
                {"plan_id": plan, "lever_id": cls.lever.id},
            ),
            "sfa.account.plan.assessment": (
                cls.plan.assessment_ids.filtered(lambda a: a.criterion_id == cls.criterion),
                {"present": True},
                {"plan_id": plan, "criterion_id": cls.late_criterion.id},
            ),
            "sfa.stakeholder": (
                cls.stakeholder,
                {"circle": "core"},
                {"partner_id": cls.customer_contact.id},
            ),
            "sfa.stakeholder.assessment": (
                env["sfa.stakeholder.assessment"].create(
                    {"stakeholder_id": cls.stakeholder.id, "criterion_id": cls.question.id}
                ),
                {"score": "4"},
                {"stakeholder_id": cls.stakeholder.id, "criterion_id": cls.late_question.id},
            ),
            "sfa.deal.contact": (
                env["sfa.deal.contact"].create(
                    {"lead_id": cls.lead.id, "stakeholder_id": cls.stakeholder.id}
                ),
                {"influence": "high"},
                None,  # built per test: a second person on the same deal
            ),
            "sfa.value.worksheet": (
                cls.worksheet,
                {"horizon_years": 4},
                {"name": "Another case", "lead_id": cls._lead("Access deal 2").id},
            ),
            "sfa.value.need": (
                env["sfa.value.need"].create({"worksheet_id": ws, "name": "Less downtime"}),
                {"name": "Much less downtime"},
                {"worksheet_id": ws, "name": "Fewer returns"},
            ),
            "sfa.value.benefit": (
                env["sfa.value.benefit"].create(
                    {"worksheet_id": ws, "conservative_amount": 100, "likely_amount": 200}
                ),
                {"rationale": "Measured"},
                {"worksheet_id": ws, "conservative_amount": 10, "likely_amount": 20},
            ),
            "sfa.value.cost": (
                env["sfa.value.cost"].create({"worksheet_id": ws, "name": "Licence", "amount": 50}),
                {"name": "Licences"},
                {"worksheet_id": ws, "name": "Training", "amount": 5},
            ),
            "sfa.value.kpi": (
                env["sfa.value.kpi"].create({"worksheet_id": ws, "name": "Downtime"}),
                {"unit": "hours"},
                {"worksheet_id": ws, "name": "Scrap rate"},
            ),
            "sfa.value.differentiator": (
                env["sfa.value.differentiator"].create({"worksheet_id": ws, "name": "Service"}),
                {"name": "24h service"},
                {"worksheet_id": ws, "name": "Local stock"},
            ),
            "sfa.key.account.selection": (None, None, {"company_id": company}),
            "sfa.sales.target": (
                cls.target,
                {"name": "Renamed"},
                {**target_vals, "name": "New", "measure": "won_count", "amount": 3},
            ),
            "sfa.sales.target.entry": (
                env["sfa.sales.target.entry"].create(
                    {"target_id": cls.satisfaction.id, "date": "2026-03-31", "value": 4.2}
                ),
                {"note": "Survey of March"},
                {"target_id": cls.satisfaction.id, "date": "2026-06-30", "value": 4.4},
            ),
            "sfa.sales.target.analysis": (
                env["sfa.sales.target.analysis"].browse(cls.target.id),
                None,
                None,
            ),
            "sfa.sales.target.split": (None, None, {"target_id": cls.target.id}),
            "sfa.job.role": (
                env["sfa.job.role"].create({"name": "Presales"}),
                {"name": "Presales engineer"},
                {"name": "Account director"},
            ),
            "sfa.evaluation.template": (
                cls.draft_template,
                {"peer_weight": 25},
                {
                    "name": "New",
                    "job_role_id": env.ref("sfa_key_accounts.job_role_rep").id,
                    "company_id": company,
                },
            ),
            "sfa.evaluation.indicator": (
                cls.draft_template.indicator_ids[0],
                {"weight": 50},
                {"template_id": cls.draft_template.id, "name": "Teamwork", "weight": 10},
            ),
            "sfa.evaluation.curve.point": (
                cls.draft_template.indicator_ids[0].curve_point_ids[0],
                {"score": 5},
                {"indicator_id": cls.draft_template.indicator_ids[0].id, "raw": 120, "score": 100},
            ),
            "sfa.performance.review": (
                cls.review,
                {"cutoff_date": "2025-06-30"},
                cls.review_vals,
            ),
            "sfa.performance.review.line": (
                cls.review.line_ids[:1],
                {"raw_value": 100},
                {"review_id": cls.review.id, "indicator_id": cls.published.indicator_ids[0].id},
            ),
            "sfa.performance.rating": (
                cls.sheet,
                {"line_ids": [(1, cls.sheet.line_ids[0].id, {"comment": "Keen"})]},
                {"review_id": cls.rated.id, "rater_id": cls.user_manager.id, "source": "peer"},
            ),
            "sfa.performance.rating.line": (
                cls.sheet.line_ids,
                {"comment": "Always first in"},
                {"rating_id": cls.sheet.id, "indicator_id": cls.published.indicator_ids[1].id},
            ),
            "sfa.performance.review.start": (
                None,
                None,
                {
                    "team_id": cls.sales_team.id,
                    "template_id": cls.published.id,
                    "date_from": "2026-01-01",
                    "date_to": "2026-12-31",
                },
            ),
            "sfa.sales.target.adjust": (
                None,
                None,
                {"target_id": cls.target.id, "new_amount": 1, "reason": "other", "note": "x"},
            ),
            "sfa.stage.gate.override": (
                None,
                None,
                {"lead_id": cls.lead.id, "stage_id": cls.stage_open.id, "reason": "Because"},
            ),
        }
        cls.specs.update(cls._comp_specs())

    @classmethod
    def _comp_specs(cls):
        """The rep on a plan in use, its draft next version, the rep's computed statement;
        specs of four items give the record written and deleted (a draft one) apart from
        the one read."""
        env, company = cls.env, cls.company.id
        tiers = [
            (0, 0, {"lower_pct": 0, "upper_pct": 100, "rate_pct": 2}),
            (0, 0, {"lower_pct": 100, "upper_pct": False, "rate_pct": 4}),
        ]
        curve = [(0, 0, {"score": 0, "payout_pct": 0}), (0, 0, {"score": 100, "payout_pct": 150})]
        components = [
            (0, 0, {"name": "Commission", "component_type": "commission", "tier_ids": tiers}),
            (0, 0, {"name": "KPI", "component_type": "kpi_bonus", "curve_point_ids": curve}),
            (0, 0, {"name": "Spiff", "component_type": "fixed", "amount": 100}),
        ]
        Plan = env["sfa.comp.plan"]
        plan = Plan.create(
            {"name": "Access plan", "company_id": company, "component_ids": components}
        )
        plan.action_activate()
        draft = Plan.browse(plan.action_new_version()["res_id"])
        assignment = env["sfa.comp.assignment"].create(
            {"user_id": cls.user_rep.id, "plan_id": plan.id, "date_from": "2026-01-01"}
        )
        statement = env["sfa.comp.statement"].create(
            {
                "user_id": cls.user_rep.id,
                "company_id": company,
                "date_from": "2026-01-01",
                "date_to": "2026-03-31",
            }
        )
        statement._compute_period(statement.date_from, statement.date_to, cls.user_rep)
        spiff = env["sfa.comp.statement.line"].sudo().search([("statement_id", "=", statement.id)])
        cls.comp_statement = statement
        split = env["sfa.comp.credit.split"].create(
            {"lead_id": cls.lead.id, "user_id": cls.user_rep.id, "share_pct": 100}
        )
        other_deal = cls._lead("Access deal without split")
        commission, kpi, _spiff = plan.component_ids
        draft_commission, draft_kpi, _draft_spiff = draft.component_ids
        return {
            "sfa.comp.plan": (
                plan,
                {"name": "Renamed"},
                {"name": "New", "company_id": company},
                draft,
            ),
            "sfa.comp.component": (
                commission,
                {"name": "Renamed"},
                {"plan_id": draft.id, "name": "Spiff", "component_type": "fixed", "amount": 10},
                draft_kpi,
            ),
            "sfa.comp.tier": (
                commission.tier_ids[0],
                {"rate_pct": 3},
                {"component_id": draft_commission.id, "lower_pct": 200, "rate_pct": 6},
                draft_commission.tier_ids[0],
            ),
            "sfa.comp.curve.point": (
                kpi.curve_point_ids[0],
                {"payout_pct": 10},
                {"component_id": draft_kpi.id, "score": 50, "payout_pct": 50},
                draft_kpi.curve_point_ids[0],
            ),
            "sfa.comp.assignment": (
                assignment,
                {"date_to": "2027-12-31"},
                {
                    "user_id": cls.users["other_rep"].id,
                    "plan_id": plan.id,
                    "date_from": "2026-01-01",
                },
            ),
            "sfa.comp.statement": (
                statement,
                {"note": "<p>Checked</p>"},
                {
                    "user_id": cls.users["other_rep"].id,
                    "company_id": company,
                    "date_from": "2026-01-01",
                    "date_to": "2026-03-31",
                },
            ),
            "sfa.comp.statement.line": (
                spiff[:1],
                {"payout": 1},
                {"statement_id": statement.id, "line_type": "spiff", "payout": 1},
            ),
            "sfa.comp.credit.split": (
                split,
                {"share_pct": 100},
                {"lead_id": other_deal.id, "user_id": cls.user_rep.id, "share_pct": 100},
            ),
            "sfa.comp.statement.compute": (
                None,
                None,
                {"date_from": "2026-01-01", "date_to": "2026-03-31"},
            ),
            "sfa.comp.dispute": (None, None, {"line_id": spiff[:1].id, "reason": "Why?"}),
        }

    @classmethod
    def _review_records(cls):
        """A published and a draft template, the rep's draft 2025 review and their 2026 review
        being rated by other_rep, all reviewed by a team leader who is none of the roles."""
        env, company = cls.env, cls.company.id
        leader = cls._user("sfa_access_leader", "Lea Leader", "sales_team.group_sale_salesman")
        indicators = [
            (0, 0, {"name": "Revenue", "kind": "revenue_attainment", "weight": 60}),
            (0, 0, {"name": "Initiative", "kind": "rated", "category": "attitude", "weight": 40}),
        ]
        role = env.ref("sfa_key_accounts.job_role_rep")
        Template = env["sfa.evaluation.template"]
        cls.published = Template.create(
            {
                "name": "Rep",
                "job_role_id": role.id,
                "company_id": company,
                "indicator_ids": indicators,
            }
        )
        cls.published.action_publish()
        cls.draft_template = Template.create(
            {
                "name": "Rep 2027",
                "job_role_id": role.id,
                "company_id": company,
                "indicator_ids": indicators,
            }
        )
        review = {
            "user_id": cls.user_rep.id,
            "manager_id": leader.id,
            "template_id": cls.published.id,
            "company_id": company,
        }
        Review = env["sfa.performance.review"]
        cls.review = Review.create({**review, "date_from": "2025-01-01", "date_to": "2025-12-31"})
        cls.rated = Review.create(
            {
                **review,
                "date_from": "2026-01-01",
                "date_to": "2026-12-31",
                "peer_ids": [(6, 0, cls.users["other_rep"].ids)],
            }
        )
        cls.review.action_refresh_figures()
        cls.rated.action_start_rating()
        cls.sheet = cls.rated.rating_ids.filtered(lambda s: s.source == "peer")
        cls.review_vals = {**review, "date_from": "2024-01-01", "date_to": "2024-12-31"}

    @classmethod
    def _lead(cls, name, user=None):
        """An open opportunity of the customer, owned by ``user`` (the rep by default)."""
        return cls.env["crm.lead"].create(
            {
                "name": name,
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": (user or cls.user_rep).id,
                "company_id": cls.company.id,
                "stage_id": cls.stage_open.id,
            }
        )

    # --- the routes a client uses -----------------------------------------------------------
    def _read_routes(self, Model, record):
        """{route: whether the user reached the record} over every read route."""
        seen = {}
        for route in ("read", "search_read", "read_group", "export", "name_search"):
            try:
                with (
                    self.cr.savepoint(),
                    mute_logger("odoo.models", "odoo.addons.base.models.ir_rule"),
                ):
                    if route == "read":
                        Model.browse(record.id).read(["display_name"])
                        seen[route] = True
                    elif route == "search_read":
                        rows = Model.search_read([("id", "=", record.id)], ["display_name"])
                        seen[route] = [r["id"] for r in rows] == [record.id]
                    elif route == "read_group":
                        groups = Model.read_group([("id", "=", record.id)], ["__count"], [])
                        seen[route] = bool(groups) and groups[0]["__count"] == 1
                    elif route == "export":
                        rows = Model.browse(record.id).export_data(["display_name"])["datas"]
                        seen[route] = len(rows) == 1
                    else:
                        found = Model.name_search("", [("id", "=", record.id)], limit=None)
                        seen[route] = [r[0] for r in found] == [record.id]
            except AccessError:
                seen[route] = False
            except UserError:  # "no rights to export data": portal users
                if route != "export":
                    raise
                seen[route] = False
        return seen

    def _allowed(self, op, Model, record, write_vals, create_vals):
        """Whether the user may do ``op``; whatever it did is rolled back."""
        try:
            with (
                self.cr.savepoint(),
                mute_logger("odoo.models", "odoo.addons.base.models.ir_rule", "odoo.models.unlink"),
            ):
                if op == "write":
                    Model.browse(record.id).write(write_vals)
                elif op == "create":
                    Model.create(create_vals)
                else:
                    Model.browse(record.id).unlink()
                Model.env.flush_all()
                raise _Undo
        except _Undo:
            return True
        except AccessError:
            return False
        finally:
            self.env.invalidate_all()  # the savepoint is rolled back: forget what it cached

    def test_access_table(self):
        problems = []
        for model, row in sorted(TABLE.items()):
            record, write_vals, create_vals, *changed = self.specs[model]
            if model == "sfa.deal.contact":
                person = self.env["res.partner"].create(
                    {"name": "Ada Approver", "parent_id": self.customer.id}
                )
                other = self.env["sfa.stakeholder"].create({"partner_id": person.id})
                create_vals = {"lead_id": self.lead.id, "stakeholder_id": other.id}
            for role in ROLES:
                Model = (
                    self.env[model]
                    .with_user(self.users[role])
                    .with_company(self.users[role].company_id)
                )
                for op in OPERATIONS:
                    if op not in row:
                        continue
                    expected = role in row[op].split()
                    if op == "read":
                        seen = self._read_routes(Model, record)
                        for route, ok in seen.items():
                            if ok != expected:
                                problems.append(f"{model} {route} by {role}: {ok}, want {expected}")
                        continue
                    target = changed[0] if changed else record
                    ok = self._allowed(op, Model, target, write_vals, create_vals)
                    if ok != expected:
                        problems.append(f"{model} {op} by {role}: {ok}, want {expected}")
        self.assertFalse(problems, "\n".join(problems))

    def test_docs_show_the_table(self):
        """README "Access" and readme/ACCESS.md show this table, as generated here."""
        table = access_markdown()
        addon = Path(__file__).resolve().parent.parent
        docs = [addon / "readme" / "ACCESS.md"]
        if (addon.parent / "README.md").exists() and (addon.parent / ".ci").exists():
            docs.append(addon.parent / "README.md")  # the repository's README
        for doc in docs:
            self.assertIn(table, doc.read_text(), f"{doc} must contain:\n{table}")

    # --- the customer's key-account data, off the partner -------------------------------------
    def test_partner_holds_no_key_account_data(self):
        fields = self.env["res.partner"]._fields
        self.assertFalse([f for f in PARTNER_COLUMNS if f in fields])
        # and what the partner still links to is only for Key Accounts users
        for fname in ("key_account_ids", "stakeholder_ids", "key_account_count"):
            self.assertEqual(fields[fname].groups, "sfa_key_accounts.group_sfa_user")
        for role in ("employee", "portal"):
            partner = self.customer.with_user(self.users[role])
            with self.assertRaises(AccessError):
                partner.read(["key_account_ids"])
        # the rep of another account sees the customer but none of its key-account records
        as_other = self.customer.with_user(self.users["other_rep"])
        self.assertFalse(as_other.key_account_ids)
        self.assertEqual(as_other.key_account_count, 0)

    def test_tier_changes_are_told_only_to_those_who_may_read(self):
        self.key_account.with_user(self.user_manager).tier_id = self.tier_b
        Message = self.env["mail.message"]
        domain = [("model", "=", "sfa.key.account"), ("res_id", "=", self.key_account.id)]
        self.assertIn("Tier: A → B", " ".join(Message.search(domain).mapped("body")))
        for role in ("other_rep", "employee", "portal", "other_company"):
            found = Message.with_user(self.users[role]).search(domain)
            self.assertFalse(found, role)
        # nothing about tiers on the partner's own chatter, which portal users can read
        bodies = " ".join(self.customer.message_ids.mapped("body"))
        self.assertNotIn("Tier", bodies)

    def test_aggregates_leak_nothing(self):
        KeyAccount = self.env["sfa.key.account"]
        for role in ("other_rep", "other_company"):
            groups = KeyAccount.with_user(self.users[role]).read_group(
                [], ["revenue:sum"], ["tier_id"]
            )
            self.assertFalse([g for g in groups if g["tier_id"] == self.tier_a.id], role)

    # --- what only the 80/20 selection or a manager may write ----------------------------------
    def test_ranking_figures_only_from_the_selection(self):
        for role in ("rep", "ka_manager", "sales_admin"):
            account = self.key_account.with_user(self.users[role])
            for vals in (
                {"rank": 1},
                {"revenue": 1e6},
                {"cumulative_share": 1},
                {"tier_date": "2020-01-01"},
            ):
                with self.assertRaises(UserError), self.cr.savepoint():
                    account.write(vals)
        self.assertEqual((self.key_account.rank, self.key_account.revenue), (0, 0.0))

    def test_other_company_cannot_touch_a_shared_customer(self):
        """A shared customer (no company) has one key account per company: another
        company's manager neither sees nor changes this company's."""
        boss = self.users["other_company"]
        with self.assertRaises(AccessError):
            self.key_account.with_user(boss).write({"manager_id": boss.id})
        with self.assertRaises(AccessError):
            self.key_account.with_user(boss).write({"is_key": False})
        theirs = (
            self.env["sfa.key.account"]
            .with_user(boss)
            .create({"partner_id": self.customer.id, "company_id": self.other_company.id})
        )
        theirs.manager_id = boss
        self.assertEqual(self.key_account.manager_id, self.user_rep)
        self.assertTrue(self.key_account.is_key)

    # --- rules hold after a write; links only to what one may read ---------------------------
    def test_records_cannot_be_moved_into_a_colleague_scope(self):
        colleague_customer = self._customers("Colleague Co")
        colleague_account = self._make_ka(
            colleague_customer, manager_id=self.users["ka_manager"].id
        )
        colleague_plan = self.env["sfa.account.plan"].create(
            {
                "name": "Colleague plan",
                "partner_id": colleague_customer.id,
                "company_id": self.company.id,
            }
        )
        self.assertEqual(colleague_plan.key_account_id, colleague_account)
        rep = self.user_rep
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.plan.with_user(rep).write({"partner_id": colleague_customer.id})
        swot = self.specs["sfa.account.swot"][0]
        with self.assertRaises(AccessError), self.cr.savepoint():
            swot.with_user(rep).write({"plan_id": colleague_plan.id})
        for line in ("sfa.account.plan.objective", "sfa.account.competitor"):
            with self.assertRaises(AccessError), self.cr.savepoint():
                self.specs[line][0].with_user(rep).write({"plan_id": colleague_plan.id})
        self.assertEqual(self.plan.partner_id, self.customer)
        self.assertEqual(swot.plan_id, self.plan)

    def test_links_to_unreadable_records_are_refused(self):
        other_lead = self._lead("Colleague deal", self.users["other_rep"])
        other_ws = self.env["sfa.value.worksheet"].create(
            {"name": "Theirs", "lead_id": other_lead.id}
        )
        their_kpi = self.env["sfa.value.kpi"].create(
            {"worksheet_id": other_ws.id, "name": "Secret"}
        )
        rep = self.user_rep
        benefit = self.specs["sfa.value.benefit"][0].with_user(rep)
        with self.assertRaises(AccessError), self.cr.savepoint():
            benefit.write({"kpi_id": their_kpi.id})
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.env["sfa.stage.gate.override"].with_user(rep).create(
                {"lead_id": other_lead.id, "stage_id": self.stage_open.id, "reason": "x"}
            )
        colleague_customer = self._customers("Need Co")
        self._make_ka(colleague_customer, manager_id=self.users["ka_manager"].id)
        their_plan = self.env["sfa.account.plan"].create(
            {
                "name": "Their plan",
                "partner_id": colleague_customer.id,
                "company_id": self.company.id,
            }
        )
        their_need = self.env["sfa.account.need"].create(
            {"plan_id": their_plan.id, "name": "Hidden"}
        )
        need = self.specs["sfa.value.need"][0].with_user(rep)
        with self.assertRaises(AccessError), self.cr.savepoint():
            need.write({"account_need_id": their_need.id})
        self.assertFalse(benefit.sudo().kpi_id)

    def test_deleting_a_person_never_cascades_past_the_rules(self):
        """A stakeholder whose deal roles the rep cannot all delete is not deleted."""
        colleague_lead = self._lead("Colleague deal 2", self.users["other_rep"])
        self.env["sfa.deal.contact"].create(
            {"lead_id": colleague_lead.id, "stakeholder_id": self.stakeholder.id}
        )
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.stakeholder.with_user(self.user_rep).unlink()
        self.assertTrue(self.stakeholder.exists())
        self.assertEqual(len(self.stakeholder.deal_contact_ids), 2)

    def test_selection_ranks_the_whole_company(self):
        """A key-account manager without "all leads" ranks every customer of the company."""
        head = self._user(
            "sfa_ka_head_own",
            "Hana Head",
            "sales_team.group_sale_salesman,sfa_key_accounts.group_sfa_manager",
        )
        self._won(self.customer, 5000, user_id=self.users["other_rep"].id)
        wizard = (
            self.env["sfa.key.account.selection"]
            .with_user(head)
            .with_company(self.company)
            .create(
                {"company_id": self.company.id, "date_from": "2026-01-01", "date_to": "2026-12-31"}
            )
        )
        wizard.action_compute()
        line = wizard.line_ids.filtered(lambda ln: ln.partner_id == self.customer)
        self.assertEqual((line.revenue, line.proposed_tier_id), (5000.0, self.tier_a))
        with self.assertRaises(AccessError):
            self.env["sfa.key.account.selection"].with_user(self.user_rep).create(
                {"company_id": self.company.id}
            )

    def test_constraints_refuse_bad_links(self):
        with self.assertRaises(ValidationError):
            self._make_ka(self.customer_contact)
