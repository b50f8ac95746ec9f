import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A manager finds the Key Accounts menu inside the CRM app and opens the key-account list.
registry.category("web_tour.tours").add("sfa_key_accounts_menu_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            content: "Open the CRM app",
            run: "click",
        },
        {
            trigger: ".o_main_navbar button:contains('Key Accounts')",
            content: "Open the Key Accounts menu",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='sfa_key_accounts.crm_menu_key_accounts_list']",
            content: "Open the key-account list",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains('Key Accounts')",
            content: "The key-account list is shown",
        },
    ],
});
