"""The figures of stored targets in SQL (``progress_sql``: attainment, growth, expected by
today with the seasonality of splits by period, pace) are what the engine's formulas
(engine/targets.py) and ``SfaSalesTarget._seasonality`` give, on hand-worked and random
targets and figures, half cents included."""

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.sfa_key_accounts.engine import targets as engine
from odoo.addons.sfa_key_accounts.models.sfa_sales_target import progress_sql

from .test_sales_targets import SfaTargetCommon


@tagged("post_install", "-at_install")
class TestTargetProgressSqlMatchesEngine(SfaTargetCommon):
    def _progress(self, figures, today):
        """{target: (achieved, last year, attainment, growth, expected, pace)} of
        ``figures`` ({target: (achieved, last year)}, as text) by ``progress_sql``."""
        values = SQL(", ").join(
            SQL("(%s, %s::numeric, %s::numeric)", target.id, achieved, last_year)
            for target, (achieved, last_year) in figures.items()
        )
        relation = SQL("SELECT * FROM (VALUES %s) AS f(key, achieved, last_year)", values)
        ids = [target.id for target in figures]
        self.env.cr.execute(progress_sql(relation, ids, today))
        by_id = {row[0]: (*(float(v) for v in row[1:6]), row[6]) for row in self.env.cr.fetchall()}
        return {target: by_id[target.id] for target in figures}

    def _engine(self, target, achieved, last_year, today):
        achieved, last_year = Decimal(achieved), Decimal(last_year)
        expected = engine.expected_to_date(
            target.amount, target.date_from, target.date_to, today, target._seasonality()
        )
        return (
            float(achieved.quantize(Decimal("0.01"), ROUND_HALF_UP)),
            float(last_year.quantize(Decimal("0.01"), ROUND_HALF_UP)),
            engine.attainment(achieved, target.amount) or 0.0,
            engine.growth(achieved, last_year) or 0.0,
            expected,
            engine.pace_status(achieved, expected),
        )

    def _family(self, year, amount, pieces, whole_year_child=0):
        """A company target over ``year`` split by period into ``pieces`` ((days, amount),
        contiguous, Bo's), and, with ``whole_year_child``, Rita's target over the whole year
        among them (paced by her siblings)."""
        common = {"team_id": False, "confirm": False}
        parent = self._target(
            f"Company {year}",
            amount,
            date_from=date(year, 1, 1),
            date_to=date(year, 12, 31),
            **common,
        )
        children = self.Target
        start = date(year, 1, 1)
        for n, (days, piece_amount) in enumerate(pieces):
            if start.year > year:
                break
            end = min(start + timedelta(days=days - 1), date(year, 12, 31))
            children |= self._target(
                f"Bo {year} {n}",
                piece_amount,
                date_from=start,
                date_to=end,
                user_id=self.user_bo.id,
                parent_id=parent.id,
                **common,
            )
            start = end + timedelta(days=1)
        if whole_year_child:
            children |= self._target(
                f"Rita {year}",
                whole_year_child,
                date_from=date(year, 1, 1),
                date_to=date(year, 12, 31),
                user_id=self.user_rep.id,
                parent_id=parent.id,
                **common,
            )
        return parent | children

    def test_hand_worked(self):
        family = self._family(2030, 1000, [(90, 100), (91, 300), (92, 400), (92, 200)], 50)
        parent, q1, q2 = family[0], family[1], family[2]
        rita = family[-1]
        today = date(2030, 2, 14)  # half of Q1 (45 of 90 days)
        rows = self._progress(
            {parent: ("40", "32"), q1: ("40", "0"), q2: ("0", "10"), rita: ("3", "0")}, today
        )
        # the year is paced by its children, weighing 1,050: Q1 100 x 45/90 + Rita's 50 x
        # 45/365 = 56.1644 due of 1,050, x 1,000 = 53.49; 40 is below 80 % of it: at risk
        self.assertEqual(rows[parent], (40.0, 32.0, 4.0, 25.0, 53.49, "at_risk"))
        # Q1 linear: 100 x 45/90 = 50 due, 40 achieved (80 %)
        self.assertEqual(rows[q1], (40.0, 0.0, 40.0, 0.0, 50.0, "behind"))
        # Q2 not started: nothing due
        self.assertEqual(rows[q2], (0.0, 10.0, 0.0, -100.0, 0.0, "on_track"))
        # Rita covers the year among siblings that split it by period: paced as the year,
        # 50 x 56.1644 / 1,050 = 2.674..
        self.assertEqual(rows[rita], (3.0, 0.0, 6.0, 0.0, 2.67, "on_track"))
        # a half cent is rounded up: 0.09 over 6 days, 1 elapsed = 0.015
        short = self._target(
            "Six days", 0.09, date_from="2031-01-01", date_to="2031-01-06", confirm=False
        )
        rows = self._progress({short: ("0.014", "0.012")}, date(2031, 1, 1))
        # attainment 0.014 / 0.09 = 15.555..% ; growth (0.014 - 0.012) / 0.012 = 16.666..%
        self.assertEqual(rows[short], (0.01, 0.01, 15.56, 16.67, 0.02, "at_risk"))
        for target, figures in (
            (parent, ("40", "32")),
            (rita, ("3", "0")),
        ):
            self.assertEqual(
                self._progress({target: figures}, today)[target],
                self._engine(target, *figures, today),
            )

    def test_random_targets_and_figures(self):
        rng = random.Random(20261203)
        targets = self.Target
        for n in range(12):
            pieces = [
                (rng.choice((1, 27, 30, 31, 45, 90, 92)), rng.choice((0, 0.01, 0.09, 99.99, 250)))
                for _ in range(rng.randint(1, 5))
            ]
            targets |= self._family(
                2030 + n,
                rng.choice((0, 0.03, 1000, 12345.67)),
                pieces,
                rng.choice((0, 0, 0.05, 700)),
            )
        figures = (
            "0",
            "0.005",
            "0.014",
            "1",
            "40",
            "66.666666666666666667",
            "99.995",
            "250",
            "12345.675",
        )
        for today in (date(2030, 1, 1), date(2033, 2, 14), date(2036, 7, 31), date(2042, 1, 1)):
            chosen = {t: (rng.choice(figures), rng.choice(figures)) for t in targets}
            rows = self._progress(chosen, today)
            for target, (achieved, last_year) in chosen.items():
                self.assertEqual(
                    rows[target],
                    self._engine(target, achieved, last_year, today),
                    f"{target.name} on {today}: {achieved}, {last_year}",
                )
        self.assertGreater(len(targets), 40)
