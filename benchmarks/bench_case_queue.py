"""Benchmark: the staff case queue's first page with 1,000,000 cases in the database.

A throw-away database (SQLite in a temporary var dir, or PostgreSQL database `tongban_bench_queue`
created and dropped here) gets `tongban migrate` + `tongban demo`, then --cases valid case rows
loaded in bulk (SQLite: executemany in 20,000-row transactions; PostgreSQL: COPY): numbers in the
numbering format `611100-YYYYMMDD-NNNNNN` over the days of 2023-01-01..2026-11-27 with the day's
CaseSequence row, applicants pooled (--applicants persons with encrypted ID numbers and phones,
blind indexes and masks), every current catalog item, every center (沣东, the demo clerk's, taking
30 %), states in a plausible mix (most cases closed; promised/legal due dates on every case whose
clock has started), then ANALYZE. Loading time is reported but is not the target.

Measured, as the demo clerk fd_clerk (a clerk of 沣东: the queue is scoped to that center):
  selector  tongban.cases.selectors.case_queue(user=..., state="accepted") evaluated in process
            (first page of 50, a fresh user each time so the staff-profile look-up is included)
  api       GET /api/cases?state=accepted with the clerk's bearer token, through gunicorn
            (`tongban serve --no-worker`), sequential requests
plus, for information, the unfiltered queue (state=None: cases without a due date sort last).
Each is repeated --repeats times after one cold call; target: median under 100 ms (p95 and max
printed too). The query plans (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL) are
printed. Server, var dir and database are removed at the end, whatever happens.

Run:  cd /work/main && .venv/bin/python benchmarks/bench_case_queue.py --database sqlite
Exit status 0 when every target is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_catalog_search import free_port, run, wait_ready  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
TONGBAN = ROOT / ".venv" / "bin" / "tongban"
# `tongban demo`, restricted to the apps case handling stands on, so that another app's demo
# data cannot break (or slow down) this benchmark.
DEMO = r"""
import django; django.setup()
from importlib import import_module
from django.db import transaction
for app in ("core", "org", "catalog", "cases"):
    with transaction.atomic():
        print(f"{app}: {import_module(f'tongban.{app}.demo').load()}")
"""
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "tongban_bench_queue"
TARGET_MS = 100
QUEUE_PATH = "/api/cases?state=accepted"

LOAD = r"""
import json, random, sys, time, django; django.setup()
from datetime import date, datetime, time as dtime, timedelta, timezone as tz
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from stdnum.cn import ric
from tongban.cases.applicants import ID_CONTEXT, PHONE_CONTEXT, id_index
from tongban.cases.models import Applicant, Case, CaseSequence
from tongban.catalog.models import ItemVersion
from tongban.core import pii
from tongban.org.models import Center
from tongban.org.services import token_create

N, N_APPLICANTS = %(cases)d, %(applicants)d
rng = random.Random(3)
t0 = time.perf_counter()
clerk = get_user_model().objects.get(username="fd_clerk")
_t, token = token_create(user=clerk, name="bench_case_queue")
from tongban.org.scoping import staff_profile
home = staff_profile(clerk).center_id
centers = list(Center.objects.values_list("id", flat=True))
others = [c for c in centers if c != home]
versions = list(ItemVersion.objects.filter(is_current=True).values_list("id", "promised_limit_days", "legal_limit_days"))

# Applicants: a pool of persons, stored exactly as applicant_resolve stores them.
people, seen = [], set()
while len(people) < N_APPLICANTS:
    birth = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 65 * 365))
    body = f"610402{birth:%%Y%%m%%d}{rng.randrange(1000):03d}"
    number = body + ric.calc_check_digit(body + "0")
    if number in seen:
        continue
    seen.add(number)
    phone = f"139{len(people):08d}"
    people.append(Applicant(kind="person", name=f"申请人{len(people)}", id_number_enc=pii.encrypt(number, context=ID_CONTEXT),
                            id_number_index=id_index(number), id_number_masked=pii.mask_id_number(number),
                            phone_enc=pii.encrypt(phone, context=PHONE_CONTEXT),
                            phone_index=pii.blind_index(phone, kind="phone"), phone_masked=pii.mask_phone(phone)))
Applicant.objects.bulk_create(people, batch_size=2000)
applicant_ids = list(Applicant.objects.filter(kind="person").values_list("id", flat=True))
t_applicants = time.perf_counter() - t0

STATES = [("delivered", 52), ("concluded", 12), ("withdrawn", 3), ("refused", 3), ("denied", 1),
          ("accepted", 10), ("under_review", 8), ("special_procedure", 1), ("approved", 2),
          ("submitted", 6), ("correction_requested", 2)]
state_pool = [s for s, w in STATES for _ in range(w)]
clock_started = {"delivered", "concluded", "denied", "accepted", "under_review", "special_procedure", "approved"}
days = [date(2023, 1, 1) + timedelta(days=d) for d in range((date(2026, 11, 27) - date(2023, 1, 1)).days + 1)]
per_day = -(-N // len(days))
ops = connection.ops
fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
columns = [f.column for f in fields]
default = {f.attname: f.get_default() for f in fields}
region = "611100"

# Days that already have cases (the demo's) continue their sequence.
start = dict(CaseSequence.objects.filter(region_code=region).values_list("day", "last"))
for number in Case.objects.values_list("number", flat=True):
    _r, d, s = number.split("-")
    d = date(int(d[:4]), int(d[4:6]), int(d[6:]))
    start[d] = max(start.get(d, 0), int(s))
last = {}

def rows():
    made = 0
    for day in days:
        for seq in range(start.get(day, 0) + 1, start.get(day, 0) + per_day + 1):
            if made == N:
                return
            made += 1
            last[day] = seq
            state = rng.choice(state_pool)
            vid, promised, legal = versions[rng.randrange(len(versions))]
            at = datetime.combine(day, dtime(1 + rng.randrange(9), rng.randrange(60)), tzinfo=tz.utc)
            r = dict(default)
            r.update(number=f"{region}-{day:%%Y%%m%%d}-{seq:06d}", region_code=region, item_version_id=vid,
                     applicant_id=applicant_ids[rng.randrange(len(applicant_ids))],
                     channel=rng.choice(("window", "window", "window", "online", "self_service")),
                     center_id=home if rng.random() < 0.3 else others[rng.randrange(len(others))],
                     state=state, version=1 + rng.randrange(6), submitted_at=ops.adapt_datetimefield_value(at),
                     received_by_id=clerk.id if rng.random() < 0.5 else None, delivery_method="pickup",
                     light="none", delivery_reference="", outcome_note="")
            if state in clock_started:
                started = day + timedelta(days=rng.randrange(3))
                r.update(accepted_at=ops.adapt_datetimefield_value(at + timedelta(hours=2)),
                         accepted_on=ops.adapt_datefield_value(started),
                         promised_due=ops.adapt_datefield_value(started + timedelta(days=promised * 7 // 5)),
                         legal_due=ops.adapt_datefield_value(started + timedelta(days=legal * 7 // 5)),
                         light=rng.choice(("green", "green", "green", "yellow", "red")))
            yield tuple(r[f.attname] if f.attname in r else None for f in fields)

t1 = time.perf_counter()
with connection.cursor() as c:
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with c.cursor.copy(f"COPY cases_case ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
    else:
        sql = f"INSERT INTO cases_case ({', '.join(columns)}) VALUES ({', '.join(['%%s'] * len(columns))})"
        batch = []
        for row in rows():
            batch.append(row)
            if len(batch) == 20000:
                with transaction.atomic():
                    c.executemany(sql, batch)
                batch = []
        if batch:
            with transaction.atomic():
                c.executemany(sql, batch)
t_cases = time.perf_counter() - t1
# The numbering's day rows: the next case filed on a loaded day continues the sequence.
CaseSequence.objects.bulk_create(
    [CaseSequence(region_code=region, day=d, last=n) for d, n in last.items()], batch_size=2000,
    update_conflicts=True, unique_fields=["region_code", "day"], update_fields=["last"])
t2 = time.perf_counter()
with connection.cursor() as c:
    c.execute("ANALYZE" if connection.vendor == "sqlite" else "ANALYZE cases_case")
t_analyze = time.perf_counter() - t2
print(json.dumps({"token": token, "cases": Case.objects.count(), "applicants": len(applicant_ids),
                  "centers": len(centers), "items": len(versions), "home_center": home,
                  "home_accepted": Case.objects.filter(center_id=home, state="accepted").count(),
                  "accepted": Case.objects.filter(state="accepted").count(),
                  "t_applicants": t_applicants, "t_cases": t_cases, "t_analyze": t_analyze}))
"""

MEASURE = r"""
import json, statistics, time, django; django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from tongban.cases.selectors import case_queue

REPEATS = %(repeats)d
User = get_user_model()

def timed(state):
    user = User.objects.get(username="fd_clerk")  # fresh: no cached staff profile
    t = time.perf_counter()
    page = list(case_queue(user=user, state=state))
    return (time.perf_counter() - t) * 1000, page

out = {}
for label, state in (("accepted", "accepted"), ("all", None)):
    cold, page = timed(state)
    times = sorted(timed(state)[0] for _ in range(REPEATS))
    user = User.objects.get(username="fd_clerk")
    qs = case_queue(user=user, state=state)
    plan = qs.explain(analyze=True) if connection.vendor == "postgresql" else qs.explain()
    sql, params = qs.query.sql_with_params()
    out[label] = {"cold_ms": cold, "median_ms": statistics.median(times), "p95_ms": times[int(len(times) * .95) - 1],
                  "max_ms": times[-1], "rows": len(page), "first": [c.number for c in page[:3]],
                  "first_due": [str(c.promised_due) for c in page[:3]], "plan": plan, "sql": sql %% tuple(
                      repr(p) for p in params)}
print(json.dumps(out))
"""


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def get_json(url: str, token: str) -> tuple[float, dict]:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310
        body = r.read()
    return (time.perf_counter() - t) * 1000, json.loads(body)


def stats(times: list[float]) -> dict:
    times = sorted(times)
    return {"median_ms": times[len(times) // 2], "p95_ms": times[int(len(times) * 0.95) - 1], "max_ms": times[-1]}


def main() -> int:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--applicants", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="tongban-bench-queue-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "TONGBAN_PRODUCTION"}}
    env.update(TONGBAN_VAR_DIR=str(var_dir), TONGBAN_BENCH="1", DJANGO_SETTINGS_MODULE="tongban.settings",
               LOG_LEVEL="WARNING")
    if args.database == "postgres":
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
        pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {PG_DB}")
    load_before = os.getloadavg()
    server = None
    try:
        run([str(TONGBAN), "migrate", "--no-input", "-v", "0"], env)
        print("demo:", " | ".join(run([str(PYTHON), "-c", DEMO], env).split("\n")).strip(" |"))
        t = time.perf_counter()
        loaded = json.loads(run([str(PYTHON), "-c", LOAD % {"cases": args.cases, "applicants": args.applicants}],
                                env).strip().splitlines()[-1])
        t_load = time.perf_counter() - t
        measured = json.loads(run([str(PYTHON), "-c", MEASURE % {"repeats": args.repeats}], env).strip().splitlines()[-1])

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server_log = var_dir / "server.log"  # a file, not a pipe nobody reads: a full pipe stalls the workers
        server = subprocess.Popen(  # noqa: S603
            [str(TONGBAN), "serve", "--no-worker", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=server_log.open("wb"), start_new_session=True,
        )
        wait_ready(base, server, timeout=180)
        api = {}
        for label, path in (("accepted", QUEUE_PATH), ("all", "/api/cases")):
            for _ in range(args.workers * 2):  # every worker warm (imports, connection, first compile)
                cold, page = get_json(base + path, loaded["token"])
            api[label] = stats([get_json(base + path, loaded["token"])[0] for _ in range(args.repeats)])
            api[label].update(cold_ms=cold, rows=len(page["items"]), first=[c["number"] for c in page["items"][:3]])
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        shutil.rmtree(var_dir, ignore_errors=True)
        if args.database == "postgres":
            pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    load_after = os.getloadavg()

    sel, web = measured["accepted"], api["accepted"]
    same_page = sel["first"] == web["first"]
    verdicts = {
        f"selector case_queue(state=accepted) median < {TARGET_MS} ms": sel["median_ms"] < TARGET_MS,
        f"GET {QUEUE_PATH} median < {TARGET_MS} ms": web["median_ms"] < TARGET_MS,
        "a full first page, the same from both": sel["rows"] == web["rows"] == 50 and same_page,
    }
    print(f"bench_case_queue ({args.database}): {loaded['cases']:,} cases ({loaded['accepted']:,} accepted; "
          f"{loaded['home_accepted']:,} accepted at the clerk's center), {loaded['applicants']:,} applicants, "
          f"{loaded['centers']} centers, {loaded['items']} items; {os.cpu_count()} cores")
    print(f"  load: {t_load:.0f} s in all (applicants {loaded['t_applicants']:.0f} s, cases {loaded['t_cases']:.0f} s, "
          f"ANALYZE {loaded['t_analyze']:.1f} s); load average before {load_before[0]:.2f} / after {load_after[0]:.2f}")
    fmt = "  {:<44} cold {:>7.1f} ms  median {:>7.1f} ms  p95 {:>7.1f} ms  max {:>7.1f} ms  rows {}"
    for label in ("accepted", "all"):
        s, w = measured[label], api[label]
        state = "state=accepted" if label == "accepted" else "no state filter"
        print(fmt.format(f"selector case_queue ({state})", s["cold_ms"], s["median_ms"], s["p95_ms"], s["max_ms"],
                         s["rows"]))
        print(fmt.format(f"GET /api/cases ({state})", w["cold_ms"], w["median_ms"], w["p95_ms"], w["max_ms"],
                         w["rows"]))
        print(f"    first cases {s['first']} due {s['first_due']}")
    for label in ("accepted", "all"):
        print(f"  query ({label}): {measured[label]['sql']}")
        print("  plan:\n    " + measured[label]["plan"].replace("\n", "\n    "))
    for name, ok in verdicts.items():
        print(f"  {name:<58} {'PASS' if ok else 'FAIL'}")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
