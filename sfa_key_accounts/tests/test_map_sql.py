"""The political maps in SQL (crm.lead ``_sfa_map_figures_sql``, what the daily job and
``_sfa_recompute_maps`` store) give what the engine (engine/politics.py, through
``_sfa_map_figures``) specifies: hand-worked maps, then random ones, with people met, written
to or never contacted around the stale limit, archived roles and deals without people."""

import random
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.sfa_key_accounts.engine import politics
from odoo.addons.sfa_key_accounts.models.crm_lead import STALE_DAYS_PARAM

from .common import SfaDealCommon


@tagged("post_install", "-at_install")
class TestMapSqlMatchesEngine(SfaDealCommon):
    CUSTOMER = "Map SQL Co"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = fields.Datetime.now()
        cls.other_team = cls.env["crm.team"].create(
            {"name": "No Maps", "sfa_use_political_map": False}
        )

    def _people(self, count, prefix="Person"):
        partners = self.env["res.partner"].create(
            [{"name": f"{prefix} {i}", "parent_id": self.account.id} for i in range(count)]
        )
        return self.env["sfa.stakeholder"].create(
            [{"partner_id": p.id, "account_id": self.account.id} for p in partners]
        )

    def _put(self, deal, person, codes, attitude, **vals):
        return self.env["sfa.deal.contact"].create(
            {
                "lead_id": deal.id,
                "stakeholder_id": person.id,
                "role_ids": [Command.set([self.role[code].id for code in codes])],
                "attitude": attitude,
                **vals,
            }
        )

    def _meet(self, partners, days_ago, hours=1):
        start = self.now - timedelta(days=days_ago, hours=hours)
        return self.env["calendar.event"].create(
            {
                "name": "Meeting",
                "start": start,
                "stop": start + timedelta(minutes=30),
                "partner_ids": [Command.set(partners.ids)],
            }
        )

    def _message(self, partner, days_ago, how):
        """A message by ``partner`` (author), to them (recipient) or on their record (note)."""
        vals = {
            "body": "Hello",
            "message_type": "comment",
            "date": self.now - timedelta(days=days_ago, hours=2),
            "model": "res.partner",
            "res_id": self.account.id,
        }
        if how == "author":
            vals["author_id"] = partner.id
        elif how == "recipient":
            vals["partner_ids"] = [Command.link(partner.id)]
        else:
            vals["res_id"] = partner.id
        return self.env["mail.message"].create(vals)

    def _figures(self, deals):
        """(engine, SQL): {lead id: (codes, score, status)} as stored."""
        with freeze_time(self.now):
            engine = {lead.id: figures for lead, figures in deals._sfa_map_figures().items()}
            rows = self.env.execute_query(deals._sfa_map_figures_sql())
        sql = {
            lead_id: (codes or False, score, status or False)
            for lead_id, codes, score, status in rows
        }
        return engine, sql

    def test_hand_worked_maps(self):
        dora, abe, eli, uma = self._people(4, "Hand")
        met = self._people(1, "Met")
        self._meet(dora.partner_id | abe.partner_id, 2)
        self._meet(met.partner_id, 30)  # 30 days and an hour: not stale yet (> 30)
        self._message(uma.partner_id, 31, "note")  # 31 days: stale
        expected = {}

        def deal(name, figures, team=None):
            record = self._deal(name, self.lead_process, team_id=(team or self.team).id)
            expected[record.id] = figures
            return record

        deal("Empty", ("no_decision_maker,no_approver,no_champion", 40, "red"))
        deal("Empty, no map team", (False, 0, False), self.other_team)
        single = deal("Single", ("single_threaded", 90, "amber"))
        self._put(single, dora, "DA", "champion", time_spent="2", influence="high")
        green = deal("Green", (False, 100, "green"), self.other_team)
        self._put(green, dora, "D", "champion", time_spent="3")
        self._put(green, abe, "A", "support", time_spent="2")
        self._put(green, eli, "E", "hostile", time_spent="0")  # not core, not a decider
        against = deal(
            "Against",
            ("key_player_against,hostile_core,key_player_not_met,stale_key_player", 50, "red"),
        )
        self._put(against, dora, "D", "hostile", time_spent="1")
        dora.circle = "core"
        self._put(against, eli, "A", "support", time_spent="0")  # never contacted
        self._put(against, abe, "E", "champion", time_spent="1")
        nobody = deal(
            "Nobody deciding",
            (
                "no_decision_maker,no_approver,no_champion,hostile_core,single_threaded,"
                "stale_key_player",
                15,
                "red",
            ),
        )
        self._put(nobody, uma, "U", "hostile", influence="high")
        uma.circle = "core"
        boundary = deal("Thirty days", ("no_champion", 90, "amber"))
        self._put(boundary, met, "AD", "support", time_spent="2")
        self._put(boundary, abe, "U", "neutral")
        late = deal("Thirty-one days", ("no_champion,stale_key_player", 85, "amber"))
        self._put(late, uma, "AD", "support", time_spent="2")
        self._put(late, abe, "U", "neutral")
        deals = self.env["crm.lead"].browse(list(expected))
        engine, sql = self._figures(deals)
        self.assertEqual(engine, expected)
        self.assertEqual(sql, expected)
        # an archived role plays no part (the decision maker of "Single" is gone)
        self.role["D"].active = False
        engine, sql = self._figures(single)
        self.assertEqual(engine[single.id], ("no_decision_maker,single_threaded", 65, "red"))
        self.assertEqual(sql, engine)
        self.role["D"].active = True
        # with a limit of one day, the meeting of two days ago is stale too
        self.env["ir.config_parameter"].set_param(STALE_DAYS_PARAM, "1")
        engine, sql = self._figures(deals)
        self.assertEqual(engine[green.id], ("stale_key_player", 95, "amber"))
        self.assertEqual(sql, engine)

    def test_random_maps(self):
        rng = random.Random(20261203)
        people = self._people(12, "Random")
        for person in people:
            person.circle = rng.choice(("core", "influence", "outside"))
        partners = people.partner_id
        for _ in range(10):
            self._meet(
                partners.browse(rng.sample(partners.ids, rng.randint(1, 3))),
                rng.choice((0, 1, 6, 7, 29, 30, 31, 60, 400)),
                rng.choice((1, 23)),
            )
        for _ in range(8):
            self._message(
                partners.browse(rng.choice(partners.ids)),
                rng.choice((0, 3, 7, 8, 30, 31, 90)),
                rng.choice(("author", "recipient", "note")),
            )
        deals = self.env["crm.lead"]
        for i in range(40):
            deal = self._deal(
                f"Random {i}",
                self.lead_process,
                team_id=rng.choice((self.team, self.other_team)).id,
            )
            for person in rng.sample(list(people), rng.choice((0, 1, 1, 2, 3, 4, 6))):
                codes = "".join(c for c in "ACDEU" if rng.random() < 0.3)
                self._put(
                    deal,
                    person,
                    codes,
                    rng.choice(politics.ATTITUDES),
                    influence=rng.choice(politics.INFLUENCES),
                    time_spent=rng.choice("0123"),
                )
            deals |= deal
        for stale_days in ("30", "7", "not a number"):
            with self.subTest(stale_days=stale_days):
                self.env["ir.config_parameter"].set_param(STALE_DAYS_PARAM, stale_days)
                engine, sql = self._figures(deals)
                self.assertEqual(sql, engine)
                # the random maps are not all alike
                self.assertGreater(len({figures[2] for figures in engine.values()}), 2)
        # what the job and _sfa_recompute_maps store is the engine's figures
        with freeze_time(self.now):
            deals._sfa_recompute_maps()
            stored = {
                lead.id: (lead.red_flag_codes, lead.political_map_score, lead.political_map_status)
                for lead in deals
            }
            engine = {lead.id: figures for lead, figures in deals._sfa_map_figures().items()}
            self.assertEqual(stored, engine)
            self.assertFalse(deals._sfa_refresh_map_figures())  # nothing left to write
