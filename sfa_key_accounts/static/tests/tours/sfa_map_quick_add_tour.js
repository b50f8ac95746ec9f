import { registry } from "@web/core/registry";
import { openKeyAccountMenu } from "@sfa_key_accounts/../tests/tours/utils/sfa_tour_utils";

// Ask the test to photograph the screen (tests/test_tours.py: SCREENSHOT_MARK): the files
// become the screenshots of static/description/ (`make screenshots`, docs/testing.md).
function screenshot(name) {
    return [
        {
            trigger: "body:not(:has(.o_loading_indicator)):not(:has(.o_notification))",
            content: `Screenshot: ${name}`,
            run() {
                console.log(`sfa-screenshot:${name}`);
            },
        },
        {
            trigger: "body",
            content: "Let the screenshot be taken",
            run: () => new Promise((resolve) => setTimeout(resolve, 1500)),
        },
    ];
}

// A rep opens a key deal and puts a new person on its drawn political map with two roles and
// an attitude: type the name, then three clicks (role D, role E, attitude +). A click on the
// card changes the attitude in place. Then the key-account pipeline and the key accounts.
function quickAddSteps(name, checks) {
    return [
        {
            trigger: ".o_form_view .o_notebook a.nav-link.active[name='sfa_political_map']",
            content: "The deal opens on its political map",
        },
        ...checks,
        {
            trigger: ".o_sfa_political_map .o_sfa_map_card",
            content: "The people already on the map are drawn",
        },
        {
            trigger: ".o_sfa_political_map input.o_sfa_map_add_name",
            content: "Type the new person's name (typing, not a click)",
            run: `edit ${name}`,
        },
        {
            trigger: ".o_sfa_political_map .o_sfa_map_add_role[data-code='D']",
            content: "Click 1: decision maker",
            run: "click",
        },
        {
            trigger: ".o_sfa_political_map .o_sfa_map_add_role[data-code='E']",
            content: "Click 2: evaluator",
            run: "click",
        },
        {
            trigger: ".o_sfa_political_map .o_sfa_map_add_attitude[data-attitude='support']",
            content: "Click 3: supports us - the person is added",
            run: "click",
        },
        {
            trigger: `.o_sfa_political_map .o_sfa_map_card.o_sfa_att_support[data-name='${name}']:has(.o_sfa_map_card_role:contains('D')):has(.o_sfa_map_card_role:contains('E'))`,
            content: "The card is drawn, green, with both roles",
        },
        {
            trigger: `div[name='deal_contact_ids'] .o_data_row:contains('${name}')`,
            content: "The buying centre's list has the person too",
        },
        {
            trigger: `.o_sfa_political_map .o_sfa_map_card[data-name='${name}'] .o_sfa_map_card_head`,
            content: "Click the card to edit it in place",
            run: "click",
        },
        {
            trigger: `.o_sfa_political_map .o_sfa_map_card[data-name='${name}'] .o_sfa_map_edit_attitude[data-attitude='champion']`,
            content: "Now a champion",
            run: "click",
        },
        {
            trigger: `.o_sfa_political_map .o_sfa_map_card.o_sfa_att_champion[data-name='${name}']`,
            content: "The card turns champion",
        },
        ...screenshot("political_map"),
        ...openKeyAccountMenu("crm_menu_key_pipeline", "Open the key-account pipeline"),
        {
            trigger: ".o_kanban_view .o_kanban_group:nth-child(5) .o_column_title",
            content: "The five stages of the process are on screen",
        },
        ...screenshot("pipeline"),
        ...openKeyAccountMenu("crm_menu_key_accounts_list", "Open the key accounts"),
        {
            trigger: ".o_kanban_view .o_kanban_record",
            content: "The key accounts by tier",
        },
        ...screenshot("key_accounts"),
    ];
}

registry.category("web_tour.tours").add("sfa_map_quick_add_tour", {
    steps: () =>
        quickAddSteps("王强", [
            {
                trigger: ".o_form_view .o_notebook a.nav-link.active:contains('政治地图')",
                content: "In zh_CN: the tab says 政治地图",
            },
            {
                trigger: ".o_sfa_political_map .o_sfa_map_zone_label:contains('核心圈')",
                content: "In zh_CN: the core circle says 核心圈",
            },
        ]),
});

registry.category("web_tour.tours").add("sfa_map_quick_add_tour_en", {
    steps: () =>
        quickAddSteps("Wang Qiang", [
            {
                trigger: ".o_sfa_political_map .o_sfa_map_zone_label:contains('Core circle')",
                content: "In English: Core circle",
            },
        ]),
});
