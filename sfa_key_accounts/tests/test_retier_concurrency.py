"""Two cron workers on the monthly 80/20 job, with two real database connections (not the
test's own transaction): what one commits the other sees, as on a server running
``--workers 2 --max-cron-threads 2``. The test commits its own data and removes it after."""

from datetime import datetime
from uuid import uuid4

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged

CUSTOMERS = 30
BATCH = 10


@tagged("post_install", "-at_install")
class TestRetierTwoWorkers(BaseCase):
    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        self.name = f"SFA Two Workers {uuid4().hex[:8]}"
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = env["res.company"].create({"name": self.name})
            self.company_id = company.id
            env["sfa.key.account.tier"]._for_company(company)
            partners = env["res.partner"].create(
                [
                    {"name": f"{self.name} customer {i:02d}", "is_company": True}
                    for i in range(CUSTOMERS)
                ]
            )
            won = env["crm.stage"].search([("is_won", "=", True)], limit=1)
            env["crm.lead"].create(
                [
                    {
                        "name": f"Won {i}",
                        "type": "opportunity",
                        "partner_id": partner.id,
                        # 1000, 2000, ... 30000: distinct, so the ranking has no ties
                        "expected_revenue": 1000 * (i + 1),
                        "stage_id": won.id,
                        "date_closed": datetime.now(),
                        "company_id": company.id,
                    }
                    for i, partner in enumerate(partners)
                ]
            )
            env["ir.config_parameter"].set_param("sfa_key_accounts.retier_auto_apply", "1")
        self.addCleanup(self._remove_data)

    def _remove_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env["res.company"].browse(self.company_id)
            env["sfa.key.account.selection"].search([("company_id", "=", company.id)]).unlink()
            accounts = env["sfa.key.account"].search([("company_id", "=", company.id)])
            accounts.tier_history_ids.unlink()
            accounts.unlink()
            env["crm.lead"].with_context(active_test=False).search(
                [("company_id", "=", company.id)]
            ).unlink()
            env["res.partner"].search([("name", "like", f"{self.name} customer")]).unlink()
            env["sfa.key.account.tier"].search([("company_id", "=", company.id)]).unlink()
            env["ir.config_parameter"].set_param("sfa_key_accounts.retier_auto_apply", "")
            company.active = False

    def _step(self, env):
        company = env["res.company"].browse(self.company_id)
        return env["sfa.key.account.selection"]._retier_step(company, BATCH)

    def test_two_workers_no_duplicates_nothing_lost(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            # A ranks the 30 customers and applies the first 10, not committed yet
            self.assertEqual(self._step(env_a), 20)
            # B runs meanwhile: A is inside a batch, B leaves the work to it and writes nothing
            # (were B not kept out, it would wait on A's rows: fail rather than hang)
            cr_b.execute("SET LOCAL lock_timeout = '10s'")
            self.assertEqual(self._step(env_b), 0)
            cr_b.commit()
            cr_a.commit()
            # then each worker continues the same run where the other stopped
            self.assertEqual(self._step(env_b), 10)
            cr_b.commit()
            self.assertEqual(self._step(env_a), 0)
            cr_a.commit()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            accounts = env["sfa.key.account"].search([("company_id", "=", self.company_id)])
            self.assertEqual(len(accounts), CUSTOMERS)  # one record per customer, none twice
            # every customer changed tier once (from none), and exactly one history row says so
            cr.execute(
                "SELECT count(*), count(DISTINCT key_account_id) FROM "
                "sfa_key_account_tier_history WHERE company_id = %s",
                [self.company_id],
            )
            self.assertEqual(cr.fetchone(), (CUSTOMERS, CUSTOMERS))
            self.assertEqual(sorted(accounts.mapped("rank")), list(range(1, CUSTOMERS + 1)))
            # nothing lost: a fresh ranking proposes no change at all
            wizard = env["sfa.key.account.selection"].create({"company_id": self.company_id})
            wizard.action_compute()
            self.assertEqual((wizard.customer_count, wizard.change_count), (CUSTOMERS, 0))
            # one run of the job, all of it applied
            jobs = env["sfa.key.account.selection"].search(
                [("is_job", "=", True), ("company_id", "=", self.company_id)]
            )
            self.assertEqual(len(jobs), 1)
            self.assertFalse(jobs._pending_count())
