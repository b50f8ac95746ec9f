from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install", "sfa_tour")
class TestTours(HttpCase):
    """Browser tours, run in headless Chromium by the test command's tours tier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").tour_enabled = False

    def test_menu_tour(self):
        self.start_tour("/odoo", "sfa_key_accounts_menu_tour", login="admin")
