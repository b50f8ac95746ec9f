"""The customer status analysis (客户状态分析表, docs/method.md §1.6) is a person's: the course's
ten willingness and ten quality questions answered on the stakeholder, scored with the
engine's part formula; the plan's health no longer counts them, the 1.6 migration moves the
plans' old answers to a note; the criteria say which come from the course."""

from lxml import etree
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.migration import load_script
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.misc import file_path

from .common import SfaCommon

MIGRATION = "sfa_key_accounts/migrations/18.0.1.6.0/post-status_analysis.py"


@tagged("post_install", "-at_install")
class TestStatusAnalysis(SfaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customers("Status Co")
        cls.person = cls.env["res.partner"].create(
            {"name": "Sam Status", "parent_id": cls.customer.id}
        )
        cls.stakeholder = cls.env["sfa.stakeholder"].create(
            {"partner_id": cls.person.id, "user_id": cls.user_rep.id}
        )

    def _ref(self, xmlid):
        return self.env.ref(f"sfa_key_accounts.{xmlid}")

    def _answer(self, stakeholder, xmlid, score):
        question = self._ref(xmlid)
        answer = stakeholder.status_assessment_ids.filtered(lambda a: a.criterion_id == question)
        answer.score = str(score)

    def test_the_course_questions_load_on_the_stakeholder(self):
        self.assertFalse(self.stakeholder.status_assessment_ids)
        self.assertIs(self.stakeholder.action_load_status_questions(), True)
        self.assertEqual(len(self.stakeholder.willingness_ids), 10)
        self.assertEqual(len(self.stakeholder.quality_ids), 10)
        self.assertEqual(
            self.stakeholder.willingness_ids[2].name,
            "How much, and what, do they know of our products?",
        )
        self.assertEqual(set(self.stakeholder.status_assessment_ids.mapped("source")), {"course"})
        self.assertEqual(sum(self.stakeholder.willingness_ids.mapped("weight")), 100)
        # loading again adds nothing and keeps the answers
        self._answer(self.stakeholder, "status_willingness_01", 4)
        self.stakeholder.action_load_status_questions()
        self.assertEqual(len(self.stakeholder.status_assessment_ids), 20)
        self.assertEqual(self.stakeholder.willingness_ids[0].score, "4")
        # one question a person answers once
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self.env["sfa.stakeholder.assessment"].create(
                {
                    "stakeholder_id": self.stakeholder.id,
                    "criterion_id": self._ref("status_willingness_01").id,
                }
            )
            self.env.flush_all()

    def test_scores_with_the_engine_formula(self):
        stakeholder = self.stakeholder
        stakeholder.action_load_status_questions()
        # nothing answered: not assessed, empty, never 0
        self.assertIsNone(stakeholder.willingness_score)
        self.assertFalse(stakeholder.willingness_assessed)
        self.assertIsNone(stakeholder.quality_score)
        # willingness 5, 5, 4, 3 on four of the ten questions of weight 10:
        # (1 + 1 + 0.75 + 0.5) x 10 / 40 x 100 = 81.25
        for n, score in zip((1, 2, 3, 4), (5, 5, 4, 3), strict=True):
            self._answer(stakeholder, f"status_willingness_{n:02d}", score)
        # quality all ten answered 3 -> 50
        stakeholder.quality_ids.write({"score": "3"})
        self.assertEqual(stakeholder.willingness_score, 81.25)
        self.assertTrue(stakeholder.willingness_assessed)
        self.assertEqual(stakeholder.quality_score, 50.0)
        self.env.flush_all()
        self.cr.execute(
            "SELECT willingness_score, quality_score FROM sfa_stakeholder WHERE id = %s",
            [stakeholder.id],
        )
        self.assertEqual(self.cr.fetchall(), [(81.25, 50.0)])
        # a manager weighs question 4 (answered 3) 30: (10 + 10 + 7.5 + 30 x 0.5) / 60 = 70.83
        self._ref("status_willingness_04").weight = 30
        self.assertAlmostEqual(stakeholder.willingness_score, 4250 / 60)
        # the deal's person shows them, read-only
        lead = self.env["crm.lead"].create(
            {"name": "Status deal", "type": "opportunity", "partner_id": self.customer.id}
        )
        contact = self.env["sfa.deal.contact"].create(
            {"lead_id": lead.id, "stakeholder_id": stakeholder.id}
        )
        self.assertAlmostEqual(contact.willingness_score, 4250 / 60)
        self.assertEqual(contact.quality_score, 50.0)
        self.assertTrue(contact._fields["willingness_score"].readonly)
        # the plan's health does not count a person's analysis
        plan = self._plans_2026(self.customer)
        self.assertIsNone(plan.health_score)

    def test_only_status_questions_and_their_weights(self):
        signal = self._ref("health_signal_01")
        with (
            self.assertRaisesRegex(ValidationError, "not a question of the customer status"),
            self.cr.savepoint(),
        ):
            self.env["sfa.stakeholder.assessment"].create(
                {"stakeholder_id": self.stakeholder.id, "criterion_id": signal.id}
            )
        self._ref("status_quality_01").weight = 25  # quality 115
        with self.assertRaisesRegex(UserError, "Quality assessment = 115"):
            self.stakeholder.action_load_status_questions()
        self.assertFalse(self.stakeholder.status_assessment_ids)

    def test_views_show_the_analysis(self):
        Stakeholder = self.env["sfa.stakeholder"]
        views = Stakeholder.get_views([(False, "form"), (False, "list")])["views"]
        form = etree.fromstring(views["form"]["arch"])
        [page] = form.xpath("//page[@name='status_analysis']")
        self.assertEqual(page.get("string"), "Status Analysis")
        for fname in ("willingness_ids", "quality_ids", "willingness_score", "quality_score"):
            self.assertTrue(page.xpath(f".//field[@name='{fname}']"), fname)
        listed = etree.fromstring(views["list"]["arch"])
        for fname in ("willingness_score", "quality_score"):
            [node] = listed.xpath(f"//field[@name='{fname}']")
            self.assertEqual(node.get("optional"), "hide")
        lead_form = self.env["crm.lead"].get_views([(False, "form")])["views"]["form"]["arch"]
        [dialog] = etree.fromstring(lead_form).xpath("//field[@name='deal_contact_ids']/form")
        self.assertTrue(dialog.xpath(".//field[@name='willingness_score']"))
        self.assertTrue(dialog.xpath(".//field[@name='quality_score']"))

    def test_criteria_say_whether_the_course_names_them(self):
        """Issue 12: the addon's own figures are labelled as such, not passed off as the
        course's."""
        for xmlid, source in (
            ("health_signal_01", "course"),
            ("health_signal_10", "course"),
            ("status_willingness_01", "course"),
            ("status_quality_10", "course"),
            ("health_indicator_01", "addon"),
            ("health_indicator_05", "addon"),
        ):
            self.assertEqual(self._ref(xmlid).source, source, xmlid)
        mine = self.env["sfa.health.criterion"].create({"name": "Ours", "kind": "signal"})
        self.assertEqual(mine.source, "custom")
        labels = dict(mine._fields["source"]._description_selection(self.env))
        self.assertEqual(labels["addon"], "Addon default")
        # shown in the configuration list and next to the plan's answers
        arch = self.env["sfa.health.criterion"].get_views([(False, "list")])["views"]["list"]
        self.assertTrue(etree.fromstring(arch["arch"]).xpath("//field[@name='source']"))
        plan = self._plans_2026(self.customer)
        indicator = plan.assessment_ids.filtered(lambda a: a.kind == "indicator")[:1]
        self.assertEqual(indicator.source, "addon")
        form = self.env["sfa.account.plan"].get_views([(False, "form")])["views"]["form"]
        tree = etree.fromstring(form["arch"])
        for fname in ("signal_ids", "indicator_ids"):
            self.assertTrue(tree.xpath(f"//field[@name='{fname}']//field[@name='source']"), fname)
        self.assertFalse(tree.xpath("//field[@name='willingness_ids']"))

    def test_migration_moves_the_plans_answers_to_a_note(self):
        """1.6: the willingness and quality answered on a plan (about the account) are kept
        as one note on the plan, the lines removed, the old criteria archived; twice is once."""
        Criterion = self.env["sfa.health.criterion"]
        old_w, old_q, unused = Criterion.create(
            [
                {"name": "Has used similar products", "kind": "willingness", "weight": 20},
                {"name": "Values match ours", "kind": "quality", "weight": 15},
                {"name": "Few people share the decision", "kind": "willingness", "weight": 0},
            ]
        )
        plan = self._plans_2026(self.customer)
        plan.assessment_ids.filtered(lambda a: a.kind == "indicator").write({"score": "5"})
        Answer = self.env["sfa.account.plan.assessment"]
        Answer.create(
            [
                {"plan_id": plan.id, "criterion_id": old_w.id, "score": "4", "note": "Two lines"},
                {"plan_id": plan.id, "criterion_id": old_q.id, "score": "2"},
                {"plan_id": plan.id, "criterion_id": unused.id},
            ]
        )
        untouched = self._plans_2026(self._customers("Quiet Co"))
        # the shipped signals lost their source (as on a database before 1.6)
        self.env.flush_all()
        self.cr.execute(
            "UPDATE sfa_health_criterion SET source = 'custom' WHERE id = %s",
            [self._ref("health_signal_01").id],
        )
        self.env.invalidate_all()
        migration = load_script(file_path(MIGRATION), "sfa_post_1_6_status")
        for _run in range(2):
            migration.migrate(self.cr, "18.0.1.5.0")
            self.env.invalidate_all()
        notes = plan.message_ids.filtered(lambda m: "customer status analysis" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        body = notes.body
        self.assertIn("Willingness assessment", body)
        self.assertIn("Has used similar products: 4/5 (Two lines)", body)
        self.assertIn("Values match ours: 2/5", body)
        self.assertNotIn("Few people", body)  # never answered: nothing to keep
        self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))
        self.assertFalse(
            untouched.message_ids.filtered(lambda m: "status analysis" in (m.body or ""))
        )
        self.assertEqual(set(plan.assessment_ids.mapped("kind")), {"signal", "indicator"})
        self.assertEqual((old_w | old_q | unused).mapped("active"), [False] * 3)
        self.assertTrue(all(self._ref(f"status_quality_{n:02d}").active for n in range(1, 11)))
        self.assertEqual(self._ref("health_signal_01").source, "course")
        self.assertEqual(plan.health_score, 100.0)

    def test_a_colleague_reads_but_does_not_answer(self):
        self.stakeholder.action_load_status_questions()
        ka_user = self._user(
            "sfa_status_ka", "Kai Status", "base.group_user,sfa_key_accounts.group_sfa_user"
        )
        answers = self.stakeholder.status_assessment_ids.with_user(ka_user)
        self.assertEqual(len(answers.read(["score"])), 20)
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.stakeholder.willingness_ids[:1].with_user(ka_user).score = "5"
        self.assertIsNone(self.stakeholder.willingness_score)
        # the rep who owns the relationship answers
        self.stakeholder.willingness_ids[:1].with_user(self.user_rep).score = "5"
        self.assertEqual(self.stakeholder.willingness_score, 100.0)
