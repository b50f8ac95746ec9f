"""Version 18.0.1.1.0 moves a customer's key-account data off ``res.partner`` onto its own
record, ``sfa.key.account`` (one per customer and company), whose record rules decide who
reads it. Called by the version's migration scripts; kept here so that a test can run it.

Before the update (``stash``): the account-team and tier-history rows, which now hang on the
key account, are set aside in work tables, and the addon's record rules are dropped so that
the update loads the new ones (they live in a ``noupdate`` block).
After the update (``move``): a key account is made for every customer that had any
key-account data, in the company of its tier (else of its history, else the main company);
team, history, the chatter notes about tiers and the tracked changes of the flag and the
manager follow it; the account plans are linked to it. The old partner columns are left
for Odoo to drop once the fields are gone.
"""

from odoo.tools import SQL

PARTNER_COLUMNS = (
    "is_key_account",
    "key_account_tier_id",
    "key_account_tier_date",
    "key_account_manager_id",
    "key_account_relationship",
    "key_account_rank",
    "key_account_revenue",
    "key_account_cumulative_share",
    "sfa_business_info",
    "sfa_personal_info",
    "sfa_logistics_info",
)
OBSOLETE = (
    (
        "ir_act_window",
        "ir.actions.act_window",
        ("res_partner_action_key_accounts", "res_partner_action_concentration"),
    ),
    (
        "ir_ui_view",
        "ir.ui.view",
        (
            "res_partner_view_list_key_account",
            "res_partner_view_kanban_key_account",
            "res_partner_view_pivot_key_account",
            "res_partner_view_graph_key_account",
            "res_partner_view_graph_concentration",
            "res_partner_view_search_key_account",
        ),
    ),
)
TRACKED = {"is_key_account": "is_key", "key_account_manager_id": "manager_id"}


def _columns(cr, table):
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
    return {row[0] for row in cr.fetchall()}


def stash(cr):
    """Set aside what the update would otherwise refuse or keep stale."""
    if "partner_id" in _columns(cr, "sfa_key_account_member") and "key_account_id" not in _columns(
        cr, "sfa_key_account_member"
    ):
        cr.execute("CREATE TABLE sfa_mig_member AS SELECT * FROM sfa_key_account_member")
        cr.execute("DELETE FROM sfa_key_account_member")
        cr.execute(
            "ALTER TABLE sfa_key_account_member "
            "DROP CONSTRAINT IF EXISTS sfa_key_account_member_partner_user_unique"
        )
    if "key_account_id" not in _columns(cr, "sfa_key_account_tier_history"):
        cr.execute("CREATE TABLE sfa_mig_history AS SELECT * FROM sfa_key_account_tier_history")
        cr.execute("DELETE FROM sfa_key_account_tier_history")
    # the key-account views and actions of res.partner are replaced by sfa.key.account's
    # (the new action takes over the URL path "key-accounts")
    for table, model, names in OBSOLETE:
        cr.execute(
            SQL(
                """DELETE FROM %(table)s WHERE id IN (
                       SELECT res_id FROM ir_model_data
                        WHERE module = 'sfa_key_accounts' AND model = %(model)s
                          AND name = ANY(%(names)s))""",
                table=SQL.identifier(table),
                model=model,
                names=list(names),
            )
        )
        cr.execute(
            "DELETE FROM ir_model_data WHERE module = 'sfa_key_accounts' AND model = %s "
            "AND name = ANY(%s)",
            [model, list(names)],
        )
    cr.execute(
        """DELETE FROM ir_rule WHERE id IN (
               SELECT res_id FROM ir_model_data
                WHERE module = 'sfa_key_accounts' AND model = 'ir.rule')"""
    )
    cr.execute("DELETE FROM ir_model_data WHERE module = 'sfa_key_accounts' AND model = 'ir.rule'")


def move(env):
    """Make the key accounts from the partner columns and move what hangs on them."""
    cr = env.cr
    have = _columns(cr, "res_partner")
    if "is_key_account" not in have:
        return env["sfa.key.account"]
    main = env.ref("base.main_company")
    members = _columns(cr, "sfa_mig_member") and "sfa_mig_member"
    history = _columns(cr, "sfa_mig_history") and "sfa_mig_history"
    cr.execute(
        SQL(
            """
        SELECT p.id, COALESCE(t.company_id, h.company_id, %(main)s), p.is_key_account,
               p.key_account_tier_id, p.key_account_tier_date, p.key_account_manager_id,
               p.key_account_relationship, COALESCE(p.key_account_rank, 0),
               COALESCE(p.key_account_revenue, 0), COALESCE(p.key_account_cumulative_share, 0),
               p.sfa_business_info, p.sfa_personal_info, p.sfa_logistics_info
          FROM res_partner p
          LEFT JOIN sfa_key_account_tier t ON t.id = p.key_account_tier_id
          LEFT JOIN LATERAL (
                SELECT company_id FROM %(history)s hh WHERE hh.partner_id = p.id
                 ORDER BY hh.id DESC LIMIT 1) h ON TRUE
         WHERE p.is_key_account OR p.key_account_tier_id IS NOT NULL
            OR p.key_account_manager_id IS NOT NULL OR p.key_account_rank > 0
            OR p.key_account_relationship IS NOT NULL OR p.sfa_business_info IS NOT NULL
            OR p.sfa_personal_info IS NOT NULL OR p.sfa_logistics_info IS NOT NULL
            OR p.id IN (SELECT partner_id FROM %(members)s)
            OR p.id IN (SELECT partner_id FROM %(history)s)
        """,
            main=main.id,
            history=SQL.identifier(history)
            if history
            else SQL("(SELECT 0 AS partner_id, 0 AS company_id, 0 AS id)"),
            members=SQL.identifier(members) if members else SQL("(SELECT 0 AS partner_id)"),
        )
    )
    rows = cr.fetchall()
    Account = (
        env["sfa.key.account"]
        .sudo()
        .with_context(tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True)
    )
    values = {
        (pid, company): {
            "partner_id": pid,
            "company_id": company,
            "is_key": bool(is_key),
            "tier_id": tier,
            "manager_id": manager,
            "relationship": relationship,
            "business_info": business,
            "personal_info": personal,
            "logistics_info": logistics,
        }
        for (
            pid,
            company,
            is_key,
            tier,
            _d,
            manager,
            relationship,
            _r,
            _v,
            _s,
            business,
            personal,
            logistics,
        ) in rows
    }
    # an update with demo data may already have made some (the demo's own key accounts)
    existing = Account.search([("partner_id", "in", [key[0] for key in values])])
    for account in existing:
        vals = values.pop((account.partner_id.id, account.company_id.id), None)
        if vals:
            account.write({k: v for k, v in vals.items() if v and not account[k]})
    accounts = existing | Account.create(list(values.values()))
    by_partner = {a.partner_id.id: a for a in accounts}
    # figures and dates as they were (not "changed today", not a new history row)
    env.flush_all()
    for pid, _c, _k, _t, tier_date, _m, _rel, rank, revenue, share, *_ in rows:
        cr.execute(
            "UPDATE sfa_key_account SET tier_date = %s, rank = %s, revenue = %s, "
            "cumulative_share = %s WHERE id = %s",
            [tier_date, rank, revenue, share, by_partner[pid].id],
        )
    cr.execute(
        "DELETE FROM sfa_key_account_tier_history WHERE key_account_id = ANY(%s)",
        [accounts.ids],
    )
    if history:
        cr.execute(
            """INSERT INTO sfa_key_account_tier_history
                   (key_account_id, partner_id, company_id, date, user_id, from_tier_id,
                    to_tier_id, reason, create_uid, create_date, write_uid, write_date)
               SELECT ka.id, h.partner_id, ka.company_id, h.date, h.user_id, h.from_tier_id,
                      h.to_tier_id, h.reason, h.create_uid, h.create_date, h.write_uid,
                      h.write_date
                 FROM sfa_mig_history h JOIN sfa_key_account ka ON ka.partner_id = h.partner_id
                ORDER BY h.id"""
        )
        cr.execute("DROP TABLE sfa_mig_history")
    if members:
        cr.execute(
            """INSERT INTO sfa_key_account_member
                   (key_account_id, partner_id, company_id, user_id, role, sequence,
                    create_uid, create_date, write_uid, write_date)
               SELECT ka.id, m.partner_id, ka.company_id, m.user_id, m.role, m.sequence,
                      m.create_uid, m.create_date, m.write_uid, m.write_date
                 FROM sfa_mig_member m JOIN sfa_key_account ka ON ka.partner_id = m.partner_id
                WHERE NOT EXISTS (
                      SELECT 1 FROM sfa_key_account_member x
                       WHERE x.key_account_id = ka.id AND x.user_id = m.user_id)"""
        )
        cr.execute("DROP TABLE sfa_mig_member")
    # The partner's chatter told anyone who reads the partner about tiers: those notes and
    # the tracked changes of the flag and the manager move to the key account.
    cr.execute(
        """UPDATE mail_message msg SET model = 'sfa.key.account', res_id = ka.id
             FROM sfa_key_account ka
            WHERE msg.model = 'res.partner' AND msg.res_id = ka.partner_id
              AND (msg.body LIKE %s OR msg.body LIKE %s OR msg.id IN (
                   SELECT tv.mail_message_id FROM mail_tracking_value tv
                     JOIN ir_model_fields f ON f.id = tv.field_id
                    WHERE f.model = 'res.partner' AND f.name = ANY(%s)))""",
        ["%Tier: %", "%80/20 re-tiering%", list(TRACKED)],
    )
    fields = env["ir.model.fields"].sudo()
    for old, new in TRACKED.items():
        old_field = fields._get("res.partner", old)
        new_field = fields._get("sfa.key.account", new)
        if old_field and new_field:
            cr.execute(
                "UPDATE mail_tracking_value SET field_id = %s WHERE field_id = %s",
                [new_field.id, old_field.id],
            )
    env.invalidate_all()
    plans = env["sfa.account.plan"].sudo().search([])
    env.add_to_compute(plans._fields["key_account_id"], plans)
    env.add_to_compute(accounts._fields["current_plan_id"], accounts)
    env.flush_all()
    return accounts
