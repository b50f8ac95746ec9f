from datetime import timedelta

from freezegun import freeze_time
from lxml import html as lxml_html
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.migration import load_script
from odoo.service.model import _as_validation_error
from odoo.tests import Form, tagged
from odoo.tools import mute_logger
from odoo.tools.misc import file_path

from odoo.addons.sfa_key_accounts.engine.politics import FLAGS
from odoo.addons.sfa_key_accounts.models.crm_lead import MAP_FIGURES

from .common import SfaDealCommon, place_deals


@tagged("post_install", "-at_install")
class TestPoliticalMap(SfaDealCommon):
    PEOPLE = ("Dora Decider", "Abe Approver", "Eli Evaluator", "Uma User")
    CUSTOMER = "Mapped Co"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dora, cls.abe, cls.eli, cls.uma = cls.people
        cls.stage_confirm = cls.confirm
        cls.stage_lead = cls.lead_process
        cls.stage_prove = cls.prove
        cls.deal = cls._deal("Mapped deal")

    @classmethod
    def _deal(cls, name, stage=None, **vals):
        return super()._deal(name, stage or cls.lead_process, **vals)

    def _add(self, deal, stakeholder, codes, attitude=None, **vals):
        """Put a person on a deal's map with the roles ``codes`` (e.g. "D", "DA" or "")."""
        values = {
            "lead_id": deal.id,
            "stakeholder_id": stakeholder.id,
            "role_ids": [Command.set([self.role[code].id for code in codes])],
        }
        if attitude:
            values["attitude"] = attitude
        return self.env["sfa.deal.contact"].create({**values, **vals})

    def _meet(self, partner, days_ago):
        return self.env["calendar.event"].create(
            {
                "name": f"Meeting {partner.name}",
                "start": fields.Datetime.now() - timedelta(days=days_ago, hours=1),
                "stop": fields.Datetime.now() - timedelta(days=days_ago),
                "partner_ids": [(4, partner.id)],
            }
        )

    def test_empty_map_of_key_account_deal_is_red(self):
        self.assertEqual(
            (
                self.deal.red_flag_codes,
                self.deal.political_map_score,
                self.deal.political_map_status,
            ),
            ("no_decision_maker,no_approver,no_champion", 40, "red"),
        )
        other_team = self.env["crm.lead"].create(
            {
                "name": "Small deal",
                "type": "opportunity",
                "partner_id": self.account.id,
                "team_id": False,
                "company_id": self.company.id,
            }
        )
        self.assertFalse(other_team.political_map_status)  # no map, no verdict

    def test_flags_follow_the_map(self):
        self._add(self.deal, self.dora, "D", "champion", influence="high", time_spent="3")
        self._add(self.deal, self.eli, "E", "support")
        # no approver (blocking), the decision maker was never contacted (stale, info)
        self.assertEqual(self.deal.red_flag_codes, "no_approver,stale_key_player")
        self.assertEqual(
            (self.deal.political_map_score, self.deal.political_map_status), (70, "red")
        )
        abe = self._add(self.deal, self.abe, "A", "hostile", time_spent="2")
        self.assertEqual(self.deal.red_flag_codes, "key_player_against,stale_key_player")
        abe.attitude = "support"
        self._meet(self.dora.partner_id, 2)
        self._meet(self.abe.partner_id, 3)
        self.env["crm.lead"]._cron_refresh_political_maps()
        self.assertEqual(
            (
                self.deal.red_flag_codes,
                self.deal.political_map_score,
                self.deal.political_map_status,
            ),
            (False, 100, "green"),
        )
        self.assertIn(
            self.deal, self.env["crm.lead"].search([("political_map_status", "=", "green")])
        )
        self.assertNotIn(self.deal, self.env["crm.lead"].search([("red_flag_codes", "!=", False)]))

    def test_daily_job_batches_resumes_and_writes_only_changes(self):
        """Forty days without contact make the decision makers stale: the daily job finds it
        one batch at a time, continues where it stopped, and writes only what changed."""
        second = self._deal("Second mapped deal")
        for deal in (self.deal, second):
            self._add(deal, self.dora, "D", "champion", influence="high", time_spent="3")
            self._add(deal, self.abe, "A", "support", time_spent="2")
        self._meet(self.dora.partner_id, 1)
        self._meet(self.abe.partner_id, 1)
        Lead = self.env["crm.lead"]
        self.env["ir.config_parameter"].set_param("sfa_key_accounts.map_job_last_id", "0")
        Lead._cron_refresh_political_maps()
        # the other deals of the database with a map are refreshed too; ours are green
        self.assertEqual(
            (self.deal.political_map_status, second.political_map_status), ("green", "green")
        )
        self.assertFalse(Lead.browse((self.deal | second).ids)._sfa_refresh_map_figures())
        with freeze_time(fields.Datetime.now() + timedelta(days=40)):
            self.env["ir.config_parameter"].set_param(
                "sfa_key_accounts.map_job_last_id", str(self.deal.id - 1)
            )
            self.assertEqual(Lead._cron_refresh_political_maps(batch_size=1), 1)  # second left
            self.assertEqual(self.deal.red_flag_codes, "stale_key_player")
            self.assertEqual(second.red_flag_codes, False)
            self.assertEqual(Lead._cron_refresh_political_maps(batch_size=1), 0)
            self.assertEqual(second.red_flag_codes, "stale_key_player")
            self.assertEqual(
                self.env["ir.config_parameter"].get_param("sfa_key_accounts.map_job_last_id"),
                "0",  # done: the next run starts over
            )
            # one INFO flag: 100 - 5
            self.assertEqual(
                (self.deal.political_map_score, self.deal.political_map_status), (95, "amber")
            )

    def test_meeting_updates_last_contact_and_suggested_level(self):
        self.assertFalse(self.dora.last_contact_date)
        self.assertEqual(self.dora.suggested_time_spent, "0")
        meeting = self._meet(self.dora.partner_id, 10)
        self.dora.invalidate_recordset()
        self.assertEqual(self.dora.last_contact_date, meeting.start)
        self.assertEqual(self.dora.suggested_time_spent, "1")
        self._meet(self.dora.partner_id, 1)
        self.dora.invalidate_recordset()
        self.assertEqual(self.dora.suggested_time_spent, "2")
        # a note logged on the person's contact record counts as a contact (not a meeting)
        self.uma.partner_id.message_post(body="Called Uma", message_type="comment")
        self.uma.invalidate_recordset()
        self.assertTrue(self.uma.last_contact_date)
        self.assertEqual(self.uma.suggested_time_spent, "1")

    def test_attitude_is_copied_and_deals_stay_separate(self):
        self._add(self.deal, self.dora, "D", "against")
        second = self._deal("Second deal")
        copy = self._add(second, self.dora, "D")
        self.assertEqual(copy.attitude, "against")  # last known attitude
        copy.attitude = "champion"
        self.assertEqual(
            self.deal.deal_contact_ids.filtered(lambda c: c.stakeholder_id == self.dora).attitude,
            "against",
        )
        self.assertEqual(self.dora.with_context(sfa_lead_id=second.id).last_attitude, "champion")
        self.assertEqual(self.dora.with_context(sfa_lead_id=self.deal.id).role_codes, "D")

    def test_reports_to_rules(self):
        self.eli.reports_to_id = self.dora
        self.dora.reports_to_id = self.abe
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.abe.reports_to_id = self.eli  # abe -> eli -> dora -> abe
        other_account = self._customers("Other Co")
        outsider = self.env["sfa.stakeholder"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "Olli"}).id,
                "account_id": other_account.id,
            }
        )
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.uma.reports_to_id = outsider
        self.assertFalse(self.abe.reports_to_id)
        self.assertFalse(self.uma.reports_to_id)

    def test_stakeholder_of_another_account_or_company(self):
        other_account = self._customers("Other Co")
        outsider = self.env["sfa.stakeholder"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "Olli"}).id,
                "account_id": other_account.id,
            }
        )
        with self.assertRaisesRegex(ValidationError, "not of Mapped Co"), self.cr.savepoint():
            self._add(self.deal, outsider, "D")
        other_company = self.env["res.company"].create({"name": "Far Away Ltd"})
        self.account.company_id = other_company
        with self.assertRaisesRegex(ValidationError, "Far Away Ltd"), self.cr.savepoint():
            self._add(self.deal, self.dora, "D")
        self.assertFalse(self.deal.deal_contact_ids)

    def test_qualification_gate_blocks_then_allows(self):
        deal = self._deal("Qualifying", stage_id=self.stage_confirm.id)
        with self.assertRaises(UserError) as error:
            deal.stage_id = self.stage_lead
        self.assertIn("the budget is not confirmed", str(error.exception))
        self.assertEqual(deal.stage_id, self.stage_confirm)
        deal.write(
            {
                "sfa_need_confirmed": True,
                "sfa_authority_confirmed": True,
                "sfa_budget_confirmed": True,
                "sfa_timeline_confirmed": True,
            }
        )
        deal.stage_id = self.stage_lead
        self.assertEqual(deal.stage_id, self.stage_lead)
        deal.stage_id = self.stage_confirm  # moving back is never gated
        self.assertEqual(deal.stage_id, self.stage_confirm)
        # the Won button leaves the stage too: it goes through the gate
        deal.sfa_budget_confirmed = False
        with self.assertRaisesRegex(UserError, "the budget is not confirmed"):
            deal.action_set_won()
        self.assertEqual(deal.stage_id, self.stage_confirm)

    def test_political_map_gate_and_warning_mode(self):
        self._add(self.deal, self.dora, "D", "champion")
        with self.assertRaisesRegex(UserError, "no approver on the political map"):
            self.deal.stage_id = self.stage_prove
        self.stage_lead.sfa_gate_mode = "warning"
        self.deal.stage_id = self.stage_prove
        self.assertEqual(self.deal.stage_id, self.stage_prove)
        self.assertIn("no approver on the political map", self.deal.message_ids[0].body)

    def test_manager_overrides_gate_with_reason(self):
        wizard = Form(
            self.env["sfa.stage.gate.override"]
            .with_user(self.user_manager)
            .with_context(default_lead_id=self.deal.id)
        )
        wizard.stage_id = self.stage_prove
        wizard.reason = "Approver known from the framework contract"
        record = wizard.save()
        self.assertIn("no approver", record.missing)
        with self.assertRaises(AccessError):
            record.with_user(self.user_rep).action_confirm()
        record.action_confirm()
        self.assertEqual(self.deal.stage_id, self.stage_prove)
        self.assertIn("Approver known from the framework contract", self.deal.message_ids[0].body)

    def test_rep_edits_only_own_maps(self):
        other_rep = self._user("sfa_map_other", "Olga Other", "sales_team.group_sale_salesman")
        contact = self._add(self.deal, self.dora, "D")
        contact.with_user(self.user_rep).attitude = "champion"
        with self.assertRaises(AccessError):
            contact.with_user(other_rep).write({"attitude": "hostile"})
        self.assertEqual(contact.attitude, "champion")

    def test_follow_up_activities_for_stale_key_players(self):
        self._add(self.deal, self.dora, "D", "champion", influence="high")
        self._add(self.deal, self.eli, "E", "support", influence="low")
        self.dora.user_id = self.user_rep
        self.deal.action_sfa_plan_follow_ups()
        activity = self.deal.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual((activity.user_id, activity.summary), (self.user_rep, "Meet Dora Decider"))

    def test_every_flag_has_label_and_hint(self):
        for code in FLAGS:
            self.assertTrue(self.deal._sfa_flag_label(code))
            self.assertGreater(len(self.deal._sfa_flag_hint(code)), 20)

    def test_pdf_and_org_chart_action(self):
        self._add(self.deal, self.dora, "DA", "champion")
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "sfa_key_accounts.crm_lead_political_map_report", self.deal.ids
        )
        self.assertIn("Dora Decider", html.decode())
        self.assertIn("A - Approver, D - Decision maker", html.decode())
        # the picture the deal shows prints too: Dora's card, green, in her circle
        page = lxml_html.fromstring(html)
        cards = page.xpath("//div[hasclass('o_sfa_print_card')]")
        self.assertEqual(
            [(c.get("data-attitude"), c.get("data-circle")) for c in cards],
            [("champion", self.dora.circle)],
        )
        self.assertIn("border-top: 5px solid #1e8e3e", cards[0].get("style"))
        self.assertEqual(len(page.xpath("//div[hasclass('o_sfa_print_zone_core')]")), 1)
        action = self.deal.action_open_political_map()
        self.assertEqual(self.env["sfa.stakeholder"].search(action["domain"]), self.dora)
        self.assertEqual(action["context"]["sfa_lead_id"], self.deal.id)
        action = self.account.action_view_stakeholders()
        self.assertEqual(len(self.env["sfa.stakeholder"].search(action["domain"])), 4)

    def test_map_query_count_does_not_grow(self):
        """Flags and scores of 1,000 deals cost the same queries as those of 10."""

        def seed(count):
            account = self._customers(f"Bulk {count}")
            people = self.env["res.partner"].create(
                [{"name": f"P{i}", "parent_id": account.id} for i in range(count)]
            )
            stakeholders = self.env["sfa.stakeholder"].create(
                [{"partner_id": p.id, "account_id": account.id} for p in people]
            )
            leads = place_deals(
                self.env,
                [
                    {
                        "name": f"D{i}",
                        "type": "opportunity",
                        "partner_id": account.id,
                        "team_id": self.team.id,
                        "stage_id": self.stage_lead.id,
                        "company_id": self.company.id,
                    }
                    for i in range(count)
                ],
            )
            self.env["sfa.deal.contact"].create(
                [
                    {
                        "lead_id": lead.id,
                        "stakeholder_id": s.id,
                        "role_ids": [Command.link(self.role["D"].id)],
                        "attitude": "champion",
                    }
                    for lead, s in zip(leads, stakeholders, strict=True)
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            return leads

        counts = []
        figures = [self.env["crm.lead"]._fields[f] for f in MAP_FIGURES]
        for leads in (seed(10), seed(1000)):
            start = self.cr.sql_log_count
            with self.env.protecting(figures, leads):  # as the ORM computes them
                leads._compute_political_map()
            counts.append(self.cr.sql_log_count - start)
            self.assertEqual(
                set(leads.mapped("red_flag_codes")),
                {"no_approver,key_player_not_met,single_threaded,stale_key_player"},
            )
            self.env.invalidate_all()
        self.assertEqual(counts[0], counts[1], counts)
        self.assertLessEqual(counts[1], 8, counts)

    # --- one person, one attitude per deal ----------------------------------------------------
    def test_one_line_per_person_and_deal(self):
        self._add(self.deal, self.dora, "D", "champion")
        for codes in ("A", ""):  # another role, or none: still the same person twice
            with self.assertRaises(IntegrityError) as error, mute_logger("odoo.sql_db"):
                self._add(self.deal, self.dora, codes, "hostile")
            self.assertIn(
                "already on this deal's buying centre",
                str(_as_validation_error(self.env, error.exception)),
            )
        self.assertEqual(len(self.deal.deal_contact_ids), 1)

    def test_a_person_with_two_roles_has_one_attitude(self):
        dora = self._add(self.deal, self.dora, "DA", "hostile")
        self._add(self.deal, self.eli, "E", "champion", time_spent="2")
        # the hostile decision maker cannot hide behind a friendly approver line any more
        self.assertEqual(
            self.deal.red_flag_codes, "key_player_against,key_player_not_met,stale_key_player"
        )
        self.assertEqual((dora.role_id, dora.role_sequence), (self.role["A"], 10))
        self.assertEqual(self.dora.with_context(sfa_lead_id=self.deal.id).role_codes, "AD")
        dora.role_ids = [Command.unlink(self.role["A"].id)]
        self.assertEqual(dora.role_id, self.role["D"])
        self.assertIn("no_approver", self.deal.red_flag_codes)
        with self.assertRaisesRegex(UserError, "set the roles"):
            dora.write({"role_id": self.role["A"].id})
        # the buying-centre kanban has a column per role: a person is in each of theirs
        dora.role_ids = [Command.link(self.role["A"].id)]
        groups = self.env["sfa.deal.contact"].read_group(
            [("lead_id", "=", self.deal.id)], ["role_ids"], ["role_ids"]
        )
        self.assertEqual(
            {g["role_ids"][0]: g["role_ids_count"] for g in groups},
            {self.role["A"].id: 1, self.role["D"].id: 1, self.role["E"].id: 1},
        )

    def test_migration_merges_the_lines_of_one_person(self):
        """Lines in the 1.0 shape (one per person and role, each with its own attitude, the
        role in ``role_id``) become one line per person and deal."""
        second = self._deal("Second deal")
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            "ALTER TABLE sfa_deal_contact DROP CONSTRAINT sfa_deal_contact_lead_stakeholder_unique"
        )
        rows = [
            # (deal, person, role, attitude, influence, time spent)
            (self.deal, self.dora, "A", "champion", "medium", "3"),
            (self.deal, self.dora, "D", "hostile", "high", "1"),
            (self.deal, self.dora, None, "support", "low", "0"),
            (self.deal, self.eli, "E", "support", "medium", "2"),
            (second, self.dora, "D", "champion", "low", "2"),
        ]
        ids = []
        for deal, person, code, attitude, influence, time_spent in rows:
            cr.execute(
                """INSERT INTO sfa_deal_contact (lead_id, stakeholder_id, role_id, attitude,
                                                 influence, time_spent, company_id)
                   VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id""",
                [
                    deal.id,
                    person.id,
                    self.role[code].id if code else None,
                    attitude,
                    influence,
                    time_spent,
                    self.company.id,
                ],
            )
            ids.append(cr.fetchone()[0])
        pre = load_script(
            file_path("sfa_key_accounts/migrations/18.0.1.1.0/pre-migrate.py"), "sfa_pre_1_1"
        )
        post = load_script(
            file_path("sfa_key_accounts/migrations/18.0.1.1.0/post-migrate.py"), "sfa_post_1_1"
        )
        self.assertEqual(pre.merge_deal_contacts(cr), 2)
        post.migrate(cr, "18.0.1.0.0")
        self.env.invalidate_all()
        Contact = self.env["sfa.deal.contact"]
        self.assertEqual(sorted(Contact.search([("id", "in", ids)]).ids), [ids[0], ids[3], ids[4]])
        dora = Contact.browse(ids[0])
        self.assertEqual(
            (dora.role_ids, dora.role_id, dora.attitude, dora.influence, dora.time_spent),
            (self.role["A"] | self.role["D"], self.role["A"], "hostile", "high", "3"),
        )
        self.assertEqual(Contact.browse(ids[3]).role_ids, self.role["E"])
        self.assertEqual(
            (Contact.browse(ids[4]).role_ids, Contact.browse(ids[4]).attitude),
            (self.role["D"], "champion"),
        )
        self.assertIn("key_player_against", self.deal.red_flag_codes)
        self.assertEqual(pre.merge_deal_contacts(cr), 0)  # a second run changes nothing

    def test_stale_days_setting_falls_back_when_unusable(self):
        Param = self.env["ir.config_parameter"]
        for value, days in (("45", 45), ("0", 30), ("-3", 30), ("abc", 30), ("", 30)):
            Param.set_param("sfa_key_accounts.stale_days", value)
            self.assertEqual(self.env["crm.lead"]._sfa_stale_days(), days, value)
