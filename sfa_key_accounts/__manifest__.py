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
        "views/sfa_menus.xml",
    ],
    "demo": [],
    "assets": {
        "web.assets_tests": [
            "sfa_key_accounts/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "application": False,
}
