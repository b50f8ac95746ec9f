"""Performance reviews (绩效考核) against figures worked out by hand.

Rita's 2026 review, figures as of 2026-06-30 (the sales of tests/test_sales_targets.py):
    revenue attainment  2,000 + 500 won of a 3,000 target = 83.33%  -> 60 + 3.33 x 2 = 66.66
    win rate            2 won, 1 lost = 66.67%                      -> 66.67
    initiative          manager 4 (weight 50), peer 3 (30), the customer did not rate:
                        (4 x 50 + 3 x 30) / 80 = 3.625 -> 3.63      -> 20 + 2.63 x 20 = 72.6
    teamwork            manager 5, peer 4: (250 + 120) / 80 = 4.625 -> 4.63 -> 92.6
    score  (40 x 66.66 + 20 x 66.67 + 25 x 72.6 + 15 x 92.6) / 100 = 72.038 -> 72.04
"""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_sales_targets import SfaTargetCommon


class SfaReviewCommon(SfaTargetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.template = cls._template()
        cls.template.action_publish()
        cls.rita_target = cls._target("Rita 2026", 3000, user_id=cls.user_rep.id)
        cls.customer_contact = env["res.partner"].create(
            {"name": "Ann Alpha", "parent_id": cls.alpha.id}
        )

    @classmethod
    def _template(cls, **vals):
        indicators = [
            ("Revenue attainment", "results", "revenue_attainment", 40),
            ("Win rate", "results", "win_rate", 20),
            ("Initiative", "attitude", "rated", 25),
            ("Teamwork", "attitude", "rated", 15),
        ]
        return cls.env["sfa.evaluation.template"].create(
            {
                "name": "Test KAM",
                "job_role_id": cls.env.ref("sfa_key_accounts.job_role_kam").id,
                "company_id": cls.company.id,
                "indicator_ids": [
                    (0, 0, {"name": n, "category": c, "kind": k, "weight": w, "sequence": i})
                    for i, (n, c, k, w) in enumerate(indicators)
                ],
                **vals,
            }
        )

    def _start(self, **vals):
        wizard = (
            self.env["sfa.performance.review.start"]
            .with_user(self.user_leader)
            .create(
                {
                    "team_id": self.team.id,
                    "template_id": self.template.id,
                    "date_from": "2026-01-01",
                    "date_to": "2026-12-31",
                    "cutoff_date": "2026-06-30",
                    **vals,
                }
            )
        )
        wizard.action_apply()
        Review = self.env["sfa.performance.review"]
        return (
            Review.search([("user_id", "=", self.user_rep.id)]),
            Review.search([("user_id", "=", self.user_bo.id)]),
        )

    def _rate(self, review, user, values, source=None):
        sheet = review.rating_ids.filtered(
            lambda s: s.rater_id == user and (not source or s.source == source)
        ).with_user(user)
        for line in sheet.line_ids:
            line.value = values[line.indicator_id.name]
        sheet.action_submit()
        return sheet


@tagged("post_install", "-at_install")
class TestPerformanceReview(SfaReviewCommon):
    def test_review_of_a_team_scored_by_hand(self):
        rita, bo = self._start()
        self.assertEqual((rita.manager_id, rita.peer_ids), (self.user_leader, self.user_bo))
        self.assertEqual(bo.peer_ids, self.user_rep)
        lines = {ln.indicator_id.name: (ln.raw_value, ln.score) for ln in rita.line_ids}
        self.assertEqual(lines["Revenue attainment"], (83.33, 66.66))
        self.assertEqual(lines["Win rate"], (66.67, 66.67))
        self.assertEqual(bo.line_ids[0].raw_value, 0.0)  # Bo has no revenue target
        rita.customer_ids = self.customer_contact
        rita.with_user(self.user_leader).action_start_rating()
        self.assertEqual(sorted(rita.rating_ids.mapped("source")), ["customer", "manager", "peer"])
        # each rater is invited by an activity on their own sheet
        peer_sheet = rita.rating_ids.filtered(lambda s: s.source == "peer")
        self.assertEqual(peer_sheet.activity_ids.user_id, self.user_bo)
        self._rate(rita, self.user_leader, {"Initiative": 4, "Teamwork": 5}, "manager")
        self._rate(rita, self.user_bo, {"Initiative": 3, "Teamwork": 4})
        self.assertFalse(peer_sheet.activity_ids)
        rita.with_user(self.user_leader).action_start_interview()
        lines = {ln.indicator_id.name: (ln.raw_value, ln.score) for ln in rita.line_ids}
        self.assertEqual(lines["Initiative"], (3.63, 72.6))
        self.assertEqual(lines["Teamwork"], (4.63, 92.6))
        self.assertEqual(rita.score, 72.04)
        customer_sheet = rita.rating_ids.filtered(lambda s: s.source == "customer")
        self.assertEqual(customer_sheet.state, "expired")
        as_leader = rita.with_user(self.user_leader)
        with self.assertRaises(UserError):
            as_leader.action_done()  # no interview held yet
        as_leader.write({"interview_date": "2026-07-05", "strengths": "<p>Closes fast</p>"})
        as_leader.action_done()
        self.assertEqual(rita.state, "done")
        self.assertIn("72.04", rita.message_ids[0].body)

    def test_figures_are_frozen_once_rating_starts(self):
        rita, _bo = self._start()
        rita.with_user(self.user_leader).action_start_rating()
        self._won(self.beta, 3000, "2026-06-01", user_id=self.user_rep.id, team_id=self.team.id)
        with self.assertRaises(UserError):
            rita.with_user(self.user_leader).action_refresh_figures()
        line = rita.line_ids.filtered(lambda ln: ln.indicator_id.name == "Revenue attainment")
        self.assertEqual(line.raw_value, 83.33)
        with self.assertRaises(AccessError):
            line.with_user(self.user_leader).write({"raw_value": 100})

    def test_done_review_is_read_only(self):
        rita, _bo = self._start()
        as_leader = rita.with_user(self.user_leader)
        as_leader.action_start_rating()
        self._rate(rita, self.user_leader, {"Initiative": 5, "Teamwork": 5}, "manager")
        as_leader.action_start_interview()
        as_leader.interview_date = "2026-07-05"
        as_leader.action_done()
        for vals in ({"strengths": "<p>Rewritten</p>"}, {"score": 100}, {"state": "draft"}):
            with self.assertRaises(UserError), self.cr.savepoint():
                as_leader.write(vals)
        with self.assertRaises(UserError):
            rita.unlink()
        self.assertEqual(rita.state, "done")


@tagged("post_install", "-at_install")
class TestReviewQueries(SfaReviewCommon):
    def test_figures_of_a_team_in_constant_queries(self):
        """The computed indicators of 1 or 4 reviews take the same number of queries."""
        users = self.user_rep | self.user_bo
        for login in ("sfa_cy", "sfa_dee"):
            users |= self._user(login, login, "sales_team.group_sale_salesman")
        Review = self.env["sfa.performance.review"]
        reviews = Review.create(
            [
                {
                    "user_id": user.id,
                    "manager_id": self.user_leader.id,
                    "template_id": self.template.id,
                    "company_id": self.company.id,
                    "date_from": "2026-01-01",
                    "date_to": "2026-12-31",
                }
                for user in users
            ]
        )
        reviews[:1]._fill_lines()  # so that both batches replace existing lines
        for batch in (reviews[:1], reviews):
            self.env.invalidate_all()
            with self.assertQueryCount(18):
                batch._fill_lines()
        self.assertEqual(len(reviews.line_ids), 16)


@tagged("post_install", "-at_install")
class TestReviewBadInput(SfaReviewCommon):
    def test_weights_must_add_up(self):
        template = self._template(name="Lopsided")
        template.indicator_ids[0].weight = 50
        with self.assertRaisesRegex(ValidationError, "add up to 110.0, not 100"):
            template.action_publish()
        self.assertEqual(template.state, "draft")
        template.indicator_ids[0].weight = 40
        template.peer_weight = 40
        with self.assertRaisesRegex(ValidationError, "must add up to 100"):
            template.action_publish()

    def test_default_template_is_published(self):
        template = self.env.ref("sfa_key_accounts.evaluation_template_kam")
        self.assertEqual((template.state, template.weight_total), ("published", 100.0))
        by_category = {}
        for indicator in template.indicator_ids:
            by_category[indicator.category] = (
                by_category.get(indicator.category, 0) + indicator.weight
            )
        self.assertEqual(by_category, {"results": 60, "attitude": 20, "collaboration": 20})
        computed = template.indicator_ids.filtered(lambda i: i.kind != "rated")
        self.assertEqual(len(computed), 7)

    def test_published_template_is_frozen(self):
        with self.assertRaises(UserError):
            self.template.indicator_ids[0].weight = 10
        with self.assertRaises(UserError):
            self.template.indicator_ids[0].curve_point_ids[0].score = 10
        copy = self.template.copy()
        self.assertEqual((copy.state, len(copy.indicator_ids)), ("draft", 4))
        self.assertEqual(copy.indicator_ids[0].curve_text, "0 → 0, 80 → 60, 100 → 100")

    def test_curve_must_increase(self):
        template = self._template(name="Bad curve")
        template.indicator_ids[0].curve_point_ids[0].raw = 80  # twice 80
        with self.assertRaisesRegex(ValidationError, "scoring curve of Revenue attainment"):
            template.action_publish()
        template.indicator_ids[0].curve_point_ids[0].raw = 0
        template.indicator_ids[0].curve_point_ids[2].score = 120  # more than 100
        with self.assertRaisesRegex(ValidationError, "scoring curve of Revenue attainment"):
            template.action_publish()

    def test_no_walking_around_the_steps(self):
        rita, _bo = self._start()
        as_leader = rita.with_user(self.user_leader)
        for vals in ({"state": "done"}, {"state": "interview"}, {"score": 100}):
            with self.assertRaises(UserError), self.cr.savepoint():
                as_leader.write(vals)
        as_leader.action_start_rating()
        sheet = rita.rating_ids.filtered(lambda s: s.source == "peer").with_user(self.user_bo)
        with self.assertRaises(UserError), self.cr.savepoint():
            sheet.write({"state": "submitted"})  # nothing rated: only Submit checks that
        with self.assertRaises(UserError), self.cr.savepoint():
            as_leader.action_done()
        self.assertEqual((rita.state, sheet.state, rita.score), ("rating", "pending", 0.0))

    def test_no_review_born_done_nor_of_a_stranger(self):
        review = {
            "user_id": self.user_bo.id,
            "template_id": self.template.id,
            "company_id": self.company.id,
            "date_from": "2029-01-01",
            "date_to": "2029-12-31",
        }
        Review = self.env["sfa.performance.review"]
        with self.assertRaises(UserError), self.cr.savepoint():
            Review.create({**review, "manager_id": self.user_leader.id, "state": "done"})
        with self.assertRaises(UserError), self.cr.savepoint():
            Review.create({**review, "manager_id": self.user_leader.id, "score": 100})
        # Rita names herself Bo's reviewer: she leads no team of his
        with self.assertRaises(AccessError), self.cr.savepoint():
            Review.with_user(self.user_rep).create({**review, "manager_id": self.user_rep.id})
        self.assertFalse(Review.search([("date_from", "=", "2029-01-01")]))
        with self.assertRaises(ValidationError), self.cr.savepoint():
            Review.create(
                {
                    **review,
                    "manager_id": self.user_leader.id,
                    "peer_ids": [(6, 0, self.user_leader.ids)],
                }
            )

    def test_ratings_cannot_move_nor_change_hands(self):
        rita, _bo = self._start()
        rita.with_user(self.user_leader).action_start_rating()
        manager_sheet = rita.rating_ids.filtered(lambda s: s.source == "manager")
        peer_sheet = rita.rating_ids.filtered(lambda s: s.source == "peer").with_user(self.user_bo)
        for vals in (
            {"rating_id": manager_sheet.id},
            {"indicator_id": rita.line_ids[0].indicator_id.id},
        ):
            with self.assertRaises(UserError), self.cr.savepoint():
                peer_sheet.line_ids[0].write(vals)
        for vals in ({"source": "manager"}, {"rater_id": self.user_rep.id}):
            with self.assertRaises(UserError), self.cr.savepoint():
                peer_sheet.write(vals)
        self.assertEqual(peer_sheet.source, "peer")
        self.assertEqual(len(manager_sheet.line_ids), 2)

    def test_ratings_and_raters(self):
        rita, _bo = self._start()
        rita.with_user(self.user_leader).action_start_rating()
        sheet = rita.rating_ids.filtered(lambda s: s.source == "peer").with_user(self.user_bo)
        for value in (6, -1, 7):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                sheet.line_ids[0].value = value
        with self.assertRaises(UserError):
            sheet.action_submit()  # nothing rated yet
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["sfa.performance.rating"].create(
                {"review_id": rita.id, "rater_id": self.user_rep.id, "source": "peer"}
            )
        draft = rita.copy({"date_from": "2028-01-01", "date_to": "2028-12-31"})
        with self.assertRaises(ValidationError), self.cr.savepoint():
            draft.peer_ids = self.user_rep
        review = self.env["sfa.performance.review"]
        with self.assertRaisesRegex(ValidationError, "already has a review"):
            review.create(
                {
                    "user_id": self.user_rep.id,
                    "manager_id": self.user_leader.id,
                    "template_id": self.template.id,
                    "company_id": self.company.id,
                    "date_from": "2026-06-01",
                    "date_to": "2027-05-31",
                }
            )

    def test_only_the_leader_starts_the_team_reviews(self):
        with self.assertRaises(AccessError):
            self.env["sfa.performance.review.start"].with_user(self.user_rep).create(
                {
                    "team_id": self.team.id,
                    "template_id": self.template.id,
                    "date_from": "2026-01-01",
                    "date_to": "2026-12-31",
                }
            ).action_apply()


@tagged("post_install", "-at_install")
class TestReviewSecrecy(SfaReviewCommon):
    """A rep cannot read a colleague's review or ratings by any route."""

    def _reaches(self, user, records):
        """{route: whether ``user`` reached ``records``} over the routes a client uses."""
        Model = self.env[records._name].with_user(user)
        domain = [("id", "in", records.ids)]
        seen = {}
        with mute_logger("odoo.models", "odoo.addons.base.models.ir_rule"):
            for route in ("read", "search_read", "read_group", "export", "name_search"):
                try:
                    with self.cr.savepoint():
                        if route == "read":
                            seen[route] = bool(Model.browse(records.ids).read(["display_name"]))
                        elif route == "search_read":
                            seen[route] = bool(Model.search_read(domain, ["id"]))
                        elif route == "read_group":
                            groups = Model.read_group(domain, ["__count"], [])
                            seen[route] = bool(groups and groups[0]["__count"])
                        elif route == "export":
                            seen[route] = bool(
                                Model.browse(records.ids).export_data(["display_name"])["datas"]
                            )
                        else:
                            seen[route] = bool(Model.name_search("", domain))
                except AccessError:
                    seen[route] = False
                self.env.invalidate_all()
        return seen

    def test_no_route_to_a_colleague_review_or_ratings(self):
        export = self.env.ref("base.group_allow_export")
        (self.user_rep | self.user_bo).groups_id |= export
        rita, bo = self._start()
        (rita | bo).with_user(self.user_leader).action_start_rating()
        self._rate(rita, self.user_bo, {"Initiative": 2, "Teamwork": 2})
        nothing = dict.fromkeys(("read", "search_read", "read_group", "export", "name_search"))
        others = bo.rating_ids.filtered(lambda s: s.rater_id != self.user_rep)  # Rita rates Bo
        for records in (bo, bo.line_ids, others, others.line_ids):
            self.assertEqual(
                self._reaches(self.user_rep, records),
                dict.fromkeys(nothing, False),
                records._name,
            )
        # not even the ratings of her own review: who rated what stays with the manager
        for records in (rita.rating_ids, rita.rating_ids.line_ids):
            seen = self._reaches(self.user_rep, records)
            self.assertFalse(any(seen.values()), (records._name, seen))
        # her own review and its lines she reads
        self.assertTrue(all(self._reaches(self.user_rep, rita).values()))
        self.assertTrue(all(self._reaches(self.user_rep, rita.line_ids).values()))
        # Bo rates Rita on his own sheet, but cannot open Rita's review
        bo_sheet = rita.rating_ids.filtered(lambda s: s.rater_id == self.user_bo)
        self.assertTrue(all(self._reaches(self.user_bo, bo_sheet).values()))
        self.assertFalse(any(self._reaches(self.user_bo, rita).values()))
        self.assertFalse(any(self._reaches(self.user_bo, rita.line_ids).values()))

    def test_reps_read_published_templates_only(self):
        draft = self._template(name="Next year")
        Template = self.env["sfa.evaluation.template"].with_user(self.user_rep)
        self.assertEqual(
            Template.search([("id", "in", (self.template | draft).ids)]), self.template
        )
        Indicator = self.env["sfa.evaluation.indicator"].with_user(self.user_rep)
        self.assertEqual(
            Indicator.search([("template_id", "in", (self.template | draft).ids)]),
            self.template.indicator_ids,
        )
        with self.assertRaises(AccessError):
            self.template.with_user(self.user_rep).write({"active": False})
