from datetime import timedelta

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.base.controllers.rpc import dumps
from odoo.addons.sfa_key_accounts.models.crm_lead import OPEN_DEALS, CrmLead

from .common import QUALIFIED, SfaDealCommon

KEY_STAGES = [
    "Confirm the opportunity",
    "Lead the process",
    "Prove the solution",
    "Negotiate",
    "Close the sale",
    "Won",
]


@tagged("post_install", "-at_install")
class TestStageGates(SfaDealCommon):
    """The key-account pipeline's gates hold whatever the route, the caller or the order of
    the changes; the pipeline shows its own stages."""

    CUSTOMER = "Gated Co"
    PEOPLE = ("Dan Decider", "Ann Approver", "Earl Evaluator")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dan, cls.ann, cls.earl = cls.people
        shared = cls.env["crm.stage"].search([("team_id", "=", False)])
        cls.generic_new = shared.filtered(lambda s: not s.is_won)[:1]
        cls.generic_won = shared.filtered("is_won")[:1]

    # --- 1. no route around a gate ------------------------------------------------------------
    def test_override_flag_in_the_context_cannot_be_forged(self):
        """What an RPC client can put in a context (booleans, numbers, strings) opens nothing,
        even for a sales manager: only the override wizard moves past a gate."""
        deal = self._deal("Forged", self.confirm)
        for forged in (True, 1, "1", "sfa_gate_override"):
            with self.assertRaisesRegex(UserError, "the need is not confirmed"):
                deal.with_user(self.user_manager).with_context(sfa_gate_override=forged).write(
                    {"stage_id": self.lead_process.id}
                )
        self.assertEqual(deal.stage_id, self.confirm)

    def test_override_wizard_is_for_managers_with_a_reason(self):
        deal = self._deal("Overridden", self.confirm)
        Wizard = self.env["sfa.stage.gate.override"]
        wizard = Wizard.create(
            {"lead_id": deal.id, "stage_id": self.lead_process.id, "reason": "Framework deal"}
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_rep).action_confirm()
        blank = Wizard.create({"lead_id": deal.id, "stage_id": self.lead_process.id, "reason": " "})
        with self.assertRaisesRegex(UserError, "reason"):
            blank.with_user(self.user_manager).action_confirm()
        elsewhere = Wizard.create(
            {"lead_id": deal.id, "stage_id": self.generic_new.id, "reason": "Other pipeline"}
        )
        with self.assertRaisesRegex(UserError, "not a stage of"):
            elsewhere.with_user(self.user_manager).action_confirm()
        self.assertEqual(deal.stage_id, self.confirm)
        self.assertEqual(
            wizard.with_user(self.user_manager).action_confirm(),
            {"type": "ir.actions.act_window_close"},
        )
        self.assertEqual(deal.stage_id, self.lead_process)
        self.assertIn("Framework deal", deal.message_ids[0].body)

    def test_computed_figures_cannot_be_written(self):
        deal = self._deal("Honest", self.lead_process)
        before = (deal.red_flag_codes, deal.political_map_score, deal.political_map_status)
        self.assertEqual(before, ("no_decision_maker,no_approver,no_champion", 40, "red"))
        forged = {
            "political_map_score": 100,
            "political_map_status": "green",
            "red_flag_codes": False,
            "value_worksheet_id": False,
            "likely_net_value": 1_000_000,
            "likely_roi": 900.0,
            "likely_payback_months": 1,
            "likely_pays_back": True,
        }
        for user in (self.user_rep, self.user_manager):
            for fname, value in forged.items():
                with self.assertRaisesRegex(UserError, "cannot be set by hand"):
                    deal.with_user(user).write({fname: value})
        with self.assertRaisesRegex(UserError, "Map Score"):
            self.env["crm.lead"].with_user(self.user_rep).create(
                {"name": "Forged green", "type": "opportunity", "political_map_score": 100}
            )
        deal.invalidate_recordset()
        self.assertEqual(
            (deal.red_flag_codes, deal.political_map_score, deal.political_map_status), before
        )
        self.assertEqual((deal.likely_net_value, deal.likely_pays_back), (0.0, False))

    # --- 2. the key-account pipeline shows its own stages -------------------------------------
    def test_kanban_of_the_team_shows_only_its_stages(self):
        self._deal("In the pipeline", self.lead_process)
        groups = (
            self.env["crm.lead"]
            .with_context(default_team_id=self.team.id)
            .read_group([("team_id", "=", self.team.id)], ["stage_id"], ["stage_id"])
        )
        self.assertEqual([g["stage_id"][1] for g in groups], KEY_STAGES)
        # a team without stages of its own keeps the shared ones
        sales = self.env["crm.team"].create({"name": "Ordinary sales"})
        groups = (
            self.env["crm.lead"]
            .with_context(default_team_id=sales.id)
            .read_group([("team_id", "=", sales.id)], ["stage_id"], ["stage_id"])
        )
        names = [g["stage_id"][1] for g in groups]
        self.assertIn(self.generic_new.name, names)
        self.assertNotIn("Negotiate", names)

    def test_key_account_pipeline_opens_on_its_stages_in_order(self):
        """The menu's pipeline shows the five stages of the process, then the folded Won."""
        self._deal("In the pipeline", self.prove)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sfa_key_accounts.crm_lead_action_key_pipeline"
        )
        self.assertEqual(action["view_mode"].split(",")[0], "kanban")
        context = safe_eval(action["context"], {"ref": self.env.ref})
        domain = safe_eval(action["domain"], {"ref": self.env.ref})
        groups = (
            self.env["crm.lead"]
            .with_user(self.user_rep)
            .with_context(**context)
            .web_read_group(domain, ["stage_id"], ["stage_id"])["groups"]
        )
        self.assertEqual([g["stage_id"][1] for g in groups], KEY_STAGES)
        self.assertEqual([g["__fold"] for g in groups], [False] * 5 + [True])

    def test_statusbar_shows_only_the_team_stages(self):
        deal = self._deal("Statusbar", self.lead_process)
        arch = self.env["crm.lead"].get_views([(False, "form")])["views"]["form"]["arch"]
        node = etree.fromstring(arch).xpath("//header/field[@name='stage_id']")[0]
        values = {
            "id": deal.id,
            "team_id": deal.team_id.id,
            "stage_id": deal.stage_id.id,
            "sfa_stage_ids": deal.sfa_stage_ids.ids,
        }
        domain = safe_eval(node.get("domain"), values)
        self.assertEqual(self.env["crm.stage"].search(domain).mapped("name"), KEY_STAGES)

    def test_team_without_its_own_won_stage_keeps_the_shared_won(self):
        team = self.env["crm.team"].create({"name": "Two steps", "sfa_own_stages": True})
        first, second = self.env["crm.stage"].create(
            [
                {"name": "Step one", "sequence": 201, "team_id": team.id},
                {"name": "Step two", "sequence": 202, "team_id": team.id},
            ]
        )
        deal = self.env["crm.lead"].create(
            {"name": "Two-step deal", "type": "opportunity", "team_id": team.id}
        )
        self.assertEqual(deal.stage_id, first)  # a new deal starts in the team's first stage
        self.assertEqual(deal.sfa_stage_ids, first | second)
        deal.action_set_won()  # the Won button still finds the shared won stage
        self.assertEqual(deal.stage_id, self.generic_won)

    def test_close_the_sale_is_open_and_won_is_its_own_stage(self):
        """Close (销售成交) is the last stage of the process: the deal is still open there
        (competitors can still spoil it before signature); the Won button moves it on to the
        team's Won stage (docs/method.md §2)."""
        self.assertEqual((self.close.is_won, self.won.is_won), (False, True))
        self.assertTrue(self.won.fold)
        self.assertEqual(self.team._sfa_pipeline_stages()[self.team.id][-2:], self.close | self.won)
        deal = self._deal("At the close", self.negotiate, **QUALIFIED)
        self._map(deal, (self.dan, "D", "champion"), (self.ann, "A", "support"))
        worksheet = self.env["sfa.value.worksheet"].browse(
            deal.action_open_value_worksheet()["res_id"]
        )
        self.env["sfa.value.benefit"].create(
            {"worksheet_id": worksheet.id, "category": "cost_saving", "likely_amount": 9000}
        )
        deal.stage_id = self.close
        self.assertEqual(deal.stage_id, self.close)
        self.assertTrue(deal.active)
        self.assertLess(deal.probability, 100.0)
        self.assertFalse(deal.date_closed)
        self.assertIn(deal, self.env["crm.lead"].search(OPEN_DEALS))
        deal.action_set_won()
        self.assertEqual((deal.stage_id, deal.probability), (self.won, 100.0))
        self.assertTrue(deal.date_closed)

    def test_new_key_account_deal_starts_in_the_first_key_stage(self):
        deal = self.env["crm.lead"].create(
            {"name": "Fresh", "type": "opportunity", "team_id": self.team.id}
        )
        self.assertEqual(deal.stage_id, self.confirm)

    # --- 3. every gate on the way --------------------------------------------------------------
    def test_skipping_a_stage_passes_its_gate_too(self):
        deal = self._deal("Jumper", self.confirm, **QUALIFIED)
        with self.assertRaisesRegex(UserError, "no decision maker on the political map"):
            deal.stage_id = self.negotiate  # Lead the process's map gate lies on the way
        self.assertEqual(deal.stage_id, self.confirm)

    def test_no_detour_through_a_shared_stage(self):
        deal = self._deal("Detour", self.lead_process, **QUALIFIED)
        deal.stage_id = self.generic_new  # moving back is free
        self.assertEqual(deal.stage_id, self.generic_new)
        with self.assertRaisesRegex(UserError, "cannot leave Lead the process"):
            deal.stage_id = self.negotiate
        with self.assertRaisesRegex(UserError, "no approver on the political map"):
            deal.stage_id = self.generic_won
        self.assertEqual(deal.stage_id, self.generic_new)

    def test_won_moves_pass_every_gate_from_where_the_deal_is(self):
        self.prove.sfa_gate = False  # only the map gate of Lead the process on the way
        deal = self._deal("Early win", self.lead_process, **QUALIFIED)
        # the shared Won has a lower sequence than Lead the process: still a forward move
        with self.assertRaisesRegex(UserError, "no decision maker"):
            deal.stage_id = self.generic_won
        with self.assertRaisesRegex(UserError, "no decision maker"):
            deal.action_set_won()
        self.assertEqual(deal.stage_id, self.lead_process)
        self._map(
            deal,
            (self.dan, "D", "champion"),
            (self.ann, "A", "support"),
        )
        deal.action_set_won()
        self.assertEqual(deal.stage_id, self.won)

    def test_creating_a_deal_in_a_later_stage_passes_the_gates(self):
        """Creating a deal straight in *Prove* or won is no way around the gates."""
        Lead = self.env["crm.lead"].with_user(self.user_rep)
        vals = {
            "name": "Straight to prove",
            "type": "opportunity",
            "partner_id": self.account.id,
            "team_id": self.team.id,
            "user_id": self.user_rep.id,
            "company_id": self.company.id,
        }
        for stage in (self.prove, self.stage_won, self.lead_process):
            with self.assertRaisesRegex(UserError, "cannot leave"), self.cr.savepoint():
                Lead.create({**vals, "stage_id": stage.id})
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Straight to prove")]))
        # qualified, it may start in Lead the process; in its first stage it always may
        lead = Lead.create({**vals, **QUALIFIED, "stage_id": self.lead_process.id})
        self.assertEqual(lead.stage_id, self.lead_process)
        self.assertEqual(Lead.create({**vals, "stage_id": self.confirm.id}).stage_id, self.confirm)

    def test_moving_back_is_free(self):
        deal = self._deal("Rewind", self.negotiate)
        deal.stage_id = self.confirm
        self.assertEqual(deal.stage_id, self.confirm)

    def test_warning_gates_on_the_way_are_all_noted(self):
        (self.confirm | self.lead_process).sfa_gate_mode = "warning"
        deal = self._deal("Warned", self.confirm)
        deal.stage_id = self.prove
        self.assertEqual(deal.stage_id, self.prove)
        note = deal.message_ids[0].body
        self.assertIn("Confirm the opportunity", note)
        self.assertIn("the budget is not confirmed", note)
        self.assertIn("Lead the process", note)
        self.assertIn("no approver on the political map", note)

    def test_every_blocked_gate_is_listed(self):
        self.prove.write({"sfa_gate": "value_worksheet", "sfa_gate_mode": "blocking"})
        deal = self._deal("All at once", self.confirm)
        with self.assertRaises(UserError) as error:
            deal.stage_id = self.negotiate
        message = str(error.exception)
        for expected in (
            "All at once cannot leave Confirm the opportunity yet:\n- the need is not confirmed",
            "All at once cannot leave Lead the process yet:\n- no decision maker",
            "All at once cannot leave Prove the solution yet:\n- no value worksheet",
        ):
            self.assertIn(expected, message)

    # --- 4. a gate judges the record as it will be ---------------------------------------------
    def test_last_box_and_the_move_in_one_save(self):
        deal = self._deal("One save", self.confirm, **dict(QUALIFIED, sfa_timeline_confirmed=False))
        deal.write({"sfa_timeline_confirmed": True, "stage_id": self.lead_process.id})
        self.assertEqual(deal.stage_id, self.lead_process)

    def test_map_completed_and_the_move_in_one_save(self):
        deal = self._deal("Map and move", self.lead_process, **QUALIFIED)
        self._map(deal, (self.dan, "D", "champion"))
        deal.write(
            {
                "stage_id": self.prove.id,
                "deal_contact_ids": [
                    Command.create(
                        {
                            "stakeholder_id": self.ann.id,
                            "role_ids": [Command.set(self.role["A"].ids)],
                            "attitude": "support",
                            "time_spent": "2",
                        }
                    )
                ],
            }
        )
        self.assertEqual(deal.stage_id, self.prove)

    def test_unticking_a_box_while_moving_is_refused_and_changes_nothing(self):
        deal = self._deal("Backslider", self.confirm, **QUALIFIED)
        with self.assertRaisesRegex(UserError, "the budget is not confirmed"):
            deal.write({"sfa_budget_confirmed": False, "stage_id": self.lead_process.id})
        self.assertEqual((deal.stage_id, deal.sfa_budget_confirmed), (self.confirm, True))

    # --- 7. honest figures ---------------------------------------------------------------------
    def _meet(self, partner, days_ago):
        return self.env["calendar.event"].create(
            {
                "name": f"Meeting {partner.name}",
                "start": fields.Datetime.now() - timedelta(days=days_ago, hours=1),
                "stop": fields.Datetime.now() - timedelta(days=days_ago),
                "partner_ids": [Command.link(partner.id)],
            }
        )

    def test_meetings_and_messages_refresh_the_map_at_once(self):
        deal = self._deal("Fresh map", self.lead_process)
        self._map(deal, (self.dan, "D", "champion"), (self.ann, "A", "support"))
        self.assertEqual(deal.red_flag_codes, "stale_key_player")
        meeting = self._meet(self.dan.partner_id, 2)
        self.assertEqual(deal.red_flag_codes, "stale_key_player")  # Ann still never contacted
        self.ann.partner_id.message_post(body="Called Ann about the budget", message_type="comment")
        self.assertEqual(
            (deal.red_flag_codes, deal.political_map_score, deal.political_map_status),
            (False, 100, "green"),
        )
        meeting.write(
            {
                "start": fields.Datetime.now() - timedelta(days=60, hours=1),
                "stop": fields.Datetime.now() - timedelta(days=60),
            }
        )
        self.assertEqual(deal.red_flag_codes, "stale_key_player")  # Dan: 60 days ago
        meeting.unlink()
        self.assertEqual(deal.red_flag_codes, "stale_key_player")

    def test_map_refresh_is_batched(self):
        """Marking the maps of 3 or 30 people's deals costs the same queries."""
        counts = []
        for size in (3, 30):
            people = self.env["res.partner"].create(
                [{"name": f"Batch {size}-{i}", "parent_id": self.account.id} for i in range(size)]
            )
            stakeholders = self.env["sfa.stakeholder"].create(
                [{"partner_id": p.id, "account_id": self.account.id} for p in people]
            )
            for stakeholder in stakeholders:
                deal = self._deal(f"Batch deal {stakeholder.name}", self.lead_process)
                self._map(deal, (stakeholder, "D", "champion"))
            self.env.flush_all()
            start = self.cr.sql_log_count
            self.env["crm.lead"]._sfa_refresh_maps_of(people)
            counts.append(self.cr.sql_log_count - start)
        self.assertEqual(counts[0], counts[1], counts)

    def test_unknown_flag_code_never_breaks_a_deal(self):
        deal = self._deal("Old flags", self.lead_process)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET red_flag_codes = 'no_approver,flag_of_an_old_version' "
            "WHERE id = %s",
            [deal.id],
        )
        deal.invalidate_recordset()
        html = str(deal.red_flag_html)
        self.assertIn("No approver", html)
        self.assertIn("flag_of_an_old_version", html)
        self.assertEqual(
            deal._sfa_gate_missing("political_map"), ["no approver on the political map"]
        )

    # --- 8. buttons answer XML-RPC -------------------------------------------------------------
    def test_buttons_return_values_that_marshal(self):
        deal = self._deal("Buttons", self.lead_process)
        self._map(deal, (self.dan, "D", "champion"))
        buttons = sorted(name for name in vars(CrmLead) if name.startswith("action_"))
        self.assertIn("action_print_political_map", buttons)
        for name in buttons:
            result = getattr(deal, name)()
            self.assertIsNotNone(result, name)
            self.assertTrue(dumps((result,)), name)  # TypeError on None anywhere inside
        wizard = Form(self.env["sfa.stage.gate.override"].with_context(default_lead_id=deal.id))
        wizard.stage_id = self.prove
        wizard.reason = "Known approver"
        result = wizard.save().action_confirm()
        self.assertTrue(dumps((result,)))
