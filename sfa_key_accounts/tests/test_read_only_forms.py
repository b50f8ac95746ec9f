from datetime import date

from lxml import etree

from odoo.tests import tagged

from .common import SfaCommon, form_spec


@tagged("post_install", "-at_install")
class TestReadOnlyForms(SfaCommon):
    """A rep who may read a key account or an account plan but not edit it (the customer's
    salesperson, while a colleague is its key-account manager) gets a read-only form, not
    editable fields and buttons that end in an access error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customers("Readonly Co")
        cls.customer.user_id = cls.user_rep
        cls.account = cls._make_ka(cls.customer, manager_id=cls.user_rep_all.id)
        cls.plan = cls.env["sfa.account.plan"].create(
            {
                "name": "Readonly plan",
                "partner_id": cls.customer.id,
                "user_id": cls.user_rep_all.id,
                "company_id": cls.company.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
            }
        )

    def _web_read(self, record, user):
        """What the web client reads when ``user`` opens ``record`` in its form."""
        as_user = record.with_user(user)
        return as_user.web_read(form_spec(as_user))[0]

    def _arch(self, model, user):
        view = self.env[model].with_user(user).get_views([(False, "form")])
        return etree.fromstring(view["views"]["form"]["arch"])

    def test_who_may_edit_is_read_with_the_record(self):
        for record in (self.plan, self.account):
            with self.subTest(model=record._name):
                self.assertIs(self._web_read(record, self.user_rep)["sfa_can_edit"], False)
                self.assertIs(self._web_read(record, self.user_rep_all)["sfa_can_edit"], True)
                self.assertIs(self._web_read(record, self.user_manager)["sfa_can_edit"], True)

    def test_plan_form_fields_and_buttons_follow_it(self):
        arch = self._arch("sfa.account.plan", self.user_rep)
        field = {f.get("name"): f for f in arch.iter("field") if f.getparent().tag != "list"}
        self.assertEqual(field["name"].get("readonly"), "not sfa_can_edit")
        self.assertEqual(
            field["partner_id"].get("readonly"), "(state != 'draft') or not sfa_can_edit"
        )
        self.assertEqual(field["objective_ids"].get("readonly"), "not sfa_can_edit")
        # The one2many's own columns are left alone: read-only with the one2many.
        objective_columns = arch.xpath("//field[@name='objective_ids']/list/field")
        self.assertTrue(objective_columns)
        self.assertFalse([c for c in objective_columns if "sfa_can_edit" in c.get("readonly", "")])
        button = {b.get("name"): b for b in arch.iter("button")}
        self.assertEqual(
            button["action_activate"].get("invisible"), "(state != 'draft') or not sfa_can_edit"
        )
        self.assertEqual(button["action_sync_assessments"].get("invisible"), "not sfa_can_edit")
        # Printing only reads: offered to every reader.
        self.assertIsNone(button["action_print"].get("invisible"))

    def test_key_account_form_fields_follow_it(self):
        arch = self._arch("sfa.key.account", self.user_rep)
        guarded = [
            f.get("name")
            for f in arch.iter("field")
            if f.get("name") != "sfa_can_edit" and "not sfa_can_edit" in f.get("readonly", "")
        ]
        self.assertIn("business_info", guarded)
        self.assertIn("manager_id", guarded)
        # A field read-only in the model stays so (an attribute would make it editable).
        self.assertNotIn("tier_date", guarded)
        self.assertIsNone(arch.xpath("//field[@name='tier_date']")[0].get("readonly"))
        # Smart buttons open related records: kept.
        self.assertIsNone(
            arch.xpath("//button[@name='action_view_plans']")[0].get("invisible"),
        )

    def test_stakeholder_of_a_colleague_is_read_only(self):
        """Every rep reads the company's stakeholders; only the owner (or anyone, while it
        has none) and the reps of the deals the person is on edit them."""
        olga = self.env["res.partner"].create({"name": "Owned Olga", "parent_id": self.customer.id})
        person = self.env["sfa.stakeholder"].create(
            {"partner_id": olga.id, "user_id": self.user_rep_all.id}
        )
        self.assertIs(self._web_read(person, self.user_rep)["sfa_can_edit"], False)
        self.assertIs(self._web_read(person, self.user_rep_all)["sfa_can_edit"], True)
        arch = self._arch("sfa.stakeholder", self.user_rep)
        self.assertEqual(
            arch.xpath("//field[@name='partner_id']")[0].get("readonly"), "not sfa_can_edit"
        )
        button = arch.xpath("//button[@name='action_load_status_questions']")[0]
        self.assertIn("not sfa_can_edit", button.get("invisible"))
