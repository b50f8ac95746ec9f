"""1.6: the customer status analysis (客户状态分析表) is about a person, not an account
(docs/method.md §1.6). Its willingness and quality questions move from the account plan to the
stakeholder, with the course's ten questions of each (created by the data file).

The answers given on plans were about the account, not a person: they cannot be given to
anyone. Nothing is lost: each plan with such answers gets one internal note listing every old
question with its score and note, then the old answer lines are removed. The old criteria of
those kinds (the addon's six and six, and any a company added) are archived, kept for the
record; they are not the course's questions and no new answer can use them. The source of the
shipped criteria (course or addon default), a new field, is set where the data file (noupdate)
does not set it on an existing database. Idempotent: a second run finds nothing to move."""

from collections import defaultdict

from markupsafe import Markup

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

STATUS_KINDS = ("willingness", "quality")
OLD_SIGNALS = [f"health_signal_{i:02d}" for i in range(1, 11)]
OLD_INDICATORS = [f"health_indicator_{i:02d}" for i in range(1, 6)]
OLD_STATUS = [f"health_{kind}_{i:02d}" for kind in STATUS_KINDS for i in range(1, 7)]
NEW_STATUS = [f"status_{kind}_{i:02d}" for kind in STATUS_KINDS for i in range(1, 11)]
# a one-time record in the plan's history, in English as the old answers' questions are
NOTE = (
    "The customer status analysis (willingness and quality) is now answered on each "
    "stakeholder, with the course's questions. The answers this plan had, about the account:"
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    set_sources(env)
    move_plan_answers_to_notes(env)
    archive_old_status_criteria(env)


def _ids(env, xmlids):
    return [
        record.id
        for xmlid in xmlids
        if (record := env.ref(f"sfa_key_accounts.{xmlid}", raise_if_not_found=False))
    ]


def set_sources(env):
    """The shipped signals are the course's, the shipped indicators and the old status items
    the addon's defaults; criteria a company added keep the default (added here)."""
    for source, xmlids in (("course", OLD_SIGNALS), ("addon", OLD_INDICATORS + OLD_STATUS)):
        ids = _ids(env, xmlids)
        if ids:
            env.cr.execute(
                SQL(
                    "UPDATE sfa_health_criterion SET source = %s "
                    "WHERE id = ANY(%s) AND source = 'custom'",
                    source,
                    ids,
                )
            )
    env["sfa.health.criterion"].invalidate_model(["source"])


def move_plan_answers_to_notes(env):
    """One note per plan listing its old willingness and quality answers, then the lines go."""
    Answer = env["sfa.account.plan.assessment"].with_context(active_test=False)
    answers = Answer.search([("kind", "in", STATUS_KINDS)], order="plan_id, kind, sequence, id")
    if not answers:
        return
    labels = dict(env["sfa.health.criterion"]._fields["kind"]._description_selection(env))
    by_plan = defaultdict(list)
    for answer in answers:
        if answer.score or answer.note:
            by_plan[answer.plan_id.id].append(answer)
    bodies = {}
    for plan_id, lines in by_plan.items():
        items = Markup("").join(
            Markup("<li>%s — %s: %s%s</li>")
            % (
                labels.get(line.kind, line.kind),
                line.criterion_id.name,
                f"{line.score}/5" if line.score else "-",
                f" ({line.note})" if line.note else "",
            )
            for line in lines
        )
        bodies[plan_id] = Markup("<p>%s</p><ul>%s</ul>") % (
            NOTE,
            items,
        )
    if bodies:
        env["sfa.account.plan"].browse(list(bodies))._message_log_batch(
            bodies, message_type="comment"
        )
    plans = answers.plan_id
    answers.unlink()
    # the plans' health without the two parts (engine/health.py)
    plans._sfa_recompute_health()


def archive_old_status_criteria(env):
    """Every willingness or quality criterion but the course's twenty is archived."""
    keep = _ids(env, NEW_STATUS)
    env.cr.execute(
        SQL(
            "UPDATE sfa_health_criterion SET active = FALSE "
            "WHERE kind IN %s AND active AND NOT (id = ANY(%s))",
            STATUS_KINDS,
            keep,
        )
    )
    env["sfa.health.criterion"].invalidate_model(["active"])
