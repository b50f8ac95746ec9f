import { registry } from "@web/core/registry";
import { tab } from "@sfa_key_accounts/../tests/tours/utils/sfa_tour_utils";

function addLine(field, content) {
    return {
        trigger: `div[name='${field}'] .o_field_x2many_list_row_add a`,
        content,
        run: "click",
    };
}

function cell(field, name) {
    return `div[name='${field}'] .o_selected_row .o_field_widget[name='${name}']`;
}

function leave(field, text) {
    return [
        {
            trigger: `div[name='${field}'] thead`,
            content: "Leave the row",
            run: "click",
        },
        {
            trigger: `div[name='${field}'] .o_data_row:not(.o_selected_row):contains('${text}')`,
        },
    ];
}

// A rep builds the business case of a deal and prints the value proposition.
registry.category("web_tour.tours").add("sfa_value_worksheet_tour", {
    steps: () => [
        {
            trigger: ".o_form_view button[name='action_open_value_worksheet']",
            content: "Open the deal's value case",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='lead_id']:contains('Value Tour Deal')",
        },
        tab("Needs"),
        addLine("need_ids", "Add a need"),
        { trigger: `${cell("need_ids", "name")} input`, run: "edit Faster month-end close" },
        ...leave("need_ids", "Faster month-end close"),
        tab("Benefits"),
        addLine("benefit_ids", "Add a first benefit"),
        { trigger: `${cell("benefit_ids", "category")} select`, run: "selectByLabel Cost saving" },
        { trigger: `${cell("benefit_ids", "conservative_amount")} input`, run: "edit 4000" },
        { trigger: `${cell("benefit_ids", "likely_amount")} input`, run: "edit 6000" },
        ...leave("benefit_ids", "6,000.00"),
        addLine("benefit_ids", "Add a second benefit"),
        {
            trigger: `${cell("benefit_ids", "category")} select`,
            run: "selectByLabel Revenue growth",
        },
        { trigger: `${cell("benefit_ids", "recurrence")} select`, run: "selectByLabel One-time" },
        { trigger: `${cell("benefit_ids", "conservative_amount")} input`, run: "edit 1000" },
        { trigger: `${cell("benefit_ids", "likely_amount")} input`, run: "edit 3000" },
        ...leave("benefit_ids", "3,000.00"),
        tab("Costs"),
        addLine("cost_ids", "Add a cost"),
        { trigger: `${cell("cost_ids", "name")} input`, run: "edit Licence" },
        { trigger: `${cell("cost_ids", "amount")} input`, run: "edit 12000" },
        ...leave("cost_ids", "Licence"),
        tab("Benchmarks"),
        addLine("kpi_ids", "Add a benchmark"),
        { trigger: `${cell("kpi_ids", "name")} input`, run: "edit Days to close" },
        { trigger: `${cell("kpi_ids", "direction")} select`, run: "selectByLabel Lower is better" },
        { trigger: `${cell("kpi_ids", "current_value")} input`, run: "edit 10" },
        { trigger: `${cell("kpi_ids", "worst_quartile")} input`, run: "edit 12" },
        { trigger: `${cell("kpi_ids", "average")} input`, run: "edit 8" },
        { trigger: `${cell("kpi_ids", "best_quartile")} input`, run: "edit 5" },
        { trigger: `${cell("kpi_ids", "target")} input`, run: "edit 6" },
        ...leave("kpi_ids", "Days to close"),
        tab("Differentiators"),
        addLine("differentiator_ids", "Add a differentiator"),
        { trigger: `${cell("differentiator_ids", "name")} input`, run: "edit Local support team" },
        { trigger: `${cell("differentiator_ids", "competitor_id")} input`, run: "edit Tour Rival" },
        {
            trigger: `${cell("differentiator_ids", "competitor_id")} .o-autocomplete--dropdown-item:contains('Tour Rival')`,
            run: "click",
        },
        { trigger: `${cell("differentiator_ids", "our_rating")} input`, run: "edit 5" },
        { trigger: `${cell("differentiator_ids", "competitor_rating")} input`, run: "edit 2" },
        { trigger: `${cell("differentiator_ids", "importance")} input`, run: "edit 4" },
        ...leave("differentiator_ids", "Local support team"),
        {
            trigger: ".o_form_button_save",
            content: "Save the worksheet",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='likely_net_value']:contains('9,000.00')",
            content: "6,000 a year for 3 years + 3,000 - 12,000 = 9,000",
        },
        {
            trigger: ".o_form_view button[name='action_print']",
            content: "Print the value proposition",
            run: "click",
        },
        {
            trigger: ":iframe .o_sfa_value_proposition_report:contains('Faster month-end close'):contains('Days to close'):contains('Local support team')",
            content: "The value proposition shows the need, benchmark and differentiator",
        },
    ],
});
