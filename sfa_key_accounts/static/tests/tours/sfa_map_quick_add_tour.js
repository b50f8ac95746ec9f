import { registry } from "@web/core/registry";

// A rep of a Chinese team opens a key deal and puts a new person on its drawn political map
// with two roles and an attitude: type the name, then three clicks (role D, role E, attitude +).
// Then a click on the card changes the attitude in place.
registry.category("web_tour.tours").add("sfa_map_quick_add_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook a.nav-link.active:contains('政治地图')",
            content: "The deal opens on its political map (zh_CN)",
        },
        {
            trigger: ".o_sfa_political_map .o_sfa_map_zone_label:contains('核心圈')",
            content: "The map is drawn: core circle, circle of influence, outside",
        },
        {
            trigger: ".o_sfa_political_map input.o_sfa_map_add_name",
            content: "Type the new person's name (typing, not a click)",
            run: "edit 王强",
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
            trigger:
                ".o_sfa_political_map .o_sfa_map_card.o_sfa_att_support[data-name='王强']:has(.o_sfa_map_card_role:contains('D')):has(.o_sfa_map_card_role:contains('E'))",
            content: "The card is drawn, green, with both roles",
        },
        {
            trigger: "div[name='deal_contact_ids'] .o_data_row:contains('王强')",
            content: "The buying centre's list has the person too",
        },
        {
            trigger: ".o_sfa_political_map .o_sfa_map_card[data-name='王强'] .o_sfa_map_card_head",
            content: "Click the card to edit it in place",
            run: "click",
        },
        {
            trigger:
                ".o_sfa_political_map .o_sfa_map_card[data-name='王强'] .o_sfa_map_edit_attitude[data-attitude='champion']",
            content: "Now a champion",
            run: "click",
        },
        {
            trigger: ".o_sfa_political_map .o_sfa_map_card.o_sfa_att_champion[data-name='王强']",
            content: "The card turns champion",
        },
    ],
});
