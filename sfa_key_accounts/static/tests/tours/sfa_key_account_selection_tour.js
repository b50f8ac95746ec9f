import { registry } from "@web/core/registry";
import { openKeyAccountMenu } from "@sfa_key_accounts/../tests/tours/utils/sfa_tour_utils";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A manager runs the 80/20 selection, applies it, opens the new key account, plans it with
// a SWOT item and a switching-cost lever, and prints the plan.
registry.category("web_tour.tours").add("sfa_key_account_selection_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            content: "Open the CRM app",
            run: "click",
        },
        ...openKeyAccountMenu("crm_menu_key_account_selection", "Open the 80/20 selection"),
        {
            trigger: ".modal button[name='action_compute']",
            content: "Rank the customers by won revenue",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:contains('Tour Customer Ltd'):contains('Main customers')",
            content: "The biggest customer is proposed for the top tier",
        },
        {
            trigger: ".modal button[name='action_apply']",
            content: "Apply the proposals",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
            content: "The wizard is closed",
        },
        {
            trigger: ".o_breadcrumb:contains('Concentration Curve')",
            content: "The concentration curve of the ranking just applied opens",
        },
        {
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
            content: "It is drawn",
        },
        ...openKeyAccountMenu("crm_menu_key_accounts_list", "Open the key accounts"),
        {
            trigger: ".o_kanban_record:contains('Tour Customer Ltd')",
            content: "Open the new key account",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name='action_view_plans']",
            content: "Open its account plans",
            run: "click",
        },
        {
            trigger: ".o_list_button_add",
            content: "Create a plan",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='partner_id'] input:value('Tour Customer Ltd')",
            content: "The plan is for the key account",
        },
        {
            trigger: ".o_field_widget[name='name'] input",
            content: "Name the plan",
            run: "edit Tour plan",
        },
        {
            trigger: ".o_notebook a.nav-link:contains('SWOT')",
            content: "Open the SWOT tab",
            run: "click",
        },
        {
            trigger: "div[name='swot_ids'] .o_field_x2many_list_row_add a",
            content: "Add a SWOT item",
            run: "click",
        },
        {
            trigger: "div[name='swot_ids'] .o_data_row .o_field_widget[name='name'] input",
            content: "Describe it",
            run: "edit Wants to open a plant in Wuhan",
        },
        {
            trigger: ".o_notebook a.nav-link:contains('Switching-Cost Levers')",
            content: "Open the levers tab",
            run: "click",
        },
        {
            trigger: "div[name='lever_ids'] .o_field_x2many_list_row_add a",
            content: "Add a lever",
            run: "click",
        },
        {
            trigger: "div[name='lever_ids'] .o_field_widget[name='lever_id'] input",
            content: "Choose the lever",
            run: "edit Planned visits",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Planned visits')",
            content: "Pick planned visits",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name='action_print']",
            content: "Print the plan (saves it first)",
            run: "click",
        },
        {
            trigger: ":iframe .o_sfa_account_plan_report:contains('Tour plan'):contains('Wants to open a plant in Wuhan'):contains('Planned visits')",
            content: "The printed plan shows the SWOT item and the lever",
        },
    ],
});
