"""Behaviours users rely on that no other test pinned: the Won button through the stage
gates, date boundaries of plans and maps, stored figures that follow their inputs, settings
that change behaviour, and who sees what across companies and account teams. Each figure is
worked out by hand in a comment."""

from datetime import date, datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import QUALIFIED, SfaCommon, SfaDealCommon

STALE_DAYS = "sfa_key_accounts.stale_days"


class BittenDeals(SfaDealCommon):
    """Bitten Co's people and deals, with the stale-days setting at its default of 30."""

    CUSTOMER = "Bitten Co"
    PEOPLE = ("Dina Decider", "Arne Approver", "Elsa Evaluator")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dina, cls.arne, cls.elsa = cls.people
        cls.env["ir.config_parameter"].set_param(STALE_DAYS, "30")

    def _meet(self, stakeholder, days_ago):
        """A one-hour meeting that started ``days_ago`` days and one hour ago."""
        start = fields.Datetime.now() - timedelta(days=days_ago, hours=1)
        return self.env["calendar.event"].create(
            {
                "name": f"Meeting {stakeholder.name}",
                "start": start,
                "stop": start + timedelta(hours=1),
                "partner_ids": [Command.link(stakeholder.partner_id.id)],
            }
        )

    def _move_meeting(self, meeting, days_ago):
        start = fields.Datetime.now() - timedelta(days=days_ago, hours=1)
        meeting.write({"start": start, "stop": start + timedelta(hours=1)})

    @staticmethod
    def _verdict(deal):
        return deal.red_flag_codes, deal.political_map_score, deal.political_map_status


@tagged("post_install", "-at_install")
class TestWonButtonThroughTheGates(BittenDeals):
    """The Won button leaves the deal's stage like any forward move: it passes every gate on
    the way, and only a sales manager's override (with a reason, logged) walks past one."""

    def test_won_button_with_an_open_gate_is_refused_and_changes_nothing(self):
        deal = self._deal(
            "Half qualified",
            self.confirm,
            sfa_need_confirmed=True,
            sfa_authority_confirmed=True,
            expected_revenue=50000,
        )
        before = deal.read(["stage_id", "probability", "date_closed", "active"])
        # the way to Won passes the gates of Confirm (qualification), Lead the process
        # (political map) and Prove the solution (value worksheet): every open point is listed
        expected = (
            "Half qualified cannot leave Confirm the opportunity yet:\n"
            "- the budget is not confirmed\n"
            "- the timeline is not confirmed\n\n"
            "Half qualified cannot leave Lead the process yet:\n"
            "- no decision maker on the political map\n"
            "- no approver on the political map\n\n"
            "Half qualified cannot leave Prove the solution yet:\n"
            "- no value worksheet\n\n"
            "Complete it, or ask a sales manager to override the gate with a reason."
        )
        for button in ("action_set_won", "action_set_won_rainbowman"):
            with self.assertRaises(UserError) as error:
                getattr(deal, button)()
            self.assertEqual(error.exception.args[0], expected, button)
            deal.invalidate_recordset()
            self.assertEqual(
                deal.read(["stage_id", "probability", "date_closed", "active"]), before
            )
            self.assertFalse(deal.date_closed)
        # a sales manager pressing Won is held by the gates too: only the override passes
        with self.assertRaises(UserError):
            deal.with_user(self.user_manager).action_set_won_rainbowman()
        self.assertEqual(deal.stage_id, self.confirm)
        # each gate opens as its points are done; the last one left still holds the deal
        deal.write({"sfa_budget_confirmed": True, "sfa_timeline_confirmed": True})
        self._map(deal, (self.dina, "D", "champion", "2"), (self.arne, "A", "support", "2"))
        with self.assertRaisesRegex(UserError, r"^Half qualified cannot leave Prove the solution"):
            deal.action_set_won_rainbowman()
        self.assertEqual(deal.stage_id, self.confirm)
        worksheet = self.env["sfa.value.worksheet"].browse(
            deal.action_open_value_worksheet()["res_id"]
        )
        self.env["sfa.value.benefit"].create(
            {"worksheet_id": worksheet.id, "category": "cost_saving", "likely_amount": 9000}
        )
        deal.action_set_won_rainbowman()
        self.assertEqual((deal.stage_id, deal.probability), (self.won, 100.0))
        self.assertTrue(deal.date_closed)

    def test_manager_override_wins_the_deal_and_logs_every_gate_passed(self):
        deal = self._deal("Framework deal", self.confirm)
        wizard = Form(
            self.env["sfa.stage.gate.override"]
            .with_user(self.user_manager)
            .with_context(default_lead_id=deal.id)
        )
        wizard.stage_id = self.won
        wizard.reason = "Signed under the group framework agreement"
        # every gate the move to Won passes: Confirm's (all four checks), Lead's (map) and
        # Prove's (value worksheet)
        self.assertEqual(
            wizard.missing,
            "Confirm the opportunity: the need is not confirmed\n"
            "Confirm the opportunity: the authority (who decides) is not confirmed\n"
            "Confirm the opportunity: the budget is not confirmed\n"
            "Confirm the opportunity: the timeline is not confirmed\n"
            "Lead the process: no decision maker on the political map\n"
            "Lead the process: no approver on the political map\n"
            "Prove the solution: no value worksheet",
        )
        wizard.save().action_confirm()
        self.assertEqual((deal.stage_id, deal.probability), (self.won, 100.0))
        self.assertTrue(deal.stage_id.is_won)
        self.assertTrue(deal.date_closed)
        note = deal.message_ids[0]
        self.assertEqual(note.author_id, self.user_manager.partner_id)
        self.assertIn(
            "Gate of Confirm the opportunity overridden by Mona Manager, moved to Won.", note.body
        )
        self.assertIn("Signed under the group framework agreement", note.body)

    def test_warning_gates_let_the_won_button_pass_and_note_what_was_open(self):
        (self.confirm | self.lead_process | self.prove).sfa_gate_mode = "warning"
        deal = self._deal("Warned win", self.confirm, **dict(QUALIFIED, sfa_budget_confirmed=False))
        deal.action_set_won_rainbowman()
        self.assertEqual(deal.stage_id, self.won)
        note = deal.message_ids[0].body
        self.assertIn("Moved past the gate of Confirm the opportunity with open points:", note)
        self.assertIn("<li>the budget is not confirmed</li>", note)
        self.assertNotIn("the need is not confirmed", note)
        self.assertIn("Moved past the gate of Lead the process with open points:", note)
        self.assertIn("<li>no decision maker on the political map</li>", note)
        self.assertIn("<li>no approver on the political map</li>", note)
        self.assertIn("Moved past the gate of Prove the solution with open points:", note)
        self.assertIn("<li>no value worksheet</li>", note)

    def test_map_gate_refuses_a_decision_maker_against_us(self):
        deal = self._deal("Against us", self.lead_process, **QUALIFIED)
        dina, _arne, _elsa = self._map(
            deal,
            (self.dina, "D", "against", "2"),
            (self.arne, "A", "champion", "2"),
            (self.elsa, "E", "support", "2"),
        )
        for move in (lambda: deal.write({"stage_id": self.prove.id}), deal.action_set_won):
            with self.assertRaisesRegex(UserError, r"Decision maker or approver not for us"):
                move()
            self.assertEqual(deal.stage_id, self.lead_process)
        dina.attitude = "support"
        deal.stage_id = self.prove
        self.assertEqual(deal.stage_id, self.prove)

    def test_map_gate_refuses_a_hostile_approver_but_not_a_missing_champion(self):
        deal = self._deal("Hostile approver", self.lead_process, **QUALIFIED)
        _dina, arne, _elsa = self._map(
            deal,
            (self.dina, "D", "support", "2"),
            (self.arne, "A", "hostile", "2"),
            (self.elsa, "E", "support", "2"),
        )
        # nobody has been contacted yet (stale, info) and nobody is a champion (warning):
        # only the hostile approver blocks
        self.assertEqual(deal.red_flag_codes, "key_player_against,no_champion,stale_key_player")
        with self.assertRaises(UserError) as error:
            deal.stage_id = self.prove
        self.assertEqual(
            error.exception.args[0],
            "Hostile approver cannot leave Lead the process yet:\n"
            "- Decision maker or approver not for us (blocking)\n\n"
            "Complete it, or ask a sales manager to override the gate with a reason.",
        )
        arne.attitude = "support"
        deal.stage_id = self.prove  # a warning (no champion) and an info flag block nothing
        self.assertEqual(
            (deal.stage_id, deal.red_flag_codes), (self.prove, "no_champion,stale_key_player")
        )


@tagged("post_install", "-at_install")
class TestMapsFollowTimeAndSettings(BittenDeals):
    """Stale key players, the stale-days setting and the last known attitude."""

    def test_key_player_met_exactly_the_stale_days_ago_is_not_stale_yet(self):
        """README: stale = not contacted for *more than* the configured days (30)."""
        deal = self._deal("Timed map", self.lead_process)
        self._map(deal, (self.dina, "D", "champion", "2"), (self.arne, "A", "support", "2"))
        self._meet(self.arne, 1)
        meeting = self._meet(self.dina, 29)
        self.assertEqual(self._verdict(deal), (False, 100, "green"))
        self._move_meeting(meeting, 30)  # 30 days and an hour ago: 30 whole days
        self.assertEqual(self._verdict(deal), (False, 100, "green"))
        self._move_meeting(meeting, 31)
        self.assertEqual(self._verdict(deal), ("stale_key_player", 95, "amber"))

    def test_stale_days_setting_changes_the_flag_on_the_same_map(self):
        deal = self._deal("Same map", self.lead_process)
        self._map(deal, (self.dina, "D", "champion", "2"), (self.arne, "A", "support", "2"))
        self._meet(self.arne, 1)
        self._meet(self.dina, 20)
        self.assertEqual(self._verdict(deal), (False, 100, "green"))  # 20 days <= 30
        # an administrator sets 10 days in Settings: Dina (20 days) is stale at once
        self.env["res.config.settings"].create({"sfa_stale_days": 10}).execute()
        self.assertEqual(self.env["ir.config_parameter"].get_param(STALE_DAYS), "10")
        self.assertEqual(self._verdict(deal), ("stale_key_player", 95, "amber"))
        self.env["res.config.settings"].create({"sfa_stale_days": 30}).execute()
        self.assertEqual(self._verdict(deal), (False, 100, "green"))

    def test_map_follows_influence_time_circle_and_team(self):
        deal = self._deal("Moving map", self.lead_process)
        dina, _arne, elsa = self._map(
            deal,
            (self.dina, "D", "champion", "2"),
            (self.arne, "A", "support", "2"),
            (self.elsa, "E", "neutral", "1"),
        )
        self._meet(self.dina, 1)
        self._meet(self.arne, 1)
        # Elsa was never contacted, but an evaluator of medium influence is no key player
        self.assertEqual(self._verdict(deal), (False, 100, "green"))
        elsa.influence = "high"  # now she is one: stale (info, -5)
        self.assertEqual(self._verdict(deal), ("stale_key_player", 95, "amber"))
        elsa.influence = "medium"
        self.assertEqual(self._verdict(deal), (False, 100, "green"))
        dina.time_spent = "0"  # the decision maker was never met (warning, -10)
        self.assertEqual(self._verdict(deal), ("key_player_not_met", 90, "amber"))
        dina.time_spent = "2"
        elsa.attitude = "hostile"  # hostile, but outside the core circle
        self.assertEqual(self._verdict(deal), (False, 100, "green"))
        self.elsa.circle = "core"  # the person moves into the core circle (on every deal)
        self.assertEqual(self._verdict(deal), ("hostile_core", 90, "amber"))
        # a deal of another team gets no verdict until someone is on its map ...
        other = self._deal("Ordinary deal", self.stage_open, team_id=False)
        self.assertEqual(self._verdict(other), (False, 0, False))
        # ... and one the moment it joins the Key Accounts team: 100 - 25 - 25 - 10
        other.team_id = self.team
        self.assertEqual(
            self._verdict(other), ("no_decision_maker,no_approver,no_champion", 40, "red")
        )

    def test_new_line_takes_the_attitude_most_recently_changed(self):
        first, second = self._deal("First", self.lead_process), self._deal("Second", self.prove)
        older_id = self._map(first, (self.dina, "D", "against", "2")).id
        newer_id = self._map(second, (self.dina, "D", "champion", "2")).id

        def changed(contact_id, days_ago):
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE sfa_deal_contact SET write_date = %s WHERE id = %s",
                [fields.Datetime.now() - timedelta(days=days_ago), contact_id],
            )
            self.env.invalidate_all()

        # the first deal's line (created first) was changed yesterday, the second's a week ago
        changed(older_id, 1)
        changed(newer_id, 7)
        third = self._deal("Third", self.lead_process)
        line = self.env["sfa.deal.contact"].create(
            {"lead_id": third.id, "stakeholder_id": self.dina.id}
        )
        self.assertEqual(line.attitude, "against")
        line.attitude = "neutral"
        changed(line.id, 30)  # ... and the third deal's a month ago
        self.assertEqual(self.dina.last_attitude, "against")  # the org chart's card
        # now the second deal's line is the latest news
        changed(newer_id, 0)
        fourth = self._deal("Fourth", self.lead_process)
        line = self.env["sfa.deal.contact"].create(
            {"lead_id": fourth.id, "stakeholder_id": self.dina.id}
        )
        self.assertEqual(line.attitude, "champion")


@tagged("post_install", "-at_install")
class TestPlanDatesAndCurrentPlan(SfaCommon):
    """Plan periods are whole days, both ends included; the current plan and its health."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customers("Dated Co")
        cls.key_account = cls._make_ka(cls.customer, manager_id=cls.user_rep.id)

    @classmethod
    def _plan(cls, name, start, end, **vals):
        return cls.env["sfa.account.plan"].create(
            {
                "name": name,
                "partner_id": cls.customer.id,
                "company_id": cls.company.id,
                "date_start": start,
                "date_end": end,
                **vals,
            }
        )

    def _objectives(self, plan, *measures):
        return self.env["sfa.account.plan.objective"].create(
            [{"plan_id": plan.id, "name": m, "measure": m, "target": 100} for m in measures]
        )

    def _closed(self, amount, when, company=None):
        return self._won(self.customer, amount, date_closed=when, company=company)

    def _answer(self, plan, xmlid, score):
        criterion = self.env.ref(f"sfa_key_accounts.{xmlid}")
        plan.assessment_ids.filtered(lambda a: a.criterion_id == criterion).score = str(score)

    def _answer_all(self, plan, kind, score):
        plan.assessment_ids.filtered(lambda a: a.kind == kind).write({"score": str(score)})

    # --- date boundaries -------------------------------------------------------------------
    def test_one_day_plan_is_valid_and_counts_its_day(self):
        plan = self._plan("Trade fair day", date(2026, 3, 15), date(2026, 3, 15))
        plan.action_activate()
        self.assertEqual(plan.state, "active")
        self._closed(1000, datetime(2026, 3, 14, 23, 59, 59))  # the day before
        self._closed(200, datetime(2026, 3, 15, 0, 0, 0))  # the first second of the day
        self._closed(30, datetime(2026, 3, 15, 23, 30, 0))  # late on the day
        self._closed(4000, datetime(2026, 3, 16, 0, 0, 0))  # the day after
        revenue, count = self._objectives(plan, "won_revenue", "won_count")
        # 200 + 30 on the 15th; the 14th and the 16th are outside
        self.assertEqual((revenue.current_value, count.current_value), (230.0, 2.0))
        self.assertEqual(revenue.progress, 230.0)  # of a target of 100

    def test_objectives_count_the_last_day_of_the_period_not_the_next(self):
        plan = self._plan("Year plan", date(2026, 1, 1), date(2026, 12, 31))
        self._closed(500, datetime(2025, 12, 31, 23, 30))  # the day before the period
        self._closed(2000, datetime(2026, 12, 31, 23, 30))  # late on the last day
        self._closed(7000, datetime(2027, 1, 1, 0, 30))  # early on the day after
        revenue, count = self._objectives(plan, "won_revenue", "won_count")
        self.assertEqual((revenue.current_value, count.current_value), (2000.0, 1.0))

    def test_objectives_follow_a_moved_period_end(self):
        plan = self._plan("Half year", date(2026, 1, 1), date(2026, 6, 30))
        self._closed(3000, datetime(2026, 9, 1, 10, 0))
        [revenue] = self._objectives(plan, "won_revenue")
        self.assertEqual(revenue.current_value, 0.0)
        plan.date_end = date(2026, 12, 31)  # the plan now covers September
        self.assertEqual((revenue.current_value, revenue.progress), (3000.0, 3000.0))

    def test_live_plans_may_touch_but_not_share_a_day(self):
        first_half = self._plan("H1", date(2026, 1, 1), date(2026, 6, 30))
        first_half.action_activate()
        starts_on_its_last_day = self._plan("From 30 June", date(2026, 6, 30), date(2026, 12, 31))
        ends_on_its_first_day = self._plan("Until 1 January", date(2025, 7, 1), date(2026, 1, 1))
        for plan in (starts_on_its_last_day, ends_on_its_first_day):
            with self.assertRaisesRegex(ValidationError, "already has an active plan"):
                with self.cr.savepoint():
                    plan.action_activate()
            self.assertEqual(plan.state, "draft")
        # the day after its end, the day before its start: no day shared
        second_half = self._plan("H2", date(2026, 7, 1), date(2026, 12, 31))
        last_year = self._plan("2025", date(2025, 1, 1), date(2025, 12, 31))
        (second_half | last_year).action_activate()
        self.assertEqual((second_half | last_year).mapped("state"), ["active", "active"])

    # --- live plans and the current plan ---------------------------------------------------
    def test_a_plan_in_review_is_still_the_live_plan(self):
        plan = self._plan("2026", date(2026, 1, 1), date(2026, 12, 31))
        plan.action_activate()
        plan.action_start_review()
        bridge = self._plan("Bridge", date(2026, 7, 1), date(2027, 6, 30))
        # one live plan per period: the plan in review still holds 2026
        with self.assertRaisesRegex(ValidationError, "already has an active plan"):
            with self.cr.savepoint():
                bridge.action_activate()
        # and it stays the current plan, though the draft one starts later
        self.assertEqual(self.key_account.current_plan_id, plan)
        plan.action_close()
        self.assertEqual(self.key_account.current_plan_id, bridge)  # no live plan: latest start
        bridge.action_activate()
        self.assertEqual((bridge.state, self.key_account.current_plan_id), ("active", bridge))

    def test_current_plan_and_health_follow_activation_review_and_closing(self):
        plan_2026 = self._plan("2026", date(2026, 1, 1), date(2026, 12, 31))
        plan_2027 = self._plan("2027", date(2027, 1, 1), date(2027, 12, 31))
        self._answer_all(plan_2026, "indicator", 5)  # indicators 100 -> health 100
        self._answer_all(plan_2027, "indicator", 1)  # indicators 0 -> health 0
        account = self.key_account

        def current():
            return account.current_plan_id, account.health

        self.assertEqual(current(), (plan_2027, 0.0))  # no live plan: the latest start
        plan_2026.action_activate()
        self.assertEqual(current(), (plan_2026, 100.0))  # live beats a later draft
        plan_2026.action_start_review()
        self.assertEqual(current(), (plan_2026, 100.0))  # in review is live
        plan_2027.action_activate()
        self.assertEqual(current(), (plan_2027, 0.0))  # two live: the latest start
        plan_2027.action_close()
        self.assertEqual(current(), (plan_2026, 100.0))
        # "Revenue contribution" (weight 30 of 100) from 5 to 3:
        # (30 x 0.5 + 70 x 1) / 100 x 100 = 85
        self._answer(plan_2026, "health_indicator_01", 3)
        self.assertEqual(current(), (plan_2026, 85.0))
        plan_2026.action_close()
        self.assertEqual(current(), (plan_2027, 0.0))  # nothing live: the latest start again
        self.assertTrue(account.health_assessed)

    def test_current_plan_follows_a_moved_start(self):
        plan_2026 = self._plan("2026", date(2026, 1, 1), date(2026, 12, 31))
        plan_2028 = self._plan("2028", date(2028, 1, 1), date(2028, 12, 31))
        (plan_2026 | plan_2028).action_activate()
        self.assertEqual(self.key_account.current_plan_id, plan_2028)
        plan_2026.write({"date_start": date(2029, 1, 1), "date_end": date(2029, 12, 31)})
        self.assertEqual(self.key_account.current_plan_id, plan_2026)

    def test_health_follows_the_weights_of_the_criteria(self):
        plan = self._plan("2026", date(2026, 1, 1), date(2026, 12, 31))
        plan.action_activate()
        self._answer(plan, "health_indicator_01", 5)  # weight 30, 5 -> 1
        self._answer(plan, "health_indicator_02", 1)  # weight 20, 1 -> 0
        # (30 x 1 + 20 x 0) / 50 x 100 = 60
        self.assertAlmostEqual(plan.health_score, 60.0)
        self.assertAlmostEqual(self.key_account.health, 60.0)
        # a manager lowers "Growth potential" from 20 to 10: 30 / 40 x 100 = 75
        self.env.ref("sfa_key_accounts.health_indicator_02").weight = 10
        self.assertAlmostEqual(plan.health_score, 75.0)
        self.assertAlmostEqual(self.key_account.health, 75.0)

    # --- one company's plans ---------------------------------------------------------------
    def test_live_plan_rule_and_objectives_stay_in_their_company(self):
        other_company = self.env["res.company"].create({"name": "SFA Sister Company"})
        theirs = self._plan(
            "Sister 2026", date(2026, 1, 1), date(2026, 12, 31), company_id=other_company.id
        )
        theirs.action_activate()
        self._closed(9000, datetime(2026, 5, 1, 10, 0), company=other_company)
        self._closed(1000, datetime(2026, 5, 2, 10, 0))
        self.env["crm.lead"].create(
            [
                {
                    "name": f"Open {amount}",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "expected_revenue": amount,
                    "stage_id": self.stage_open.id,
                    "company_id": company.id,
                }
                for amount, company in ((800, other_company), (300, self.company))
            ]
        )
        ours = self._plan("Ours 2026", date(2026, 1, 1), date(2026, 12, 31))
        ours.action_activate()  # the sister company's live plan is not ours
        self.assertEqual((theirs.state, ours.state), ("active", "active"))
        self.assertEqual(self.key_account.current_plan_id, ours)
        values = self._objectives(ours, "won_revenue", "won_count", "pipeline", "open_count")
        self.assertEqual(values.mapped("current_value"), [1000.0, 1.0, 300.0, 1.0])


@tagged("post_install", "-at_install")
class TestFiguresFollowTheirInputs(SfaCommon):
    """The worksheet's stored figures and the deal's copy of them follow every input.
    Base case (README): 6,000 a year (conservative 4,000) for 3 years against 12,000 once,
    at 10%: likely net 6,000, ROI 50%, payback 24 months, NPV 2,921.11."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Figured deal",
                "type": "opportunity",
                "partner_id": cls._customers("Figured Co").id,
                "user_id": cls.user_rep.id,
                "company_id": cls.company.id,
            }
        )
        cls.ws = cls.env["sfa.value.worksheet"].create(
            {"name": "Case", "lead_id": cls.lead.id, "horizon_years": 3, "discount_rate": 10}
        )
        cls.benefit = cls.env["sfa.value.benefit"].create(
            {
                "worksheet_id": cls.ws.id,
                "category": "cost_saving",
                "recurrence": "yearly",
                "conservative_amount": 4000,
                "likely_amount": 6000,
            }
        )
        cls.licence = cls.env["sfa.value.cost"].create(
            {
                "worksheet_id": cls.ws.id,
                "name": "Licence",
                "recurrence": "one_time",
                "amount": 12000,
            }
        )

    def _likely(self):
        ws = self.ws
        return (
            ws.likely_total_cost,
            ws.likely_net_value,
            ws.likely_roi,
            ws.likely_payback_months,
            ws.likely_pays_back,
            ws.likely_npv,
        )

    def _deal(self):
        lead = self.lead
        return (
            lead.likely_net_value,
            lead.likely_roi,
            lead.likely_payback_months,
            lead.likely_pays_back,
        )

    def test_figures_follow_a_cost_amount_and_its_deletion(self):
        self.licence.amount = 9000
        # 18,000 - 9,000 = 9,000; ROI 100%; 9,000 / 500 a month = 18 months;
        # NPV = -9,000 + 6,000 x (1/1.1 + 1/1.21 + 1/1.331) = -9,000 + 14,921.11 = 5,921.11
        self.assertEqual(self._likely(), (9000.0, 9000.0, 100.0, 18, True, 5921.11))
        self.assertEqual(self._deal(), (9000.0, 100.0, 18, True))
        # conservative: 12,000 - 9,000 = 3,000, ROI 33.33%, 9,000 / 333.33 = 27 months,
        # NPV = -9,000 + 4,000 x 2.486852 = 947.41
        ws = self.ws
        self.assertEqual(
            (
                ws.conservative_net_value,
                ws.conservative_roi,
                ws.conservative_payback_months,
                ws.conservative_npv,
            ),
            (3000.0, 33.33, 27, 947.41),
        )
        self.licence.unlink()
        # no cost left: the whole 18,000 is net, ROI is not shown (0), it pays at once
        self.assertEqual(self._likely(), (0.0, 18000.0, 0.0, 0, True, 14921.11))
        self.assertFalse(self.ws.has_cost)
        self.assertEqual(self._deal(), (18000.0, 0.0, 0, True))
        self.benefit.likely_amount = 7000  # 21,000 net; still no ROI, still at once
        self.assertEqual(self._deal(), (21000.0, 0.0, 0, True))

    def test_roi_follows_a_larger_case_with_the_same_net(self):
        # a 1,200 one-time benefit that pays for a 1,200 one-time cost: net (6,000) and
        # payback (24 months) stay, ROI falls to 6,000 / 13,200 = 45.45%
        self.env["sfa.value.benefit"].create(
            {
                "worksheet_id": self.ws.id,
                "category": "revenue_growth",
                "recurrence": "one_time",
                "conservative_amount": 1200,
                "likely_amount": 1200,
            }
        )
        self.env["sfa.value.cost"].create(
            {"worksheet_id": self.ws.id, "name": "Setup", "recurrence": "one_time", "amount": 1200}
        )
        self.assertEqual(self._likely(), (13200.0, 6000.0, 45.45, 24, True, 2921.11))
        self.assertEqual(self._deal(), (6000.0, 45.45, 24, True))

    def test_figures_follow_a_cost_recurrence_change(self):
        training = self.env["sfa.value.cost"].create(
            {
                "worksheet_id": self.ws.id,
                "name": "Training",
                "recurrence": "one_time",
                "amount": 1200,
            }
        )
        # 13,200 once: net 4,800, ROI 36.36%, 13,200 / 500 = 26.4 -> 27 months,
        # NPV 2,921.11 - 1,200 = 1,721.11
        self.assertEqual(self._likely(), (13200.0, 4800.0, 36.36, 27, True, 1721.11))
        training.recurrence = "yearly"
        # 12,000 + 3 x 1,200 = 15,600; net 2,400; ROI 15.38%; 12,000 / (4,800 / 12) = 30;
        # NPV = -12,000 + 4,800 x 2.486852 = -63.11
        self.assertEqual(self._likely(), (15600.0, 2400.0, 15.38, 30, True, -63.11))
        self.assertEqual(self._deal(), (2400.0, 15.38, 30, True))

    def test_figures_follow_a_benefit_recurrence_change(self):
        # 18,000 at once instead of 6,000 a year: the same net and ROI, but it pays at once
        self.benefit.write(
            {"recurrence": "one_time", "conservative_amount": 12000, "likely_amount": 18000}
        )
        self.assertEqual(self._likely(), (12000.0, 6000.0, 50.0, 0, True, 6000.0))
        self.assertEqual(self._deal(), (6000.0, 50.0, 0, True))
        self.benefit.recurrence = "yearly"  # 18,000 a year: 54,000 - 12,000 = 42,000
        # ROI 350%; 12,000 / 1,500 a month = 8 months;
        # NPV = -12,000 + 18,000 x 2.486852 = 32,763.34
        self.assertEqual(self._likely(), (12000.0, 42000.0, 350.0, 8, True, 32763.34))
        self.assertEqual(self._deal(), (42000.0, 350.0, 8, True))

    def test_figures_follow_the_horizon_and_the_rate(self):
        self.ws.horizon_years = 1
        # 6,000 - 12,000 = -6,000, ROI -50%; 24 months is beyond a 1-year horizon;
        # NPV = -12,000 + 6,000 / 1.1 = -6,545.45; doing nothing costs 6,000 / 12 a month
        self.assertEqual(self._likely(), (12000.0, -6000.0, -50.0, 0, False, -6545.45))
        self.assertEqual(self.ws.cost_of_doing_nothing, 500.0)
        self.assertEqual(self._deal(), (-6000.0, -50.0, 0, False))
        self.ws.horizon_years = 5
        # 30,000 - 12,000 = 18,000, ROI 150%, 24 months;
        # NPV = -12,000 + 6,000 x 3.790787 = 10,744.72
        self.assertEqual(self._likely(), (12000.0, 18000.0, 150.0, 24, True, 10744.72))
        self.assertEqual(self._deal(), (18000.0, 150.0, 24, True))
        self.ws.discount_rate = 0  # undiscounted, the NPV is the net value
        self.assertEqual(self.ws.likely_npv, 18000.0)

    def test_a_benefit_made_intangible_leaves_the_figures(self):
        self.benefit.category = "image"  # scored, never summed
        self.assertEqual(self._likely(), (12000.0, -12000.0, -100.0, 0, False, -12000.0))
        self.assertEqual((self.ws.likely_total_benefit, self.ws.cost_of_doing_nothing), (0, 0))
        self.assertEqual(self._deal(), (-12000.0, -100.0, 0, False))
        self.benefit.category = "margin"
        self.assertEqual(self._deal(), (6000.0, 50.0, 24, True))


@tagged("post_install", "-at_install")
class TestWhoSeesWhat(SfaCommon):
    """A key account of another company and an account team one has left are out of sight
    in every list and every count."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.sister = env["res.company"].create({"name": "SFA Sister Company"})
        cls.sister_tier = env["sfa.key.account.tier"].create(
            {"name": "Sister key", "rule": "revenue_share", "threshold_pct": 100,
             "is_key": True, "company_id": cls.sister.id}
        )  # fmt: skip
        # a customer shared by both companies, sold to by the rep in ours
        cls.shared = cls._customers("Shared Co")
        cls.shared.user_id = cls.user_rep
        cls.ours = cls._make_ka(cls.shared, tier_id=cls.tier_a.id)
        cls.theirs = cls._make_ka(cls.shared, company=cls.sister, tier_id=cls.sister_tier.id)
        # a customer of another rep, in the same tier
        other_rep = cls._user("sfa_bite_other", "Otis Other", "sales_team.group_sale_salesman")
        cls.elsewhere = cls._customers("Elsewhere Co")
        cls.elsewhere.user_id = other_rep
        cls._make_ka(cls.elsewhere, tier_id=cls.tier_a.id)
        Plan = env["sfa.account.plan"]
        cls.our_plan = Plan.create(
            {"name": "Ours", "partner_id": cls.shared.id, "company_id": cls.company.id}
        )
        Plan.create(
            [
                {
                    "name": f"Theirs {year}",
                    "partner_id": cls.shared.id,
                    "company_id": cls.sister.id,
                    "date_start": date(year, 1, 1),
                    "date_end": date(year, 12, 31),
                }
                for year in (2026, 2027)
            ]
        )
        cls.both = mail_new_test_user(
            env,
            login="sfa_bite_both",
            name="Bo Both",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.sister).ids)],
        )

    def _as(self, records, user, **context):
        """``records`` as ``user`` sees them in a request of their own: the counts are
        computed fresh, not taken from another user's cache."""
        self.env.invalidate_all()
        return records.with_user(user).with_context(**context)

    def test_other_company_key_account_is_invisible_in_every_list_and_count(self):
        rep = self.user_rep
        KeyAccount = self.env["sfa.key.account"].with_user(rep)
        domain = [("partner_id", "in", (self.shared | self.elsewhere).ids)]
        # the rep sells to Shared Co, but only our company's record of it is theirs to see
        self.assertEqual(KeyAccount.search(domain), self.ours)
        self.assertEqual(KeyAccount.search_count(domain), 1)
        self.assertEqual(
            KeyAccount._read_group(domain, ["tier_id"], ["__count"]), [(self.tier_a, 1)]
        )
        customer = self._as(self.shared, rep)
        self.assertEqual(customer.key_account_ids, self.ours)
        # the smart buttons: 1 key account (not 2), 1 plan (not 3)
        self.assertEqual((customer.key_account_count, customer.key_account_plan_count), (1, 1))
        action = customer.action_view_key_account()
        self.assertEqual((action["res_id"], action["view_mode"]), (self.ours.id, "form"))
        self.assertEqual(self.ours.with_user(rep).plan_count, 1)
        self.assertEqual(
            self.env["sfa.account.plan"]
            .with_user(rep)
            .search([("partner_id", "=", self.shared.id)]),
            self.our_plan,
        )
        # the tier counts only the key accounts the reader may read: Elsewhere Co is another
        # rep's customer (a manager counts both)
        self.assertEqual(self._as(self.tier_a, rep).partner_count, 1)
        self.assertEqual(self._as(self.tier_a, self.user_manager).partner_count, 2)
        # a manager of both companies sees what the selected companies hold
        only_ours = self._as(self.shared, self.both, allowed_company_ids=self.company.ids)
        self.assertEqual((only_ours.key_account_count, only_ours.key_account_plan_count), (1, 1))
        both = self._as(
            self.shared, self.both, allowed_company_ids=(self.company | self.sister).ids
        )
        self.assertEqual((both.key_account_count, both.key_account_plan_count), (2, 3))

    def test_removed_team_member_loses_access_at_once(self):
        kai = self._user(
            "sfa_bite_kai", "Kai Member", "base.group_user,sfa_key_accounts.group_sfa_user"
        )
        pia = self._user(
            "sfa_bite_pia", "Pia Member", "base.group_user,sfa_key_accounts.group_sfa_user"
        )
        customer = self._customers("Team Co")
        account = self._make_ka(customer, manager_id=self.user_manager.id, tier_id=self.tier_b.id)
        kai_line, _pia_line = self.env["sfa.key.account.member"].create(
            [{"key_account_id": account.id, "user_id": user.id} for user in (kai, pia)]
        )
        plan = self.env["sfa.account.plan"].create(
            {"name": "Team plan", "partner_id": customer.id, "company_id": self.company.id}
        )

        def sight(user):
            """What ``user`` sees of the account: records found and counts."""
            as_user = self._as(customer, user)
            seen = (
                self.env["sfa.key.account"].with_user(user).search_count([("id", "=", account.id)]),
                self.env["sfa.account.plan"].with_user(user).search_count([("id", "=", plan.id)]),
                self.env["sfa.key.account.tier.history"]
                .with_user(user)
                .search_count([("key_account_id", "=", account.id)]),
                as_user.key_account_count,
                as_user.key_account_plan_count,
                self._as(self.tier_b, user).partner_count,
            )
            return seen

        self.assertEqual(sight(kai), (1, 1, 1, 1, 1, 1))
        account.with_user(self.user_manager).write({"member_ids": [Command.delete(kai_line.id)]})
        self.assertEqual(sight(kai), (0, 0, 0, 0, 0, 0))
        for record in (account, plan, plan.assessment_ids[:1]):
            with self.assertRaises(AccessError):
                record.with_user(kai).read(["display_name"])
        self.assertEqual(sight(pia), (1, 1, 1, 1, 1, 1))  # the rest of the team keeps it
