from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import SfaDealCommon

# what the chart's cards read (the view's fields, its parent and its child field)
CHART_FIELDS = [
    "name",
    "function",
    "buying_style",
    "circle",
    "reports_to_id",
    "child_ids",
    "last_attitude",
    "time_spent",
    "role_codes",
]


@tagged("post_install", "-at_install")
class TestOrgChart(SfaDealCommon):
    """``sfa.stakeholder.sfa_org_chart_read``, what the org chart's web client loads: the
    account's people with their manager, direct reports and deal view, checked like a read.

    Chart Co (of the test company): Dora Decider heads it, Abe Approver and Eli Evaluator
    report to her, Uma User to Eli. On an older deal Dora decides (against, introduced) and
    Abe approves (hostile, one-to-one); on the newer one Dora decides and evaluates
    (champion, quality time)."""

    CUSTOMER = "Chart Co"
    PEOPLE = ("Dora Decider", "Abe Approver", "Eli Evaluator", "Uma User")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.company_id = cls.company
        cls.dora, cls.abe, cls.eli, cls.uma = cls.people
        cls.dora.partner_id.function = "Chief Financial Officer"
        cls.dora.write({"buying_style": "value", "circle": "core"})
        (cls.abe | cls.eli).reports_to_id = cls.dora
        cls.uma.reports_to_id = cls.eli
        cls.older = cls._deal("Older deal", cls.confirm)
        cls.newer = cls._deal("Newer deal", cls.confirm)
        cls.user_other_rep = cls._user(
            "sfa_chart_other_rep", "Otto Other Team", "sales_team.group_sale_salesman"
        )
        cls.other_company = cls.env["res.company"].create({"name": "SFA Chart Rival"})
        cls.user_other_company = mail_new_test_user(
            cls.env,
            login="sfa_chart_elsewhere",
            name="Omar Elsewhere",
            groups="sales_team.group_sale_manager",
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )
        cls.user_portal = mail_new_test_user(
            cls.env,
            login="sfa_chart_portal",
            name="Pia Portal",
            groups="base.group_portal",
            partner_id=cls.env["res.partner"]
            .create({"name": "Pia Portal", "parent_id": cls.account.id})
            .id,
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

    def setUp(self):
        super().setUp()
        self._map(self.older, (self.dora, "D", "against", "1"), (self.abe, "A", "hostile", "2"))
        self._map(self.newer, (self.dora, "DE", "champion", "3"))
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sfa_deal_contact SET write_date = write_date - interval '1 day' "
            "WHERE lead_id = %s",
            [self.older.id],
        )
        self.env.invalidate_all()
        self.domain = [("account_id", "=", self.account.id)]

    def _chart(self, user, domain=None, **context):
        Stakeholder = self.env["sfa.stakeholder"].with_user(user).with_context(**context)
        return Stakeholder.sfa_org_chart_read(domain or self.domain)

    def test_chart_of_an_account(self):
        card = {"function": False, "buying_style": False, "circle": "outside"}
        dora = (self.dora.id, "Dora Decider")
        self.assertEqual(
            self._chart(self.user_rep),
            [
                {
                    **card,
                    "id": self.abe.id,
                    "name": "Abe Approver",
                    "reports_to_id": dora,
                    "child_ids": [],
                    "last_attitude": "hostile",
                    "time_spent": "2",
                    "role_codes": "A",
                },
                {
                    "id": self.dora.id,
                    "name": "Dora Decider",
                    "function": "Chief Financial Officer",
                    "buying_style": "value",
                    "circle": "core",
                    "reports_to_id": False,
                    "child_ids": [self.abe.id, self.eli.id],
                    # the newer deal's line; the roles of both deals
                    "last_attitude": "champion",
                    "time_spent": "3",
                    "role_codes": "DE",
                },
                {
                    **card,
                    "id": self.eli.id,
                    "name": "Eli Evaluator",
                    "reports_to_id": dora,
                    "child_ids": [self.uma.id],
                    "last_attitude": False,
                    "time_spent": False,
                    "role_codes": "",
                },
                {
                    **card,
                    "id": self.uma.id,
                    "name": "Uma User",
                    "reports_to_id": (self.eli.id, "Eli Evaluator"),
                    "child_ids": [],
                    "last_attitude": False,
                    "time_spent": False,
                    "role_codes": "",
                },
            ],
        )

    def test_chart_of_a_deal(self):
        """Opened from a deal: that deal's people, their line on it; their reports are
        given whether on the deal or not (the view reads them when a branch opens)."""
        chart = self._chart(
            self.user_rep,
            [("id", "in", self.older.deal_contact_ids.stakeholder_id.ids)],
            sfa_lead_id=self.older.id,
        )
        self.assertEqual(
            [
                (c["name"], c["last_attitude"], c["time_spent"], c["role_codes"], c["child_ids"])
                for c in chart
            ],
            [
                ("Abe Approver", "hostile", "2", "A", []),
                ("Dora Decider", "against", "1", "D", [self.abe.id, self.eli.id]),
            ],
        )
        self.assertEqual(self._chart(self.user_rep, [("id", "=", 0)]), [])

    def test_chart_reads_as_the_orm(self):
        """Whoever reads it, whatever the domain: what search_read gives for the chart's
        fields, accounts in the order of their ids (Odoo's by their names: Another Chart
        Co first), and every field of the org chart's view is there."""
        view = self.env.ref("sfa_key_accounts.sfa_stakeholder_view_org_chart")
        Stakeholder = self.env["sfa.stakeholder"]
        shown = set(
            Stakeholder.get_views([(view.id, "hierarchy")])["models"][Stakeholder._name]["fields"]
        )
        self.assertLessEqual(shown | {"reports_to_id", "child_ids"}, set(CHART_FIELDS))
        another = self._customers("Another Chart Co")
        self.env["sfa.stakeholder"].create(
            {
                "partner_id": self.env["res.partner"]
                .create({"name": "Ann Other", "parent_id": another.id})
                .id,
                "circle": "core",
            }
        )
        domains = (
            self.domain,
            [("id", "in", (self.eli | self.uma).ids)],
            [("circle", "=", "core")],
        )
        for user in (self.user_rep, self.user_other_rep, self.user_manager):
            for domain in domains:
                for context in ({}, {"sfa_lead_id": self.newer.id}):
                    with self.subTest(user=user.login, domain=domain, context=context):
                        self.env.invalidate_all()
                        orm = Stakeholder.with_user(user).with_context(**context)
                        rows = orm.search_read(domain, [*CHART_FIELDS, "account_id"])
                        rows.sort(key=lambda row: row.pop("account_id")[0])
                        self.env.invalidate_all()
                        chart = self._chart(user, domain, **context)
                        self.assertEqual(chart, rows)
                        self.assertTrue(chart)
        names = [c["name"] for c in self._chart(self.user_rep, domains[2])]
        self.assertLess(names.index("Dora Decider"), names.index("Ann Other"))

    def test_who_cannot_read_through_it(self):
        """The chart is read with the user's rights: a salesperson of another team reads the
        account's people (shared within the company, README "Access") and no more than the
        ORM gives them; a user of another company reads nobody of this company's
        customer; a portal user (the customer's own contact) and an internal user without
        Sales rights are refused."""
        other_team = self._chart(self.user_other_rep)
        self.assertEqual(
            [c["id"] for c in other_team], (self.abe | self.dora | self.eli | self.uma).ids
        )
        self.assertEqual(self._chart(self.user_other_company), [])
        self.assertFalse(
            self.env["sfa.stakeholder"].with_user(self.user_other_company).search(self.domain)
        )
        # Dora's reports are all this company's: another company's user sees none of them
        self.assertEqual(self._chart(self.user_other_company, [("id", "=", self.dora.id)]), [])
        for user in (self.user_portal, self.user_employee):
            with self.subTest(user=user.login), mute_logger("odoo.models"):
                with self.assertRaises(AccessError):
                    self._chart(user)
