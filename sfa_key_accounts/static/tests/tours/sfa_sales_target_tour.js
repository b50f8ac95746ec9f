import { registry } from "@web/core/registry";

function field(name) {
    return `.o_form_view .o_field_widget[name='${name}']`;
}

function modalField(name) {
    return `.modal .o_field_widget[name='${name}']`;
}

function openRow(text, content) {
    return [
        {
            trigger: `.o_list_view .o_data_row:contains('${text}') td[name='name']`,
            content,
            run: "click",
        },
        {
            trigger: `.o_breadcrumb .active:contains('${text}')`,
            content: "The target is open",
        },
    ];
}

function applySplit() {
    return [
        {
            trigger: ".modal button[name='action_apply']",
            content: "Split",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
            content: "The wizard is closed",
        },
    ];
}

// An administrator sets a team's yearly revenue target, confirms it, splits it equally among
// the team's members, splits one member's target into quarters and adjusts the first quarter
// (the other quarters absorb the difference).
registry.category("web_tour.tours").add("sfa_sales_target_tour", {
    steps: () => [
        {
            trigger: ".o_list_view .o_list_button_add",
            content: "Create a target",
            run: "click",
        },
        {
            trigger: `${field("name")} input`,
            content: "Name it",
            run: "edit Tour East 2027",
        },
        {
            trigger: `${field("team_id")} input`,
            content: "The team owns it",
            run: "edit Tour East",
        },
        {
            trigger: `${field("team_id")} .o-autocomplete--dropdown-item:contains('Tour East')`,
            run: "click",
        },
        {
            trigger: `${field("date_from")} input`,
            content: "From the first day of 2027",
            run: "edit 01/01/2027",
        },
        {
            trigger: `${field("date_to")} input`,
            content: "To the last",
            run: "edit 12/31/2027",
        },
        {
            trigger: `${field("measure")} select`,
            content: "Measure the won revenue",
            run: "selectByLabel Won Revenue",
        },
        {
            trigger: `${field("amount")} input`,
            content: "12,000 for the year",
            run: "edit 12000",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_confirm']",
            content: "Confirm the target (saves it first)",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Confirmed')",
            content: "The target is confirmed",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_split']",
            content: "Split it",
            run: "click",
        },
        {
            trigger: `${modalField("split_by")} select`,
            content: "Among the team's salespeople",
            run: "selectByLabel Salesperson",
        },
        {
            trigger: `${modalField("method")} select`,
            content: "Equally",
            run: "selectByLabel Equal",
        },
        {
            trigger: ".modal .o_data_row:contains('Tour Rep Amy'):contains('6,000.00')",
            content: "Amy gets half",
        },
        {
            trigger: ".modal .o_data_row:contains('Tour Rep Ben'):contains('6,000.00')",
            content: "Ben the other half",
        },
        ...applySplit(),
        ...openRow("Tour East 2027 / Tour Rep Amy", "Open Amy's target"),
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_split']",
            content: "Split Amy's year",
            run: "click",
        },
        {
            trigger: `${modalField("split_by")} select`,
            content: "By period",
            run: "selectByLabel Period",
        },
        {
            trigger: `${modalField("period_unit")} select`,
            content: "In quarters",
            run: "selectByLabel Quarters",
        },
        {
            trigger: ".modal .o_data_row:contains('2027 Q1'):contains('1,500.00')",
            content: "A quarter of 6,000 each",
        },
        {
            trigger: ".modal .o_data_row:contains('2027 Q4'):contains('1,500.00')",
        },
        ...applySplit(),
        ...openRow("Tour Rep Amy / 2027 Q1", "Open the first quarter"),
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_adjust']",
            content: "Adjust the first quarter",
            run: "click",
        },
        {
            trigger: `${modalField("new_amount")} input`,
            content: "A big order is coming in Q1",
            run: "edit 2100",
        },
        {
            trigger: `${modalField("rebalance")} input[data-value='siblings']:checked`,
            content: "The other quarters absorb the difference",
        },
        {
            trigger: `${modalField("reason")} select`,
            content: "Why",
            run: "selectByLabel Market Change",
        },
        {
            trigger: `${modalField("note")} textarea`,
            content: "Say what changed",
            run: "edit Distributor order moved into Q1",
        },
        {
            trigger: ".modal button[name='action_apply']",
            content: "Adjust",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
            content: "The wizard is closed",
        },
        {
            trigger: `${field("amount")}:contains('2,100.00')`,
            content: "The quarter is adjusted",
        },
        {
            trigger: ".o-mail-Message:contains('Distributor order moved into Q1')",
            content: "The change and its reason are in the chatter",
        },
    ],
});

// A member of the team sees their own target and the team's, never a colleague's.
registry.category("web_tour.tours").add("sfa_sales_target_rep_tour", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('Tour East 2027')",
            content: "The team's target is listed",
        },
        {
            trigger: ".o_searchview_facet:contains('Top Level') .o_facet_remove",
            content: "Show the split targets too",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour Rep Amy / 2027 Q4')",
            content: "Amy sees her own targets",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Tour Rep Ben')))",
            content: "but not Ben's",
        },
    ],
});
