from lxml import etree

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """The Chinese translations load and use the method's own words (docs/method.md)."""

    def test_chinese_terms(self):
        for lang, menu, tier, lever in (
            ("zh_CN", "重点客户", "主要客户", "计划性拜访"),
            ("zh_TW", "重點客戶", "主要客戶", "計劃性拜訪"),
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

    def test_the_course_words_where_the_crm_has_its_own(self):
        """Issue 12: the words of the course (docs/method.md), not the CRM's where they share a
        source term, nor a translator's paraphrase."""
        expected = {
            "zh_CN": {
                "swot_opportunity": "机会",
                "close": "销售成交",
                "won": "赢单",
                "relationship": ["松散型（夹子）", "熟悉型（拉链）", "紧密型（尼龙搭扣）"],
                "quality": "素质评估",
                "time": ["0 - 未见过面", "1 - 初次接触"],
                "tiers": ["主要客户", "大客户", "普通客户", "小客户"],
                "override": "特批放行",
                "sources": [
                    "展览",
                    "讲座",
                    "实物演示",
                    "图文演示",
                    "行业刊物",
                    "咨询顾问",
                    "大众舆论",
                    "其他行业用户",
                ],
                "differentiators": ["操作性", "客户化", "采购方便性", "安全保密性", "市场占有率"],
                "levers": ["身价（优先权与礼遇）", "品牌文化标准", "趸交"],
                "stale": "关键人近期未联系",
                "close_rule": "速战速决，在合同正式签署前，要避免对手搅局。",
            },
            "zh_TW": {
                "swot_opportunity": "機會",
                "close": "銷售成交",
                "won": "贏單",
                "relationship": ["鬆散型（夾子）", "熟悉型（拉鍊）", "緊密型（尼龍搭扣）"],
                "quality": "素質評估",
                "time": ["0 - 未見過面", "1 - 初次接觸"],
                "tiers": ["主要客戶", "大客戶", "普通客戶", "小客戶"],
                "override": "特批放行",
                "sources": [
                    "展覽",
                    "講座",
                    "實物演示",
                    "圖文演示",
                    "行業刊物",
                    "諮詢顧問",
                    "大眾輿論",
                    "其他行業用戶",
                ],
                "differentiators": ["操作性", "客戶化", "採購方便性", "安全保密性", "市場佔有率"],
                "levers": ["身價（優先權與禮遇）", "品牌文化標準", "躉交"],
                "stale": "關鍵人近期未聯絡",
                "close_rule": "速戰速決，在合同正式簽署前，要避免對手攪局。",
            },
        }
        for lang, words in expected.items():
            self.env["res.lang"]._activate_lang(lang)
            self.env["ir.module.module"]._load_module_terms(["sfa_key_accounts"], [lang])
            env = self.env(context={"lang": lang})

            def label(model, fname, key, env=env):
                return dict(env[model].fields_get([fname])[fname]["selection"])[key]

            def ref(xmlid, env=env):
                return env.ref(f"sfa_key_accounts.{xmlid}").name

            got = {
                "swot_opportunity": label("sfa.account.swot", "quadrant", "opportunity"),
                "close": ref("crm_stage_close"),
                "won": ref("crm_stage_won"),
                "relationship": [
                    label("sfa.key.account", "relationship", key)
                    for key in ("clip", "zipper", "velcro")
                ],
                "quality": label("sfa.health.criterion", "kind", "quality"),
                "time": [label("sfa.deal.contact", "time_spent", key) for key in "01"],
                "tiers": [ref(f"tier_{key}") for key in ("main", "big", "ordinary", "small")],
                "override": self._button(env, "action_sfa_override_gate"),
                "sources": [ref(f"influence_source_{n:02}") for n in (3, 4, 6, 7, 8, 11, 12, 13)],
                "differentiators": [
                    ref(f"differentiator_{key}")
                    for key in (
                        "product_usability",
                        "product_customisation",
                        "product_ease_of_purchase",
                        "product_security",
                        "company_market_share",
                    )
                ],
                "levers": [ref(f"switching_lever_{n:02}") for n in (4, 5, 15)],
                "stale": env._("Key player not contacted recently"),
                # the stage's rule, shown over its name (Odoo's own field, made translatable)
                "close_rule": env.ref("sfa_key_accounts.crm_stage_close").requirements,
            }
            self.assertEqual(got, words)

    @staticmethod
    def _button(env, name):
        arch = env["crm.lead"].get_views([(False, "form")])["views"]["form"]["arch"]
        return etree.fromstring(arch).xpath(f"//button[@name='{name}']")[0].get("string")
