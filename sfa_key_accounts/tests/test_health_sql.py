"""The health of saved account plans is computed in SQL (``sfa.account.plan._sfa_health_query``,
read by the ORM's compute and written by the bulk ``_sfa_recompute_health``) as
engine/health.py specifies: the engine's figures on hand-worked answers, edge cases and random
answers, and the key accounts' copy follows."""

import random

from odoo.tests import tagged

from odoo.addons.sfa_key_accounts.engine import health

from .common import SfaCommon

PART_FIELDS = [f"health_{kind}" for kind in health.PLAN_KINDS]


@tagged("post_install", "-at_install")
class TestHealthSqlMatchesEngine(SfaCommon):
    def _plans(self, count, prefix):
        partners = self._customers(*(f"{prefix} {i}" for i in range(count)))
        accounts = self.env["sfa.key.account"].create(
            [{"partner_id": p.id, "company_id": self.company.id} for p in partners]
        )
        plans = self._plans_2026(partners)
        self.assertEqual(accounts.current_plan_id, plans)
        return plans, accounts

    def _answers(self, plan, kind):
        return plan.assessment_ids.filtered(lambda a: a.kind == kind).sorted("sequence")

    def _store(self, plans, answers):
        """Write answers as saved rows, bypassing the ORM (a weight of its own per answer, as
        after a criterion's change): {answer: (weight, present, score)}; the stored health
        figures are left stale (-1) so that the recompute writes them."""
        self.env.flush_all()
        ids = [a.id for a in answers]
        weights, presents, scores = zip(*answers.values(), strict=True)
        self.env.cr.execute(
            """UPDATE sfa_account_plan_assessment a
                  SET weight = v.weight, present = v.present, score = v.score
                 FROM unnest(%s::int[], %s::float8[], %s::bool[], %s::varchar[])
                      AS v(id, weight, present, score)
                WHERE a.id = v.id""",
            [ids, list(weights), list(presents), list(scores)],
        )
        self.env.cr.execute(
            "UPDATE sfa_account_plan SET health_score = -1 WHERE id = ANY(%s)", [plans.ids]
        )
        self.env.invalidate_all()

    def _engine(self, plan):
        """The engine's figures of a plan from its saved answers (as for an unsaved plan)."""
        Plan = self.env["sfa.account.plan"]
        return Plan._sfa_health_fields(Plan._sfa_health_parts_in_memory(plan.assessment_ids))

    def _assert_figures(self, values, expected):
        for fname, value in expected.items():
            if value is None or isinstance(value, bool):
                self.assertIs(values[fname], value, fname)
            else:
                self.assertAlmostEqual(values[fname], value, places=9, msg=fname)

    def _assert_sql_equals_engine(self, plans, accounts):
        expected = {plan: self._engine(plan) for plan in plans}
        # the ORM's compute of saved plans reads the SQL figures
        for plan, values in plans._sfa_health_values().items():
            with self.subTest(plan=plan.name, path="compute"):
                self._assert_figures(values, expected[plan])
        # the bulk recompute writes them, and the key accounts' copy
        plans._sfa_recompute_health()
        for plan, account in zip(plans, accounts, strict=True):
            with self.subTest(plan=plan.name, path="recompute"):
                self._assert_figures(
                    {fname: plan[fname] for fname in expected[plan]}, expected[plan]
                )
                self._assert_figures(
                    {"health_score": account.health, "health_assessed": account.health_assessed},
                    {f: expected[plan][f] for f in ("health_score", "health_assessed")},
                )
        self.assertFalse(plans._sfa_recompute_health())  # nothing left to change
        return expected

    def test_hand_worked(self):
        """engine/health.py's worked example and the cases where a part is empty or 0."""
        plans, accounts = self._plans(5, "Hand Worked")
        worked, nothing, zero, weightless, null_weight = plans
        answers = {}
        # 3 of 10 signals of weight 10 -> 30; indicators 4 and 2 on 60 and 40 -> 55;
        # (40 x 30 + 30 x 55) / 70 = 2850 / 70. Willingness answers left on the plan from
        # before 1.6 (the status analysis is a person's now) count for nothing.
        for i, a in enumerate(self._answers(worked, health.SIGNAL)):
            answers[a] = (10, i < 3, None)
        for a, vals in zip(
            self._answers(worked, health.INDICATOR),
            ((60, False, "4"), (40, False, "2")),
            strict=False,
        ):
            answers[a] = vals
        leftovers = self.env["sfa.account.plan.assessment"].create(
            [
                {"plan_id": worked.id, "criterion_id": self.env.ref(f"sfa_key_accounts.{x}").id}
                for x in ("status_willingness_01", "status_quality_01")
            ]
        )
        answers[leftovers[0]] = (50, False, "5")
        answers[leftovers[1]] = (50, False, "1")
        # indicators all 1 of 5, nothing else answered: health 0, which is assessed (not empty)
        for a in self._answers(zero, health.INDICATOR):
            answers[a] = (20, False, "1")
        # signals ticked and indicators answered, but all weighing nothing: not assessed
        for a in self._answers(weightless, health.SIGNAL):
            answers[a] = (0, True, None)
        for a in self._answers(weightless, health.INDICATOR):
            answers[a] = (0, False, "5")
        # an answer without weight weighs nothing: indicators (0 x 1 + 10 x 0.5) / 10 = 50
        for a, vals in zip(
            self._answers(null_weight, health.INDICATOR),
            ((None, False, "5"), (10, False, "3")),
            strict=False,
        ):
            answers[a] = vals
        self._store(plans, answers)
        expected = self._assert_sql_equals_engine(plans, accounts)
        self.assertAlmostEqual(expected[worked]["health_score"], 2850 / 70)
        self.assertEqual([expected[worked][f] for f in PART_FIELDS], [30.0, 55.0])
        self.assertIsNone(expected[nothing]["health_score"])
        self.assertFalse(expected[nothing]["health_assessed"])
        self.assertEqual(expected[zero]["health_score"], 0.0)
        self.assertTrue(expected[zero]["health_assessed"])
        self.assertEqual(
            [expected[weightless][f] for f in ("health_score", *PART_FIELDS)], [None] * 3
        )
        self.assertEqual(expected[null_weight]["health_indicator"], 50.0)
        self.assertEqual(expected[null_weight]["health_score"], 50.0)
        self.assertAlmostEqual(worked.health_score, 2850 / 70)
        self.assertAlmostEqual(accounts[0].health, 2850 / 70)

    def test_random_answers(self):
        rng = random.Random(20261211)
        plans, accounts = self._plans(40, "Random Health")
        weights = (None, 0, 0.5, 2.5, 7.3, 10, 12.25, 33.33, 50, 100)
        answers = {}
        for plan in plans:
            for kind in health.PLAN_KINDS:
                # per part: nothing answered, some answers or all of them
                share = rng.choice((0, 0.3, 0.7, 1))
                for a in self._answers(plan, kind):
                    answered = rng.random() < share
                    if kind == health.SIGNAL:
                        answers[a] = (rng.choice(weights), answered, None)
                    else:
                        score = str(rng.randint(health.MIN_SCORE, health.MAX_SCORE))
                        answers[a] = (rng.choice(weights), False, score if answered else None)
        self._store(plans, answers)
        expected = self._assert_sql_equals_engine(plans, accounts)
        # the random set reaches every case: empty and scored parts, assessed or not
        for fname in ("health_score", *PART_FIELDS):
            figures = [values[fname] for values in expected.values()]
            self.assertIn(None, figures, fname)
            self.assertTrue(any(f is not None for f in figures), fname)
