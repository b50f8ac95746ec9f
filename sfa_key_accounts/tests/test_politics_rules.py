"""What users rely on in the political map, its settings and the customer's smart buttons,
pinned to the exact figure (issue 13, "tests that bite"): each test fails if the rule it
names is bent by one step (a bound, a default, a fallback, an ``and`` for an ``or``)."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SfaCommon, place_deals

STALE_DAYS = "sfa_key_accounts.stale_days"


class PoliticsCommon(SfaCommon):
    """A customer with three people, the Key Accounts team and its first stage."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._customers("Politic Co")
        people = cls.env["res.partner"].create(
            [
                {"name": name, "parent_id": cls.account.id}
                for name in ("Dirk Decider", "Alma Approver", "Emil Evaluator")
            ]
        )
        cls.dirk, cls.alma, cls.emil = cls.env["sfa.stakeholder"].create(
            [{"partner_id": p.id, "account_id": cls.account.id} for p in people]
        )
        cls.role = {
            code: cls.env["sfa.buying.role"].search([("code", "=", code)]) for code in "ACDEU"
        }
        cls.team = cls.env.ref("sfa_key_accounts.crm_team_key_account")
        cls.stage = cls.env.ref("sfa_key_accounts.crm_stage_lead_process")
        cls.env["ir.config_parameter"].set_param(STALE_DAYS, "30")

    @classmethod
    def _deal(cls, name, **vals):
        return place_deals(
            cls.env,
            {
                "name": name,
                "type": "opportunity",
                "partner_id": cls.account.id,
                "team_id": cls.team.id,
                "stage_id": cls.stage.id,
                "user_id": cls.user_rep.id,
                "company_id": cls.company.id,
                **vals,
            },
        )

    def _line(self, deal, person, codes="", **vals):
        return self.env["sfa.deal.contact"].create(
            {
                "lead_id": deal.id,
                "stakeholder_id": person.id,
                "role_ids": [Command.set([self.role[c].id for c in codes])],
                **vals,
            }
        )

    def _meet(self, stakeholder, ago):
        """A one-hour meeting with ``stakeholder`` that ended ``ago`` (a timedelta) ago."""
        stop = fields.Datetime.now() - ago
        return self.env["calendar.event"].create(
            {
                "name": f"Meeting {stakeholder.name}",
                "start": stop - timedelta(hours=1),
                "stop": stop,
                "partner_ids": [Command.link(stakeholder.partner_id.id)],
            }
        )

    @staticmethod
    def _verdict(deal):
        return deal.red_flag_codes, deal.political_map_score, deal.political_map_status


@tagged("post_install", "-at_install")
class TestMapWhileEditing(PoliticsCommon):
    """The map's verdict is live in the deal's form, before the deal is saved."""

    def test_unsaved_deal_judges_the_people_typed_in(self):
        """A new deal in the form shows the verdict of the lines typed in, not of an empty
        map: decision maker and approver met twice, never contacted in the CRM (stale,
        info -5) -> 95, amber."""
        deal = self.env["crm.lead"].new(
            {
                "name": "Typed deal",
                "type": "opportunity",
                "partner_id": self.account.id,
                "team_id": self.team.id,
                "company_id": self.company.id,
                "deal_contact_ids": [
                    Command.create(
                        {
                            "stakeholder_id": self.dirk.id,
                            "role_ids": [Command.set(self.role["D"].ids)],
                            "attitude": "champion",
                            "time_spent": "2",
                        }
                    ),
                    Command.create(
                        {
                            "stakeholder_id": self.alma.id,
                            "role_ids": [Command.set(self.role["A"].ids)],
                            "attitude": "support",
                            "time_spent": "2",
                        }
                    ),
                ],
            }
        )
        self.assertEqual(self._verdict(deal), ("stale_key_player", 95, "amber"))

    def test_blank_time_spent_counts_as_never_met(self):
        """A decision maker whose time spent is blanked in the form counts as never met
        (warning -10) on top of the stale flag (info -5): 85, amber."""
        deal = self.env["crm.lead"].new(
            {
                "name": "Blank time",
                "type": "opportunity",
                "partner_id": self.account.id,
                "team_id": self.team.id,
                "company_id": self.company.id,
                "deal_contact_ids": [
                    Command.create(
                        {
                            "stakeholder_id": self.dirk.id,
                            "role_ids": [Command.set((self.role["D"] | self.role["A"]).ids)],
                            "attitude": "champion",
                            "time_spent": False,
                        }
                    ),
                    Command.create(
                        {
                            "stakeholder_id": self.emil.id,
                            "role_ids": [Command.set(self.role["E"].ids)],
                            "attitude": "support",
                            "time_spent": "1",
                        }
                    ),
                ],
            }
        )
        self.assertEqual(self._verdict(deal), ("key_player_not_met,stale_key_player", 85, "amber"))


@tagged("post_install", "-at_install")
class TestFollowUpsAndStaleDays(PoliticsCommon):
    """Who gets the follow-up meeting, and the stale-days setting at its ends."""

    def test_follow_up_goes_to_the_relationship_owner_first(self):
        """The person's relationship owner gets the meeting, not the deal's owner."""
        deal = self._deal("Owners differ")
        self._line(deal, self.dirk, "D", attitude="champion")
        self.dirk.user_id = self.user_manager
        result = deal.action_sfa_plan_follow_ups()
        self.assertIs(result, True)
        self.assertEqual(
            deal.activity_ids.mapped(lambda a: (a.user_id, a.summary)),
            [(self.user_manager, "Meet Dirk Decider")],
        )

    def test_follow_up_falls_back_to_the_deal_owner_then_the_user(self):
        """A person without relationship owner: the deal's owner gets the meeting; on a
        deal without owner either, the user who clicked."""
        deal = self._deal("Deal owner")
        self._line(deal, self.dirk, "D", attitude="champion")
        self.dirk.user_id = False
        deal.action_sfa_plan_follow_ups()
        self.assertEqual(deal.activity_ids.user_id, self.user_rep)
        orphan = self._deal("Nobody's deal", user_id=False)
        self._line(orphan, self.dirk, "D", attitude="champion")
        orphan.action_sfa_plan_follow_ups()
        self.assertEqual(orphan.activity_ids.user_id, self.env.user)

    def test_one_day_is_the_shortest_stale_setting(self):
        """Stale after 1 day (the smallest setting): a decision maker met two days ago is
        stale; the setting reads back as 1, not the default 30."""
        deal = self._deal("Daily contact")
        self._line(deal, self.dirk, "DA", attitude="champion", time_spent="2")
        self._line(deal, self.emil, "E", attitude="support", time_spent="1")
        self._meet(self.dirk, timedelta(days=2))
        self.assertEqual(self._verdict(deal), (False, 100, "green"))
        self.env["res.config.settings"].create({"sfa_stale_days": 1}).execute()
        self.assertEqual(self.env["crm.lead"]._sfa_stale_days(), 1)
        self.assertEqual(self._verdict(deal), ("stale_key_player", 95, "amber"))

    def test_stale_setting_accepts_ten_years_and_no_more(self):
        """3650 days is the largest setting; 3651 is refused and changes nothing."""
        Settings = self.env["res.config.settings"]
        Settings.create({"sfa_stale_days": 3650}).execute()
        self.assertEqual(self.env["ir.config_parameter"].get_param(STALE_DAYS), "3650")
        with self.assertRaises(ValidationError), self.cr.savepoint():
            Settings.create({"sfa_stale_days": 3651}).execute()
        self.assertEqual(self.env["ir.config_parameter"].get_param(STALE_DAYS), "3650")

    def test_settings_show_30_days_when_never_set(self):
        """A database where the setting was never saved shows (and uses) 30 days."""
        self.env["ir.config_parameter"].set_param(STALE_DAYS, False)  # removes the key
        self.assertIs(self.env["ir.config_parameter"].get_param(STALE_DAYS), False)
        self.assertEqual(self.env["res.config.settings"].create({}).sfa_stale_days, 30)
        self.assertEqual(self.env["crm.lead"]._sfa_stale_days(), 30)


@tagged("post_install", "-at_install")
class TestRetierSwitch(SfaCommon):
    """The Settings switch of the monthly 80/20 re-tiering is the scheduled job's state."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("sfa_key_accounts.ir_cron_key_account_retier")

    def test_switch_shows_and_sets_the_job(self):
        Settings = self.env["res.config.settings"]
        self.cron.active = False
        self.assertIs(Settings.create({}).sfa_retier_enabled, False)
        Settings.create({"sfa_retier_enabled": True}).execute()
        self.assertIs(self.cron.active, True)
        self.assertIs(Settings.create({}).sfa_retier_enabled, True)
        Settings.create({"sfa_retier_enabled": False}).execute()
        self.assertIs(self.cron.active, False)

    def test_two_settings_saved_at_once_set_the_job(self):
        """Settings created in one batch (an import, a script) turn the job on once."""
        self.cron.active = False
        self.env["res.config.settings"].create(
            [{"sfa_retier_enabled": True}, {"sfa_retier_enabled": True}]
        )
        self.assertIs(self.cron.active, True)

    def test_settings_work_without_the_job(self):
        """An administrator who deleted the job can still open the settings (switch off)
        and save them, the switch on or off."""
        self.cron.unlink()
        Settings = self.env["res.config.settings"]
        self.assertIs(Settings.create({}).sfa_retier_enabled, False)
        for enabled in (True, False):
            Settings.create({"sfa_retier_enabled": enabled}).execute()
        self.assertFalse(self.env.ref("sfa_key_accounts.ir_cron_key_account_retier", False))


@tagged("post_install", "-at_install")
class TestAttitudeOfANewLine(PoliticsCommon):
    """A new line takes the person's last known attitude; one entered stays."""

    def test_changing_the_person_keeps_the_attitude_entered(self):
        other = self._deal("Other deal")
        self._line(other, self.emil, "E", attitude="champion")
        deal = self._deal("Swapped person")
        line = self._line(deal, self.dirk, "D", attitude="hostile")
        line.stakeholder_id = self.emil
        self.assertEqual(line.attitude, "hostile")

    def test_a_cleared_attitude_is_no_news(self):
        """Dirk is against us on one deal; on a later one his attitude was cleared: a third
        deal takes "against", not the blank (nor "neutral")."""
        first = self._line(self._deal("First"), self.dirk, "D", attitude="against")
        second = self._line(self._deal("Second"), self.dirk, "D", attitude="support")
        second.attitude = False
        self.assertGreater(second.id, first.id)
        third = self._line(self._deal("Third"), self.dirk, "D")
        self.assertEqual(third.attitude, "against")


@tagged("post_install", "-at_install")
class TestWhoMayBeOnADeal(PoliticsCommon):
    """A deal takes the people of its customer, of its company; an open side takes anyone."""

    def test_deal_without_customer_takes_anyone(self):
        deal = self._deal("No customer yet", partner_id=False)
        line = self._line(deal, self.dirk, "D")
        self.assertEqual(deal.deal_contact_ids, line)

    def test_deal_without_company_takes_people_of_a_company_bound_customer(self):
        """A deal of no company (and so of no company-bound customer yet) may map the
        people of a customer bound to our company."""
        self.account.company_id = self.company
        deal = self._deal(
            "No company", company_id=False, partner_id=False, team_id=False, user_id=False
        )
        self.assertFalse(deal.company_id)
        line = self._line(deal, self.dirk, "D")
        self.assertEqual(deal.deal_contact_ids, line)


@tagged("post_install", "-at_install")
class TestGatesBetweenStagesOfOneRank(PoliticsCommon):
    """Stages of one sequence stand side by side: moving between them passes no gate, moving
    to one does not pass the gate of the other, and moving on from one passes the other's
    gate. "Side step" (sequence 102, no gate) stands beside Lead the process (102, map
    gate); Confirm the opportunity (101) has the qualification gate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.confirm = cls.env.ref("sfa_key_accounts.crm_stage_confirm")
        cls.prove = cls.env.ref("sfa_key_accounts.crm_stage_prove")
        cls.side = cls.env["crm.stage"].create(
            {"name": "Side step", "sequence": 102, "team_id": cls.team.id}
        )
        cls.qualified = {
            "sfa_need_confirmed": True,
            "sfa_authority_confirmed": True,
            "sfa_budget_confirmed": True,
            "sfa_timeline_confirmed": True,
        }

    def _open_points(self, deal, stage):
        """What the override wizard lists for moving ``deal`` to ``stage``."""
        wizard = self.env["sfa.stage.gate.override"].new({"lead_id": deal.id, "stage_id": stage.id})
        return wizard.missing or ""

    def test_moving_beside_or_back_passes_no_gate(self):
        """From Lead the process (empty map: its gate is closed) to Side step or back to
        Confirm the opportunity: nothing to pass, alone or with a forward move."""
        deal = self._deal("Beside", **self.qualified)
        self.assertEqual(
            self._open_points(deal, self.prove),
            "Lead the process: no decision maker on the political map\n"
            "Lead the process: no approver on the political map",
        )
        self.assertEqual(self._open_points(deal, self.side), "")
        self.assertEqual(self._open_points(deal, self.confirm), "")
        forward = self._deal("Forward", stage_id=self.confirm.id, **self.qualified)
        (deal | forward).write({"stage_id": self.side.id})
        self.assertEqual((deal.stage_id, forward.stage_id), (self.side, self.side))

    def test_reaching_a_stage_beside_a_gate_skips_that_gate(self):
        deal = self._deal("To the side", stage_id=self.confirm.id, **self.qualified)
        self.assertEqual(self._open_points(deal, self.side), "")
        deal.stage_id = self.side
        self.assertEqual(deal.stage_id, self.side)

    def test_moving_on_from_beside_a_gate_passes_it(self):
        deal = self._deal("From the side", stage_id=self.side.id, **self.qualified)
        with self.assertRaisesRegex(UserError, "no decision maker on the political map"):
            deal.stage_id = self.prove
        self.assertEqual(deal.stage_id, self.side)

    def test_kanban_with_a_team_name_as_default_team_is_left_to_the_crm(self):
        """A context whose default team is a name, not an id (a hand-written context), is
        left to the CRM, which matches the team by name: the shared stages and the team's
        own, no error."""
        groups = (
            self.env["crm.lead"]
            .with_context(default_team_id="Key Accounts")
            .read_group([("id", "=", 0)], ["stage_id"], ["stage_id"])
        )
        stages = self.env["crm.stage"].search(
            ["|", ("team_id", "=", False), ("team_id", "=", self.team.id)]
        )
        self.assertEqual([g["stage_id"][0] for g in groups], stages.ids)
        self.assertIn(self.side, stages)


@tagged("post_install", "-at_install")
class TestStakeholderFigures(PoliticsCommon):
    """A person's account, org-chart card and suggested time spent."""

    def test_changing_the_person_keeps_the_account_chosen(self):
        """An outside consultant on Politic Co's buying centre stays on it when the person
        on the record is replaced by one of another company."""
        elsewhere = self._customers("Consulting Ltd")
        consultant, successor = self.env["res.partner"].create(
            [
                {"name": "Carla Consultant", "parent_id": elsewhere.id},
                {"name": "Sven Successor", "parent_id": elsewhere.id},
            ]
        )
        stakeholder = self.env["sfa.stakeholder"].create(
            {"partner_id": consultant.id, "account_id": self.account.id}
        )
        stakeholder.partner_id = successor
        self.assertEqual(stakeholder.account_id, self.account)
        # without an account chosen, the person's company is taken
        own = self.env["sfa.stakeholder"].create({"partner_id": consultant.id})
        self.assertEqual(own.account_id, elsewhere)

    def test_card_shows_the_latest_line_of_two_deals(self):
        self._line(self._deal("Older"), self.dirk, "D", attitude="against", time_spent="1")
        self._line(self._deal("Newer"), self.dirk, "A", attitude="champion", time_spent="3")
        self.dirk.invalidate_recordset()
        self.assertEqual(
            (self.dirk.last_attitude, self.dirk.time_spent, self.dirk.role_codes),
            ("champion", "3", "AD"),
        )

    def test_suggested_level_counts_meetings_of_the_last_90_days(self):
        """A meeting 90 days and 12 hours ago is the last contact but too old to suggest a
        level (0); one 89 days ago suggests an introduction (1)."""
        old = self._meet(self.alma, timedelta(days=90, hours=11))
        self.alma.invalidate_recordset()
        self.assertEqual(
            (self.alma.last_contact_date, self.alma.suggested_time_spent), (old.start, "0")
        )
        self._meet(self.alma, timedelta(days=89))
        self.alma.invalidate_recordset()
        self.assertEqual(self.alma.suggested_time_spent, "1")


@tagged("post_install", "-at_install")
class TestCustomerSmartButtons(PoliticsCommon):
    """The counts on a customer's smart buttons: 0 for nothing, 1 for one."""

    def test_new_customer_counts_zero_everywhere(self):
        customer = self._customers("Blank Co")
        self.assertEqual(
            (
                customer.key_account_count,
                customer.key_account_plan_count,
                customer.stakeholder_count,
                customer.value_worksheet_count,
            ),
            (0, 0, 0, 0),
        )

    def test_counts_of_one_plan_person_and_current_worksheet(self):
        """One plan (which makes the customer a key account), one person, and two versions
        of one worksheet, counted once (only the current one)."""
        customer = self._customers("Single Co")
        person = self.env["res.partner"].create({"name": "Solo", "parent_id": customer.id})
        self.env["sfa.stakeholder"].create({"partner_id": person.id})
        self.env["sfa.account.plan"].create(
            {"name": "Single plan", "partner_id": customer.id, "company_id": self.company.id}
        )
        lead = self._deal("Single deal", partner_id=customer.id)
        worksheet = self.env["sfa.value.worksheet"].create({"name": "Case", "lead_id": lead.id})
        worksheet.action_new_version()
        customer.invalidate_recordset()
        self.assertEqual(
            (
                customer.key_account_count,
                customer.key_account_plan_count,
                customer.stakeholder_count,
                customer.value_worksheet_count,
            ),
            (1, 1, 1, 1),
        )

    def test_two_key_account_records_open_as_a_list(self):
        customer = self._customers("Twice Co")
        sister = self.env["res.company"].create({"name": "Sister Co"})
        accounts = self._make_ka(customer) | self._make_ka(customer, company=sister)
        action = customer.with_context(allowed_company_ids=(self.company | sister).ids)
        action = action.action_view_key_account()
        self.assertEqual(self.env["sfa.key.account"].search(action["domain"]), accounts)
        self.assertEqual(
            (action["res_id"], action["view_mode"]), (0, "kanban,list,pivot,graph,form")
        )


@tagged("post_install", "-at_install")
class TestRoleAndSourceDefaults(SfaCommon):
    """A role or influence source added by hand is active and sorted at 10."""

    def test_new_role_and_source(self):
        role = self.env["sfa.buying.role"].create({"name": "Gatekeeper", "code": "G"})
        source = self.env["sfa.influence.source"].create({"name": "Podcasts"})
        self.assertEqual((role.sequence, role.active), (10, True))
        self.assertEqual((source.sequence, source.active), (10, True))
        self.assertEqual(role.display_name, "G - Gatekeeper")


@tagged("post_install", "-at_install")
class TestLinksThroughManyToMany(SfaCommon):
    """A rep links their need only to SWOT items they may read, whatever the command."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        colleague = cls._user(
            "sfa_pol_colleague", "Cora Colleague", "sales_team.group_sale_salesman"
        )
        ours, theirs = cls._customers("Our Co", "Their Co")
        cls._make_ka(ours, manager_id=cls.user_rep.id)
        cls._make_ka(theirs, manager_id=colleague.id)
        Plan = cls.env["sfa.account.plan"]
        cls.our_plan, their_plan = (
            Plan.create({"name": p.name, "partner_id": p.id, "company_id": cls.company.id})
            for p in (ours, theirs)
        )
        Swot = cls.env["sfa.account.swot"]
        cls.our_swot = Swot.create(
            {"plan_id": cls.our_plan.id, "quadrant": "strength", "name": "Ours"}
        )
        cls.their_swot = Swot.create(
            {"plan_id": their_plan.id, "quadrant": "strength", "name": "Theirs"}
        )
        cls.need = cls.env["sfa.account.need"].create(
            {"plan_id": cls.our_plan.id, "name": "Faster parts"}
        )

    def test_commands_to_an_unreadable_item_are_refused(self):
        need = self.need.with_user(self.user_rep)
        for value in (
            [Command.link(self.their_swot.id)],
            [Command.set([self.their_swot.id])],
            [self.their_swot.id],
            [Command.link(self.our_swot.id), Command.set([self.their_swot.id])],
        ):
            with self.assertRaises(AccessError, msg=value), self.cr.savepoint():
                need.write({"swot_ids": value})
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.env["sfa.account.need"].with_user(self.user_rep).create(
                {
                    "plan_id": self.our_plan.id,
                    "name": "Sneaky",
                    "swot_ids": [Command.link(self.their_swot.id)],
                }
            )
        self.assertFalse(self.need.swot_ids)

    def test_commands_to_a_readable_item_pass(self):
        need = self.need.with_user(self.user_rep)
        need.write({"swot_ids": [Command.link(self.our_swot.id)]})
        self.assertEqual(self.need.swot_ids, self.our_swot)
        need.write({"swot_ids": [Command.clear()]})
        need.write({"swot_ids": [Command.set([self.our_swot.id])]})
        self.assertEqual(self.need.swot_ids, self.our_swot)
        need.write({"swot_ids": [Command.unlink(self.our_swot.id)]})
        self.assertFalse(self.need.swot_ids)

    def test_link_check_reads_every_form_of_value(self):
        """The mixin's check runs before the write (before any constraint reads the
        target): it finds the target in every form of value the ORM takes, including what
        server code passes (a record set, a tuple of ids, ``read``'s ``(id, name)``), and
        lets through what links nothing new."""
        Need = self.env["sfa.account.need"].with_user(self.user_rep)
        ours, theirs = self.our_swot, self.their_swot
        plan = self.their_swot.plan_id
        refused = [
            {"swot_ids": [Command.link(theirs.id)]},
            {"swot_ids": [Command.set([theirs.id])]},
            {"swot_ids": [theirs.id]},
            {"swot_ids": (theirs.id,)},
            {"swot_ids": theirs},
            {"swot_ids": [Command.link(ours.id), Command.set([theirs.id])]},
            {"swot_ids": [Command.set([ours.id]), Command.link(theirs.id)]},
            {"plan_id": plan.id},
            {"plan_id": plan},
            {"plan_id": (plan.id, plan.display_name)},
        ]
        for vals in refused:
            with self.assertRaises(AccessError, msg=vals):
                Need._sfa_check_targets([vals])
        allowed = [
            {"swot_ids": [Command.link(ours.id)]},
            {"swot_ids": [Command.set([ours.id])]},
            {"swot_ids": [Command.set([])]},
            {"swot_ids": [Command.unlink(theirs.id)]},
            {"swot_ids": [Command.clear()]},
            {"swot_ids": [Command.create({"name": "New", "quadrant": "threat"})]},
            {"swot_ids": [()]},  # not a command: the ORM refuses it, not this check
            {"swot_ids": False},
            {"swot_ids": ours},
            {"plan_id": self.our_plan.id},
            {"plan_id": False},
            {"name": "Only text"},
        ]
        for vals in allowed:
            self.assertIsNone(Need._sfa_check_targets([vals]), vals)

    def test_clearing_a_link_is_always_allowed(self):
        """Emptying an optional link (reports to) is no link to check."""
        boss, member = self.env["sfa.stakeholder"].create(
            [
                {
                    "partner_id": self.env["res.partner"].create({"name": name}).id,
                    "account_id": self.our_plan.partner_id.id,
                    "user_id": self.user_rep.id,
                }
                for name in ("Bea Boss", "Max Member")
            ]
        )
        member.reports_to_id = boss
        member.with_user(self.user_rep).write({"reports_to_id": False})
        self.assertFalse(member.reports_to_id)


@tagged("post_install", "-at_install")
class TestPipelinesOfSeveralTeams(PoliticsCommon):
    """The stages each team's status bar and kanban offer, computed for several teams at once
    (as the kanban's grouping does)."""

    def test_a_plain_team_keeps_the_shared_stages_beside_a_team_with_its_own(self):
        shared = self.env["crm.stage"].search([("team_id", "=", False)])
        plain = self.env["crm.team"].create({"name": "Plain", "company_id": False})
        own = self.env["crm.stage"].search([("team_id", "=", self.team.id)])
        pipelines = (self.team | plain)._sfa_pipeline_stages()
        self.assertEqual(pipelines[plain.id], shared)
        self.assertEqual(pipelines[False], shared)
        self.assertEqual(pipelines[self.team.id], own)

    def test_a_plain_team_with_a_stage_of_its_own_keeps_the_shared_ones_too(self):
        plain = self.env["crm.team"].create({"name": "Plain", "company_id": False})
        extra = self.env["crm.stage"].create({"name": "Plain only", "team_id": plain.id})
        shared = self.env["crm.stage"].search([("team_id", "=", False)])
        self.assertEqual(plain._sfa_pipeline_stages()[plain.id], shared | extra)

    def test_a_deal_converted_into_the_team_starts_in_its_first_stage(self):
        """The CRM's conversion of a lead asks for the first stage of the team it is given."""
        first = self.env["crm.lead"]._stage_find(
            team_id=self.team.id, domain=[("fold", "=", False)]
        )
        self.assertEqual(first, self.env.ref("sfa_key_accounts.crm_stage_confirm"))

    def test_a_won_deal_saved_in_its_won_stage_is_not_judged_again(self):
        """Even when that won stage has a gate of its own (qualification, not met here)."""
        signed = self.env["crm.stage"].create(
            {
                "name": "Signed",
                "sequence": 300,
                "team_id": self.team.id,
                "is_won": True,
                "sfa_gate": "qualification",
            }
        )
        deal = self._deal("Signed deal", stage_id=signed.id)
        wizard = self.env["sfa.stage.gate.override"].new(
            {"lead_id": deal.id, "stage_id": signed.id}
        )
        self.assertEqual(wizard.missing or "", "")
        deal.write({"stage_id": signed.id, "name": "Signed deal, saved again"})
        self.assertEqual(deal.stage_id, signed)
