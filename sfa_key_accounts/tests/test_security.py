from odoo.tests import tagged

from .common import SfaCommon


@tagged("post_install", "-at_install")
class TestGroups(SfaCommon):
    def test_sales_groups_imply_key_account_groups(self):
        group_user = self.env.ref("sfa_key_accounts.group_sfa_user")
        group_manager = self.env.ref("sfa_key_accounts.group_sfa_manager")
        self.assertTrue(self.user_rep.has_group("sfa_key_accounts.group_sfa_user"))
        self.assertFalse(self.user_rep.has_group("sfa_key_accounts.group_sfa_manager"))
        self.assertTrue(self.user_manager.has_group("sfa_key_accounts.group_sfa_manager"))
        self.assertTrue(self.user_manager.has_group("sfa_key_accounts.group_sfa_user"))
        self.assertFalse(self.user_employee.has_group("sfa_key_accounts.group_sfa_user"))
        self.assertIn(group_user, group_manager.implied_ids)

    def test_menu_in_crm_for_key_account_users_only(self):
        menu = self.env.ref("sfa_key_accounts.crm_menu_key_accounts")
        self.assertEqual(menu.parent_id, self.env.ref("crm.crm_menu_root"))
        visible = self.env["ir.ui.menu"].with_user(self.user_rep)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        hidden = self.env["ir.ui.menu"].with_user(self.user_employee)._visible_menu_ids()
        self.assertNotIn(menu.id, hidden)
