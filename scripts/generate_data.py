"""Fill a database holding the installed addon (no demo data) with seeded benchmark data.

Run it through ``make data SIZE=tiny|small|large [SFA_BENCH_DB=name] [SEED=n]`` (that is
``scripts/generate_data.sh``: it drops the database, installs the addon without demo data and
runs this script). Run by hand, Odoo must be importable (PYTHONPATH=<the Odoo tree>)::

    python scripts/generate_data.py --db sfa_bench_tiny --size tiny --conf .local/odoo.conf

The same size, seed and reference day (``--today``, default today) give the same data.
The big tables (partners, opportunities and their tags, key accounts, stakeholders, deal
contacts, plans and their answers) are written with set-based SQL, ``INSERT ... SELECT
generate_series`` with pseudo-random numbers from ``hashint8extended`` (a row's numbers
depend on its key only), or COPY of rows made by a seeded ``random.Random``. The ORM makes
the few records whose rules matter (users, teams, targets, compensation, value worksheets,
reviews, activities) and computes every stored figure of the addon that depends on other
records (map figures, plan health, current plans, value figures); the last step recomputes
a sample of them through the ORM and fails the run when one differs from what is stored.

Prints the rows made per table and the time of each step; a JSON manifest is kept in the
system parameter ``sfa_bench.manifest`` (and the org-chart account in
``sfa_bench.org_chart_partner_id``) for the benchmarks.
"""

import argparse
import csv
import hashlib
import io
import json
import math
import os
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import psycopg2
from passlib.utils.binary import ab64_encode

import odoo
from odoo import SUPERUSER_ID, api
from odoo.fields import Command

SIZES = {
    # companies, opportunities, reps, teams; ``scale`` multiplies the counts given for large
    "tiny": {"companies": 1_000, "leads": 10_000, "reps": 10, "teams": 2, "scale": 0.01},
    "small": {"companies": 10_000, "leads": 100_000, "reps": 40, "teams": 4, "scale": 0.1},
    "large": {"companies": 100_000, "leads": 1_000_000, "reps": 200, "teams": 20, "scale": 1.0},
}
# Counts of the large size, scaled for the others
MAP_DEALS = 2_000  # open deals on key accounts with a buying centre (~13.5 people each)
PLANS = 4_000  # account plans on key accounts (3/4 this year's, 1/4 last year's)
WORKSHEETS = 1_000  # deals with a value worksheet
COMPETITORS = {"tiny": 5, "small": 10, "large": 20}
ORG_CHART_STAKEHOLDERS = 500  # the org-chart account, at every size
ORG_CHART_NAME = "Org Chart Test Account"
ORG_CHART_MAP_SIZE = 40  # people on the maps of its deals
# Customer size z ~ N(0, 1): opportunities per customer ~ exp(LEAD_SKEW * z) (each has one),
# deal size ~ exp(DEAL_SKEW * z + DEAL_NOISE * N(0, 1)), tuned so that ~20% of the customers
# make ~80% of the last 12 months' won revenue and ~69% of them won something in that time.
LEAD_SKEW = 1.18
DEAL_SKEW = 0.7
DEAL_NOISE = 0.7
DEAL_MEDIAN = 5_000.0
WON, LOST = 0.40, 0.35  # of the opportunities; the rest (25%) is open
CONTACT_SHARE = 0.6  # opportunities opened for a contact person rather than the company
OWNER_SHARE = 0.85  # opportunities held by the customer's own salesperson
CLOSED_DAYS = 730  # won and lost deals closed over the last 24 months

PRODUCTS = [
    "CRM Suite",
    "ERP Upgrade",
    "Data Platform",
    "Field Service",
    "Analytics",
    "Security Audit",
    "Cloud Migration",
    "Support Contract",
]
SYLLABLES_A = "Nor Bel Cas Dra Eve Fal Gra Hal Iro Jas Kel Lum Mar Oak Pra".split()
SYLLABLES_B = "wind ton mark ford vale crest field stone brook gate haven ridge".split()
TRADES = (
    "Logistics Foods Systems Textiles Pharma Energy Motors Electronics Chemicals Retail Media "
    "Software Machinery Steel Plastics Paper Telecom Construction Consulting Insurance Finance "
    "Aviation Shipping Mining Agro Beverages Cosmetics Furniture Packaging Semiconductors "
    "Biotech Healthcare Hotels Security Robotics Optics Water Solar Glass Tools"
).split()
LEGAL = "Ltd Inc GmbH SA Co Group Holdings AG LLC BV Corp SpA Oy AB KK Pte".split()
FIRST = (
    "Anna Ben Chen Dana Eric Fatima Georg Hana Ivan Julia Kenji Lena Marco Nadia Omar Paula "
    "Quentin Rosa Sven Tara Umar Vera Wei Xenia Yuki Zoe Ahmed Bruno Clara David Elena Felix "
    "Grace Hugo Ines Jonas Karin Liam Maya Nils Olga Pedro Rina Sami Tom Ulla Victor Wanda "
    "Xavier Yara Li Mei Jun Priya Arjun Sofia Lucas Emma Noah Mia"
).split()
LAST = (
    "Smith Muller Wang Garcia Rossi Dubois Tanaka Kumar Silva Novak Jensen Kowalski Ivanova "
    "Larsen Moreau Schmidt Zhang Lopez Bianchi Martin Sato Singh Costa Horvat Nielsen Nowak "
    "Petrov Berg Lefebvre Weber Liu Hernandez Ricci Bernard Suzuki Patel Santos Kovac Hansen "
    "Wojcik Popov Lind Fontaine Fischer Chen Gonzalez Romano Thomas Ito Sharma Oliveira Varga "
    "Olsen Lewandowski Volkov Dahl Girard Wagner Huang Perez"
).split()
# the first five are the top of a buying centre (approver, decision maker, ...)
FUNCTIONS = [
    "CEO",
    "CFO",
    "CIO",
    "COO",
    "CTO",
    "VP Sales",
    "Purchasing Manager",
    "IT Manager",
    "Operations Manager",
    "Project Manager",
    "Engineer",
    "Buyer",
    "Finance Controller",
    "HR Director",
    "Plant Manager",
    "Logistics Manager",
]
COUNTRIES = [  # (code, weight, cities)
    ("us", 25, ["New York", "Chicago", "Austin", "Seattle"]),
    ("cn", 15, ["Shanghai", "Beijing", "Shenzhen", "Chengdu"]),
    ("de", 10, ["Berlin", "Munich", "Hamburg", "Cologne"]),
    ("gb", 8, ["London", "Manchester", "Leeds"]),
    ("fr", 7, ["Paris", "Lyon", "Toulouse"]),
    ("jp", 7, ["Tokyo", "Osaka", "Nagoya"]),
    ("in", 6, ["Mumbai", "Bangalore", "Delhi"]),
    ("br", 5, ["Sao Paulo", "Rio de Janeiro"]),
    ("ca", 5, ["Toronto", "Vancouver", "Montreal"]),
    ("au", 4, ["Sydney", "Melbourne"]),
    ("it", 4, ["Milan", "Rome", "Turin"]),
    ("es", 4, ["Madrid", "Barcelona"]),
]
NEEDS = [
    "Cut order processing costs",
    "Shorten delivery lead times",
    "Grow revenue in new regions",
    "Reduce stock levels",
    "Comply with the new reporting rules",
    "One view of the customer",
    "Faster month-end closing",
    "Fewer production stoppages",
]
COSTS = [("Licences", "yearly"), ("Implementation", "one_time"), ("Training", "one_time")]
COSTS += [("Support", "yearly")]
# attitudes and time spent of the key players (approver, decision maker) and of the others:
# about a third of the maps red (a key player not for us, or missing), most others amber
KEY_ATTITUDES = ["champion"] * 3 + ["support"] * 5 + ["neutral", "against"]
ATTITUDES = ["champion"] * 2 + ["support"] * 4 + ["neutral"] * 3 + ["against"] * 2 + ["hostile"]
KEY_TIME_SPENT = ["0"] + ["1", "2", "2", "3", "3"] * 2
TIME_SPENT = ["0", "1", "1", "2", "2", "3"]
PARTNER_COLUMNS = (
    "id name complete_name commercial_company_name commercial_partner_id parent_id is_company "
    "type lang active color partner_share email email_normalized website street city zip "
    "country_id industry_id function user_id sfa_is_competitor message_bounce "
    "calendar_last_notif_ack create_uid write_uid create_date write_date"
).split()


def log(message):
    print(f"[data] {message}", flush=True)


class _Rollback(Exception):
    """Leaves a savepoint, undoing what was done in it."""


class Timer:
    """Prints each step with its elapsed time and keeps them for the summary."""

    def __init__(self):
        self.start = time.monotonic()
        self.steps = []
        self.mark = self.start

    @contextmanager
    def step(self, name):
        began = self.mark = time.monotonic()
        log(f"{name} ...")
        yield
        spent = time.monotonic() - began
        self.steps.append((name, spent))
        log(f"{name}: {spent:.1f} s")

    def part(self, name):
        """Say how long the part of the current step that ends here took."""
        now = time.monotonic()
        log(f"    {name}: {now - self.mark:.1f} s")
        self.mark = now

    def total(self):
        return time.monotonic() - self.start


def scaled(count, scale, minimum=1):
    return max(minimum, round(count * scale))


def copy_rows(cr, table, rows, columns=None):
    """COPY rows (dicts, or lists in the order of ``columns``) into ``table``: None is
    NULL, booleans t/f."""
    if not rows:
        return
    if columns is None:
        columns = list(rows[0])
        rows = ([row[c] for c in columns] for row in rows)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow(
            ["t" if v is True else "f" if v is False else "" if v is None else v for v in row]
        )
    buf.seek(0)
    cr.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buf)


def reserve_ids(cr, table, count):
    """The first of ``count`` fresh ids of ``table``; its sequence moves past them."""
    cr.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
    [(top,)] = cr.fetchall()
    cr.execute(f"SELECT last_value, is_called FROM {table}_id_seq")
    [(last, called)] = cr.fetchall()
    first = max(top, last if called else last - 1) + 1
    if count:
        cr.execute(f"SELECT setval('{table}_id_seq', %s)", [first + count - 1])
    return first


def partner_row(created, **values):
    """A res.partner row as the ORM stores a new contact (its defaults, then ``values``)."""
    row = dict.fromkeys(PARTNER_COLUMNS)
    row.update(
        type="contact",
        lang="en_US",
        active=True,
        color=0,
        partner_share=True,
        sfa_is_competitor=False,
        message_bounce=0,
        calendar_last_notif_ack=created,
        create_uid=SUPERUSER_ID,
        write_uid=SUPERUSER_ID,
        create_date=created,
        write_date=created,
    )
    row.update(values)
    return row


def pbkdf2_sha512(password, salt, rounds):
    """The hash passlib's pbkdf2_sha512 makes (Odoo's password hash), with hashlib's
    implementation, which runs outside the GIL (so in a thread beside the SQL steps)."""
    key = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, rounds, 64)
    return f"$pbkdf2-sha512${rounds}${ab64_encode(salt).decode()}${ab64_encode(key).decode()}"


class Generator:
    def __init__(self, env, size, seed, today):
        self.size = size
        self.conf = SIZES[size]
        self.scale = self.conf["scale"]
        self.seed = seed
        self.today = today
        self.ref = datetime.combine(today, datetime.min.time())  # "now" of the data (UTC)
        self.timer = Timer()
        self.problems = []
        self.manifest = {"size": size, "seed": seed, "today": today.isoformat()}
        # no chatter, tracking, followers or notification mails for what is made here
        self.env = env(
            context={
                "tracking_disable": True,
                "mail_create_nolog": True,
                "mail_create_nosubscribe": True,
                "mail_notrack": True,
                "mail_activity_quick_update": True,
                "mail_auto_subscribe_no_notify": True,
                "no_reset_password": True,
            }
        )
        self.cr = env.cr
        self.company = self.env.ref("base.main_company")

    def rng(self, stream):
        return random.Random(f"{self.seed}:{self.size}:{stream}")

    def run(self):
        steps = [
            ("setup", self.setup),
            ("users and teams", self.make_users),
            ("companies and contacts", self.make_partners),
            ("opportunities", self.make_leads),
            ("predictive lead scoring", self.make_probabilities),
            ("user passwords", self.write_passwords),
            ("key accounts (older ranking)", self.make_key_accounts),
            ("political maps", self.make_maps),
            ("account plans", self.make_plans),
            ("value worksheets", self.make_worksheets),
            ("sales targets", self.make_targets),
            ("performance reviews", self.make_reviews),
            ("compensation", self.make_compensation),
            ("vacuum and analyze", self.vacuum),
            ("manifest", self.make_manifest),
            ("check stored figures against the ORM", self.check_figures),
        ]
        for name, method in steps:
            with self.timer.step(name):
                method()
                self.env.flush_all()
                self.cr.commit()
                self.env.invalidate_all()

    def sql(self, query, params=None):
        self.cr.execute(query, params)

    def fetch(self, query, params=None):
        self.cr.execute(query, params)
        return self.cr.fetchall()

    def ids_of(self, query, params=None):
        return [row[0] for row in self.fetch(query, params)]

    def in_parallel(self, statements, workers=2):
        """Run statements on their own connections, ``workers`` at a time (after a
        commit: they see what this cursor wrote)."""
        self.cr.commit()
        dbname = self.cr.dbname

        def run(statement):
            with odoo.sql_db.db_connect(dbname).cursor() as cr:
                cr.execute("SET maintenance_work_mem = '256MB'")
                cr.execute(statement)

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(run, statements))

    def drop_indexes(self, table):
        """Drop the secondary indexes of ``table`` (those that back no constraint) before
        a bulk load, and return them for ``build_indexes``: building them afterwards is much
        faster than updating them (trigram ones above all) row by row."""
        indexes = self.fetch(
            """
            SELECT c.relname, pg_get_indexdef(i.indexrelid),
                   (SELECT amname FROM pg_am WHERE oid = c.relam) = 'gin'
              FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE i.indrelid = %s::regclass
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
          ORDER BY 3 DESC, 1
            """,
            [table],
        )
        for name, _definition, _gin in indexes:
            self.sql(f'DROP INDEX "{name}"')
        return [definition for _name, definition, _gin in indexes]

    def build_indexes(self, definitions):
        """Build indexes again, two at a time (trigram ones first)."""
        self.in_parallel(definitions)

    @contextmanager
    def bulk_load(self):
        """No foreign-key checks (the data is consistent by construction), where the
        database user may skip them (session_replication_role needs a superuser, which
        the project's own cluster gives)."""
        try:
            with self.cr.savepoint(flush=False):
                self.sql("SET LOCAL session_replication_role = replica")
        except psycopg2.Error:
            log("    (foreign keys checked: the database user may not skip them)")
        yield
        self.sql("SET LOCAL session_replication_role = DEFAULT")

    # --- setup ----------------------------------------------------------------------------
    def setup(self):
        self.sql("SET work_mem = '256MB'")
        self.sql("SET maintenance_work_mem = '512MB'")
        # Pseudo-random numbers of a key (the same key, the same number): h, a 64-bit hash
        # of it; rnd, a uniform number in (0, 1); lo and hi, two of them from one hash.
        self.sql(
            f"""
            CREATE OR REPLACE FUNCTION pg_temp.h(k bigint) RETURNS bigint
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            AS $$ SELECT hashint8extended(k, {int(self.seed)}) $$;
            CREATE OR REPLACE FUNCTION pg_temp.rnd(k bigint) RETURNS double precision
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                SELECT (((hashint8extended(k, {int(self.seed)}) >> 11) & 9007199254740991)
                        + 0.5) / 9007199254740992.0
            $$;
            CREATE OR REPLACE FUNCTION pg_temp.lo(h bigint) RETURNS double precision
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            AS $$ SELECT ((h & 4294967295) + 0.5) / 4294967296.0 $$;
            CREATE OR REPLACE FUNCTION pg_temp.hi(h bigint) RETURNS double precision
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            AS $$ SELECT (((h >> 32) & 4294967295) + 0.5) / 4294967296.0 $$;
            """
        )
        env = self.env
        Stage = env["crm.stage"]
        shared = [("team_id", "=", False)]
        self.open_stages = Stage.search([*shared, ("is_won", "=", False)], order="sequence").ids
        self.won_stage = Stage.search([*shared, ("is_won", "=", True)], order="sequence")[:1].id
        self.lost_reasons = env["crm.lost.reason"].search([], order="id").ids
        self.lang_id = env["res.lang"]._get_data(code="en_US").id
        self.industries = env["res.partner.industry"].search([], order="id").ids
        codes = [code.upper() for code, _weight, _cities in COUNTRIES]
        self.countries = {
            c.code.lower(): c.id for c in env["res.country"].search([("code", "in", codes)])
        }
        self.tags = env["crm.tag"].create([{"name": name} for name in PRODUCTS]).ids
        # the predictive lead scoring reads the deals created after its start date: all ours
        start = self.ref - timedelta(days=CLOSED_DAYS + 200)
        env["ir.config_parameter"].set_param("crm.pls_start_date", start.date().isoformat())

    # --- users and teams --------------------------------------------------------------------
    def make_users(self):
        """The reps ("User: Own Documents Only"; the team leaders, first of each team, "User:
        All Documents") in teams; their passwords (the login) are hashed in a thread while
        the next steps run, and written by the "user passwords" step."""
        env = self.env
        rng = self.rng("users")
        n_reps, n_teams = self.conf["reps"], self.conf["teams"]
        own = env.ref("sales_team.group_sale_salesman")
        all_leads = env.ref("sales_team.group_sale_salesman_all_leads")
        per_team = n_reps // n_teams
        vals = []
        for i in range(n_reps):
            leader = i % per_team == 0 and i // per_team < n_teams
            login = f"rep{i + 1:03d}"
            vals.append(
                {
                    "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "login": login,
                    "email": f"{login}@sfa-bench.example.com",
                    "company_id": self.company.id,
                    "company_ids": [Command.set([self.company.id])],
                    "groups_id": [Command.set([(all_leads if leader else own).id])],
                }
            )
        users = env["res.users"].create(vals)
        self.timer.part("users")
        teams = env["crm.team"]
        for t in range(n_teams):
            members = users[t * per_team : (t + 1) * per_team if t < n_teams - 1 else None]
            teams |= teams.create(
                {
                    "name": f"Sales Team {t + 1:02d}",
                    "company_id": self.company.id,
                    "user_id": members[0].id,
                    "sequence": 20 + t,
                    "crm_team_member_ids": [Command.create({"user_id": u.id}) for u in members],
                }
            )
        self.timer.part("teams")
        self.reps = users.ids
        self.logins = users.mapped("login")
        self.rep_team, self.team_members, self.leaders = {}, {}, {}
        for team in teams:
            self.leaders[team.id] = team.user_id.id
            self.team_members[team.id] = team.member_ids.ids
            for user in team.member_ids:
                self.rep_team[user.id] = team.id
        self.teams = teams.ids
        # Odoo's own hash (its CryptContext: pbkdf2_sha512, its number of rounds)
        self.crypt = env["res.users"]._crypt_context()
        # (res.users' CryptContext wraps passlib's in __obj__)
        rounds = getattr(self.crypt, "__obj__", self.crypt).to_dict()["pbkdf2_sha512__rounds"]
        salts = [rng.randbytes(16) for _ in self.logins]
        self.hashes = {}

        def work():
            for login, salt in zip(self.logins, salts, strict=True):
                self.hashes[login] = pbkdf2_sha512(login, salt, rounds)

        self.hashing = threading.Thread(target=work, name="password hashing", daemon=True)
        self.hashing.start()

    def write_passwords(self):
        self.hashing.join()
        first = self.hashes[self.logins[0]]
        if self.crypt.verify_and_update(self.logins[0], first) != (True, None):
            raise RuntimeError("the password hashes are not what Odoo expects")
        for user, login in zip(self.reps, self.logins, strict=True):
            # what res.users._set_encrypted_password writes
            self.sql("UPDATE res_users SET password = %s WHERE id = %s", [self.hashes[login], user])

    # --- partners ---------------------------------------------------------------------------
    def make_partners(self):
        """The customers (companies, with 1-3 contact persons each) and a few competitors;
        each customer's salesperson is a rep, its size drives its deals."""
        rng = self.rng("partners")
        n = self.conf["companies"]
        n_comp = COMPETITORS[self.size]
        combos = [len(SYLLABLES_A), len(SYLLABLES_B), len(TRADES), len(LEGAL)]
        space = math.prod(combos)
        picked = rng.sample(range(space), n + n_comp)
        countries = [c for c, _w, _cities in COUNTRIES]
        weights = [w for _c, w, _cities in COUNTRIES]
        cities = {c: cities for c, _w, cities in COUNTRIES}
        contact_counts = [rng.choice([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3]) for _ in range(n)]
        # customer sizes: the quantiles of N(0, 1), shuffled (the same spread at every size)
        normal = statistics.NormalDist()
        sizes = [normal.inv_cdf((i + 0.5) / n) for i in range(n)]
        rng.shuffle(sizes)
        first_company = reserve_ids(self.cr, "res_partner", n + n_comp)
        contact_id = reserve_ids(self.cr, "res_partner", sum(contact_counts))
        rows, companies = [], []  # companies: (partner id, z, trend, rep index, contact ids)
        n_reps = len(self.reps)
        for idx in range(n + n_comp):
            pid = first_company + idx
            competitor = idx >= n
            code = picked[idx]
            a, code = divmod(code, combos[1] * combos[2] * combos[3])
            b, code = divmod(code, combos[2] * combos[3])
            trade, legal = divmod(code, combos[3])
            name = f"{SYLLABLES_A[a]}{SYLLABLES_B[b]} {TRADES[trade]} {LEGAL[legal]}"
            if idx == 0:
                name = ORG_CHART_NAME
            domain = "-".join(name.lower().split()) + ".example.com"
            country = rng.choices(countries, weights)[0]
            address = {
                "street": f"{rng.randint(1, 999)} {rng.choice(SYLLABLES_A)}"
                f"{rng.choice(SYLLABLES_B)} Street",
                "city": rng.choice(cities[country]),
                "zip": str(rng.randint(10000, 99999)),
                "country_id": self.countries[country],
                "industry_id": rng.choice(self.industries) if self.industries else None,
            }
            created = self.ref - timedelta(days=1000 - rng.random() * 100)
            rep_index = rng.randrange(n_reps)
            rows.append(
                partner_row(
                    created,
                    id=pid,
                    name=name,
                    complete_name=name,
                    commercial_company_name=name,
                    commercial_partner_id=pid,
                    is_company=True,
                    email=f"info@{domain}",
                    email_normalized=f"info@{domain}",
                    website=f"https://www.{domain}",
                    user_id=None if competitor else self.reps[rep_index],
                    sfa_is_competitor=competitor,
                    **address,
                )
            )
            if competitor:
                continue
            # the size of the customer; the org-chart account is one of the biggest
            z = 3.0 if idx == 0 else sizes[idx]
            trend = rng.gauss(0, 0.35)
            ids = []
            for _c in range(contact_counts[idx]):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                email = f"{first.lower()}.{last.lower()}@{domain}"
                rows.append(
                    partner_row(
                        created,
                        id=contact_id,
                        name=f"{first} {last}",
                        complete_name=f"{name}, {first} {last}",
                        commercial_company_name=name,
                        commercial_partner_id=pid,
                        parent_id=pid,
                        is_company=False,
                        email=email,
                        email_normalized=email,
                        function=rng.choice(FUNCTIONS),
                        **address,
                    )
                )
                ids.append(contact_id)
                contact_id += 1
            companies.append((pid, z, trend, rep_index + 1, ids))
        self.timer.part("rows")
        with self.bulk_load():
            copy_rows(self.cr, "res_partner", rows)
        self.sql("ANALYZE res_partner")
        self.timer.part("copy")
        # opportunities per customer: one each, the rest spread by exp(LEAD_SKEW * z),
        # largest remainder first
        total = self.conf["leads"]
        weights = [math.exp(LEAD_SKEW * c[1]) for c in companies]
        extra, wsum = total - len(companies), sum(weights)
        shares = [extra * w / wsum for w in weights]
        counts = [1 + int(s) for s in shares]
        order = sorted(range(len(companies)), key=lambda i: (int(shares[i]) - shares[i], i))
        for i in order[: total - sum(counts)]:
            counts[i] += 1
        self.sql(
            """CREATE TEMP TABLE bench_company (
                   partner_id int PRIMARY KEY, z float8, trend float8, rep_idx int,
                   contacts int[], n_contacts int, n_leads int, k0 bigint)"""
        )
        k0, rows = 0, []
        for (pid, z, trend, rep_idx, ids), count in zip(companies, counts, strict=True):
            array = "{" + ",".join(map(str, ids)) + "}"
            rows.append([pid, z, trend, rep_idx, array, len(ids), count, k0])
            k0 += count
        columns = "partner_id z trend rep_idx contacts n_contacts n_leads k0".split()
        copy_rows(self.cr, "bench_company", rows, columns)
        self.sql("ANALYZE bench_company")
        self.org_chart_partner = first_company
        self.n_companies = n
        self.competitors = list(range(first_company + n, first_company + n + n_comp))

    # --- opportunities ----------------------------------------------------------------------
    def make_leads(self):
        """The opportunities, in one statement from the customers (bench_company), each row
        with its own pseudo-random numbers (from its key k): 40% won (closed over the last
        24 months, probability 100), 35% lost (archived, probability 0), 25% open in the
        shared pipeline's other stages; ids follow the creation dates. The table's
        secondary indexes are built again after the scoring (which updates every open
        deal)."""
        first = reserve_ids(self.cr, "crm_lead", self.conf["leads"])
        params = {
            "first": first,
            "ref": self.ref,
            "reps": self.reps,
            "rep_teams": [self.rep_team[r] for r in self.reps],
            "nreps": len(self.reps),
            "open_stages": self.open_stages,
            "nopen": len(self.open_stages),
            "won_stage": self.won_stage,
            "reasons": self.lost_reasons or [None],
            "nreasons": len(self.lost_reasons) or 1,
            "nproducts": len(PRODUCTS),
            "mu": math.log(DEAL_MEDIAN),
            "skew": DEAL_SKEW,
            "noise": DEAL_NOISE,
            "won": WON,
            "lost": WON + LOST,
            "contact_share": CONTACT_SHARE,
            "owner_share": OWNER_SHARE,
            "closed_days": CLOSED_DAYS,
        }
        # 16 uniform numbers per row from 8 hashes: pg_temp.lo / pg_temp.hi take the low and
        # the high 32 bits of one
        self.sql(
            """
            CREATE TEMP TABLE bench_lead AS
            WITH g AS (
                SELECT c.partner_id AS company_pid, c.z, c.trend, c.rep_idx, c.contacts,
                       c.n_contacts, c.k0 + s AS k
                  FROM bench_company c CROSS JOIN LATERAL generate_series(1, c.n_leads) s
            ), h AS (
                SELECT g.*, pg_temp.h(k * 8) AS h0, pg_temp.h(k * 8 + 1) AS h1,
                       pg_temp.h(k * 8 + 2) AS h2, pg_temp.h(k * 8 + 3) AS h3,
                       pg_temp.h(k * 8 + 4) AS h4, pg_temp.h(k * 8 + 5) AS h5,
                       pg_temp.h(k * 8 + 6) AS h6, pg_temp.h(k * 8 + 7) AS h7
                  FROM g
            ), r AS (
                SELECT h.*,
                       pg_temp.lo(h0) AS u_status, pg_temp.hi(h0) AS u_when,
                       pg_temp.lo(h1) AS u_cycle, pg_temp.hi(h1) AS u_who,
                       pg_temp.lo(h2) AS u_contact, pg_temp.hi(h2) AS u_rep,
                       pg_temp.lo(h3) AS u_rep2, pg_temp.hi(h3) AS u_stage,
                       sqrt(-2 * ln(pg_temp.lo(h4))) * cos(2 * pi() * pg_temp.hi(h4)) AS noise,
                       pg_temp.lo(h5) AS u_product, pg_temp.hi(h5) AS u_priority,
                       pg_temp.lo(h6) AS u_reason, pg_temp.hi(h6) AS u_update,
                       pg_temp.lo(h7) AS u_deadline, pg_temp.hi(h7) AS u_tag
                  FROM h
            ), s AS (
                SELECT r.*,
                       CASE WHEN u_status < %(won)s THEN 'won'
                            WHEN u_status < %(lost)s THEN 'lost' ELSE 'open' END AS status,
                       CASE WHEN u_rep < %(owner_share)s THEN rep_idx
                            ELSE 1 + floor(u_rep2 * %(nreps)s)::int END AS rix,
                       CASE WHEN n_contacts = 0 OR u_who >= %(contact_share)s THEN company_pid
                            ELSE contacts[1 + floor(u_contact * n_contacts)::int] END
                           AS partner_id,
                       1 + floor(u_product * %(nproducts)s)::int AS pix,
                       7 + u_cycle * 120 AS cycle_days
                  FROM r
            ), t AS (
                SELECT s.*,
                       CASE WHEN status <> 'open'
                            THEN %(ref)s - u_when * %(closed_days)s * interval '1 day' END
                           AS closed_at
                  FROM s
            ), c AS (
                SELECT t.*,
                       date_trunc('second', CASE WHEN status = 'open'
                            THEN %(ref)s - u_when * 180 * interval '1 day'
                            ELSE closed_at - cycle_days * interval '1 day' END) AS created
                  FROM t
            )
            SELECT %(first)s - 1 + row_number() OVER (ORDER BY created, k) AS id,
                   k, company_pid, partner_id, status, pix,
                   (%(reps)s::int[])[rix] AS user_id,
                   (%(rep_teams)s::int[])[rix] AS team_id,
                   CASE WHEN status = 'won' THEN %(won_stage)s
                        ELSE (%(open_stages)s::int[])[least(%(nopen)s, CASE
                            WHEN u_stage < 0.4 THEN 1 WHEN u_stage < 0.75 THEN 2 ELSE 3 END)]
                        END AS stage_id,
                   CASE WHEN u_priority < 0.5 THEN '0' WHEN u_priority < 0.8 THEN '1'
                        WHEN u_priority < 0.95 THEN '2' ELSE '3' END AS priority,
                   greatest(100, round(exp(%(mu)s + %(skew)s * z + %(noise)s * noise
                       + trend * CASE WHEN closed_at IS NULL THEN 1
                             ELSE 1 - extract(epoch FROM %(ref)s - closed_at) / 31536000 END)
                       / 10) * 10)::numeric AS revenue,
                   created,
                   date_trunc('second', closed_at) AS closed_at,
                   date_trunc('second', CASE WHEN status = 'won' THEN closed_at
                        WHEN status = 'lost' THEN created + (closed_at - created) * u_update
                        ELSE created + (%(ref)s - created) * u_update END) AS stage_updated,
                   CASE WHEN status = 'open'
                        THEN (%(ref)s + (10 + u_deadline * 170) * interval '1 day')::date
                        ELSE (created + cycle_days * (0.8 + 0.4 * u_deadline)
                              * interval '1 day')::date END AS deadline,
                   CASE WHEN status = 'lost' AND u_reason < 0.7
                        THEN (%(reasons)s::int[])[1 + floor(u_reason / 0.7 * %(nreasons)s)::int]
                        END AS lost_reason_id,
                   u_tag < 0.9 AS tagged
              FROM c
            """,
            params,
        )
        self.sql("CREATE UNIQUE INDEX ON bench_lead (id)")
        self.sql("CREATE INDEX ON bench_lead (company_pid)")
        self.sql("ANALYZE bench_lead")
        self.timer.part("rows")
        self.lead_indexes = self.drop_indexes("crm_lead")
        with self.bulk_load():
            # the columns the ORM fills on a new opportunity: from the customer (contact
            # name, company name, email, address, language), the stage (probability) and
            # the dates (open, last stage update, closed, days to close)
            self.sql(
                """
                INSERT INTO crm_lead (
                    id, name, type, user_id, team_id, company_id, stage_id, color, priority,
                    partner_id, lang_id, country_id, email_from, email_normalized,
                    email_domain_criterion, email_state, contact_name, partner_name, function,
                    street, city, zip, website, expected_revenue, prorated_revenue,
                    recurring_revenue, recurring_revenue_monthly,
                    recurring_revenue_monthly_prorated, recurring_revenue_prorated, active,
                    probability, automated_probability, date_open, date_last_stage_update,
                    date_closed, date_deadline, day_open, day_close, lost_reason_id,
                    message_bounce, political_map_score, likely_payback_months,
                    likely_net_value, likely_pays_back, likely_roi,
                    create_date, write_date, create_uid, write_uid)
                SELECT l.id, co.name || ' - ' || (%(products)s::varchar[])[l.pix],
                       'opportunity', l.user_id, l.team_id, %(company)s, l.stage_id, 0,
                       l.priority, l.partner_id, %(lang)s, p.country_id, p.email,
                       p.email_normalized, '@' || split_part(p.email_normalized, '@', 2),
                       'correct', CASE WHEN p.is_company THEN NULL ELSE p.name END, co.name,
                       p.function, p.street, p.city, p.zip, p.website, l.revenue,
                       CASE WHEN l.status = 'won' THEN l.revenue ELSE 0 END,
                       0, 0, 0, 0, l.status <> 'lost',
                       CASE l.status WHEN 'won' THEN 100 WHEN 'lost' THEN 0 END,
                       CASE l.status WHEN 'won' THEN 100 WHEN 'lost' THEN 0 END,
                       l.created, l.stage_updated, l.closed_at, l.deadline, 0,
                       CASE WHEN l.closed_at IS NULL THEN 0
                            ELSE floor(extract(epoch FROM l.closed_at - l.created) / 86400)
                            END,
                       l.lost_reason_id, 0, 0, 0, 0, FALSE, 0,
                       l.created, greatest(l.stage_updated, l.closed_at), l.user_id, l.user_id
                  FROM bench_lead l
                  JOIN res_partner p ON p.id = l.partner_id
                  JOIN res_partner co ON co.id = l.company_pid
              ORDER BY l.id
                """,
                {"products": PRODUCTS, "company": self.company.id, "lang": self.lang_id},
            )
            self.timer.part("insert")
            self.sql(
                """INSERT INTO crm_tag_rel (lead_id, tag_id)
                   SELECT id, (%s::int[])[pix] FROM bench_lead WHERE tagged ORDER BY id""",
                [self.tags],
            )
        self.sql("ANALYZE crm_lead")
        self.sql("ANALYZE crm_tag_rel")
        self.timer.part("tags")

    def make_probabilities(self):
        """The CRM's predictive lead scoring as its scheduled action runs it (the frequency
        table from the won and lost deals, the probability of every open deal); the
        prorated revenue follows the probability as _compute_prorated_revenue rounds it.
        Then the opportunities' indexes."""
        self.env["crm.lead"]._cron_update_automated_probabilities()  # commits its batches
        self.timer.part("scoring")
        rows = self.fetch(
            """SELECT id, expected_revenue, probability FROM crm_lead
                WHERE active AND probability > 0 AND probability < 100"""
        )
        self.sql("CREATE TEMP TABLE bench_prorated (id int PRIMARY KEY, value numeric)")
        values = [(i, repr(round(float(e or 0) * (p or 0) / 100.0, 2))) for i, e, p in rows]
        copy_rows(self.cr, "bench_prorated", values, ["id", "value"])
        self.sql(
            """UPDATE crm_lead l SET prorated_revenue = b.value
                 FROM bench_prorated b WHERE b.id = l.id"""
        )
        self.sql("DROP TABLE bench_prorated")
        self.timer.part("prorated revenue")
        self.build_indexes(self.lead_indexes)
        self.sql("ANALYZE crm_lead")
        self.timer.part("indexes")

    # --- key accounts -----------------------------------------------------------------------
    def make_key_accounts(self):
        """The key tiers of an 80/20 ranking made a year ago (won revenue of the 12 months
        before that) with the addon's engine, as the selection applies it: a fresh ranking
        changes many of them. Each has its customer's salesperson as manager and one
        colleague of the manager's team on its account team."""
        from odoo.addons.sfa_key_accounts.engine import ranking  # noqa: PLC0415

        tiers = self.env["sfa.key.account.tier"]._for_company(self.company)
        end = self.ref - timedelta(days=365)
        start = end - timedelta(days=365)
        rows = self.fetch(
            """
            SELECT p.commercial_partner_id, SUM(l.expected_revenue), cp.name
              FROM crm_lead l
              JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
              JOIN res_partner p ON p.id = l.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
             WHERE l.type = 'opportunity' AND l.active AND l.company_id = %s
               AND l.date_closed >= %s AND l.date_closed < %s
          GROUP BY 1, 3
            """,
            [self.company.id, start, end],
        )
        ranked = ranking.rank_accounts(
            [(pid, float(revenue), (name, pid)) for pid, revenue, name in rows],
            tiers._engine_tiers(),
            tiers[:1].rule,
        )
        key_tiers = set(tiers.filtered("is_key").ids)
        top = [row for row in ranked if row.tier_key in key_tiers]
        rng = self.rng("key accounts")
        owner = dict(self.fetch("SELECT partner_id, rep_idx FROM bench_company"))
        when = end.replace(hour=6)
        reason = f"80/20 selection over {start.date()} - {(end - timedelta(days=1)).date()}"
        first = reserve_ids(self.cr, "sfa_key_account", len(top))
        names = {pid: name for pid, _revenue, name in rows}
        self.key_accounts = {}  # partner id: (key account id, manager id)
        accounts, members, history = [], [], []
        stamp = {"create_uid": SUPERUSER_ID, "write_uid": SUPERUSER_ID}
        stamp |= {"create_date": when, "write_date": when}
        for i, row in enumerate(top):
            manager = self.reps[owner[row.key] - 1]
            self.key_accounts[row.key] = (first + i, manager)
            accounts.append(
                {
                    "id": first + i,
                    "partner_id": row.key,
                    "company_id": self.company.id,
                    "name": names[row.key],
                    "is_key": True,
                    "tier_id": row.tier_key,
                    "tier_date": when.date(),
                    "manager_id": manager,
                    "relationship": rng.choice(["clip", "zipper", "zipper", "velcro"]),
                    "rank": row.rank,
                    "revenue": round(row.revenue, 2),
                    "cumulative_share": round(row.cumulative_share, 2),
                    "health_assessed": False,
                    **stamp,
                }
            )
            history.append(
                {
                    "key_account_id": first + i,
                    "partner_id": row.key,
                    "company_id": self.company.id,
                    "date": when,
                    "user_id": SUPERUSER_ID,
                    "from_tier_id": None,
                    "to_tier_id": row.tier_key,
                    "reason": reason,
                    **stamp,
                }
            )
            colleagues = [u for u in self.team_members[self.rep_team[manager]] if u != manager]
            if colleagues:
                members.append(
                    {
                        "key_account_id": first + i,
                        "partner_id": row.key,
                        "company_id": self.company.id,
                        "user_id": rng.choice(colleagues),
                        "role": rng.choice(["presales", "service", "sales", "executive"]),
                        "sequence": 10,
                        **stamp,
                    }
                )
        copy_rows(self.cr, "sfa_key_account", accounts)
        copy_rows(self.cr, "sfa_key_account_tier_history", history)
        copy_rows(self.cr, "sfa_key_account_member", members)
        self.sql("ANALYZE sfa_key_account")

    # --- political maps ---------------------------------------------------------------------
    def make_maps(self):
        """Buying centres of open deals on key accounts, two deals per account: 12-18
        stakeholders per account (its contacts, and new people) in a reports-to tree (the
        org-chart account: 500), ~90% of them on each of its deals with roles, attitude,
        influence and time spent; meetings with some of them; then the deals' map figures
        through the ORM."""
        rng = self.rng("maps")
        env = self.env
        n_deals = scaled(MAP_DEALS, self.scale, 2)
        open_key = self.fetch(
            """
            SELECT l.company_pid, array_agg(l.id ORDER BY pg_temp.rnd(l.k * 32 + 20))
              FROM bench_lead l
             WHERE l.status = 'open' AND l.company_pid = ANY(%s)
          GROUP BY l.company_pid
          ORDER BY l.company_pid <> %s, min(pg_temp.rnd(l.k * 32 + 21)), l.company_pid
            """,
            [list(self.key_accounts), self.org_chart_partner],
        )
        deals = []  # (account, lead id)
        for account, leads in open_key:
            deals += [(account, lead) for lead in leads[:2]]
        deals = deals[:n_deals]
        accounts = list(dict.fromkeys(a for a, _l in deals))
        if accounts[:1] != [self.org_chart_partner]:
            raise RuntimeError(f"{ORG_CHART_NAME} is not a key account with open deals")
        info = {
            row[0]: row[1:]
            for row in self.fetch(
                """SELECT c.partner_id, c.contacts, p.name, p.email, p.street, p.city, p.zip,
                          p.country_id, p.industry_id
                     FROM bench_company c JOIN res_partner p ON p.id = c.partner_id
                    WHERE c.partner_id = ANY(%s)""",
                [accounts],
            )
        }
        sizes = {
            a: ORG_CHART_STAKEHOLDERS if a == self.org_chart_partner else rng.randint(12, 18)
            for a in accounts
        }
        person = reserve_ids(
            self.cr, "res_partner", sum(max(0, sizes[a] - len(info[a][0])) for a in accounts)
        )
        created = self.ref - timedelta(days=400)
        partners, people_of = [], {}
        for account in accounts:
            contacts, name, email, street, city, zip_code, country, industry = info[account]
            domain = email.split("@", 1)[1]
            people = contacts[: sizes[account]]
            while len(people) < sizes[account]:
                first, last = rng.choice(FIRST), rng.choice(LAST)
                mail = f"{first.lower()}.{last.lower()}.{person % 10000}@{domain}"
                level = len(people)
                partners.append(
                    partner_row(
                        created,
                        id=person,
                        name=f"{first} {last}",
                        complete_name=f"{name}, {first} {last}",
                        commercial_company_name=name,
                        commercial_partner_id=account,
                        parent_id=account,
                        is_company=False,
                        email=mail,
                        email_normalized=mail,
                        street=street,
                        city=city,
                        zip=zip_code,
                        country_id=country,
                        industry_id=industry,
                        function=FUNCTIONS[level] if level < 5 else rng.choice(FUNCTIONS[5:]),
                    )
                )
                people.append(person)
                person += 1
            people_of[account] = people
        copy_rows(self.cr, "res_partner", partners)
        # stakeholders: a tree (each reports to one of the few before it), circles by level
        sid = first_sh = reserve_ids(self.cr, "sfa_stakeholder", sum(sizes.values()))
        stakeholders, sh_ids = [], {}
        styles = ["value", "relationship", "commercial", "process", "technical"]
        for account in accounts:
            manager = self.key_accounts[account][1]
            ids, depth = [], []
            for i, partner in enumerate(people_of[account]):
                parent, level = None, 0
                if i:
                    p = rng.randint(max(0, (i - 1) // 4 - 1), (i - 1) // 4)
                    parent, level = ids[p], depth[p] + 1
                if level == 0 or (level == 1 and rng.random() < 0.6):
                    circle = "core"
                elif level <= 2 and rng.random() < 0.7:
                    circle = "influence"
                else:
                    circle = "outside"
                stakeholders.append(
                    {
                        "id": sid,
                        "partner_id": partner,
                        "account_id": account,
                        "reports_to_id": parent,
                        "buying_style": rng.choice(styles),
                        "circle": circle,
                        "user_id": manager,
                        "create_uid": SUPERUSER_ID,
                        "write_uid": SUPERUSER_ID,
                        "create_date": created,
                        "write_date": created,
                    }
                )
                ids.append(sid)
                depth.append(level)
                sid += 1
            sh_ids[account] = ids
        copy_rows(self.cr, "sfa_stakeholder", stakeholders)
        self.timer.part("stakeholders")
        # deal contacts: the approver (top) and decision maker (second) are usually there
        roles = {r.code: r.id for r in env["sfa.buying.role"].search([])}
        cid = first_contact = reserve_ids(
            self.cr, "sfa_deal_contact", sum(len(sh_ids[a]) for a, _l in deals)
        )
        contacts, role_rows, meeting_people = [], [], {}
        for account, lead in deals:
            ids = sh_ids[account]
            if account == self.org_chart_partner:
                chosen = list(range(min(ORG_CHART_MAP_SIZE, len(ids))))
            else:
                chosen = [i for i in range(len(ids)) if rng.random() < 0.9]
                chosen += [i for i in (0, 1) if i not in chosen and rng.random() < 0.85]
                chosen.sort()
            key_people = []
            for i in chosen:
                codes = {"A"} if i == 0 else {"D"} if i == 1 else {rng.choice("ECUUE")}
                if rng.random() < 0.1:
                    codes.add(rng.choice("ECUU"))
                if i > 1 and rng.random() < 0.05:
                    codes = set()
                influence = "high" if i < 2 else rng.choice(["high", "medium", "medium", "low"])
                if i < 2 or influence == "high":
                    key_people.append(people_of[account][i])
                contacts.append(
                    {
                        "id": cid,
                        "lead_id": lead,
                        "stakeholder_id": ids[i],
                        "attitude": rng.choice(KEY_ATTITUDES if i < 2 else ATTITUDES),
                        "influence": influence,
                        "time_spent": rng.choice(KEY_TIME_SPENT if i < 2 else TIME_SPENT),
                        "role_sequence": 0,  # no role (the related field of no role)
                        "company_id": self.company.id,
                        "create_uid": SUPERUSER_ID,
                        "write_uid": SUPERUSER_ID,
                        "create_date": created,
                        "write_date": created,
                    }
                )
                role_rows += [[cid, roles[code]] for code in sorted(codes)]
                cid += 1
            meeting_people[lead] = (key_people, [people_of[account][i] for i in chosen])
        self.sql("SELECT setval('sfa_deal_contact_id_seq', %s)", [cid - 1])
        copy_rows(self.cr, "sfa_deal_contact", contacts)
        copy_rows(self.cr, "sfa_deal_contact_role_rel", role_rows, ["contact_id", "role_id"])
        self.sql("ANALYZE sfa_stakeholder")
        self.sql("ANALYZE sfa_deal_contact")
        self.timer.part("deal contacts")
        self.make_meetings(rng, meeting_people)
        self.timer.part("meetings")
        # the stored figures through the ORM: names, main roles, then the deals' maps
        self.recompute("sfa.stakeholder", list(range(first_sh, sid)))
        self.contact_roles(first_contact, cid - 1)
        roles_done = {"role_id", "role_sequence", "role_codes"}
        self.recompute("sfa.deal.contact", list(range(first_contact, cid)), skip=roles_done)
        self.timer.part("stakeholder and contact figures")
        map_leads = [lead for _a, lead in deals]
        env["crm.lead"].browse(map_leads)._sfa_recompute_maps()
        env.flush_all()
        self.timer.part("map figures")
        self.map_leads, self.map_accounts, self.stakeholders_of = map_leads, accounts, sh_ids
        self.manifest["map_lead_id"] = map_leads[-1]
        self.manifest["org_chart_map_lead_id"] = deals[0][1]
        self.manifest["map_accounts"] = len(accounts)
        env["ir.config_parameter"].set_param(
            "sfa_bench.org_chart_partner_id", str(self.org_chart_partner)
        )

    def make_meetings(self, rng, people):
        """Meetings of the deals' reps with some of the people on their maps: a recent one
        with the key players (deciders, high influence) on ~70% of the deals, an older one
        on ~50% (what the maps' last contact and suggested time spent read)."""
        leads = self.env["crm.lead"].browse(list(people))
        leads.fetch(["name", "user_id"])
        rep_partner = dict(self.fetch("SELECT id, partner_id FROM res_users"))
        model_id = self.env["ir.model"]._get_id("crm.lead")
        events, attendees = [], []
        eid = first = reserve_ids(self.cr, "calendar_event", 2 * len(leads))
        for lead in leads:
            key_people, map_people = people[lead.id]
            for recent, share in ((True, 0.7), (False, 0.5)):
                if rng.random() >= share or not map_people:
                    continue
                days = rng.uniform(1, 25) if recent else rng.uniform(35, 200)
                start = (self.ref - timedelta(days=days)).replace(hour=rng.randint(7, 15), minute=0)
                who = key_people[:6] if recent else []
                others = [p for p in map_people if p not in who]
                who += rng.sample(others, min(len(others), rng.randint(1, 3)))
                user = lead.user_id.id
                events.append(
                    {
                        "id": eid,
                        "name": f"Meeting: {lead.name}",
                        "user_id": user,
                        "res_model_id": model_id,
                        "res_model": "crm.lead",
                        "res_id": lead.id,
                        "opportunity_id": lead.id,
                        "start": start,
                        "stop": start + timedelta(hours=1),
                        "duration": 1.0,
                        "allday": False,
                        "active": True,
                        "show_as": "busy",
                        "recurrency": False,
                        "create_uid": user,
                        "write_uid": user,
                        "create_date": start - timedelta(days=7),
                        "write_date": start - timedelta(days=7),
                    }
                )
                for partner in [rep_partner[user], *who]:
                    attendees.append(
                        {
                            "event_id": eid,
                            "partner_id": partner,
                            "state": "accepted",
                            "availability": "busy",
                            "access_token": rng.randbytes(16).hex(),
                            "create_uid": user,
                            "write_uid": user,
                            "create_date": start - timedelta(days=7),
                            "write_date": start - timedelta(days=7),
                        }
                    )
                eid += 1
        self.sql("SELECT setval('calendar_event_id_seq', %s)", [max(first, eid - 1)])
        copy_rows(self.cr, "calendar_event", events)
        copy_rows(self.cr, "calendar_attendee", attendees)
        copy_rows(
            self.cr,
            "calendar_event_res_partner_rel",
            [[a["event_id"], a["partner_id"]] for a in attendees],
            ["calendar_event_id", "res_partner_id"],
        )

    def recompute(self, model, ids, skip=()):
        """Let the ORM compute the stored figures of ``model`` that no one sets by hand
        (related and read-only computed fields) for these records."""
        records = self.env[model].browse(ids)
        for field in self.env[model]._fields.values():
            if field.store and field.compute and field.readonly and field.name not in skip:
                self.env.add_to_compute(field, records)
        self.env.flush_all()

    def contact_roles(self, first, last):
        """The main role, its sequence and the role codes of the deal contacts, as the ORM
        computes them (roles in their order: sequence, id), in one statement: the ORM
        sorts each contact's roles with a query of its own."""
        Contact = self.env["sfa.deal.contact"]
        columns = ["role_id = r.role_id", "role_sequence = r.sequence"]
        if "role_codes" in Contact._fields and Contact._fields["role_codes"].store:
            columns.append("role_codes = r.codes")
        self.sql(
            f"""
            WITH r AS (
                SELECT rel.contact_id,
                       (array_agg(b.id ORDER BY b.sequence, b.id))[1] AS role_id,
                       (array_agg(b.sequence ORDER BY b.sequence, b.id))[1] AS sequence,
                       string_agg(b.code, ', ' ORDER BY b.sequence, b.id) AS codes
                  FROM sfa_deal_contact_role_rel rel
                  JOIN sfa_buying_role b ON b.id = rel.role_id
                 WHERE rel.contact_id BETWEEN %s AND %s
              GROUP BY rel.contact_id
            )
            UPDATE sfa_deal_contact c SET {", ".join(columns)} FROM r WHERE r.contact_id = c.id
            """,
            [first, last],
        )

    # --- account plans ----------------------------------------------------------------------
    def make_plans(self):
        """This year's plans (80% active, 10% in review, 10% draft) on 3/4 of the plans'
        key accounts, last year's (closed) on the others; every criterion answered at
        random (not on drafts), two objectives each, the review activity of live plans;
        health and current plans through the ORM."""
        env = self.env
        rng = self.rng("plans")
        n_plans = scaled(PLANS, self.scale, 4)
        year = self.today.year
        accounts = sorted(self.key_accounts)
        rng.shuffle(accounts)
        # the map accounts have a plan, the org-chart account an active one
        mapped = set(self.map_accounts)
        accounts.sort(key=lambda a: (a != self.org_chart_partner, a not in mapped))
        current = accounts[: min(len(accounts), round(n_plans * 0.75))]
        previous = current[: n_plans - len(current)]
        names = dict(
            self.fetch(
                "SELECT partner_id, name FROM sfa_key_account WHERE partner_id = ANY(%s)", [current]
            )
        )
        first = reserve_ids(self.cr, "sfa_account_plan", len(current) + len(previous))
        plans = []
        for year_of, group in ((year, current), (year - 1, previous)):
            for account in group:
                key_account, manager = self.key_accounts[account]
                roll = rng.random()
                if year_of < year:
                    state = "closed"
                elif account == self.org_chart_partner or roll < 0.8:
                    state = "active"
                else:
                    state = "review" if roll < 0.9 else "draft"
                review = None
                if state in ("active", "review"):
                    review = self.today + timedelta(days=rng.randint(3, 90))
                stamp = datetime(year_of, 1, 1, 8)
                plans.append(
                    {
                        "id": first + len(plans),
                        "name": f"{names[account]} plan {year_of}",
                        "partner_id": account,
                        "key_account_id": key_account,
                        "user_id": manager,
                        "company_id": self.company.id,
                        "date_start": date(year_of, 1, 1),
                        "date_end": date(year_of, 12, 31),
                        "state": state,
                        "review_interval_months": 3,
                        "next_review_date": review,
                        "health_assessed": False,
                        "create_uid": manager,
                        "write_uid": manager,
                        "create_date": stamp,
                        "write_date": stamp,
                    }
                )
        copy_rows(self.cr, "sfa_account_plan", plans)
        plan_ids = [p["id"] for p in plans]
        # the plan's criteria (the status analysis is a person's), kind, weight and sequence
        # as the related fields store them
        self.sql(
            """
            INSERT INTO sfa_account_plan_assessment
                (plan_id, criterion_id, kind, weight, sequence, present, score,
                 create_uid, write_uid, create_date, write_date)
            SELECT p.id, c.id, c.kind, c.weight, c.sequence,
                   p.state <> 'draft' AND c.kind = 'signal'
                       AND pg_temp.rnd(p.id::bigint * 4096 + c.id) < 0.6,
                   CASE WHEN p.state <> 'draft' AND c.kind <> 'signal'
                             AND pg_temp.rnd(p.id::bigint * 4096 + 2048 + c.id) < 0.9
                        THEN (1 + floor(pg_temp.rnd(p.id::bigint * 4096 + 1024 + c.id) * 5))
                             ::int::varchar END,
                   p.create_uid, p.write_uid, p.create_date, p.write_date
              FROM sfa_account_plan p
              JOIN sfa_health_criterion c ON c.active AND c.kind IN ('signal', 'indicator')
                   AND (c.company_id IS NULL OR c.company_id = p.company_id)
             WHERE p.id = ANY(%s)
          ORDER BY p.id, c.kind, c.sequence, c.id
            """,
            [plan_ids],
        )
        self.sql(
            """
            INSERT INTO sfa_account_plan_objective
                (plan_id, sequence, name, measure, target, manual_value,
                 create_uid, write_uid, create_date, write_date)
            SELECT p.id, o.seq, o.name, o.measure,
                   round(coalesce(k.revenue, 10000) * o.factor / 1000) * 1000, 0,
                   p.create_uid, p.write_uid, p.create_date, p.write_date
              FROM sfa_account_plan p
              JOIN sfa_key_account k ON k.id = p.key_account_id
             CROSS JOIN (VALUES (10, 'Grow won revenue', 'won_revenue', 1.15),
                                (20, 'Keep the pipeline full', 'pipeline', 0.5))
                        AS o(seq, name, measure, factor)
             WHERE p.id = ANY(%s)
          ORDER BY p.id, o.seq
            """,
            [plan_ids],
        )
        self.sql("ANALYZE sfa_account_plan")
        self.sql("ANALYZE sfa_account_plan_assessment")
        self.timer.part("plans and answers")
        self.recompute("sfa.account.plan", plan_ids)
        self.timer.part("plan health")
        self.recompute("sfa.key.account", [a for a, _m in self.key_accounts.values()])
        self.timer.part("current plans")
        # the review activity _schedule_review puts on the manager's desk
        activity_type = env.ref("sfa_key_accounts.mail_activity_type_account_review")
        model_id = env["ir.model"]._get_id("sfa.account.plan")
        env["mail.activity"].create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": plan["id"],
                    "activity_type_id": activity_type.id,
                    "date_deadline": plan["next_review_date"],
                    "user_id": plan["user_id"],
                    "summary": "Review the account plan",
                    "automated": True,
                }
                for plan in plans
                if plan["next_review_date"]
            ]
        )
        self.timer.part("review activities")
        self.plans = plan_ids
        self.manifest["plan_id"] = plan_ids[0]

    # --- value worksheets -------------------------------------------------------------------
    def make_worksheets(self):
        """Value worksheets through the ORM on open key-account deals, half of them with a
        political map: needs (owned by a stakeholder when there is a map), tangible and
        intangible benefits, costs; 15% agreed, 25% shared."""
        env = self.env
        rng = self.rng("worksheets")
        n = scaled(WORKSHEETS, self.scale, 2)
        mapped = self.map_leads[: n // 2]
        others = self.ids_of(
            """
            SELECT id FROM bench_lead
             WHERE status = 'open' AND company_pid = ANY(%s) AND NOT id = ANY(%s)
          ORDER BY pg_temp.rnd(k * 32 + 22) LIMIT %s
            """,
            [list(self.key_accounts), self.map_leads, n - len(mapped)],
        )
        leads = env["crm.lead"].browse(mapped + others)
        leads.fetch(["name", "expected_revenue", "partner_id"])
        Worksheet = env["sfa.value.worksheet"]
        made = Worksheet
        for start in range(0, len(leads), 200):
            vals_list = []
            for lead in leads[start : start + 200]:
                size = float(lead.expected_revenue or 10_000)
                owners = self.stakeholders_of.get(lead.partner_id.commercial_partner_id.id, [])
                benefits = []
                for category in ("cost_saving", "revenue_growth", "margin"):
                    if category == "margin" and rng.random() < 0.5:
                        continue
                    likely = round(size * rng.uniform(0.3, 1.2), -2)
                    conservative = round(likely * rng.uniform(0.5, 0.9), -2)
                    benefits.append(
                        {
                            "category": category,
                            "recurrence": "yearly",
                            "likely_amount": likely,
                            "conservative_amount": conservative,
                            "rationale": "From the customer's own figures",
                        }
                    )
                benefits.append(
                    {
                        "category": rng.choice(["satisfaction", "image"]),
                        "score": str(rng.randint(2, 5)),
                    }
                )
                costs = [
                    {
                        "name": name,
                        "recurrence": recurrence,
                        "amount": round(size * rng.uniform(0.1, 0.5), -2),
                    }
                    for name, recurrence in rng.sample(COSTS, 2)
                ]
                needs = [
                    {
                        "name": need,
                        "priority": str(rng.randint(0, 3)),
                        "stakeholder_id": rng.choice(owners) if owners else False,
                    }
                    for need in rng.sample(NEEDS, 3)
                ]
                vals_list.append(
                    {
                        "lead_id": lead.id,
                        "name": f"Value case: {lead.name}",
                        "horizon_years": rng.choice([2, 3, 3, 5]),
                        "discount_rate": rng.choice([6.0, 8.0, 10.0]),
                        "situation": rng.choice(["all_meet", "none_meet_all", "mixed"]),
                        "need_ids": [Command.create(v) for v in needs],
                        "benefit_ids": [Command.create(v) for v in benefits],
                        "cost_ids": [Command.create(v) for v in costs],
                    }
                )
            made |= Worksheet.create(vals_list)
            env.flush_all()
        # shared with or agreed by the customer, as its buttons do
        roll = {w.id: rng.random() for w in made}
        made.filtered(lambda w: roll[w.id] < 0.15).action_agree()
        made.filtered(lambda w: 0.15 <= roll[w.id] < 0.4).action_share()
        self.worksheets = made.ids
        self.manifest["worksheet_lead_id"] = made[:1].lead_id.id

    # --- targets, reviews, compensation -----------------------------------------------------
    def make_targets(self):
        """A confirmed won-revenue target tree for this year and the last: company -> team
        -> salesperson -> quarter -> month, each level adding up exactly to its parent,
        named as the split wizard names them. A rep's month is its average monthly won
        revenue of the last 12 months (+10% this year) times a seasonal factor."""
        from odoo.addons.sfa_key_accounts.models.sfa_access_mixin import (  # noqa: PLC0415
            trusted,
        )
        from odoo.addons.sfa_key_accounts.models.sfa_sales_target import (  # noqa: PLC0415
            TARGET_CHANGE,
        )

        Target = trusted(self.env["sfa.sales.target"], TARGET_CHANGE)
        base = dict(
            self.fetch(
                """
                SELECT l.user_id, SUM(l.expected_revenue)::float8 / 12
                  FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
                 WHERE l.active AND l.date_closed >= %s AND l.date_closed < %s
              GROUP BY l.user_id
                """,
                [self.ref - timedelta(days=365), self.ref],
            )
        )
        season = [0.85, 0.9, 1.05, 0.95, 1.0, 1.05, 0.9, 0.85, 1.05, 1.05, 1.1, 1.25]
        teams = self.env["crm.team"].browse(self.teams)
        names = {u.id: u.name for u in self.env["res.users"].browse(self.reps)}
        count = 0
        for year, growth in ((self.today.year - 1, 1.0), (self.today.year, 1.1)):
            amount = {
                (rep, month): max(100.0, round(base.get(rep, 0.0) * growth * factor, -2))
                for rep in self.reps
                for month, factor in enumerate(season, start=1)
            }

            def total(reps, months, amount=amount):
                return sum(amount[r, m] for r in reps for m in months)

            year_months = range(1, 13)
            name = f"{year} Won Revenue"
            company = Target.create(
                self.target(name, None, None, date(year, 1, 1), date(year, 12, 31), None)
                | {"amount": total(self.reps, year_months)}
            )
            team_targets = Target.create(
                [
                    self.target(
                        f"{name} / {team.name}",
                        None,
                        team.id,
                        date(year, 1, 1),
                        date(year, 12, 31),
                        company.id,
                    )
                    | {"amount": total(self.team_members[team.id], year_months)}
                    for team in teams
                ]
            )
            rep_targets = Target.create(
                [
                    self.target(
                        f"{parent.name} / {names[rep]}",
                        rep,
                        parent.team_id.id,
                        date(year, 1, 1),
                        date(year, 12, 31),
                        parent.id,
                    )
                    | {"amount": total([rep], year_months)}
                    for parent in team_targets
                    for rep in self.team_members[parent.team_id.id]
                ]
            )
            count += 1 + len(team_targets) + len(rep_targets)
            # a batch per quarter and per month: the overlap check reads the period's targets
            quarters = {}
            for q in range(4):
                months = range(3 * q + 1, 3 * q + 4)
                end = date(year + (q == 3), 1 if q == 3 else 3 * q + 4, 1) - timedelta(1)
                created = Target.create(
                    [
                        self.target(
                            f"{t.name} / {year} Q{q + 1}",
                            t.user_id.id,
                            t.team_id.id,
                            date(year, 3 * q + 1, 1),
                            end,
                            t.id,
                        )
                        | {"amount": total([t.user_id.id], months)}
                        for t in rep_targets
                    ]
                )
                quarters.update({(t.user_id.id, q): t for t in created})
                count += len(created)
            for month in year_months:
                start = date(year, month, 1)
                end = date(year + (month == 12), month % 12 + 1, 1) - timedelta(1)
                created = Target.create(
                    [
                        self.target(
                            f"{quarters[rep, (month - 1) // 3].name} / {start:%Y-%m}",
                            rep,
                            self.rep_team[rep],
                            start,
                            end,
                            quarters[rep, (month - 1) // 3].id,
                        )
                        | {"amount": amount[rep, month]}
                        for rep in self.reps
                    ]
                )
                count += len(created)
            self.timer.part(f"{year}")
        self.manifest["targets"] = count

    def target(self, name, user, team, start, end, parent):
        return {
            "name": name,
            "company_id": self.company.id,
            "user_id": user or False,
            "team_id": team or False,
            "date_from": start,
            "date_to": end,
            "measure": "won_revenue",
            "dimension": "none",
            "state": "confirmed",
            "parent_id": parent or False,
        }

    def make_reviews(self):
        """Last year's review of every team member but the leader (who reviews them, three
        colleagues invited as peers), in draft with their figures read from the CRM, a team
        at a time, as the team wizard starts them."""
        env = self.env
        rng = self.rng("reviews")
        template = env.ref("sfa_key_accounts.evaluation_template_kam")
        year = self.today.year - 1
        vals = []
        for team in self.teams:
            leader = self.leaders[team]
            members = [u for u in self.team_members[team] if u != leader]
            for member in members:
                colleagues = [u for u in members if u != member]
                vals.append(
                    {
                        "user_id": member,
                        "manager_id": leader,
                        "team_id": team,
                        "company_id": self.company.id,
                        "template_id": template.id,
                        "date_from": date(year, 1, 1),
                        "date_to": date(year, 12, 31),
                        "cutoff_date": date(year, 12, 31),
                        "peer_ids": [Command.set(rng.sample(colleagues, min(3, len(colleagues))))],
                    }
                )
        reviews = env["sfa.performance.review"].create(vals)
        for team in self.teams:
            reviews.filtered(lambda r, team=team: r.team_id.id == team).action_refresh_figures()
        self.manifest["review_id"] = reviews[:1].id

    def make_compensation(self):
        """An incentive plan in use (a three-tier commission: 2% to 80% attainment, 5% to
        120%, 8% above; nothing below 50%) assigned to every rep from two years ago; the
        statements of the month before last approved (by the team leader; a leader's own by
        the administrator) and paid, last month's computed and awaiting approval."""
        env = self.env
        tiers = [(0.0, 80.0, 2.0), (80.0, 120.0, 5.0), (120.0, None, 8.0)]
        plan = env["sfa.comp.plan"].create(
            {
                "name": "Standard Commission",
                "company_id": self.company.id,
                "component_ids": [
                    Command.create(
                        {
                            "name": "Commission on won revenue",
                            "component_type": "commission",
                            "mode": "graduated",
                            "threshold_pct": 50.0,
                            "tier_ids": [
                                Command.create({"lower_pct": lo, "upper_pct": up, "rate_pct": r})
                                for lo, up, r in tiers
                            ],
                        }
                    )
                ],
            }
        )
        plan.action_activate()
        start = date(self.today.year - 2, 1, 1)
        env["sfa.comp.assignment"].create(
            [{"user_id": rep, "plan_id": plan.id, "date_from": start} for rep in self.reps]
        )
        Statement = env["sfa.comp.statement"]
        last_end = self.today.replace(day=1) - timedelta(days=1)
        before_end = last_end.replace(day=1) - timedelta(days=1)
        paid = Statement._compute_period(before_end.replace(day=1), before_end)
        self.timer.part("statements of the month before last")
        admin = env.ref("base.user_admin")
        for team, leader in self.leaders.items():
            mine = paid.filtered(lambda s, team=team: s.team_id.id == team)
            mine.filtered(lambda s, leader=leader: s.user_id.id != leader).with_user(
                leader
            ).action_approve()
            mine.filtered(lambda s, leader=leader: s.user_id.id == leader).with_user(
                admin
            ).action_approve()
        paid.action_mark_paid()
        self.timer.part("approved and paid")
        computed = Statement._compute_period(last_end.replace(day=1), last_end)
        self.timer.part("last month's statements")
        self.manifest["comp_plan_id"] = plan.id
        self.manifest["statement_id"] = computed[:1].id

    # --- the end ----------------------------------------------------------------------------
    def vacuum(self):
        """The visibility map and statistics of a settled database (VACUUM cannot run in a
        transaction: its own connection, in autocommit)."""
        with odoo.sql_db.db_connect(self.cr.dbname).cursor() as cr:
            cr._cnx.autocommit = True
            try:
                cr.execute("VACUUM (ANALYZE)")
            finally:
                cr._cnx.autocommit = False

    def counts(self):
        tables = (
            "res_partner res_users crm_team crm_team_member crm_lead crm_tag_rel "
            "crm_lead_scoring_frequency calendar_event calendar_attendee sfa_key_account "
            "sfa_key_account_tier_history sfa_key_account_member sfa_stakeholder "
            "sfa_deal_contact sfa_deal_contact_role_rel sfa_account_plan "
            "sfa_account_plan_assessment sfa_account_plan_objective sfa_value_worksheet "
            "sfa_value_need sfa_value_benefit sfa_value_cost sfa_sales_target "
            "sfa_performance_review sfa_comp_plan sfa_comp_component sfa_comp_tier "
            "sfa_comp_assignment sfa_comp_statement sfa_comp_statement_line "
            "sfa_performance_review_line mail_activity mail_message"
        ).split()
        return {t: self.fetch(f"SELECT count(*) FROM {t}")[0][0] for t in tables}

    def figures(self):
        """How the data looks: the won / lost / open split, the share of customers with won
        revenue in the last 12 months and the share of that revenue made by the top 20%."""
        [(won, lost, open_)] = self.fetch(
            """
            SELECT count(*) FILTER (WHERE COALESCE(s.is_won, FALSE) AND l.active),
                   count(*) FILTER (WHERE NOT l.active),
                   count(*) FILTER (WHERE l.active AND NOT COALESCE(s.is_won, FALSE))
              FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
            """
        )
        revenues = self.ids_of(
            """
            SELECT SUM(l.expected_revenue)::float8
              FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
              JOIN res_partner p ON p.id = l.partner_id
             WHERE l.active AND l.date_closed >= %s
          GROUP BY p.commercial_partner_id ORDER BY 1 DESC
            """,
            [self.ref - timedelta(days=365)],
        )
        top = sum(revenues[: len(revenues) // 5])
        return {
            "won": won,
            "lost": lost,
            "open": open_,
            "customers with won revenue, 12 months (%)": round(
                100.0 * len(revenues) / self.n_companies, 1
            ),
            "revenue share of the top 20% (%)": round(100.0 * top / max(sum(revenues), 1), 1),
        }

    def make_manifest(self):
        rep = next(u for u in self.reps if u not in self.leaders.values())
        leader = self.leaders[self.rep_team[rep]]
        self.manifest.update(
            {
                "company_id": self.company.id,
                "org_chart_partner_id": self.org_chart_partner,
                "org_chart_stakeholders": ORG_CHART_STAKEHOLDERS,
                "rep_id": rep,
                "rep_login": self.logins[self.reps.index(rep)],
                "leader_id": leader,
                "leader_login": self.logins[self.reps.index(leader)],
                "password": "the login",
                "team_ids": self.teams,
                "rep_ids": self.reps,
                "competitor_ids": self.competitors,
                "figures": self.figures(),
                "counts": self.counts(),
                "steps": {name: round(spent, 1) for name, spent in self.timer.steps},
            }
        )
        self.env["ir.config_parameter"].set_param(
            "sfa_bench.manifest", json.dumps(self.manifest, indent=1)
        )

    def compare(self, model, ids, fnames=None):
        """What differs between the stored figures of ``ids`` and the ORM's computation."""
        env = self.env
        Model = env[model]
        if fnames is None:
            fnames = [
                f.name for f in Model._fields.values() if f.store and f.compute and f.readonly
            ]
        records = Model.browse(sorted(set(ids)))
        env.invalidate_all()
        before = {r["id"]: r for r in records.read(fnames, load=None)}
        for fname in fnames:
            env.add_to_compute(Model._fields[fname], records)
        env.flush_all()
        env.invalidate_all()
        problems = []
        for row in records.read(fnames, load=None):
            for fname in fnames:
                if before[row["id"]][fname] != row[fname]:
                    problems.append(
                        f"{model}({row['id']}).{fname}: stored {before[row['id']][fname]!r}, "
                        f"ORM {row[fname]!r}"
                    )
        return problems

    def check_figures(self):
        """Recompute a sample of the stored figures through the ORM and compare (in a
        savepoint, rolled back)."""

        def sample(table, column="id", limit=300):
            return self.ids_of(
                f"SELECT {column} FROM {table} ORDER BY pg_temp.rnd(id) LIMIT %s", [limit]
            )

        samples = {
            "crm.lead": self.map_leads[:300]
            + sample("crm_lead")
            + sample("sfa_value_worksheet", "lead_id"),
            "sfa.key.account": sample("sfa_key_account"),
            "sfa.account.plan": sample("sfa_account_plan"),
            "sfa.account.plan.assessment": sample("sfa_account_plan_assessment"),
            "sfa.stakeholder": sample("sfa_stakeholder"),
            "sfa.deal.contact": sample("sfa_deal_contact"),
            "sfa.key.account.tier.history": sample("sfa_key_account_tier_history"),
            "sfa.key.account.member": sample("sfa_key_account_member"),
            "sfa.value.worksheet": sample("sfa_value_worksheet"),
        }
        lead_fields = [
            "political_map_score",
            "political_map_status",
            "red_flag_codes",
            "value_worksheet_id",
            "likely_net_value",
            "likely_roi",
            "likely_payback_months",
            "likely_pays_back",
            "prorated_revenue",
        ]
        problems = []
        try:
            with self.cr.savepoint():
                for model, ids in samples.items():
                    fnames = lead_fields if model == "crm.lead" else None
                    problems += self.compare(model, ids, fnames)
                raise _Rollback
        except _Rollback:
            pass
        self.env.invalidate_all()
        self.problems = problems
        for problem in problems[:20]:
            log(f"MISMATCH {problem}")
        checked = sum(len(set(ids)) for ids in samples.values())
        log(f"{checked} records checked: {len(problems)} stored figures differ from the ORM's")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--size", choices=sorted(SIZES), default="tiny")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    parser.add_argument("--conf", required=True, help="the Odoo configuration file")
    parser.add_argument("--logfile", help="Odoo's log (default: stderr)")
    args = parser.parse_args()
    options = ["-c", args.conf, "-d", args.db]
    if os.environ.get("PGHOST"):  # what scripts/lib.sh set up wins over the configuration
        options += ["--db_host", os.environ["PGHOST"], "--db_port", os.environ.get("PGPORT", "")]
    if args.logfile:
        options += ["--logfile", args.logfile]
    odoo.tools.config.parse_config(options)
    registry = odoo.modules.registry.Registry(args.db)
    log(f"{args.size} data into {args.db}, seed {args.seed}, reference day {args.today}")
    with registry.cursor() as cr:
        generator = Generator(
            api.Environment(cr, SUPERUSER_ID, {}), args.size, args.seed, args.today
        )
        generator.run()
    manifest = generator.manifest
    log("rows per table:")
    for table, count in manifest["counts"].items():
        log(f"  {table:34} {count:>10,}")
    log("figures:")
    for key, value in manifest["figures"].items():
        log(f"  {key:44} {value:>10}")
    log("time per step:")
    for name, spent in generator.timer.steps:
        log(f"  {name:40} {spent:7.1f} s")
    log(f"data generated in {generator.timer.total():.1f} s")
    return 1 if generator.problems else 0


if __name__ == "__main__":
    sys.exit(main())
