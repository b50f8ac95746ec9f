import { patch } from "@web/core/utils/patch";
import { StatusBarField } from "@web/views/fields/statusbar/statusbar_field";

/**
 * A click on an opportunity's status bar saves the move at once. When the server refuses it
 * (a stage gate), Odoo keeps the refused stage as an unsaved change: the form stays dirty and
 * shows a stage the deal is not in. Here the refused change is taken back: a form that had
 * nothing else to save is left clean, one with other pending edits keeps them and only gets
 * its stage back. The error is still shown.
 */
patch(StatusBarField.prototype, {
    async selectItem(item) {
        const { name, record } = this.props;
        if (record.resModel !== "crm.lead" || name !== "stage_id") {
            return super.selectItem(item);
        }
        const wasDirty = await record.isDirty();
        const previous = record.data[name];
        try {
            return await super.selectItem(item);
        } catch (error) {
            if (wasDirty) {
                await record.update({ [name]: previous });
            } else {
                await record.discard();
            }
            throw error;
        }
    },
});
