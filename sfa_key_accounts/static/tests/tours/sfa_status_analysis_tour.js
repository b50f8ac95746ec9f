import { registry } from "@web/core/registry";
import { tab } from "@sfa_key_accounts/../tests/tours/utils/sfa_tour_utils";

// A rep assesses a buyer with the course's customer status analysis (客户状态分析表): loads
// the twenty questions on the person and scores the first willingness question.
registry.category("web_tour.tours").add("sfa_status_analysis_tour", {
    steps: () => [
        tab("Status Analysis"),
        {
            trigger: ".o_form_view button[name='action_load_status_questions']",
            content: "Load the course's questions",
            run: "click",
        },
        {
            trigger:
                "div[name='willingness_ids'] .o_data_row:first:contains('Have they used similar products?') td[name='score']",
            content: "Score the first willingness question",
            run: "click",
        },
        {
            trigger: "div[name='willingness_ids'] .o_selected_row .o_field_widget[name='score'] select",
            content: "5: the best for us",
            run: "selectByLabel 5 - Excellent",
        },
        {
            trigger: "div[name='quality_ids'] thead",
            content: "Leave the row",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            content: "Save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
            content: "Saved",
        },
        {
            trigger: ".o_form_view div[name='willingness_score']:contains('100')",
            content: "One answer, the best: willingness 100",
        },
    ],
});
