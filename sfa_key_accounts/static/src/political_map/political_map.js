import { Component, useEffect, useRef, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { useRecordObserver } from "@web/model/relational_model/utils";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

// The symbols of the course's map (docs/method.md §3): attitude * + = - X, time spent 0-3
const ATTITUDE_SYMBOL = { champion: "*", support: "+", neutral: "=", against: "-", hostile: "X" };

/**
 * The political map (政治地图) of a deal, drawn: each person of the buying centre is a card
 * coloured by attitude, with role badges and the time-spent level, placed in the core circle,
 * the circle of influence or outside; reports-to lines and influence (power) lines join the
 * cards. A click on a card edits its roles and attitude in place; the bar above adds a person
 * (existing or new) with roles and attitude: type the name, click the roles, click the
 * attitude. The list of the buying centre below stays the detail.
 */
export class PoliticalMap extends Component {
    static template = "sfa_key_accounts.PoliticalMap";
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.canvas = useRef("canvas");
        this.state = useState({
            data: null,
            selected: null,
            name: "",
            newRoles: [],
            lines: [],
            busy: false,
        });
        this.seen = null;
        // first, and whenever the form saved or loaded another map (the list, a dialog,
        // another deal): draw it again
        useRecordObserver((record) => {
            const key = this.savedKey(record);
            if (key !== this.seen) {
                this.seen = key;
                return this.load(record.resId);
            }
        });
        useEffect(
            () => this.drawLines(),
            () => [this.state.data, this.state.selected]
        );
    }

    /** What the drawn map depends on, as the form last saved or loaded it. */
    savedKey(record) {
        const contacts = record.data.deal_contact_ids;
        const rows = contacts
            ? contacts.records.map((row) => `${row.resId}:${row.data.role_codes}:${row.data.attitude}`)
            : [];
        return [record.resId, record.data.red_flag_codes, ...rows].join("|");
    }

    async load(resId) {
        this.state.data = resId
            ? await this.orm.call("sfa.deal.contact", "sfa_map_data", [resId])
            : null;
    }

    get labels() {
        return {
            core: _t("Core circle"),
            influence: _t("Circle of influence"),
            outside: _t("Outside"),
        };
    }

    zoneOf(key) {
        const people = this.state.data ? this.state.data.people : [];
        return {
            key,
            label: this.labels[key],
            people: people.filter((person) => person.circle === key),
        };
    }

    symbol(attitude) {
        return ATTITUDE_SYMBOL[attitude] || "=";
    }

    attitudeLabel(key) {
        const found = this.state.data.attitudes.find(([value]) => value === key);
        return found ? found[1] : key;
    }

    timeLabel(key) {
        const found = this.state.data.time_levels.find(([value]) => value === key);
        return found ? found[1] : key;
    }

    /** Three dots, as many filled as the time-spent level (0 never met ... 3 quality time). */
    timeDots(person) {
        const level = parseInt(person.time_spent, 10) || 0;
        return [1, 2, 3].map((dot) => dot <= level);
    }

    roleCodes(person) {
        return this.state.data.roles.filter((role) => person.role_ids.includes(role.id));
    }

    // --- adding a person: name, roles, then the attitude adds them --------------------------
    toggleNewRole(roleId) {
        const roles = this.state.newRoles;
        this.state.newRoles = roles.includes(roleId)
            ? roles.filter((id) => id !== roleId)
            : [...roles, roleId];
    }

    async addPerson(attitude) {
        if (!this.state.name.trim()) {
            this.notification.add(_t("Type the person's name first."), { type: "warning" });
            return;
        }
        await this.run(async () => {
            await this.orm.call("sfa.deal.contact", "sfa_map_add", [
                this.props.record.resId,
                this.state.name,
                this.state.newRoles,
                attitude,
            ]);
            this.state.name = "";
            this.state.newRoles = [];
        });
    }

    // --- editing a card in place ----------------------------------------------------------
    select(person) {
        this.state.selected = this.state.selected === person.id ? null : person.id;
    }

    async toggleRole(person, roleId) {
        const command = person.role_ids.includes(roleId) ? [3, roleId] : [4, roleId];
        await this.run(() =>
            this.orm.write("sfa.deal.contact", [person.id], { role_ids: [command] })
        );
    }

    async setAttitude(person, attitude) {
        await this.run(() => this.orm.write("sfa.deal.contact", [person.id], { attitude }));
    }

    /** Save the form's pending edits first, then change the map, then reload the map and
     * the form (the list, the flags and the score follow the change). */
    async run(change) {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            const record = this.props.record;
            if (await record.isDirty()) {
                const saved = await record.save();
                if (!saved) {
                    return;
                }
            }
            await change();
            // the form reloads; the record observer redraws the map from what changed
            await record.model.root.load();
        } finally {
            this.state.busy = false;
        }
    }

    // --- lines: drawn over the cards once they are placed ---------------------------------
    drawLines() {
        const canvas = this.canvas.el;
        if (!canvas || !this.state.data) {
            return;
        }
        const box = canvas.getBoundingClientRect();
        const centre = {};
        for (const card of canvas.querySelectorAll(".o_sfa_map_card")) {
            const rect = card.getBoundingClientRect();
            centre[card.dataset.stakeholder] = {
                x: rect.left - box.left + rect.width / 2,
                y: rect.top - box.top + rect.height / 2,
            };
        }
        const lines = [];
        for (const person of this.state.data.people) {
            const from = centre[person.stakeholder_id];
            const boss = centre[person.reports_to_id];
            if (from && boss) {
                lines.push({ key: `r${person.id}`, kind: "reports", a: from, b: boss });
            }
            for (const target of person.influences_ids) {
                if (from && centre[target]) {
                    lines.push({
                        key: `i${person.id}-${target}`,
                        kind: "influence",
                        a: from,
                        b: centre[target],
                    });
                }
            }
        }
        const same =
            lines.length === this.state.lines.length &&
            lines.every(
                (line, i) =>
                    line.key === this.state.lines[i].key &&
                    line.a.x === this.state.lines[i].a.x &&
                    line.a.y === this.state.lines[i].a.y &&
                    line.b.x === this.state.lines[i].b.x &&
                    line.b.y === this.state.lines[i].b.y
            );
        if (!same) {
            this.state.lines = lines;
        }
    }
}

registry.category("view_widgets").add("sfa_political_map", { component: PoliticalMap });
