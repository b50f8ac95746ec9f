import { registry } from "@web/core/registry";
import { HierarchyModel } from "@web_hierarchy/hierarchy_model";
import { hierarchyView } from "@web_hierarchy/hierarchy_view";

/**
 * The org chart of an account or of a deal (view sfa_stakeholder_view_org_chart): Odoo's
 * hierarchy view whose people are read all at once by ``sfa.stakeholder.sfa_org_chart_read``
 * (one query on the server, whatever the size of the chart), instead of ``hierarchy_read``
 * and then one ``search_read`` per branch opened or manager shown. What the view shows and
 * how it unfolds stay Odoo's: the roots first (or what the search finds, with the managers
 * and reports of a single match), one branch open at a time. Branches are taken from the
 * chart already read; a person outside it (a deal's chart holds the deal's people, their
 * managers and reports may not be on the deal) is read through the same method. The order
 * is the model's (the view has no other).
 */
export class OrgChartModel extends HierarchyModel {
    setup() {
        super.setup(...arguments);
        this.chart = new Map(); // person id: their values as sfa_org_chart_read gives them
    }

    /**
     * The people of ``domain`` (one call), kept in the chart.
     *
     * @param {Array} domain
     * @returns {Promise<Object[]>} their values, as copies the view may change
     */
    async _readChart(domain) {
        const records = await this.orm.call(this.resModel, "sfa_org_chart_read", [domain], {
            context: this.context,
        });
        for (const record of records) {
            this.chart.set(record.id, record);
        }
        return records.map((record) => this._copy(record));
    }

    /**
     * The people of these ids, in this order, from the chart; those not in it are read
     * (one call). Ids the user may not read are left out.
     *
     * @param {Number[]} ids
     * @returns {Promise<Object[]>}
     */
    async _chartRecords(ids) {
        const missing = ids.filter((id) => !this.chart.has(id));
        if (missing.length) {
            await this._readChart([["id", "in", missing]]);
        }
        return ids.filter((id) => this.chart.has(id)).map((id) => this._copy(this.chart.get(id)));
    }

    _copy(record) {
        // the view turns a node's list of reports into their values: never the chart's own
        return { ...record, [this.childFieldName]: [...record[this.childFieldName]] };
    }

    /**
     * @override: what ``hierarchy_read`` would give for the same domain, from the whole
     * chart read at once.
     */
    async _loadData(config, reload = false) {
        const resIds = this.resIds;
        let records;
        if (reload && resIds.length > 0) {
            this.chart.clear();
            records = await this._readChart([["id", "in", resIds]]);
        } else {
            records = await this._readChart(config.domain);
            if (this.isSearchDefaultOrEmpty()) {
                // the roots only, unless there are none
                const roots = records.filter((record) => !record[this.parentFieldName]);
                records = roots.length ? roots : records;
            }
        }
        return this._formatData(await this._withFocus(records));
    }

    /**
     * A single person comes with their reports, and with their manager and the manager's
     * other reports if they have one (as ``hierarchy_read``).
     *
     * @param {Object[]} records
     * @returns {Promise<Object[]>}
     */
    async _withFocus(records) {
        if (records.length !== 1) {
            return records;
        }
        const [record] = records;
        const managerId = record[this.parentFieldName] && record[this.parentFieldName][0];
        const [manager] = managerId ? await this._chartRecords([managerId]) : [];
        const shown = [record, ...(manager ? [manager] : [])];
        const shownIds = shown.map((r) => r.id);
        const reportIds = shown
            .flatMap((r) => r[this.childFieldName])
            .filter((id) => !shownIds.includes(id));
        return [...shown, ...(await this._chartRecords(reportIds))];
    }

    /** @override: the reports of ``node`` from the chart. */
    async _fetchSubordinates(node, excludeResIds = null) {
        let ids = node.data[this.childFieldName];
        if (excludeResIds) {
            ids = ids.filter((id) => !excludeResIds.includes(id));
        }
        return this._chartRecords(ids);
    }

    /** @override: the manager of ``node`` and their other reports, from the chart. */
    async _fetchManager(node, excludeNode = true) {
        const [manager] = await this._chartRecords([node.parentResId]);
        if (!manager) {
            return { [this.childFieldName]: [] };
        }
        const ids = manager[this.childFieldName].filter(
            (id) => !excludeNode || id !== node.resId
        );
        manager[this.childFieldName] = await this._chartRecords(ids);
        return manager;
    }

    /** @override: a person moved changes the chart: it is read again as needed. */
    async updateParentId(node, parentResId = false) {
        const result = await super.updateParentId(node, parentResId);
        this.chart.clear();
        return result;
    }
}

export const orgChartView = { ...hierarchyView, Model: OrgChartModel };

registry.category("views").add("sfa_org_chart", orgChartView);
