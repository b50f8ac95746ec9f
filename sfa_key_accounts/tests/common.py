from odoo.tests.common import TransactionCase

from odoo.addons.mail.tests.common import mail_new_test_user


class SfaCommon(TransactionCase):
    """Users of every role, shared by the addon's tests (as ``crm/tests/common.py`` does)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.ref("base.main_company")
        cls.user_rep = mail_new_test_user(
            cls.env,
            login="sfa_rep",
            name="Rita Rep",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.user_rep_all = mail_new_test_user(
            cls.env,
            login="sfa_rep_all",
            name="Alan All-Leads",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=cls.company.id,
        )
        cls.user_manager = mail_new_test_user(
            cls.env,
            login="sfa_manager",
            name="Mona Manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
        )
        cls.user_employee = mail_new_test_user(
            cls.env,
            login="sfa_employee",
            name="Eve Employee",
            groups="base.group_user",
            company_id=cls.company.id,
        )
