import { registry } from "@web/core/registry";

function addRole(role) {
    return [
        {
            trigger: ".modal .o_field_widget[name='role_ids'] input",
            content: `Give the decision role ${role}`,
            run: `edit ${role}`,
        },
        {
            trigger: `.modal .o_field_widget[name='role_ids'] .o-autocomplete--dropdown-item:contains('${role}')`,
            run: "click",
        },
        {
            trigger: `.modal .o_field_widget[name='role_ids'] .o_tag:contains('${role}')`,
        },
    ];
}

// One line per person on the deal, with one or more roles and one attitude: the buying
// centre's list opens the person's line in a dialog.
function addToMap(person, roles, attitude) {
    return [
        {
            trigger: "div[name='deal_contact_ids'] .o_field_x2many_list_row_add a",
            content: `Add ${person} to the buying centre`,
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='stakeholder_id'] input",
            content: "Choose the stakeholder",
            run: `edit ${person}`,
        },
        {
            trigger: `.modal .o_field_widget[name='stakeholder_id'] .o-autocomplete--dropdown-item:contains('${person}')`,
            run: "click",
        },
        ...roles.flatMap(addRole),
        {
            trigger: ".modal .o_field_widget[name='attitude'] select",
            content: "Set the attitude",
            run: `selectByLabel ${attitude}`,
        },
        {
            trigger: ".modal .modal-footer .o_form_button_save",
            content: "Save the line",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: `div[name='deal_contact_ids'] .o_data_row:contains('${person}'):contains('${attitude}')`,
        },
    ];
}

// A rep maps a deal's buying centre, sees a red flag, arranges the org chart, fixes the flag
// and moves the deal through the "Lead the process" gate, which first blocks: the refused move
// leaves the form clean, on its stage. The status bar shows the key-account stages only.
registry.category("web_tour.tours").add("sfa_political_map_tour", {
    steps: () => [
        {
            trigger: ".o_statusbar_status button:contains('Confirm the opportunity')",
            content: "The pipeline of the Key Accounts team",
        },
        {
            trigger: ".o_statusbar_status:not(:has(button:contains('Proposition')))",
            content: "The shared stages are not offered",
        },
        {
            trigger: ".o_form_view .o_notebook a.nav-link:contains('Political Map')",
            content: "Open the political map of the deal",
            run: "click",
        },
        ...addToMap("Tour Decider", ["Decision maker"], "Champion"),
        ...addToMap("Tour Evaluator", ["Evaluator"], "Supports"),
        ...addToMap("Tour User", ["User"], "Neutral"),
        {
            trigger: ".o_form_button_save",
            content: "Save the map",
            run: "click",
        },
        {
            trigger: ".alert-warning:contains('No approver')",
            content: "A red flag: nobody approves",
        },
        {
            trigger: ".o_statusbar_status button:contains('Prove the solution')",
            content: "Try to move the deal on",
            run: "click",
        },
        {
            trigger: ".modal:contains('cannot leave'):contains('no approver')",
            content: "The gate blocks and says what is missing",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            content: "Close the message",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Lead the process')",
            content: "The deal stays on its stage",
        },
        {
            trigger: ".o_form_view .o_form_renderer.o_form_saved",
            content: "Nothing is left to save: the refused move is gone",
        },
        {
            trigger: ".o_form_view button[name='action_open_political_map']",
            content: "Open the org chart",
            run: "click",
        },
        {
            trigger: ".o_hierarchy_node:contains('Tour Evaluator')",
            content: "Drag the evaluator under the decision maker",
            run: "drag_and_drop .o_hierarchy_node:contains('Tour Decider')",
        },
        {
            trigger: ".o_hierarchy_node_container:has(.o_hierarchy_node:contains('Tour Decider'))",
            content: "The org chart shows the power line",
        },
        {
            trigger: ".o_hierarchy_node:contains('Tour Decider'):contains('Champion')",
            content: "A card shows the person's attitude on the deal",
        },
        {
            trigger: ".o_breadcrumb a:contains('Tour Deal')",
            content: "Back to the deal",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name='action_open_political_map']",
            content: "Open the org chart again: the evaluator now reports to the decider",
            run: "click",
        },
        {
            trigger: ".o_hierarchy_node:contains('Tour User')",
        },
        {
            trigger:
                ".o_hierarchy_node:contains('Tour Decider') button[name='hierarchy_search_subsidiaries']",
            content: "Unfold the decider's reports",
            run: "click",
        },
        {
            trigger: ".o_hierarchy_node:contains('Tour Evaluator'):contains('Supports')",
            content: "The evaluator's card, from the chart already read",
        },
        {
            trigger: ".o_breadcrumb a:contains('Tour Deal')",
            content: "Back to the deal",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook a.nav-link:contains('Political Map')",
            run: "click",
        },
        ...addToMap("Tour Signer", ["Approver", "Evaluator"], "Supports"),
        {
            trigger: ".o_form_button_save",
            content: "Save the map",
            run: "click",
        },
        {
            trigger: ".o_form_view:not(:has(.alert-warning:contains('No approver')))",
            content: "The flag is fixed",
        },
        {
            trigger: ".o_statusbar_status button:contains('Prove the solution')",
            content: "Move the deal on again",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Prove the solution')",
            content: "The gate lets it through",
        },
        {
            trigger: "body:not(:has(.o_form_dirty))",
            content: "The move is saved",
        },
    ],
});
