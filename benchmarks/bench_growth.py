"""Benchmark: queue and status queries as the case tables grow from 100,000 to 10,000,000 cases (PostgreSQL).

Issue 14 ("Province scale"), data growth. A throw-away PostgreSQL database `tongban_growth` gets
`tongban migrate` + the demo data of core/org/catalog (centers, staff, the catalog), 500 probe
applicants written through the ORM (real encrypted ID numbers and blind indexes), then grows in
steps (default 100k -> 1M -> 10M cases) with server-side SQL (INSERT ... SELECT FROM
generate_series, in 500k-case chunks on two connections, FK triggers off for the load, secondary
indexes dropped before a step and rebuilt from their own definitions after it, then VACUUM ANALYZE):

  cases       numbers 611100-YYYYMMDD-NNNNNN over 2019-01-01..yesterday (rows in time order), every
              current catalog item, every center (the demo clerk's 沣东 takes 20 %), states by age
              (older than 90 days: closed; recent: the open mix), promised/legal due dates from the
              item's limits on every case whose clock started, traffic lights from the due date
  applicants  one filler applicant per 4 cases (hex blind indexes), plus the 500 probes (about
              2,000 cases reference a probe at every size)
  events      1 to 4 per case by state (submit, accept, start_review, approve, conclude, deliver, ...)

At each size, in process through Django (the platform's own selectors, not hand-written SQL), after
a warm-up pass, --repeats calls each (rotating over 200 probe cases where a case is needed):

  queue all        selectors.case_queue(user=fd_clerk)                  first page, most urgent first
  queue submitted  selectors.case_queue(user=fd_clerk, state=submitted) the window clerk's waiting list
  queue accepted   selectors.case_queue(user=fd_clerk, state=accepted)
  queue overdue    selectors.case_queue(user=fd_clerk, light=red)
  public status    selectors.case_public_status(number=..., id_number=...)  (blind index)
  timeline         list(selectors.case_events(case))
  dashboard month  stats.figures.figure("received", StatsFilter.month(last month, center=fd))  (information)

Prints size -> median ms per query, the ratio largest/smallest with the 1.5x target (PASS/FAIL;
the dashboard count is printed for information: it counts 100x more rows at 100x the data), and
EXPLAIN (ANALYZE, BUFFERS) of the SQL each code path sent, at the largest size. --partition-check
also copies the events into a table partitioned by year of `at` at the first size >= 1M and times
the timeline SQL on both (the measurement behind the no-partitioning decision in benchmarks/README.md).

Run under the shared benchmark lock (others use it so measurements do not overlap):
    cd /work/main && flock /tmp/bench.lock .venv/bin/python benchmarks/bench_growth.py
    # --sizes 100000,1000000,10000000 --repeats 200 --keep --partition-check
The database is dropped at the end unless --keep. Exit status 0 when every target is met.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
TONGBAN = ROOT / ".venv" / "bin" / "tongban"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "tongban_growth"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
TARGET = 1.5
N_PROBES = 500
CHUNK = 500_000
REGION = "611100"
DEMO = r"""
import django; django.setup()
from importlib import import_module
from django.db import transaction
for app in ("core", "org", "catalog"):
    with transaction.atomic():
        print(f"{app}: {import_module(f'tongban.{app}.demo').load()}")
"""

# state -> (weight among old cases, weight among recent cases, events: (action, from, to, hours after submission))
FLOWS = {
    "delivered": (85, 25, [("submit", "", "submitted", 0), ("accept", "submitted", "accepted", 2),
                           ("approve", "under_review", "approved", 72), ("deliver", "concluded", "delivered", 120)]),
    "concluded": (5, 8, [("submit", "", "submitted", 0), ("accept", "submitted", "accepted", 2),
                         ("approve", "under_review", "approved", 72), ("conclude", "approved", "concluded", 96)]),
    "withdrawn": (4, 2, [("submit", "", "submitted", 0), ("withdraw", "submitted", "withdrawn", 20)]),
    "refused": (4, 2, [("submit", "", "submitted", 0), ("refuse", "submitted", "refused", 3)]),
    "denied": (2, 2, [("submit", "", "submitted", 0), ("accept", "submitted", "accepted", 2),
                      ("start_review", "accepted", "under_review", 24), ("deny", "under_review", "denied", 72)]),
    "submitted": (0, 12, [("submit", "", "submitted", 0)]),
    "correction_requested": (0, 5, [("submit", "", "submitted", 0),
                                    ("request_correction", "submitted", "correction_requested", 4)]),
    "accepted": (0, 18, [("submit", "", "submitted", 0), ("accept", "submitted", "accepted", 2)]),
    "under_review": (0, 18, [("submit", "", "submitted", 0), ("accept", "submitted", "accepted", 2),
                             ("start_review", "accepted", "under_review", 24)]),
    "special_procedure": (0, 2, [("submit", "", "submitted", 0), ("accept", "submitted", "accepted", 2),
                                 ("start_review", "accepted", "under_review", 24),
                                 ("start_special_procedure", "under_review", "special_procedure", 48)]),
    "approved": (0, 6, [("submit", "", "submitted", 0), ("accept", "submitted", "accepted", 2),
                        ("start_review", "accepted", "under_review", 24), ("approve", "under_review", "approved", 72)]),
}
CLOCK_STARTED = {"delivered", "concluded", "denied", "accepted", "under_review", "special_procedure", "approved"}
CLOSED = {"delivered", "concluded", "withdrawn", "refused"}
RECENT_DAYS = 90


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {msg}", flush=True)


def pg(url: str = PG_URL, **kw):
    import psycopg

    return psycopg.connect(url, autocommit=True, **kw)


def run(cmd: list[str], env: dict) -> str:
    p = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    if p.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{p.stdout}\n{p.stderr}")
    return p.stdout


# -- loading -------------------------------------------------------------------------------------
def setup_reference(conn, *, home: int, clerk: int) -> None:
    """Helper tables the load joins to: items with their limits, centers with weights, state flows."""
    conn.execute("DROP TABLE IF EXISTS bench_iv, bench_center, bench_state, bench_flow")
    conn.execute("""CREATE TABLE bench_iv AS SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id,
                    promised_limit_days AS promised, legal_limit_days AS legal
                    FROM catalog_itemversion WHERE is_current""")
    conn.execute("""CREATE TABLE bench_center AS SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id
                    FROM org_center WHERE id <> %s""", (home,))
    # cumulative weights: a case picks the first state whose cum >= its draw (0..99)
    conn.execute("CREATE TABLE bench_state (recent boolean, lo int, hi int, state text)")
    for recent in (False, True):
        cum = 0
        for state, (old_w, new_w, _flow) in FLOWS.items():
            w = new_w if recent else old_w
            if w:
                conn.execute("INSERT INTO bench_state VALUES (%s, %s, %s, %s)", (recent, cum, cum + w, state))
                cum += w
        assert cum == 100, cum  # noqa: S101
    conn.execute("CREATE TABLE bench_flow (state text, k int, action text, from_state text, to_state text, h int)")
    for state, (_o, _n, flow) in FLOWS.items():
        for k, (action, frm, to, h) in enumerate(flow, 1):
            conn.execute("INSERT INTO bench_flow VALUES (%s, %s, %s, %s, %s, %s)", (state, k, action, frm, to, h))
    conn.execute("ANALYZE bench_iv; ANALYZE bench_center; ANALYZE bench_state; ANALYZE bench_flow")


CASES_SQL = """
INSERT INTO cases_case (id, number, region_code, item_version_id, applicant_id, channel, center_id, window_id,
    state, version, id_only, submitted_at, accepted_at, accepted_on, decided_at, concluded_at, concluded_on,
    delivered_at, promised_due, legal_due, paused_days, paused_since, extension_days, light, on_time,
    duration_days, received_by_id, assigned_to_id, delivery_method, delivery_reference, outcome_note)
SELECT g.id, %(region)s::text || '-' || to_char(g.day, 'YYYYMMDD') || '-' || lpad(g.seq::text, 6, '0'), %(region)s::text,
    iv.id, g.applicant, g.channel, g.center, NULL,
    s.state, 1 + (g.id %% 5), g.id %% 20 = 0, g.at,
    CASE WHEN s.state = ANY(%(started)s) THEN g.at + interval '2 hours' END,
    CASE WHEN s.state = ANY(%(started)s) THEN g.day END,
    CASE WHEN s.state IN ('delivered', 'concluded', 'denied', 'approved') THEN g.at + interval '3 days'
         WHEN s.state = 'refused' THEN g.at + interval '3 hours' END,
    CASE WHEN s.state IN ('delivered', 'concluded') THEN g.at + interval '4 days' END,
    CASE WHEN s.state IN ('delivered', 'concluded') THEN g.day + 4 END,
    CASE WHEN s.state = 'delivered' THEN g.at + interval '5 days' END,
    CASE WHEN s.state = ANY(%(started)s) THEN g.day + iv.promised * 7 / 5 END,
    CASE WHEN s.state = ANY(%(started)s) THEN g.day + iv.legal * 7 / 5 END,
    0, NULL, 0,
    CASE WHEN s.state <> ALL(%(started)s) OR s.state IN ('delivered', 'concluded') THEN 'none'
         WHEN g.day + iv.promised * 7 / 5 < %(today)s::date THEN 'red'
         WHEN g.day + iv.promised * 7 / 5 <= %(today)s::date + 3 THEN 'yellow' ELSE 'green' END,
    CASE WHEN s.state IN ('delivered', 'concluded') THEN 4 <= iv.promised END,
    CASE WHEN s.state IN ('delivered', 'concluded') THEN 3 END,
    CASE WHEN g.id %% 2 = 0 THEN %(clerk)s END, NULL, 'pickup', '', ''
FROM (
    SELECT i + 1 AS id, d.day, d.at,
           %(base)s + (i - %(lo)s) - ((dd.dn::bigint * %(size)s + %(ndays)s - 1) / %(ndays)s) + 1 AS seq,
           1 + floor(random() * %(applicants)s)::int AS applicant,
           (ARRAY['window', 'window', 'window', 'online', 'self_service'])[1 + floor(random() * 5)::int] AS channel,
           CASE WHEN random() < 0.2 THEN %(home)s
                ELSE (SELECT id FROM bench_center WHERE rn = floor(r1 * %(ncenters)s)::int) END AS center,
           floor(random() * %(nitems)s)::int AS item_rn, floor(random() * 100)::int AS draw,
           d.day > %(today)s::date - %(recent)s AS recent
    FROM generate_series(%(from_)s::bigint, %(to)s::bigint) i,
         LATERAL (SELECT ((i - %(lo)s) * %(ndays)s / %(size)s)::int AS dn, random() AS r1) dd,
         LATERAL (SELECT %(start)s::date + dd.dn AS day,
                         (%(start)s::date + dd.dn) + time '01:00' + random() * interval '8 hours' AS at) d
) g
JOIN bench_iv iv ON iv.rn = g.item_rn
JOIN bench_state s ON s.recent = g.recent AND g.draw >= s.lo AND g.draw < s.hi
"""

EVENTS_SQL = """
INSERT INTO cases_caseevent (case_id, at, actor_id, actor_label, action, from_state, to_state, note, data)
SELECT c.id, c.submitted_at + f.h * interval '1 hour', NULL, '窗口人员', f.action, f.from_state, f.to_state, '',
       '{}'::jsonb
FROM cases_case c JOIN bench_flow f ON f.state = c.state
WHERE c.id > %(lo)s AND c.id <= %(hi)s
ORDER BY c.id, f.k
"""


def drop_secondary(conn, tables: list[str]) -> list[str]:
    """Drop unique constraints and non-primary-key indexes of `tables`; return the statements that rebuild them."""
    rebuild = []
    for table in tables:
        for name, definition in conn.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                "AND contype = 'u'", (table,)).fetchall():
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for name, definition in conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p')",
                (table, table)).fetchall():
            conn.execute(f'DROP INDEX "{name}"')
            rebuild.append(definition)
    return rebuild


def load_step(*, lo: int, hi: int, base: int, applicants_before: int, ref: dict, workers: int = 2) -> dict:
    size = hi - lo
    today = ref["today"]
    start = date(2019, 1, 1)
    ndays = (today - start).days  # up to yesterday
    applicants = applicants_before + size // 4
    t = {}
    with pg() as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        t0 = time.perf_counter()
        rebuild = drop_secondary(conn, ["cases_case", "cases_caseevent", "cases_applicant"])
        t["drop"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        conn.execute("SET session_replication_role = replica")
        conn.execute("""
            INSERT INTO cases_applicant (id, kind, name, id_number_enc, id_number_index, id_number_masked, phone_enc,
                phone_index, phone_masked, credit_code, legal_representative, created_at)
            SELECT a, 'person', '申请人' || a, decode(md5('e' || a) || md5('f' || a), 'hex'),
                   md5('i' || a) || md5('j' || a), '6104**********' || lpad((a %% 10000)::text, 4, '0'),
                   decode(md5('p' || a), 'hex'), md5('q' || a) || md5('r' || a),
                   '139****' || lpad((a %% 10000)::text, 4, '0'), '', '', now()
            FROM generate_series(%s::bigint, %s::bigint) a""", (applicants_before + 1, applicants))
        t["applicants"] = time.perf_counter() - t0

    chunks = [(a, min(a + CHUNK, hi)) for a in range(lo, hi, CHUNK)]
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker():
        with pg() as conn:
            conn.execute("SET session_replication_role = replica")
            conn.execute("SET synchronous_commit = off")
            while True:
                with lock:
                    if not chunks or errors:
                        return
                    a, b = chunks.pop(0)
                try:
                    params = {"region": REGION, "started": sorted(CLOCK_STARTED), "today": today, "clerk": ref["clerk"],
                              "base": base, "lo": lo, "size": size, "ndays": ndays, "applicants": applicants,
                              "home": ref["home"], "ncenters": ref["ncenters"], "nitems": ref["nitems"],
                              "recent": RECENT_DAYS, "from_": a, "to": b - 1, "start": start}
                    conn.execute(CASES_SQL, params)
                    conn.execute(EVENTS_SQL, {"lo": a, "hi": b})
                except BaseException as e:  # noqa: BLE001
                    errors.append(e)
                    return

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        raise errors[0]
    t["cases+events"] = time.perf_counter() - t0
    with pg() as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        t0 = time.perf_counter()
        for stmt in rebuild:
            conn.execute(stmt)
        t["indexes"] = time.perf_counter() - t0
        for seq_table in ("cases_case", "cases_applicant"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{seq_table}', 'id'), (SELECT max(id) FROM {seq_table}))")
        t0 = time.perf_counter()
        conn.execute("VACUUM (ANALYZE) cases_case, cases_caseevent, cases_applicant")
        t["vacuum"] = time.perf_counter() - t0
    t["applicants_total"] = applicants
    return t


# -- measuring -----------------------------------------------------------------------------------
def timed(fn, args_list, repeats: int) -> dict:
    for a in args_list:  # warm-up: every probe once
        fn(a)
    times = []
    for k in range(repeats):
        a = args_list[k % len(args_list)]
        t = time.perf_counter()
        fn(a)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"median": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1]}


def measure(*, probe_ids: dict[int, str], repeats: int, explain: bool) -> tuple[dict, dict, dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tongban.cases.models import Case
    from tongban.cases.selectors import case_events, case_public_status, case_queue
    from tongban.org.scoping import staff_profile
    from tongban.stats.figures import figure
    from tongban.stats.filters import StatsFilter

    clerk = get_user_model().objects.get(username="fd_clerk")
    center_code = staff_profile(clerk).center.code
    probes = list(Case.objects.filter(applicant_id__in=list(probe_ids)).order_by("?")
                  .values_list("id", "number", "applicant_id")[:200])
    cases = {c.id: c for c in Case.objects.filter(id__in=[p[0] for p in probes])}
    today = date.today()
    last_month = (today.replace(day=1) - timedelta(days=1))

    def queue(**kw):
        def f(_):
            if hasattr(clerk, "_tongban_staff"):
                del clerk._tongban_staff  # the staff-profile look-up is part of every request
            return list(case_queue(user=clerk, **kw))
        return f

    def status(p):
        row, _timeline = case_public_status(number=p[1], id_number=probe_ids[p[2]])
        assert row["number"] == p[1]  # noqa: S101

    def timeline(p):
        return list(case_events(cases[p[0]]))

    def dashboard(_):
        return figure("received", StatsFilter.month(last_month.year, last_month.month, center=center_code)).value

    paths = {
        "queue all (most urgent first)": (queue(), [None]),
        "queue state=submitted": (queue(state="submitted"), [None]),
        "queue state=accepted": (queue(state="accepted"), [None]),
        "queue light=red (overdue)": (queue(light="red"), [None]),
        "public status (number + ID)": (status, probes),
        "timeline (events of a case)": (timeline, probes),
        "dashboard: received, 1 month, 1 center": (dashboard, [None]),
    }
    out, plans, info = {}, {}, {}
    for name, (fn, args_list) in paths.items():
        reps = repeats if "dashboard" not in name else max(10, repeats // 10)
        out[name] = timed(fn, args_list, reps)
        if explain:
            with CaptureQueriesContext(connection) as ctx:
                fn(args_list[0])
            lines = []
            with connection.cursor() as c:
                for q in ctx.captured_queries:
                    sql = q["sql"]
                    if "org_staffprofile" in sql:
                        continue
                    c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    lines.append("SQL: " + (sql if len(sql) < 400 else sql[:400] + " ..."))
                    lines.extend("  " + r[0] for r in c.fetchall())
            plans[name] = lines
    info["probes"] = len(probes)
    info["dashboard_value"] = dashboard(None)
    return out, plans, info


def partition_check(repeats: int) -> dict:
    """Copy the events into a table partitioned by year of `at` (same columns, per-partition index on
    case_id) and time the timeline SQL on both tables with the same probe cases."""
    with pg() as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("DROP TABLE IF EXISTS bench_event_by_year")
        conn.execute("CREATE TABLE bench_event_by_year (LIKE cases_caseevent INCLUDING DEFAULTS) PARTITION BY RANGE (at)")
        for y in range(2019, date.today().year + 2):
            conn.execute(f"CREATE TABLE bench_event_y{y} PARTITION OF bench_event_by_year "
                         f"FOR VALUES FROM ('{y}-01-01') TO ('{y + 1}-01-01')")
        t0 = time.perf_counter()
        conn.execute("INSERT INTO bench_event_by_year SELECT * FROM cases_caseevent")
        conn.execute("CREATE INDEX ON bench_event_by_year (case_id)")
        conn.execute("VACUUM ANALYZE bench_event_by_year")
        t_copy = time.perf_counter() - t0
        ids = [r[0] for r in conn.execute("SELECT id FROM cases_case ORDER BY random() LIMIT 200").fetchall()]
        res = {"copy_s": t_copy}
        sql = "SELECT id, at, action, to_state FROM {} WHERE case_id = %s ORDER BY id"
        for label, table in (("plain", "cases_caseevent"), ("by_year", "bench_event_by_year")):
            cur = conn.cursor()
            for i in ids:
                cur.execute(sql.format(table), (i,), prepare=False).fetchall()
            times = []
            for k in range(repeats):
                t = time.perf_counter()
                cur.execute(sql.format(table), (ids[k % len(ids)],), prepare=False).fetchall()
                times.append((time.perf_counter() - t) * 1000)
            res[label] = statistics.median(times)
            res[label + "_plan"] = [r[0] for r in conn.execute(
                "EXPLAIN (ANALYZE, BUFFERS) " + sql.format(table).replace("%s", str(ids[0]))).fetchall()]
        conn.execute("DROP TABLE bench_event_by_year")
    return res


def main() -> int:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the database tongban_growth")
    parser.add_argument("--partition-check", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    var_dir = Path(tempfile.mkdtemp(prefix="tongban-bench-growth-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TONGBAN_PRODUCTION"}}
    env.update(TONGBAN_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="tongban.settings", LOG_LEVEL="WARNING",
               DATABASE_URL=PG_URL)
    os.environ.update(env)
    with pg(PG_ADMIN) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {PG_DB}")
    results: dict[int, dict] = {}
    loads: dict[int, dict] = {}
    plans: dict = {}
    part = None
    try:
        t0 = time.perf_counter()
        run([str(TONGBAN), "migrate", "--no-input", "-v", "0"], env)
        log("demo: " + " | ".join(run([str(PYTHON), "-c", DEMO], env).strip().split("\n")))
        log(f"migrate + demo {time.perf_counter() - t0:.0f} s")

        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.db import connection
        from stdnum.cn import ric

        from tongban.cases.applicants import ID_CONTEXT, id_index
        from tongban.cases.models import Applicant
        from tongban.core import pii
        from tongban.org.scoping import staff_profile

        clerk = get_user_model().objects.get(username="fd_clerk")
        home = staff_profile(clerk).center_id
        rng = random.Random(14)
        probe_ids: dict[int, str] = {}
        for k in range(N_PROBES):
            birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 50 * 365))
            body = f"610402{birth:%Y%m%d}{k:03d}"[:17]
            number = body + ric.calc_check_digit(body + "0")
            a = Applicant.objects.create(kind="person", name=f"探针{k}", id_number_index=id_index(number),
                                         id_number_enc=pii.encrypt(number, context=ID_CONTEXT),
                                         id_number_masked=pii.mask_id_number(number))
            probe_ids[a.id] = number
        assert max(probe_ids) == N_PROBES, "probe applicants must take ids 1..500"  # noqa: S101
        with pg() as conn:
            setup_reference(conn, home=home, clerk=clerk.id)
            ncenters = conn.execute("SELECT count(*) FROM bench_center").fetchone()[0]
            nitems = conn.execute("SELECT count(*) FROM bench_iv").fetchone()[0]
        ref = {"today": date.today(), "clerk": clerk.id, "home": home, "ncenters": ncenters, "nitems": nitems}
        ndays = (ref["today"] - date(2019, 1, 1)).days
        loaded, base, applicants = 0, 0, N_PROBES
        for n, size in enumerate(sizes):
            step = size - loaded
            log(f"growing to {size:,} cases (+{step:,})")
            connection.close()
            t = time.perf_counter()
            loads[size] = load_step(lo=loaded, hi=size, base=base, applicants_before=applicants, ref=ref)
            loads[size]["total"] = time.perf_counter() - t
            base += -(-step // ndays) + 1
            loaded, applicants = size, loads[size]["applicants_total"]
            with pg() as conn:
                counts = conn.execute("""SELECT (SELECT count(*) FROM cases_case), (SELECT count(*) FROM cases_caseevent),
                    (SELECT count(*) FROM cases_applicant),
                    (SELECT count(*) FROM cases_case WHERE center_id = %s AND state = 'submitted'),
                    (SELECT count(*) FROM cases_case WHERE center_id = %s AND state = 'accepted'),
                    (SELECT count(*) FROM cases_case WHERE center_id = %s AND light = 'red'),
                    pg_size_pretty(pg_database_size(current_database()))""", (home, home, home)).fetchone()
            loads[size]["counts"] = counts
            log(f"loaded {size:,}: " + ", ".join(f"{k} {v:.0f} s" for k, v in loads[size].items()
                                                    if isinstance(v, float))
                + f"; cases {counts[0]:,}, events {counts[1]:,}, applicants {counts[2]:,}; at fd: submitted "
                  f"{counts[3]:,}, accepted {counts[4]:,}, red {counts[5]:,}; database {counts[6]}")
            last = n == len(sizes) - 1
            results[size], p, info = measure(probe_ids=probe_ids, repeats=args.repeats, explain=last)
            if last:
                plans = p
            log(f"measured {size:,}: " + ", ".join(f"{k} {v['median']:.2f}" for k, v in results[size].items())
                + f" ms (probes {info['probes']}, dashboard value {info['dashboard_value']})")
            if args.partition_check and part is None and size >= 1_000_000:
                log("partition check: events copied into a table partitioned by year")
                part = partition_check(args.repeats)
                log(f"partition check: plain {part['plain']:.3f} ms, by year {part['by_year']:.3f} ms")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with pg(PG_ADMIN) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        import shutil

        shutil.rmtree(var_dir, ignore_errors=True)

    small, large = sizes[0], max(results)
    names = list(results[small])
    print()
    print(f"bench_growth (PostgreSQL, {PG_DB}): {', '.join(f'{s:,}' for s in results)} cases; median of "
          f"{args.repeats} warm calls through Django (ms); {os.cpu_count()} cores")
    for s in results:
        lt = loads[s]
        c = lt["counts"]
        print(f"  load to {s:>11,}: {lt['total']:5.0f} s (cases+events {lt['cases+events']:.0f} s, indexes "
              f"{lt['indexes']:.0f} s, vacuum analyze {lt['vacuum']:.0f} s); {c[1]:,} events, {c[2]:,} applicants; "
              f"fd center: {c[3]:,} submitted, {c[4]:,} accepted, {c[5]:,} red; database {c[6]}")
    head = f"  {'query':<40}" + "".join(f"{s:>12,}" for s in results) + f"   ratio {large // small}x-data  target"
    print(head)
    verdicts = {}
    for name in names:
        ratio = results[large][name]["median"] / results[small][name]["median"]
        info_only = name.startswith("dashboard")
        ok = ratio <= TARGET
        if not info_only:
            verdicts[name] = ok
        cells = "".join(f"{results[s][name]['median']:12.2f}" for s in results)
        verdict = "(information)" if info_only else ("PASS" if ok else "FAIL")
        print(f"  {name:<40}{cells}   {ratio:5.2f}x  <= {TARGET}x {verdict}")
    print(f"  p95 at {large:,}: " + ", ".join(f"{n.split(' (')[0]} {results[large][n]['p95']:.1f}" for n in names))
    if part:
        print(f"  partition check (events by case, raw SQL, median of {args.repeats}): plain table "
              f"{part['plain']:.3f} ms, partitioned by year {part['by_year']:.3f} ms (copy {part['copy_s']:.0f} s)")
        for label in ("plain", "by_year"):
            print(f"    plan {label}:\n      " + "\n      ".join(part[label + "_plan"]))
    print(f"\n  EXPLAIN (ANALYZE, BUFFERS) at {large:,} cases, the SQL each code path sent:")
    for name, lines in plans.items():
        print(f"  -- {name}")
        for line in lines:
            print("    " + line)
    print(f"\n  all queue/status/timeline queries within {TARGET}x: {'PASS' if all(verdicts.values()) else 'FAIL'}")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
