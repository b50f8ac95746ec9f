"""The rules of value worksheets and their lines that a user relies on, each pinned by an
exact figure worked out by hand: defaults of new records, the ends of every range (the
last value accepted and the first refused), the currency a case is computed in, the
figures of the edge cases (no cost, never paying back, a one-year horizon, a rate of 0 or
100 %), what the form shows for a value it will refuse to save, and the life of versions.
"""

from datetime import date

from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .common import SfaWorksheetCommon, days_to_close_kpi

FIGURES = (
    "total_benefit",
    "total_cost",
    "net_value",
    "roi",
    "payback_months",
    "npv",
    "pays_back",
)


class ValueCase(SfaWorksheetCommon):
    CUSTOMER = "Rules Co"
    RIVAL = "Rule Rival"
    DEAL = "Rules deal"

    def figures(self, worksheet, scenario="likely"):
        return tuple(worksheet[f"{scenario}_{figure}"] for figure in FIGURES)


@tagged("post_install", "-at_install")
class TestValueDefaults(ValueCase):
    """What a user sees on a record just created, before typing anything."""

    def test_new_worksheet_has_a_three_year_horizon_at_eight_percent(self):
        ws = self._worksheet("Fresh deal")
        self.assertEqual(
            (ws.horizon_years, ws.discount_rate, ws.version, ws.is_current, ws.state),
            (3, 8.0, 1, True, "draft"),
        )

    def test_new_differentiator_is_rated_three_three_three_so_no_advantage(self):
        line = self.env["sfa.value.differentiator"].create(
            {"worksheet_id": self.ws.id, "name": "Delivery time"}
        )
        self.assertEqual(
            (line.importance, line.our_rating, line.competitor_rating, line.advantage),
            (3, 3, 3, 0),
        )
        # and the summary counts it as even: 3 x (3 - 3)
        self.assertIn("Any competitor: <b>+0</b>", self.ws.advantage_html)

    def test_costs_total_does_not_add_one_time_and_yearly_amounts(self):
        ws = self._worksheet("Cost split")
        self.env["sfa.value.cost"].create(
            [
                {"worksheet_id": ws.id, "name": "Licence", "amount": 12000},
                {"worksheet_id": ws.id, "name": "Setup", "amount": 500},
                {"worksheet_id": ws.id, "name": "Support", "amount": 3000, "recurrence": "yearly"},
            ]
        )
        self.assertEqual((ws.one_time_cost, ws.yearly_cost), (12500.0, 3000.0))
        arch = ws.get_views([(False, "form")])["views"]["form"]["arch"]
        tree = etree.fromstring(arch)
        for list_field, amounts in (
            ("cost_ids", ["amount"]),
            ("benefit_ids", ["conservative_amount", "likely_amount"]),
        ):
            for amount in amounts:
                node = tree.xpath(f"//field[@name='{list_field}']//field[@name='{amount}']")[0]
                self.assertIsNone(node.get("sum"), f"{list_field}.{amount} adds up yearly and once")

    def test_differentiator_levels_are_the_course_table(self):
        """Seed 003's table (docs/method.md §4): service beside the product, quality at the
        company level, education and ability for the sales team and the account manager."""
        levels = dict(self.env["sfa.differentiator.category"]._fields["level"].selection)
        self.assertEqual(
            list(levels),
            ["product", "service", "company", "partners", "sales_team", "account_manager"],
        )
        names = {
            level: self.env["sfa.differentiator.category"]
            .search([("level", "=", level)])
            .mapped("name")
            for level in levels
        }
        self.assertEqual(
            names["service"],
            [
                "Pre-sales support",
                "After-sales support",
                "Response time",
                "Service channels",
                "Customer satisfaction",
                "Training",
                "Warranty",
                "Experience",
            ],
        )
        self.assertNotIn("Response time", names["product"])
        self.assertIn("Quality reputation", names["company"])
        for level in ("sales_team", "account_manager"):
            self.assertEqual(names[level][-2:], ["Education", "Ability"])

    def test_new_lines_and_settings_come_after_those_numbered_below_ten(self):
        """Lines, differentiator categories and health criteria are ordered by sequence;
        a new one gets 10, so it lands after anything numbered 1-9."""
        cost = self.env["sfa.value.cost"].create(
            {"worksheet_id": self.ws.id, "name": "Training", "amount": 500}
        )
        category = self.env["sfa.differentiator.category"].create({"name": "Response time"})
        criterion = self.env["sfa.health.criterion"].create(
            {"name": "Visits the plant", "kind": "signal", "company_id": self.company.id}
        )
        self.assertEqual((cost.sequence, category.sequence, criterion.sequence), (10, 10, 10))
        self.assertEqual((category.level, criterion.weight), ("product", 10.0))


@tagged("post_install", "-at_install")
class TestValueBounds(ValueCase):
    """Bounds of the numbers: the end of each range is accepted, the next value refused
    with a message that says the range, and a refused value changes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls.env["sfa.account.plan"].create(
            {
                "name": "Rules Co 2026",
                "partner_id": cls.account.id,
                "company_id": cls.company.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
            }
        )

    def test_zero_and_half_amounts_are_accepted(self):
        """0 is the lower bound of every amount, share and weight: a free item, a benefit
        not yet valued, half a percent of share, a criterion weighed 0 are all valid."""
        free = self.env["sfa.value.cost"].create(
            {"worksheet_id": self.ws.id, "name": "Free onboarding", "amount": 0}
        )
        half = self.env["sfa.value.cost"].create(
            {"worksheet_id": self.ws.id, "name": "Stamp", "amount": 0.5}
        )
        benefit = self.env["sfa.value.benefit"].create(
            {
                "worksheet_id": self.ws.id,
                "recurrence": "one_time",
                "conservative_amount": 0,
                "likely_amount": 0.5,
            }
        )
        kpi = self.env["sfa.value.kpi"].create(
            {
                "worksheet_id": self.ws.id,
                "name": "Scrap rate",
                "direction": "lower",
                "current_value": 10,
                "worst_quartile": 12,
                "average": 8,
                "best_quartile": 5,
                "target": 6,
                "value_per_unit": 0.5,
            }
        )
        competitor = self.env["sfa.account.competitor"].create(
            {"plan_id": self.plan.id, "competitor_id": self.rival.id, "share_pct": 0.5}
        )
        criterion = self.env["sfa.health.criterion"].create(
            {"name": "Kept for later", "kind": "signal", "weight": 0, "company_id": self.company.id}
        )
        self.env.invalidate_all()
        self.assertEqual((free.amount, half.amount), (0.0, 0.5))
        self.assertEqual((benefit.conservative_amount, benefit.likely_amount), (0.0, 0.5))
        self.assertEqual(
            (kpi.value_per_unit, competitor.share_pct, criterion.weight), (0.5, 0.5, 0.0)
        )
        # 12,000 + 0 + 0.50 of costs
        self.assertEqual(self.ws.likely_total_cost, 12000.5)

    def test_integer_fields_take_the_whole_int4_range_and_no_more(self):
        """An integer without bounds of its own (here a line's sequence) takes what the
        database column holds, -2,147,483,648 to 2,147,483,647, and refuses one more
        with a message, instead of a server error."""
        self.cost.sequence = -(2**31)
        self.cost.sequence = 2**31 - 1
        self.env.invalidate_all()
        self.assertEqual(self.cost.sequence, 2**31 - 1)
        for number in (-(2**31) - 1, 2**31):
            with self.assertRaises(ValidationError) as caught, self.cr.savepoint():
                self.cost.sequence = number
            self.assertEqual(
                caught.exception.args[0],
                f"Sequence must be from -2,147,483,648 to 2,147,483,647 (you entered {number:,}).",
            )
        self.env.invalidate_all()
        self.assertEqual(self.cost.sequence, 2**31 - 1)

    def test_messages_say_what_was_wrong(self):
        """A number out of range is echoed back; a value that is no number says so."""
        with self.assertRaises(ValidationError) as caught, self.cr.savepoint():
            self.cost.amount = -5
        self.assertEqual(
            caught.exception.args[0],
            "Amount must be from 0 to 1,000,000,000,000,000 (you entered -5).",
        )
        with self.assertRaises(ValidationError) as caught, self.cr.savepoint():
            self.cost.amount = float("inf")
        self.assertEqual(
            caught.exception.args[0],
            "Amount must be a number from 0 to 1,000,000,000,000,000, not inf.",
        )
        self.env.invalidate_all()
        self.assertEqual(self.cost.amount, 12000.0)

    def test_target_worse_than_average_is_refused_with_its_own_reason(self):
        kpi = days_to_close_kpi(self.ws)
        with self.assertRaises(ValidationError) as caught, self.cr.savepoint():
            kpi.target = 9
        self.assertEqual(
            caught.exception.args[0],
            "The target of Days to close (9.0) is worse than the average (8.0): the likely "
            "benefit it values would be below the conservative one.",
        )
        self.env.invalidate_all()
        self.assertEqual(kpi.target, 6.0)


@tagged("post_install", "-at_install")
class TestValueFigures(ValueCase):
    """The worksheet's figures at the ends of the horizon and the rate, and in the cases
    where the engine has no figure (no cost: no ROI; never paying back: no month)."""

    def test_rate_zero_makes_the_npv_the_net_value(self):
        self.ws.discount_rate = 0
        # likely: -12,000 + 3 x 6,000 = 6,000 undiscounted; ROI 6,000 / 12,000 = 50 %
        self.assertEqual(self.figures(self.ws), (18000.0, 12000.0, 6000.0, 50.0, 24, 6000.0, True))

    def test_rate_one_hundred_percent_halves_each_year(self):
        self.ws.discount_rate = 100
        # likely NPV: -12,000 + 6,000/2 + 6,000/4 + 6,000/8 = -6,750
        self.assertEqual(self.figures(self.ws), (18000.0, 12000.0, 6000.0, 50.0, 24, -6750.0, True))
        # conservative NPV: -12,000 + 2,000 + 1,000 + 500 = -8,500; pays back at month 36
        self.assertEqual(
            self.figures(self.ws, "conservative"),
            (12000.0, 12000.0, 0.0, 0.0, 36, -8500.0, True),
        )

    def test_one_year_horizon(self):
        self.ws.horizon_years = 1
        # 6,000 - 12,000 = -6,000, ROI -50 %; 12 months of 500 never repay 12,000;
        # NPV -12,000 + 6,000 / 1.1 = -6,545.45
        self.assertEqual(
            self.figures(self.ws), (6000.0, 12000.0, -6000.0, -50.0, 0, -6545.45, False)
        )
        self.assertEqual(self.ws.cost_of_doing_nothing, 500.0)  # 6,000 / 12 months
        self.assertIn("<td>Year 1</td>", self.ws.benefit_by_year_html)
        self.assertNotIn("Year 2", self.ws.benefit_by_year_html)

    def test_without_cost_roi_is_zero_and_it_pays_back_at_once(self):
        ws = self._worksheet("Free deal")
        self.env["sfa.value.benefit"].create(
            {"worksheet_id": ws.id, "conservative_amount": 100, "likely_amount": 200}
        )
        self.assertEqual(self.figures(ws), (600.0, 0.0, 600.0, 0.0, 0, 515.42, True))
        self.assertFalse(ws.has_cost)

    def test_a_case_that_never_pays_back_shows_no_month(self):
        self.benefit.write({"conservative_amount": 1000, "likely_amount": 1000})
        # 3,000 - 12,000 = -9,000, ROI -75 %; 83.33 a month would need 144 months
        self.assertEqual(
            self.figures(self.ws), (3000.0, 12000.0, -9000.0, -75.0, 0, -9513.15, False)
        )

    def test_benefits_by_year_start_with_the_one_time_amounts(self):
        self.env["sfa.value.benefit"].create(
            {
                "worksheet_id": self.ws.id,
                "recurrence": "one_time",
                "conservative_amount": 100,
                "likely_amount": 150,
            }
        )
        html = str(self.ws.benefit_by_year_html)
        rows = html.split("<tbody>")[1].split("</tr>")
        self.assertIn("<td>Start</td>", rows[0])
        self.assertIn("$\xa0100.00", rows[0])
        self.assertIn("$\xa0150.00", rows[0])
        self.assertIn("<td>Year 1</td>", rows[1])
        self.assertIn("$\xa06,000.00", rows[1])
        self.assertEqual(html.count("<td>Start</td>"), 1)
        self.assertNotIn("Year 0", html)

    def test_the_form_shows_no_figure_for_a_horizon_or_rate_it_will_refuse(self):
        """Typing a horizon or rate out of range in the form blanks the figures (the save
        is then refused) rather than computing something absurd or failing."""
        for field, bad in (("horizon_years", 30000), ("discount_rate", 100.5)):
            form = Form(self.ws)
            setattr(form, field, bad)
            for scenario in ("likely", "conservative"):
                self.assertEqual(
                    tuple(form[f"{scenario}_{figure}"] for figure in FIGURES),
                    (0.0, 0.0, 0.0, 0.0, 0, 0.0, False),
                    f"{field} = {bad}",
                )
            self.assertEqual(form.cost_of_doing_nothing, 0.0)
            self.assertTrue(form.has_cost)
        # the table of benefits by year does not use the rate, only the horizon
        form = Form(self.ws)
        form.horizon_years = 31
        self.assertIs(form.benefit_by_year_html, False)
        self.env.invalidate_all()
        self.assertEqual((self.ws.horizon_years, self.ws.discount_rate), (3, 10.0))

    def test_a_benchmark_without_value_per_unit_leaves_typed_amounts_alone(self):
        kpi = self.env["sfa.value.kpi"].create(
            {
                "worksheet_id": self.ws.id,
                "name": "Uptime",
                "current_value": 90,
                "worst_quartile": 85,
                "average": 95,
                "best_quartile": 99,
            }
        )
        self.benefit.kpi_id = kpi
        self.assertEqual(
            (self.benefit.conservative_amount, self.benefit.likely_amount), (4000, 6000)
        )
        kpi.current_value = 80
        self.env.invalidate_all()
        self.assertEqual(
            (self.benefit.conservative_amount, self.benefit.likely_amount), (4000, 6000)
        )
        self.assertEqual(self.ws.likely_total_benefit, 18000.0)


@tagged("post_install", "-at_install")
class TestValueCurrency(ValueCase):
    """A case is computed in the currency of the deal's company, to that currency's
    smallest unit."""

    def test_worksheet_takes_the_currency_of_the_deals_company(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        company = self.env["res.company"].create({"name": "SFA Euro Co", "currency_id": eur.id})
        self.env.user.company_ids |= company
        ws = self._worksheet("Euro deal", company=company)
        self.assertEqual(ws.currency_id, eur)
        self.assertNotEqual(self.env.company.currency_id, eur)

    def test_three_decimal_currency_keeps_its_thousandths(self):
        """In Kuwaiti dinars (rounding 0.001), 1,000.125 a year over 3 years is 3,000.375,
        not 3,000.38, and the year table shows 1,000.125."""
        kwd = self.env.ref("base.KWD")
        kwd.active = True
        ws = self._worksheet("Dinar deal")
        ws.currency_id = kwd
        self.env["sfa.value.benefit"].create(
            {"worksheet_id": ws.id, "conservative_amount": 1000.125, "likely_amount": 1000.125}
        )
        self.assertEqual(ws.likely_total_benefit, 3000.375)
        # a benefit of 3,000.375 over 36 months: 83.34375 a month, 83.344 to the fils
        self.assertEqual(ws.cost_of_doing_nothing, 83.344)
        self.assertIn("1,000.125", ws.benefit_by_year_html)
        self.assertNotIn("1,000.130", ws.benefit_by_year_html)


@tagged("post_install", "-at_install")
class TestValueDifferentiatorRatings(ValueCase):
    def test_a_rating_of_one_counts(self):
        """1 is a valid rating: importance 1, us 5, them 1 is an advantage of 1 x 4."""
        line = self.env["sfa.value.differentiator"].create(
            {
                "worksheet_id": self.ws.id,
                "name": "Price",
                "competitor_id": self.rival.id,
                "importance": 1,
                "our_rating": 5,
                "competitor_rating": 1,
            }
        )
        self.assertEqual(line.advantage, 4)
        self.assertIn("Rule Rival: <b>+4</b>", self.ws.advantage_html)
        self.assertIn("Product: <b>+4</b>", self.ws.advantage_html)

    def test_an_unsaved_rating_out_of_range_shows_no_advantage(self):
        """While a rating of 0 or 6 is typed (its save will be refused), the line shows an
        advantage of 0 instead of failing."""
        Line = self.env["sfa.value.differentiator"]
        for our in (0, 6):
            line = Line.new(
                {
                    "worksheet_id": self.ws.id,
                    "name": "Typo",
                    "importance": 5,
                    "our_rating": our,
                    "competitor_rating": 3,
                }
            )
            self.assertEqual(line.advantage, 0, f"our rating {our}")


@tagged("post_install", "-at_install")
class TestValueVersions(ValueCase):
    """Sharing, older versions and deleting."""

    def test_sharing_a_draft_marks_it_shared(self):
        self.assertEqual(self.ws.action_share(), True)
        self.assertEqual(self.ws.state, "shared")
        self.ws.action_agree()
        self.ws.action_share()  # an agreed case stays agreed
        self.assertEqual(self.ws.state, "agreed")

    def test_an_older_draft_version_is_read_only_too(self):
        old = self.ws
        new = self.env["sfa.value.worksheet"].browse(old.action_new_version()["res_id"])
        self.assertEqual((old.state, old.is_current, new.version), ("draft", False, 2))
        with self.assertRaises(UserError) as caught, self.cr.savepoint():
            old.horizon_years = 5
        self.assertEqual(
            caught.exception.args[0],
            "Version 1 of Value case: Rules deal is an older version and cannot be changed.",
        )
        with self.assertRaises(UserError), self.cr.savepoint():
            self.cost.amount = 1
        with self.assertRaises(UserError), self.cr.savepoint():
            self.env["sfa.value.cost"].create(
                {"worksheet_id": old.id, "name": "Late cost", "amount": 1}
            )
        self.env.invalidate_all()
        self.assertEqual((old.horizon_years, self.cost.amount, len(old.cost_ids)), (3, 12000.0, 1))

    def test_a_new_version_is_made_from_the_current_one_only(self):
        old = self.ws
        old.action_new_version()
        Worksheet = self.env["sfa.value.worksheet"]
        count = Worksheet.search_count([("lead_id", "=", old.lead_id.id)])
        with self.assertRaises(UserError) as caught, self.cr.savepoint():
            old.action_new_version()
        self.assertEqual(caught.exception.args[0], "Make the new version from the current one.")
        self.assertEqual(count, 2)
        self.assertEqual(Worksheet.search_count([("lead_id", "=", old.lead_id.id)]), 2)

    def test_uninstalling_removes_agreed_worksheets(self):
        """The history guard protects agreed cases from users, not from uninstalling the
        addon (which deletes with the uninstall flag)."""
        self.ws.action_agree()
        with self.assertRaises(UserError), self.cr.savepoint():
            self.ws.unlink()
        self.ws.with_context(**{MODULE_UNINSTALL_FLAG: True}).unlink()
        self.assertFalse(self.ws.exists())
