"""1.5: service is a differentiator level of its own, and *Close the sale* (销售成交) is the last
stage of the process, not the win (docs/method.md §2 and §4).

Until 1.4 the key-account team's Close stage was its won stage; the deals in it were won. They
move to the new *Won* stage (created by the data file), so that they stay won, and Close
becomes an open stage. The stage and category records are ``noupdate``: changed here only
where an administrator did not change them."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import table_columns

SERVICE_CATEGORIES = [
    f"differentiator_product_{key}"
    for key in (
        "pre_sales_support",
        "after_sales_support",
        "response_time",
        "service_channels",
        "customer_satisfaction",
        "training",
        "warranty",
        "experience",
    )
]


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    move_service_differentiators(env)
    close_is_not_won(env)


def move_service_differentiators(env):
    """Service is a level of its own (docs/method.md §4): the shipped service categories, and
    the differentiators filed under them at the product level, move to it."""
    ids = [
        record.id
        for xmlid in SERVICE_CATEGORIES
        if (record := env.ref(f"sfa_key_accounts.{xmlid}", raise_if_not_found=False))
    ]
    if not ids:
        return
    env.cr.execute(
        SQL(
            "UPDATE sfa_differentiator_category SET level = 'service' "
            "WHERE id = ANY(%s) AND level = 'product'",
            ids,
        )
    )
    env.cr.execute(
        SQL(
            "UPDATE sfa_value_differentiator SET level = 'service' "
            "WHERE category_id = ANY(%s) AND level = 'product'",
            ids,
        )
    )
    env["sfa.differentiator.category"].invalidate_model(["level"])
    env["sfa.value.differentiator"].invalidate_model(["level"])


def close_is_not_won(env):
    """The won deals of the old won Close stage move to Won; Close becomes an open stage."""
    cr = env.cr
    close = env.ref("sfa_key_accounts.crm_stage_close", raise_if_not_found=False)
    won = env.ref("sfa_key_accounts.crm_stage_won", raise_if_not_found=False)
    if not (close and won) or not close.is_won:
        return
    # one statement for every deal, archived and lost ones included: a won deal stays won, a
    # lost one keeps its lost state (active is false) in the stage it was in, now Won
    cr.execute(
        SQL(
            "UPDATE crm_lead SET stage_id = %s WHERE stage_id = %s",
            won.id,
            close.id,
        )
    )
    env["crm.lead"].invalidate_model(["stage_id"])
    close.is_won = False
    # the old texts, where nobody changed them (the name is translated: the other languages
    # come back from the translation files when the module's terms are loaded after this script)
    cr.execute(
        SQL(
            "UPDATE crm_stage SET name = jsonb_build_object('en_US', %s::text) "
            "WHERE id = %s AND name->>'en_US' = %s",
            "Close the sale",
            close.id,
            "Close",
        )
    )
    # a plain text column up to 1.5, a translated (jsonb) one from 1.6 on: an upgrade from an
    # older release straight to 1.6 runs this script after the column became translated
    new, old = (
        "Move fast, keep competitors out until the contract is signed.",
        "Move fast, keep competitors out until signature.",
    )
    if table_columns(cr, "crm_stage")["requirements"]["udt_name"] == "jsonb":
        query = SQL(
            "UPDATE crm_stage SET requirements = jsonb_build_object('en_US', %s::text) "
            "WHERE id = %s AND requirements->>'en_US' = %s",
            new,
            close.id,
            old,
        )
    else:
        query = SQL(
            "UPDATE crm_stage SET requirements = %s WHERE id = %s AND requirements = %s",
            new,
            close.id,
            old,
        )
    cr.execute(query)
    close.invalidate_recordset(["name", "requirements"])
    env.flush_all()
