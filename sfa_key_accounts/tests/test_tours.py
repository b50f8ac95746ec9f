from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.sfa_key_accounts.models.sfa_comp_statement import quarter_of

from .common import place_deals, screenshots


def _salesman(env, login, name):
    return mail_new_test_user(env, login=login, name=name, groups="sales_team.group_sale_salesman")


@tagged("post_install", "-at_install", "sfa_tour")
class TestTours(HttpCase):
    """Browser tours, run in headless Chromium by the test command's tours tier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").tour_enabled = False
        # A configured company prints at once (an unconfigured one asks for a layout first).
        cls.env.company.external_report_layout_id = cls.env.ref("web.external_layout_standard")

    def test_key_account_selection_tour(self):
        customer = self.env["res.partner"].create({"name": "Tour Customer Ltd", "is_company": True})
        self.env["crm.lead"].create(
            {
                "name": "Tour Customer framework order",
                "type": "opportunity",
                "partner_id": customer.id,
                "expected_revenue": 10_000_000,
                "stage_id": self.env["crm.stage"].search([("is_won", "=", True)], limit=1).id,
                "date_closed": fields.Datetime.now() - timedelta(days=30),
                "company_id": self.env.company.id,
            }
        )
        self.start_tour("/odoo", "sfa_key_account_selection_tour", login="admin")
        account = self.env["sfa.key.account"].search([("partner_id", "=", customer.id)])
        self.assertEqual(account.tier_id.name, "Main customers")
        self.assertTrue(account.is_key)
        plan = account.plan_ids
        self.assertEqual(plan.name, "Tour plan")
        self.assertEqual(plan.swot_ids.name, "Wants to open a plant in Wuhan")
        self.assertEqual(plan.lever_ids.lever_id.name, "Planned visits")

    def test_political_map_tour(self):
        rep = mail_new_test_user(
            self.env,
            login="sfa_tour_rep",
            name="Tess Tour",
            groups="sales_team.group_sale_salesman",
        )
        account = self.env["res.partner"].create({"name": "Tour Buyer Co", "is_company": True})
        people = self.env["res.partner"].create(
            [
                {"name": name, "parent_id": account.id}
                for name in ("Tour Decider", "Tour Evaluator", "Tour User", "Tour Signer")
            ]
        )
        stakeholders = self.env["sfa.stakeholder"].create(
            [{"partner_id": p.id, "account_id": account.id} for p in people]
        )
        lead = place_deals(
            self.env,
            {
                "name": "Tour Deal",
                "type": "opportunity",
                "partner_id": account.id,
                "user_id": rep.id,
                "team_id": self.env.ref("sfa_key_accounts.crm_team_key_account").id,
                "stage_id": self.env.ref("sfa_key_accounts.crm_stage_lead_process").id,
            },
        )
        self.start_tour(f"/odoo/crm/{lead.id}", "sfa_political_map_tour", login="sfa_tour_rep")
        decider, evaluator = stakeholders[:2]
        self.assertEqual(evaluator.reports_to_id, decider)
        self.assertEqual(lead.stage_id, self.env.ref("sfa_key_accounts.crm_stage_prove"))
        self.assertEqual(sorted(lead.deal_contact_ids.role_id.mapped("code")), ["A", "D", "E", "U"])
        self.assertNotIn("no_approver", lead.red_flag_codes or "")
        self.assertEqual(
            lead.deal_contact_ids.filtered(lambda c: c.stakeholder_id == decider).attitude,
            "champion",
        )

    def _map_quick_add(self, lang, login, person, tour):
        """Issue 12: a person on the map of a key deal with two roles and an attitude in three
        clicks after opening the deal; the tour photographs the main screens as it goes."""
        if lang != "en_US":
            self.env["res.lang"]._activate_lang(lang)
            self.env["ir.module.module"]._load_module_terms(["sfa_key_accounts"], [lang])
        rep = mail_new_test_user(
            self.env,
            login=login,
            name="Zhou Tour",
            groups="sales_team.group_sale_salesman",
            lang=lang,
        )
        account = self.env["res.partner"].create({"name": "Huaxin Group", "is_company": True})
        lead = place_deals(
            self.env,
            {
                "name": "Huaxin framework agreement",
                "type": "opportunity",
                "partner_id": account.id,
                "user_id": rep.id,
                "expected_revenue": 1_200_000,
                "team_id": self.env.ref("sfa_key_accounts.crm_team_key_account").id,
                "stage_id": self.env.ref("sfa_key_accounts.crm_stage_lead_process").id,
            },
        )
        self._screenshot_data(lead, account, rep)
        with screenshots(lang) as saved:
            self.start_tour(f"/odoo/crm/{lead.id}", tour, login=login)
        self.assertEqual(
            sorted(path.name for path in saved),
            [f"{name}_{lang}.png" for name in ("key_accounts", "pipeline", "political_map")],
        )
        self.assertTrue(all(path.stat().st_size > 10_000 for path in saved))
        contact = lead.deal_contact_ids.filtered(lambda c: c.stakeholder_id.name == person)
        self.assertEqual(contact.stakeholder_id.partner_id.parent_id, account)
        self.assertEqual(contact.role_codes, "D, E")
        self.assertEqual(contact.attitude, "champion")

    def test_map_quick_add_tour(self):
        self._map_quick_add("zh_CN", "sfa_tour_zh", "王强", "sfa_map_quick_add_tour")

    def test_map_quick_add_tour_en(self):
        self._map_quick_add("en_US", "sfa_tour_en", "Wang Qiang", "sfa_map_quick_add_tour_en")

    def _screenshot_data(self, lead, account, rep):
        """What the screenshots show: people on the map (one reporting to, one influencing
        another), a deal in each stage, key accounts in two tiers."""
        people = self.env["res.partner"].create(
            [
                {"name": name, "function": function, "parent_id": account.id}
                for name, function in (
                    ("Li Ming", "CEO"),
                    ("Chen Jing", "CFO"),
                    ("Zhao Lei", "IT Director"),
                )
            ]
        )
        ceo, cfo, it = self.env["sfa.stakeholder"].create(
            [
                {"partner_id": p.id, "account_id": account.id, "circle": circle}
                for p, circle in zip(people, ("core", "core", "influence"), strict=True)
            ]
        )
        (cfo | it).reports_to_id = ceo
        it.influences_ids = cfo
        role = {r.code: r for r in self.env["sfa.buying.role"].search([])}
        self.env["sfa.deal.contact"].create(
            [
                {
                    "lead_id": lead.id,
                    "stakeholder_id": person.id,
                    "role_ids": [(6, 0, [role[c].id for c in codes])],
                    "attitude": attitude,
                    "time_spent": time_spent,
                }
                for person, codes, attitude, time_spent in (
                    (ceo, "A", "neutral", "1"),
                    (cfo, "D", "support", "2"),
                    (it, "E", "against", "3"),
                )
            ]
        )
        team = self.env.ref("sfa_key_accounts.crm_team_key_account")
        stages = self.env["crm.stage"].search([("team_id", "=", team.id)])
        customers = self.env["res.partner"].create(
            [{"name": f"Customer {n}", "is_company": True} for n in range(1, 6)]
        )
        for customer, stage in zip(customers, stages[:5], strict=True):
            place_deals(
                self.env,
                {
                    "name": f"{customer.name} order",
                    "type": "opportunity",
                    "partner_id": customer.id,
                    "user_id": rep.id,
                    "team_id": team.id,
                    "stage_id": stage.id,
                    "expected_revenue": 100_000 * customer.id % 900_000 + 50_000,
                },
            )
        Tier = self.env["sfa.key.account.tier"]
        tiers = Tier._for_company(self.env.company)
        self.env["sfa.key.account"].create(
            [
                {"partner_id": p.id, "tier_id": t.id, "is_key": True, "manager_id": rep.id}
                for p, t in (
                    (account, tiers[0]),
                    (customers[0], tiers[1]),
                    (customers[1], tiers[1]),
                )
            ]
        )

    def test_value_worksheet_tour(self):
        rep = mail_new_test_user(
            self.env, login="sfa_value_rep", name="Val Rep", groups="sales_team.group_sale_salesman"
        )
        self.env["res.partner"].create(
            {"name": "Tour Rival", "is_company": True, "sfa_is_competitor": True}
        )
        account = self.env["res.partner"].create({"name": "Value Buyer", "is_company": True})
        lead = self.env["crm.lead"].create(
            {
                "name": "Value Tour Deal",
                "type": "opportunity",
                "partner_id": account.id,
                "user_id": rep.id,
            }
        )
        self.start_tour(f"/odoo/crm/{lead.id}", "sfa_value_worksheet_tour", login="sfa_value_rep")
        ws = lead.value_worksheet_id
        self.assertEqual(ws.need_ids.name, "Faster month-end close")
        self.assertEqual(len(ws.benefit_ids), 2)
        self.assertEqual(ws.kpi_ids.quartile_position, "3")
        self.assertEqual(ws.differentiator_ids.advantage, 12)  # 4 x (5 - 2)
        self.assertEqual((lead.likely_net_value, lead.likely_roi), (9000.0, 75.0))

    def test_status_analysis_tour(self):
        rep = mail_new_test_user(
            self.env,
            login="sfa_status_rep",
            name="Stan Rep",
            groups="sales_team.group_sale_salesman",
        )
        account = self.env["res.partner"].create({"name": "Status Buyer", "is_company": True})
        buyer = self.env["res.partner"].create({"name": "Bo Buyer", "parent_id": account.id})
        person = self.env["sfa.stakeholder"].create({"partner_id": buyer.id, "user_id": rep.id})
        self.start_tour(
            f"/odoo/stakeholders/{person.id}", "sfa_status_analysis_tour", login="sfa_status_rep"
        )
        self.assertEqual(len(person.status_assessment_ids), 20)
        answered = person.status_assessment_ids.filtered("score")
        self.assertEqual(
            (answered.criterion_id.name, answered.score),
            ("Have they used similar products?", "5"),
        )
        # one answer, the best (5 -> worth all its weight): 100; quality not assessed yet
        self.assertEqual((person.willingness_score, person.quality_assessed), (100.0, False))

    def test_sales_target_tour(self):
        leader = _salesman(self.env, "sfa_tour_lou", "Tour Leader Lou")
        amy = _salesman(self.env, "sfa_tour_amy", "Tour Rep Amy")
        ben = _salesman(self.env, "sfa_tour_ben", "Tour Rep Ben")
        team = self.env["crm.team"].create(
            {"name": "Tour East", "user_id": leader.id, "member_ids": [(6, 0, (amy | ben).ids)]}
        )
        self.start_tour("/odoo/sales-targets", "sfa_sales_target_tour", login="admin")
        target = self.env["sfa.sales.target"].search(
            [("team_id", "=", team.id), ("parent_id", "=", False)]
        )
        self.assertEqual(
            (target.name, target.state, target.amount), ("Tour East 2027", "confirmed", 12000.0)
        )
        self.assertEqual(target.owner_type, "team")
        self.assertEqual((str(target.date_from), str(target.date_to)), ("2027-01-01", "2027-12-31"))
        people = target.child_ids.sorted(lambda t: t.user_id.name)
        self.assertEqual(people.user_id, amy | ben)
        self.assertEqual(people.mapped("amount"), [6000.0, 6000.0])
        self.assertFalse(people[1].child_ids)
        quarters = people[0].child_ids.sorted("date_from")
        self.assertEqual(
            [(str(q.date_from), str(q.date_to)) for q in quarters],
            [
                ("2027-01-01", "2027-03-31"),
                ("2027-04-01", "2027-06-30"),
                ("2027-07-01", "2027-09-30"),
                ("2027-10-01", "2027-12-31"),
            ],
        )
        # Q1 adjusted from 1,500 to 2,100: the other three share the remaining 3,900
        self.assertEqual(quarters.mapped("amount"), [2100.0, 1300.0, 1300.0, 1300.0])
        self.assertEqual(people[0].amount, 6000.0)
        self.assertEqual(target.amount, 12000.0)
        log = quarters[0].message_ids.filtered(lambda m: "Target adjusted" in (m.body or ""))
        self.assertEqual(len(log), 1)
        self.assertIn("Market Change", log.body)
        self.assertIn("Distributor order moved into Q1", log.body)
        self.assertTrue(quarters[1].message_ids.filtered(lambda m: "1300.0" in (m.body or "")))
        # a member sees their own targets and the team's, not a colleague's
        self.start_tour("/odoo/sales-targets", "sfa_sales_target_rep_tour", login="sfa_tour_amy")

    def test_performance_review_tour(self):
        """A team leader reviews a member, 360°: Initiative 60 / Teamwork 40, manager and peer
        weighing 50 each, a rating r scoring r x 20. Manager 4 / 5, peer 2 / 3:
        initiative (4 + 2) / 2 = 3.0 -> 60, teamwork (5 + 3) / 2 = 4.0 -> 80,
        score 0.6 x 60 + 0.4 x 80 = 68.0."""

        lena = _salesman(self.env, "sfa_rev_lena", "Tour Lead Lena")
        rita = _salesman(self.env, "sfa_rev_rita", "Tour Rep Rita")
        pete = _salesman(self.env, "sfa_rev_pete", "Tour Rep Pete")
        team = self.env["crm.team"].create(
            {
                "name": "Tour Review Team",
                "user_id": lena.id,
                "member_ids": [(6, 0, (rita | pete).ids)],
            }
        )
        template = self.env["sfa.evaluation.template"].create(
            {
                "name": "Tour Review Template",
                "job_role_id": self.env.ref("sfa_key_accounts.job_role_rep").id,
                "company_id": self.env.company.id,
                "manager_weight": 50,
                "peer_weight": 50,
                "customer_weight": 0,
                "indicator_ids": [
                    (0, 0, {"name": name, "category": category, "kind": "rated", "weight": w})
                    for name, category, w in (
                        ("Initiative", "attitude", 60),
                        ("Teamwork", "collaboration", 40),
                    )
                ],
            }
        )
        template.action_publish()
        for rep in (rita, pete):
            self.env["sfa.sales.target"].create(
                {
                    "name": f"Tour {rep.name.split()[-1]} 2027",
                    "user_id": rep.id,
                    "team_id": team.id,
                    "date_from": "2027-01-01",
                    "date_to": "2027-12-31",
                    "measure": "won_revenue",
                    "amount": 50000,
                }
            ).action_confirm()
        Review = self.env["sfa.performance.review"]

        # the leader starts the team's reviews and the rating of Rita
        self.start_tour(
            "/odoo/performance-reviews", "sfa_performance_review_start_tour", login="sfa_rev_lena"
        )
        reviews = Review.search([("team_id", "=", team.id)])
        review = reviews.filtered(lambda r: r.user_id == rita)
        other = reviews - review
        self.assertEqual(other.user_id, pete)
        self.assertEqual(other.state, "draft")
        self.assertEqual(
            (review.manager_id, review.peer_ids, review.template_id, review.state),
            (lena, pete, template, "rating"),
        )
        self.assertEqual(
            [str(d) for d in (review.date_from, review.date_to, review.cutoff_date)],
            ["2027-01-01", "2027-12-31", "2027-06-30"],
        )
        sheets = {s.source: s for s in review.rating_ids}
        self.assertEqual(sorted(sheets), ["manager", "peer"])
        self.assertEqual((sheets["manager"].rater_id, sheets["peer"].rater_id), (lena, pete))
        self.assertEqual(sheets["peer"].activity_ids.user_id, pete)

        def ratings(sheet):
            return {ln.indicator_id.name: ln.value for ln in sheet.line_ids}

        # a peer rates Rita
        self.start_tour(
            "/odoo/my-ratings", "sfa_performance_review_peer_tour", login="sfa_rev_pete"
        )
        self.assertEqual(sheets["peer"].state, "submitted")
        self.assertEqual(ratings(sheets["peer"]), {"Initiative": 2, "Teamwork": 3})
        self.assertFalse(sheets["peer"].activity_ids)
        self.assertEqual(sheets["manager"].state, "pending")

        # the leader rates, closes the rating, holds the interview and closes the review
        self.start_tour(
            "/odoo/my-ratings", "sfa_performance_review_close_tour", login="sfa_rev_lena"
        )
        self.assertEqual(ratings(sheets["manager"]), {"Initiative": 4, "Teamwork": 5})
        self.assertEqual(sheets["manager"].state, "submitted")
        lines = {ln.indicator_id.name: (ln.raw_value, ln.score) for ln in review.line_ids}
        self.assertEqual(lines, {"Initiative": (3.0, 60.0), "Teamwork": (4.0, 80.0)})
        self.assertEqual(review.score, 68.0)
        self.assertEqual(review.state, "done")
        self.assertEqual(str(review.interview_date), "2027-07-05")
        self.assertIn("Talked through the first half", review.interview_notes)
        self.assertIn("Takes the initiative with new accounts", review.strengths)
        closed = review.message_ids.filtered(lambda m: "Review closed" in (m.body or ""))
        self.assertIn("score of 68.0", closed.body)
        self.assertEqual(other.state, "draft")

        # Rita reads her own targets and review, not Pete's
        self.start_tour(
            "/odoo/sales-targets", "sfa_performance_review_rep_tour", login="sfa_rev_rita"
        )

    def test_compensation_tour(self):
        """Amy's quarter: a target of 10,000, deals of 3,000 and 4,000 won, tiers 0-50 % at 2 %,
        50-100 % at 5 %, 100 %+ at 10 % (graduated): 5,000 x 2 % + 2,000 x 5 % = 200.00. Her
        open deal of 2,000 would add 2,000 x 5 %: 300.00."""

        lou = _salesman(self.env, "sfa_comp_lou", "Tour Comp Lou")
        amy = _salesman(self.env, "sfa_comp_amy", "Tour Comp Amy")
        ben = _salesman(self.env, "sfa_comp_ben", "Tour Comp Ben")
        team = self.env["crm.team"].create(
            {"name": "Tour Comp Team", "user_id": lou.id, "member_ids": [(6, 0, (amy | ben).ids)]}
        )
        today = fields.Date.context_today(self.env["sfa.comp.statement"])
        first, last = quarter_of(today)
        self.env["sfa.sales.target"].create(
            {
                "name": "Tour Amy quarter",
                "user_id": amy.id,
                "team_id": team.id,
                "date_from": first,
                "date_to": last,
                "measure": "won_revenue",
                "amount": 10000,
            }
        ).action_confirm()
        customer = self.env["res.partner"].create(
            {"name": "Tour Comp Customer", "is_company": True}
        )
        won = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        deal = {
            "type": "opportunity",
            "partner_id": customer.id,
            "user_id": amy.id,
            "team_id": team.id,
        }
        place_deals(
            self.env,
            [
                {
                    **deal,
                    "name": "Tour won 1",
                    "stage_id": won.id,
                    "expected_revenue": 3000,
                    "date_closed": fields.Datetime.to_datetime(first),
                },
                {
                    **deal,
                    "name": "Tour won 2",
                    "stage_id": won.id,
                    "expected_revenue": 4000,
                    "date_closed": fields.Datetime.to_datetime(
                        min(first + timedelta(days=1), today)
                    ),
                },
            ],
        )
        open_deal = self.env["crm.lead"].create(
            {**deal, "name": "Tour open deal", "expected_revenue": 2000}
        )

        self.start_tour("/odoo/incentive-plans", "sfa_comp_admin_tour", login="admin")
        plan = self.env["sfa.comp.plan"].search([("name", "=", "Tour Plan")])
        self.assertEqual(plan.state, "active")
        self.assertEqual(
            [(t.lower_pct, t.upper_pct, t.rate_pct) for t in plan.component_ids.tier_ids],
            [(0, 50, 2), (50, 100, 5), (100, None, 10)],
        )
        self.assertEqual(plan.assignment_ids.user_id, amy | ben)
        statements = self.env["sfa.comp.statement"].search([("team_id", "=", team.id)])
        self.assertEqual(statements.user_id, amy | ben)
        amy_statement = statements.filtered(lambda s: s.user_id == amy)
        self.assertEqual(
            [(x.credited_amount, x.rate_pct, x.payout) for x in amy_statement.line_ids],
            [(3000, 2, 60), (2000, 2, 40), (2000, 5, 100)],
        )

        self.start_tour("/odoo/incentive-statements", "sfa_comp_approve_tour", login="sfa_comp_lou")
        ben_statement = statements - amy_statement
        self.assertEqual((ben_statement.state, ben_statement.approved_uid), ("approved", lou))

        self.start_tour("/odoo/incentive-statements", "sfa_comp_rep_tour", login="sfa_comp_amy")
        line = amy_statement.line_ids[0]
        self.assertEqual(
            (line.dispute_state, line.dispute_reason), ("open", "The first deal was 3,500")
        )
        self.assertEqual(amy_statement.state, "computed")
        self.assertIn("The first deal was 3,500", amy_statement.message_ids[0].body)

        self.start_tour(f"/odoo/crm/{open_deal.id}", "sfa_comp_what_if_tour", login="sfa_comp_amy")
