"""1.1: one buying-centre line per person and deal, with all their roles and one attitude.

Runs before the schema update, which adds the unique (lead_id, stakeholder_id) constraint:
the 1.0 lines of one person on one deal (one per role, each with its own attitude) are
merged into the lowest one first. The rule of the merge is the engine's
(``politics.merge_rows``): roles = their union, attitude = the least favourable, influence and
time spent = the highest.
"""

from odoo.tools import SQL

from odoo.addons.sfa_key_accounts.engine.politics import DealRow, merge_rows

ROLE_TABLE = "sfa_deal_contact_role_rel"


def migrate(cr, version):
    if not version:
        return
    merge_deal_contacts(cr)


def merge_deal_contacts(cr):
    """Merge the lines of one person on one deal; return the number of lines removed."""
    # The roles' many2many as the ORM creates it (it adds its foreign keys afterwards when the
    # table exists), so that 1.0's single role of each line can be kept in it.
    cr.execute(
        SQL(
            """
            CREATE TABLE IF NOT EXISTS %(rel)s (
                contact_id INTEGER NOT NULL,
                role_id INTEGER NOT NULL,
                PRIMARY KEY (contact_id, role_id)
            );
            CREATE INDEX IF NOT EXISTS %(index)s ON %(rel)s (role_id, contact_id);
            INSERT INTO %(rel)s (contact_id, role_id)
                 SELECT id, role_id FROM sfa_deal_contact WHERE role_id IS NOT NULL
            ON CONFLICT DO NOTHING;
            ALTER TABLE sfa_deal_contact
                DROP CONSTRAINT IF EXISTS sfa_deal_contact_lead_stakeholder_role_unique;
            DELETE FROM ir_model_constraint
             WHERE name = 'sfa_deal_contact_lead_stakeholder_role_unique';
            """,
            rel=SQL.identifier(ROLE_TABLE),
            index=SQL.identifier(f"{ROLE_TABLE}_role_id_contact_id_idx"),
        )
    )
    cr.execute(
        SQL(
            """
            SELECT c.id, c.lead_id, c.stakeholder_id,
                   ARRAY_REMOVE(ARRAY_AGG(r.role_id), NULL), c.attitude, c.influence,
                   c.time_spent
              FROM sfa_deal_contact c
         LEFT JOIN %(rel)s r ON r.contact_id = c.id
             WHERE (c.lead_id, c.stakeholder_id) IN (
                       SELECT lead_id, stakeholder_id FROM sfa_deal_contact
                     GROUP BY lead_id, stakeholder_id HAVING COUNT(*) > 1)
          GROUP BY c.id
            """,
            rel=SQL.identifier(ROLE_TABLE),
        )
    )
    merged = merge_rows(
        DealRow(
            key,
            lead,
            person,
            frozenset(roles),
            attitude,
            influence,
            int(time_spent) if time_spent else None,
        )
        for key, lead, person, roles, attitude, influence, time_spent in cr.fetchall()
    )
    if not merged:
        return 0
    drop = [key for m in merged for key in m.drop]
    keep_roles = [(m.keep, role) for m in merged for role in sorted(m.roles)]
    cr.execute(
        SQL(
            """
            UPDATE sfa_deal_contact c
               SET attitude = m.attitude, influence = COALESCE(m.influence, c.influence),
                   time_spent = COALESCE(m.time_spent, c.time_spent)
              FROM UNNEST(%(ids)s::int[], %(attitudes)s::varchar[], %(influences)s::varchar[],
                          %(times)s::varchar[]) AS m(id, attitude, influence, time_spent)
             WHERE c.id = m.id;
            INSERT INTO %(rel)s (contact_id, role_id)
                 SELECT * FROM UNNEST(%(role_contacts)s::int[], %(roles)s::int[])
            ON CONFLICT DO NOTHING;
            DELETE FROM %(rel)s WHERE contact_id = ANY(%(drop)s);
            DELETE FROM sfa_deal_contact WHERE id = ANY(%(drop)s);
            """,
            rel=SQL.identifier(ROLE_TABLE),
            ids=[m.keep for m in merged],
            attitudes=[m.attitude for m in merged],
            influences=[m.influence for m in merged],
            times=[None if m.time_spent is None else str(m.time_spent) for m in merged],
            role_contacts=[keep for keep, _role in keep_roles],
            roles=[role for _keep, role in keep_roles],
            drop=drop,
        )
    )
    return len(drop)
