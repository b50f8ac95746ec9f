import { registry } from "@web/core/registry";

// Incentive pay (诱因报酬) from plan to payout, one tour per person: the administrator builds a
// plan of three graduated tiers, puts it in use, assigns it to the team and computes the
// team's statements of the quarter; the team leader approves one; the rep disputes a line of
// theirs and reads the what-if of an open deal.

function field(name) {
    return `.o_form_view .o_field_widget[name='${name}']`;
}

function tierRow(lower, upper, rate) {
    const row = ".modal .o_field_widget[name='tier_ids'] .o_data_row.o_selected_row";
    const steps = [
        {
            trigger: ".modal .o_field_widget[name='tier_ids'] .o_field_x2many_list_row_add a",
            content: `A tier from ${lower} %`,
            run: "click",
        },
        {
            trigger: `${row} .o_field_widget[name='lower_pct'] input`,
            run: `edit ${lower}`,
        },
    ];
    if (upper !== null) {
        steps.push({
            trigger: `${row} .o_field_widget[name='upper_pct'] input`,
            run: `edit ${upper}`,
        });
    }
    steps.push({
        trigger: `${row} .o_field_widget[name='rate_pct'] input`,
        content: `paying ${rate} %`,
        run: `edit ${rate}`,
    });
    return steps;
}

function assign(name) {
    return [
        {
            trigger: ".o_list_view .o_list_button_add",
            content: `Assign the plan to ${name}`,
            run: "click",
        },
        {
            trigger: ".o_list_view .o_selected_row .o_field_widget[name='user_id'] input",
            run: `edit ${name}`,
        },
        {
            trigger: `.o_list_view .o_selected_row .o-autocomplete--dropdown-item:contains('${name}')`,
            run: "click",
        },
        {
            trigger: ".o_list_view .o_list_button_save",
            content: "Save the assignment",
            run: "click",
        },
        {
            trigger: `.o_list_view .o_data_row:contains('${name}'):not(.o_selected_row)`,
            content: `${name} is assigned`,
        },
    ];
}

function openStatement(name) {
    return [
        {
            trigger: `.o_list_view .o_data_row:contains('${name}') td[name='user_id']`,
            content: `Open the statement of ${name}`,
            run: "click",
        },
        {
            trigger: `${field("user_id")}:contains('${name}')`,
            content: "The statement is open",
        },
    ];
}

registry.category("web_tour.tours").add("sfa_comp_admin_tour", {
    steps: () => [
        {
            trigger: ".o_list_view .o_list_button_add",
            content: "Create a plan",
            run: "click",
        },
        {
            trigger: `${field("name")} input`,
            content: "Name it",
            run: "edit Tour Plan",
        },
        {
            trigger: ".o_field_widget[name='component_ids'] .o_field_x2many_list_row_add a",
            content: "Add a commission",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='name'] input",
            content: "Name the component",
            run: "edit Commission",
        },
        ...tierRow(0, 50, 2),
        ...tierRow(50, 100, 5),
        ...tierRow(100, null, 10),
        {
            trigger: ".modal .o_form_button_save",
            content: "Keep the component",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
            content: "The component is kept",
        },
        {
            trigger: ".o_field_widget[name='component_ids'] .o_data_row:contains('Commission')",
            content: "It is listed",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_activate']",
            content: "Put the plan in use (saves it first)",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('In Use')",
            content: "The plan is in use",
        },
        {
            trigger: ".o_form_view button[name='action_view_assignments']",
            content: "Assign it",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb .active:contains('Assignments')",
            content: "The assignments are shown",
        },
        ...assign("Tour Comp Amy"),
        ...assign("Tour Comp Ben"),
        {
            trigger: "button[data-menu-xmlid='sfa_key_accounts.crm_menu_compensation']",
            content: "Open Compensation",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu [data-menu-xmlid='sfa_key_accounts.crm_menu_comp_compute']",
            content: "Compute the statements",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='team_id'] input",
            content: "Of the team, for this quarter",
            run: "edit Tour Comp Team",
        },
        {
            trigger: ".modal .o_field_widget[name='team_id'] .o-autocomplete--dropdown-item:contains('Tour Comp Team')",
            run: "click",
        },
        {
            trigger: ".modal button[name='action_compute']",
            content: "Compute",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour Comp Amy'):contains('200.00')",
            content: "Amy earns 200.00: 5,000 at 2 % and 2,000 at 5 %",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour Comp Ben')",
            content: "Ben has a statement too",
        },
    ],
});

registry.category("web_tour.tours").add("sfa_comp_approve_tour", {
    steps: () => [
        ...openStatement("Tour Comp Ben"),
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_approve']",
            content: "Approve Ben's statement",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Approved')",
            content: "It is approved and locked",
        },
    ],
});

registry.category("web_tour.tours").add("sfa_comp_rep_tour", {
    steps: () => [
        ...openStatement("Tour Comp Amy"),
        {
            trigger: ".o_field_widget[name='line_ids'] .o_data_row:first button[name='action_dispute']",
            content: "Dispute the first line",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            content: "Say why",
            run: "edit The first deal was 3,500",
        },
        {
            trigger: ".modal button[name='action_confirm']",
            content: "Send the dispute",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
            content: "The dispute is sent",
        },
        {
            trigger: ".o_form_view .alert-warning:contains('disputed')",
            content: "The statement waits for the resolution",
        },
    ],
});

registry.category("web_tour.tours").add("sfa_comp_what_if_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Credit')",
            content: "Open the deal's credit and commission",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name='action_sfa_what_if']",
            content: "Ask what winning this deal pays",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('200.00'):contains('300.00')",
            content: "200.00 earned so far this quarter, 300.00 if this deal is won at its 2,000: 4,000 at 5 %",
        },
    ],
});
