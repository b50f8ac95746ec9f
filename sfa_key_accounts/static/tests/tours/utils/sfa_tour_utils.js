// Steps the addon's tours share.

// Open the CRM's Key Accounts menu and one of its entries (by the entry's xml id).
export function openKeyAccountMenu(xmlid, content) {
    return [
        {
            trigger: "button[data-menu-xmlid='sfa_key_accounts.crm_menu_key_accounts']",
            content: "Open the Key Accounts menu",
            run: "click",
        },
        {
            trigger: `.dropdown-item[data-menu-xmlid='sfa_key_accounts.${xmlid}']`,
            content,
            run: "click",
        },
    ];
}

// Open a tab of the form's notebook by its label.
export function tab(label) {
    return {
        trigger: `.o_form_view .o_notebook a.nav-link:contains('${label}')`,
        content: `Open the ${label} tab`,
        run: "click",
    };
}
