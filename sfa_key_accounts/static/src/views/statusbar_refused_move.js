import { status } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
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
        // A click while a save is still running (Save, then the status bar at once) must be
        // judged on the form as that save leaves it: the save clears the edits it sends.
        await record.model.mutex.getUnlockedDef();
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
            // Odoo's status bar does not recompute its items on a render that lands while it
            // is still adjusting to the previous one (until the next animation frame), so the
            // stage just restored could stay hidden behind the refused one: render it again
            // once that frame has passed.
            browser.requestAnimationFrame(() => {
                if (status(this) !== "destroyed") {
                    this.render();
                }
            });
            throw error;
        }
    },
});
