{
    "name": "Key Accounts",
    "summary": "Key-account selling in the CRM: 80/20 selection, account plans, "
    "relationship health",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "SFA Key Accounts contributors",
    "website": "https://github.com/sfa-key-accounts/sfa_key_accounts",
    "license": "LGPL-3",
    "depends": ["crm", "mail", "web_hierarchy"],
    "data": [
        "security/sfa_key_accounts_security.xml",
        "security/ir.model.access.csv",
        "data/sfa_key_accounts_data.xml",
        "data/sfa_key_accounts_defaults.xml",
        "data/sfa_political_map_data.xml",
        "wizard/sfa_key_account_selection_views.xml",
        "wizard/sfa_stage_gate_override_views.xml",
        "views/sfa_key_account_tier_views.xml",
        "views/sfa_config_views.xml",
        "views/sfa_account_plan_views.xml",
        "views/sfa_stakeholder_views.xml",
        "views/crm_lead_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "report/sfa_account_plan_report.xml",
        "report/crm_lead_political_map_report.xml",
        "views/sfa_menus.xml",
    ],
    "demo": [
        "demo/sfa_key_accounts_demo.xml",
        "demo/sfa_political_map_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "sfa_key_accounts/static/src/scss/*.scss",
        ],
        "web.assets_tests": [
            "sfa_key_accounts/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "application": False,
}
