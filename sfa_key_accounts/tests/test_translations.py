from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """The Chinese translations load and use the method's own words (DOMAIN.md)."""

    def test_chinese_terms(self):
        for lang, menu, tier, lever in (
            ("zh_CN", "重点客户", "主顾客", "计划性拜访"),
            ("zh_TW", "重點客戶", "主顧客", "計劃性拜訪"),
        ):
            self.env["res.lang"]._activate_lang(lang)
            self.env["ir.module.module"]._load_module_terms(["sfa_key_accounts"], [lang])
            env = self.env(context={"lang": lang})
            self.assertEqual(env.ref("sfa_key_accounts.crm_menu_key_accounts").name, menu)
            self.assertEqual(env.ref("sfa_key_accounts.tier_main").name, tier)
            self.assertEqual(env.ref("sfa_key_accounts.switching_lever_08").name, lever)
            states = dict(env["sfa.account.plan"].fields_get(["state"])["state"]["selection"])
            self.assertEqual(states["review"], "评审中" if lang == "zh_CN" else "評審中")
            stage = env.ref("sfa_key_accounts.crm_stage_lead_process")
            self.assertEqual(stage.name, "主导进程" if lang == "zh_CN" else "主導進程")
            attitudes = dict(
                env["sfa.deal.contact"].fields_get(["attitude"])["attitude"]["selection"]
            )
            self.assertEqual(attitudes["champion"], "* 力挺")

    def test_targets_and_reviews_terms(self):
        """Sales targets (销售目标) and performance reviews (绩效考核) in the course's words."""
        for lang, menu, targets, reviews, peer in (
            ("zh_CN", "目标与考核", "销售目标", "绩效考核", "同事"),
            ("zh_TW", "目標與考核", "銷售目標", "績效考核", "同事"),
        ):
            self.env["res.lang"]._activate_lang(lang)
            self.env["ir.module.module"]._load_module_terms(["sfa_key_accounts"], [lang])
            env = self.env(context={"lang": lang})
            self.assertEqual(env.ref("sfa_key_accounts.crm_menu_targets").name, menu)
            self.assertEqual(env.ref("sfa_key_accounts.sfa_sales_target_action").name, targets)
            self.assertEqual(env.ref("sfa_key_accounts.crm_menu_performance_reviews").name, reviews)
            sources = dict(
                env["sfa.performance.rating"].fields_get(["source"])["source"]["selection"]
            )
            self.assertEqual(sources["peer"], peer)
