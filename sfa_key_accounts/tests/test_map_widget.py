from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SfaDealCommon

# sfa_map_data as the rep calls it, whatever the number of people on the map
MAP_DATA_QUERIES = 14


@tagged("post_install", "-at_install")
class TestMapWidget(SfaDealCommon):
    """The drawn political map on the deal (static/src/political_map): what it reads, adding a
    person in one call (existing or new, with roles and attitude), editing in place, and the
    buying centre's row creating a new person by name."""

    CUSTOMER = "Map Widget Co"

    def setUp(self):
        super().setUp()
        self.deal = self._deal("Drawn map", self.lead_process)
        self.dora, self.abe, self.eli = self.people
        self.Contact = self.env["sfa.deal.contact"].with_user(self.user_rep)

    def test_map_data_is_what_the_cards_and_lines_show(self):
        self._map(self.deal, (self.dora, "D", "champion", "3"), (self.abe, "AE", "against", "1"))
        self.abe.write({"reports_to_id": self.dora.id, "circle": "core"})
        self.eli.influences_ids = self.dora
        data = self.Contact.sfa_map_data(self.deal.id)
        people = {p["name"]: p for p in data["people"]}
        self.assertEqual(sorted(people), ["Abe Approver", "Dora Decider"])
        abe = people["Abe Approver"]
        self.assertEqual(
            (
                sorted(self.env["sfa.buying.role"].browse(abe["role_ids"]).mapped("code")),
                abe["attitude"],
                abe["time_spent"],
                abe["circle"],
                abe["reports_to_id"],
            ),
            (["A", "E"], "against", "1", "core", self.dora.id),
        )
        self.assertEqual(people["Dora Decider"]["circle"], "outside")
        # Eli is not on the deal: offered to be added, with his influence line kept on him
        self.assertEqual(data["candidates"], [{"id": self.eli.id, "name": "Eli Evaluator"}])
        self.assertEqual(
            [a[0] for a in data["attitudes"]],
            ["champion", "support", "neutral", "against", "hostile"],
        )
        # the roles in their own order (sequence): approver, decision maker, evaluator...
        self.assertEqual([r["code"] for r in data["roles"]], ["A", "D", "E", "C", "U"])
        self.assertEqual((data["can_edit"], data["has_account"]), (True, True))

    def test_add_a_new_person_with_two_roles_and_an_attitude(self):
        contact_id = self.Contact.sfa_map_add(
            self.deal.id, "  Zhang   Wei ", [self.role["D"].id, self.role["E"].id], "support"
        )
        contact = self.env["sfa.deal.contact"].browse(contact_id)
        self.assertEqual(contact.lead_id, self.deal)
        self.assertEqual(contact.stakeholder_id.name, "Zhang Wei")
        self.assertEqual(contact.stakeholder_id.partner_id.parent_id, self.account)
        self.assertEqual(contact.stakeholder_id.account_id, self.account)
        self.assertEqual(contact.role_codes, "D, E")
        self.assertEqual(contact.attitude, "support")
        # the map's figures follow at once: a decision maker is on the map
        self.assertNotIn("no_decision_maker", self.deal.red_flag_codes or "")

    def test_add_an_existing_person_by_name_and_refuse_a_second_line(self):
        contact_id = self.Contact.sfa_map_add(
            self.deal.id, "eli evaluator", [self.role["E"].id], "neutral"
        )
        self.assertEqual(self.env["sfa.deal.contact"].browse(contact_id).stakeholder_id, self.eli)
        partners = self.env["res.partner"].search_count([("parent_id", "=", self.account.id)])
        with self.assertRaisesRegex(UserError, "Eli Evaluator is already on this deal's map"):
            self.Contact.sfa_map_add(self.deal.id, "Eli Evaluator", [], "hostile")
        self.assertEqual(
            self.env["res.partner"].search_count([("parent_id", "=", self.account.id)]), partners
        )

    def test_bad_input_changes_nothing(self):
        before = self.env["sfa.deal.contact"].search_count([])
        with self.assertRaisesRegex(UserError, "Choose an attitude"):
            self.Contact.sfa_map_add(self.deal.id, "Nobody", [], "furious")
        with self.assertRaisesRegex(UserError, "Type the person's name"):
            self.Contact.sfa_map_add(self.deal.id, "   ", [], "neutral")
        no_customer = self._deal("No customer", self.lead_process, partner_id=False)
        with self.assertRaisesRegex(UserError, "Choose the customer first"):
            self.Contact.sfa_map_add(no_customer.id, "Someone", [], "neutral")
        self.assertEqual(self.env["sfa.deal.contact"].search_count([]), before)

    def test_only_who_may_edit_the_deal_adds_people(self):
        employee = self.env["sfa.deal.contact"].with_user(self.user_employee)
        with self.assertRaises(AccessError):
            employee.sfa_map_add(self.deal.id, "Intruder", [], "neutral")
        with self.assertRaises(AccessError):
            employee.sfa_map_data(self.deal.id)

    def test_editing_a_card_in_place(self):
        contact = self._map(self.deal, (self.dora, "D", "neutral"))
        contact.with_user(self.user_rep).write(
            {"role_ids": [(4, self.role["A"].id)], "attitude": "champion"}
        )
        self.assertEqual((contact.role_codes, contact.attitude), ("A, D", "champion"))

    def test_new_person_typed_in_the_buying_centre_row(self):
        """The row's many2one creates the person under the deal's customer (it failed on the
        required contact and lost the typed name)."""
        Stakeholder = self.env["sfa.stakeholder"].with_user(self.user_rep)
        stakeholder_id, name = Stakeholder.with_context(
            default_account_id=self.account.id
        ).name_create("Li Na")
        stakeholder = Stakeholder.browse(stakeholder_id)
        self.assertEqual((name, stakeholder.partner_id.name), ("Li Na", "Li Na"))
        self.assertEqual(stakeholder.partner_id.parent_id, self.account)
        with self.assertRaisesRegex(UserError, "Choose the customer first"):
            Stakeholder.name_create("Orphan")

    def test_influence_lines_stay_within_the_account(self):
        other = self.env["sfa.stakeholder"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "Outsider"}).id,
                "account_id": self._customers("Elsewhere Ltd").id,
            }
        )
        with self.assertRaisesRegex(ValidationError, "same account"):
            self.dora.influences_ids = other
        with self.assertRaisesRegex(ValidationError, "same account"):
            self.dora.influences_ids = self.dora

    def test_empty_buying_centres_say_what_to_do(self):
        help_html = self.env.ref("sfa_key_accounts.sfa_deal_contact_action").help
        self.assertIn("on its Political Map, type a person's name", help_html)

    def test_red_flag_hints_name_the_people(self):
        """Issue 12: "Zhang Wei (decision maker) has never been met", not "a decision maker"."""
        self._map(self.deal, (self.dora, "D", "neutral", "0"), (self.abe, "AE", "champion", "2"))
        html = str(self.deal.red_flag_html)
        self.assertIn("<i>Dora Decider (Decision maker): not for us.</i>", html)
        self.assertIn("<i>Dora Decider (Decision maker): never met.</i>", html)
        self.assertIn(
            "<i>Dora Decider (Decision maker); Abe Approver (Approver, Evaluator): not "
            "contacted recently.</i>",
            html,
        )
        # flags about someone missing name nobody
        self.assertNotIn("No champion (warning): <i>", html)
        # the drawn map shows the same, flag by flag
        flags = {f["code"]: f for f in self.Contact.sfa_map_data(self.deal.id)["flags"]}
        self.assertEqual(
            flags["key_player_not_met"]["people"], "Dora Decider (Decision maker): never met."
        )
        self.assertEqual(
            flags["key_player_not_met"]["label"], "Decision maker or approver never met (warning)"
        )
        self.assertEqual(
            sorted(flags), ["key_player_against", "key_player_not_met", "stale_key_player"]
        )

    def test_map_data_reads_a_fixed_number_of_queries(self):
        small = self.deal
        self._map(small, (self.dora, "D", "champion"), (self.abe, "A", "support"))
        big = self._deal("Big map", self.lead_process)
        partners = self.env["res.partner"].create(
            [{"name": f"Person {n:02}", "parent_id": self.account.id} for n in range(40)]
        )
        crowd = self.env["sfa.stakeholder"].create(
            [{"partner_id": p.id, "account_id": self.account.id} for p in partners]
        )
        self.env["sfa.deal.contact"].create(
            [
                {"lead_id": big.id, "stakeholder_id": s.id, "role_ids": [(4, self.role["U"].id)]}
                for s in crowd
            ]
        )
        self.env.flush_all()
        # warm, twice (the first cache invalidation also drops the groups' definitions): the
        # access rules' and groups' caches are warm in a running server
        for _round in range(2):
            for deal in (small, big):
                self.Contact.sfa_map_data(deal.id)
                self.env.invalidate_all()
        for deal in (small, big):
            self.env.invalidate_all()
            # a read-only call: what other tests left pending is not counted
            with self.assertQueryCount(MAP_DATA_QUERIES, flush=False):
                self.Contact.sfa_map_data(deal.id)
