"""Two cron workers on the daily political-map job, with two real database connections (not
the test's own transaction), as on a server running ``--workers 2 --max-cron-threads 2``:
one batch at a time, each worker continuing where the other stopped, the same figures as
one worker. The test commits its own data and removes it after."""

from uuid import uuid4

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged

from odoo.addons.sfa_key_accounts.models.crm_lead import MAP_JOB_PARAM

DEALS = 4
BATCH = 2
# nobody was ever contacted: the decision maker and the approver are stale
FIGURES = ("stale_key_player", 95, "amber")


@tagged("post_install", "-at_install")
class TestMapJobTwoWorkers(BaseCase):
    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        self.name = f"SFA Map Workers {uuid4().hex[:8]}"
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            account = env["res.partner"].create({"name": self.name, "is_company": True})
            people = env["res.partner"].create(
                [{"name": f"{self.name} {n}", "parent_id": account.id} for n in ("D", "A")]
            )
            decider, approver = env["sfa.stakeholder"].create(
                [{"partner_id": p.id, "account_id": account.id} for p in people]
            )
            role = {code: env["sfa.buying.role"].search([("code", "=", code)]) for code in "AD"}
            team = env.ref("sfa_key_accounts.crm_team_key_account")
            deals = env["crm.lead"].create(
                [
                    {
                        "name": f"{self.name} deal {i}",
                        "type": "opportunity",
                        "partner_id": account.id,
                        "team_id": team.id,
                    }
                    for i in range(DEALS)
                ]
            )
            env["sfa.deal.contact"].create(
                [
                    {
                        "lead_id": deal.id,
                        "stakeholder_id": person.id,
                        "role_ids": [Command.set(role[code].ids)],
                        "attitude": attitude,
                        "time_spent": "2",
                    }
                    for deal in deals
                    for person, code, attitude in (
                        (decider, "D", "champion"),
                        (approver, "A", "support"),
                    )
                ]
            )
            env.flush_all()
            self.deal_ids = deals.ids
            # figures out of date: the job has all of them to write
            cr.execute(
                "UPDATE crm_lead SET political_map_score = 0, political_map_status = 'red', "
                "red_flag_codes = NULL WHERE id = ANY(%s)",
                [self.deal_ids],
            )
            ICP = env["ir.config_parameter"]
            self.bookmark = ICP.get_param(MAP_JOB_PARAM)
            ICP.set_param(MAP_JOB_PARAM, str(min(self.deal_ids) - 1))
        self.addCleanup(self._remove_data)

    def _remove_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            deals = env["crm.lead"].browse(self.deal_ids)
            stakeholders = deals.deal_contact_ids.stakeholder_id
            account = deals.partner_id
            deals.unlink()
            partners = stakeholders.partner_id
            stakeholders.unlink()
            (partners | account).unlink()
            env["ir.config_parameter"].set_param(MAP_JOB_PARAM, self.bookmark or "0")

    def _figures(self, cr):
        cr.execute(
            "SELECT red_flag_codes, political_map_score, political_map_status FROM crm_lead "
            "WHERE id = ANY(%s) ORDER BY id",
            [self.deal_ids],
        )
        return cr.fetchall()

    def _step(self, env):
        return env["crm.lead"]._cron_refresh_political_maps(batch_size=BATCH)

    def test_two_workers_one_batch_at_a_time(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            # A refreshes the first 2 deals, not committed yet
            self.assertEqual(self._step(env_a), DEALS - BATCH)
            # B runs meanwhile: A is inside a batch, B leaves the work to it and writes nothing
            # (were B not kept out, it would wait on A's rows: fail rather than hang)
            cr_b.execute("SET LOCAL lock_timeout = '10s'")
            self.assertEqual(self._step(env_b), 0)
            self.assertEqual(self._figures(cr_b), [(None, 0, "red")] * DEALS)
            cr_b.commit()
            cr_a.commit()
            # B continues where A stopped: the last 2 deals, and the run is over
            self.assertEqual(self._step(env_b), 0)
            cr_b.commit()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            # every deal refreshed, as one worker would have: the engine's figures
            self.assertEqual(self._figures(cr), [FIGURES] * DEALS)
            deals = env["crm.lead"].browse(self.deal_ids)
            self.assertEqual(set(deals._sfa_map_figures().values()), {FIGURES})
            # the next run starts over
            cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [MAP_JOB_PARAM])
            self.assertEqual(cr.fetchone(), ("0",))
