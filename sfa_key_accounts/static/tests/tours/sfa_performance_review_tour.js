import { registry } from "@web/core/registry";

// One performance review (绩效考核) from start to finish, one tour per person: the team leader
// starts the reviews of the team and the rating of one member, a peer rates, the leader rates,
// closes the rating, holds the interview and closes the review; the reviewed rep reads it.

function field(name) {
    return `.o_form_view .o_field_widget[name='${name}']`;
}

function modalField(name) {
    return `.modal .o_field_widget[name='${name}']`;
}

// Navigate through the menu, then wait for the action to be loaded: a click meant for the new
// view must not reach the one being left.
function menu(xmlid, content, loaded) {
    return [
        {
            trigger: "button[data-menu-xmlid='sfa_key_accounts.crm_menu_targets']",
            content: "Open Targets & Reviews",
            run: "click",
        },
        {
            trigger: `.o-dropdown--menu [data-menu-xmlid='sfa_key_accounts.${xmlid}']`,
            content,
            run: "click",
        },
        {
            trigger: loaded,
            content: "The action is loaded",
        },
    ];
}

function reviewsAsList() {
    return [
        ...menu(
            "crm_menu_performance_reviews",
            "Open the performance reviews",
            ".o_breadcrumb .active:contains('Performance Reviews')"
        ),
        {
            trigger: ".o_control_panel .o_switch_view.o_list",
            content: "As a list",
            run: "click",
        },
        {
            trigger: ".o_action_manager .o_list_view .o_data_row",
            content: "The list is shown",
        },
    ];
}

function many2one(selector, text, content) {
    return [
        {
            trigger: `${selector} input`,
            content,
            run: `edit ${text}`,
        },
        {
            trigger: `${selector} .o-autocomplete--dropdown-item:contains('${text}')`,
            run: "click",
        },
    ];
}

function statusIs(label) {
    return {
        trigger: `.o_form_view .o_statusbar_status button.o_arrow_button_current:contains('${label}')`,
        content: `The status is ${label}`,
    };
}

function clickButton(name, content) {
    return {
        trigger: `.o_form_view .o_statusbar_buttons button[name='${name}']`,
        content,
        run: "click",
    };
}

function openRow(text, cell, content) {
    return [
        {
            trigger: `.o_list_view .o_data_row:contains('${text}') td[name='${cell}']`,
            content,
            run: "click",
        },
        {
            trigger: `.o_breadcrumb .active:contains('${text}')`,
            content: "The record is open",
        },
    ];
}

function rate(indicator, value) {
    const row = `div[name='line_ids'] .o_data_row:contains('${indicator}')`;
    return [
        {
            trigger: `${row} td[name='value']`,
            content: `Rate ${indicator}`,
            run: "click",
        },
        {
            trigger: `div[name='line_ids'] .o_selected_row:contains('${indicator}') .o_field_widget[name='value'] input`,
            content: `${indicator}: ${value} of 5`,
            run: `edit ${value}`,
        },
    ];
}

// A rater fills their own sheet (opened from My Ratings) and submits it.
function rateSheet(reviewee, ratings) {
    return [
        ...openRow(reviewee, "source", `Open the sheet rating ${reviewee}`),
        statusIs("To Rate"),
        ...Object.entries(ratings).flatMap(([indicator, value]) => rate(indicator, value)),
        {
            trigger: ".o_form_view .o_form_sheet .oe_title",
            content: "Leave the row",
            run: "click",
        },
        ...Object.entries(ratings).map(([indicator, value]) => ({
            trigger: `div[name='line_ids'] .o_data_row:not(.o_selected_row):contains('${indicator}') td[name='value']:contains('${value}')`,
        })),
        clickButton("action_submit", "Submit the ratings (saves them first)"),
        statusIs("Submitted"),
        {
            trigger: ".o_form_view:not(:has(.o_statusbar_buttons button[name='action_submit']))",
            content: "A submitted sheet cannot be submitted again",
        },
    ];
}

function editHtml(name, text) {
    const editable = `${field(name)} .odoo-editor-editable`;
    return [
        {
            trigger: editable,
            content: `Write the ${name.replace("_", " ")}`,
            run: "click",
        },
        {
            trigger: `${editable} :is(p, div.o-paragraph)`,
            run: `editor ${text}`,
        },
        {
            trigger: `${editable}:contains('${text}')`,
        },
    ];
}

// The team leader starts the reviews of the whole team, then the rating of one member.
registry.category("web_tour.tours").add("sfa_performance_review_start_tour", {
    steps: () => [
        ...menu(
            "crm_menu_start_team_reviews",
            "Start the reviews of the team",
            modalField("team_id")
        ),
        ...many2one(modalField("team_id"), "Tour Review Team", "The team"),
        ...many2one(modalField("template_id"), "Tour Review Template", "Its published template"),
        {
            trigger: `${modalField("date_from")} input`,
            content: "The year 2027",
            run: "edit 01/01/2027",
        },
        {
            trigger: `${modalField("date_to")} input`,
            run: "edit 12/31/2027",
        },
        {
            trigger: `${modalField("cutoff_date")} input`,
            content: "Figures as of the end of June",
            run: "edit 06/30/2027",
        },
        {
            trigger: `${modalField("invite_peers")} input:checked`,
            content: "The members rate each other",
        },
        {
            trigger: ".modal button[name='action_apply']",
            content: "Start the reviews",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
            content: "The wizard is closed",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour Rep Pete')",
            content: "One review per member",
        },
        ...openRow("Tour Rep Rita", "date_from", "Open Rita's review"),
        statusIs("Draft"),
        {
            trigger: `${field("peer_ids")} .o_tag:contains('Tour Rep Pete')`,
            content: "Pete rates Rita",
        },
        clickButton("action_start_rating", "Start the rating"),
        statusIs("Rating"),
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_start_interview']",
            content: "The rating can be closed later",
        },
    ],
});

// A peer rates their colleague on their own sheet.
registry.category("web_tour.tours").add("sfa_performance_review_peer_tour", {
    steps: () => rateSheet("Tour Rep Rita", { Initiative: 2, Teamwork: 3 }),
});

// The leader rates on their own sheet, closes the rating, holds the interview, closes the review.
registry.category("web_tour.tours").add("sfa_performance_review_close_tour", {
    steps: () => [
        ...rateSheet("Tour Rep Rita", { Initiative: 4, Teamwork: 5 }),
        ...reviewsAsList(),
        ...openRow("Tour Rep Rita", "date_from", "Open Rita's review"),
        statusIs("Rating"),
        clickButton("action_start_interview", "Close the rating"),
        statusIs("Interview"),
        {
            trigger: ".o_form_view .o_sfa_review_score:contains('68.00')",
            content: "Scored: 0.6 x 60 + 0.4 x 80 = 68",
        },
        {
            trigger: ".o_form_view .o_notebook a.nav-link[name='interview']",
            content: "Hold the interview",
            run: "click",
        },
        {
            trigger: `${field("interview_date")} input`,
            content: "When",
            run: "edit 07/05/2027",
        },
        ...editHtml("interview_notes", "Talked through the first half"),
        ...editHtml("strengths", "Takes the initiative with new accounts"),
        clickButton("action_done", "Close the review (saves it first)"),
        statusIs("Done"),
        {
            trigger: ".o-mail-Message:contains('Review closed with a score of 68.0')",
            content: "The score is in the chatter",
        },
    ],
});

// The reviewed rep sees their own targets and review, never a colleague's.
registry.category("web_tour.tours").add("sfa_performance_review_rep_tour", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('Tour Rita 2027')",
            content: "Rita sees her target",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Tour Pete 2027')))",
            content: "but not Pete's",
        },
        ...reviewsAsList(),
        {
            trigger: ".o_list_view .o_data_row:contains('Tour Rep Rita'):contains('Done')",
            content: "Rita's review is done",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Tour Rep Pete')))",
            content: "Pete's review is not hers to read",
        },
        ...openRow("Tour Rep Rita", "date_from", "Open her review"),
        statusIs("Done"),
        {
            trigger: ".o_form_view .o_sfa_review_score:contains('68.00')",
            content: "with its score",
        },
        {
            trigger: ".o_form_view .o_notebook a.nav-link[name='interview']",
            content: "and the interview",
            run: "click",
        },
        {
            trigger: `${field("strengths")}:contains('Takes the initiative with new accounts')`,
        },
        {
            trigger: ".o_form_view:not(:has(.o_statusbar_buttons button:visible))",
            content: "Nothing left to do on a done review",
        },
    ],
});
