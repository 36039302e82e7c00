"""Benchmark: province-scale mixed load on production mode over loopback (issue 14).

One command: a fresh PostgreSQL database `tongban_load` gets `tongban migrate` + `tongban demo`
with production settings (TONGBAN_PRODUCTION=1, generated SECRET_KEY / PII keys / blind-index
key, Redis cache and RQ task queue, SECURE_SSL_REDIRECT=0 for plain HTTP on loopback, a temporary
TONGBAN_VAR_DIR, TONGBAN_BENCH=1 for the floor view, a high public rate limit because all load
comes from 127.0.0.1). `tongban serve --production` (gunicorn --workers sync workers + RQ task
worker + scheduler) then runs on a free loopback port and locust (benchmarks/load/locustfile.py,
headless, FastHttpUser, no think time) drives, at each of --users (50 and 200 simulated users),
interleaved rounds of

  floor   BareJson                       GET /bench/bare-json only
  mix     WindowClerk Citizen Visitor    weights 1 : 4 : 5 (submissions + accepts a minority;
                                         status queries and portal browsing dominate)

then, at each user count, a latency phase: the mix again for --duration seconds with every
simulated user a person who thinks --think seconds on average (uniform 0.5x-1.5x) between requests,
the users arriving over --ramp seconds (stats start once all have arrived).
The closed loop (no think time) measures capacity; the thinking users measure what people wait.

Printed: per request type req/s, p50/p95/p99 and failures at each user count (latency: median
over rounds of each round's percentile, as locust's CSV gives them), mix/floor throughput with the
25 % target, p99 of the thinking users' mix at 200 users with the 300 ms target (the saturated
closed loop's p99 is printed too: there it is only queueing, users / throughput), the CPU used by each process
group (gunicorn workers, PostgreSQL, Redis, the task worker, locust) during the mixed rounds, and a
py-spy profile (top functions by own and inclusive samples) of one gunicorn worker during one
mixed round at the highest user count. Server, var dir and database are removed at the end,
whatever happens.

Prerequisites: `.venv/bin/pip install -e ".[load]"` (locust, py-spy); PostgreSQL at 127.0.0.1:5432
(trust auth for postgres) and Redis at 127.0.0.1:6379.
Run:  cd /work/main && flock /tmp/bench.lock .venv/bin/python benchmarks/bench_load.py
      # --users 50,200 --duration 40 --rounds 2 --workers 5 --profile-seconds 15 --think 3 --ramp 10
Exit status 0 when both targets are met and no request failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import os
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_catalog_search import free_port, run, wait_ready  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON, TONGBAN, LOCUST, PYSPY = BIN / "python", BIN / "tongban", BIN / "locust", BIN / "py-spy"
LOCUSTFILE = Path(__file__).resolve().parent / "load" / "locustfile.py"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "tongban_load"
RATIO_TARGET, P99_TARGET_MS, P99_AT_USERS = 0.25, 300, 200
MIX = ["WindowClerk", "Citizen", "Visitor"]
FLOOR = ["BareJson"]

SETUP = r"""
import json, random, sys, django; django.setup()
from datetime import date, timedelta
from django.contrib.auth import get_user_model
from stdnum.cn import ric
from tongban.cases import services
from tongban.cases.applicants import ApplicantInput
from tongban.catalog.models import ItemVersion
from tongban.org.services import token_create

N_CASES = %(cases)d
PDF = b"%%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
User = get_user_model()
# A current item for persons (housing fund first, as bench_case_submission), every required material scanned.
item = None
candidates = (ItemVersion.objects.filter(is_current=True).select_related("item")
              .prefetch_related("materials").order_by("item__code"))
for v in sorted(candidates, key=lambda v: v.category != "housing_fund"):
    mats = list(v.materials.all())
    required = [m.name for m in mats if m.required]
    # Accepting needs every required material: take an item whose required ones are all scans.
    if (len(required) >= 2 and v.subject in ("person", "both")
            and not any(m.shared_source for m in mats if m.required)):
        item = {"code": v.item.code, "name": v.name, "materials": required}
        break
assert item, "no item for persons whose required materials are all scans in the demo catalog"
rng = random.Random(11)
def id_number():
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 50 * 365))
    body = f"610402{birth:%%Y%%m%%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")
def file_case(user, k):
    ident = id_number()
    tag = f"setup-{k}".encode()
    case = services.case_submit(
        actor=user, item_code=item["code"],
        applicant=ApplicantInput(kind="person", name=f"查询人{k}", id_number=ident, phone=f"137{k:08d}"),
        materials=[services.MaterialInput(name=name, file=services.UploadInput(f"m{i}.pdf", PDF + b"%%" + tag + bytes([48 + i]) + b"\n", "application/pdf"))
                   for i, name in enumerate(item["materials"])])
    return case.number, ident
# Window clerks of the five centres of the New Area; a clerk whose centre cannot file the item is left out.
tokens, cases = [], []
for username in ("fd_clerk", "fd_clerk2", "fx_clerk", "qh_clerk", "kg_clerk", "jh_clerk"):
    user = User.objects.filter(username=username).first()
    if user is None:
        continue
    try:
        cases.append(file_case(user, len(cases)))
    except Exception as exc:  # noqa: BLE001
        print(f"{username}: cannot file {item['code']}: {exc}", file=sys.stderr)
        continue
    tokens.append(token_create(user=user, name="bench_load")[1])
clerk = User.objects.get(username="fd_clerk")
while len(cases) < N_CASES:
    cases.append(file_case(clerk, len(cases)))
items = list(ItemVersion.objects.filter(is_current=True).order_by("item__code").values_list("item__code", flat=True))
print(json.dumps({"item": item, "tokens": tokens, "cases": cases, "items": items,
                  "queries": ["公积金", "机动车", "登记", "社会保险", "发票", "zfgjj", "jdc", "qy", "CJ-0001",
                              "养老", "医疗", "户口", "营业执照", "税", "驾驶证", "退休"]}, ensure_ascii=False))
"""


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def production_env(var_dir: Path) -> dict:
    key = lambda: base64.b64encode(os.urandom(32)).decode()  # noqa: E731
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TONGBAN_", "DATABASE_", "REDIS_", "DJANGO_")) and k not in {"DEBUG", "SECRET_KEY"}}
    env.update(
        TONGBAN_PRODUCTION="1", SECRET_KEY=secrets.token_urlsafe(50), TONGBAN_PII_KEYS=f"k1:{key()}",
        TONGBAN_BLIND_INDEX_KEY=key(), DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{PG_DB}",
        CONN_MAX_AGE="60", REDIS_URL="redis://127.0.0.1:6379/0", TONGBAN_TASK_BACKEND="rq",
        SECURE_SSL_REDIRECT="0", TONGBAN_VAR_DIR=str(var_dir), TONGBAN_BENCH="1",
        TONGBAN_PUBLIC_RATE_PER_MINUTE="100000000", DJANGO_SETTINGS_MODULE="tongban.settings",
        ALLOWED_HOSTS="127.0.0.1,localhost", LOG_LEVEL="WARNING", TONGBAN_REFDATA_SERVE="0",
    )
    return env


def process_groups(server_pid: int) -> dict[str, list]:
    """The processes whose CPU we account for, by role."""
    import psutil

    groups: dict[str, list] = {"gunicorn workers": [], "gunicorn master": [], "task worker + scheduler": [],
                               "postgresql": [], "redis": []}
    root = psutil.Process(server_pid)
    for p in root.children(recursive=True):
        cmd = " ".join(p.cmdline())
        if "gunicorn" in cmd:
            groups["gunicorn master" if p.ppid() == server_pid else "gunicorn workers"].append(p)
        else:
            groups["task worker + scheduler"].append(p)
    for p in psutil.process_iter(["name"]):
        if p.info["name"] in ("postgres", "postmaster"):
            groups["postgresql"].append(p)
        elif (p.info["name"] or "").startswith("redis-server"):
            groups["redis"].append(p)
    return groups


def cpu_seconds(groups: dict[str, list]) -> dict[str, float]:
    out = {}
    for name, procs in groups.items():
        total = 0.0
        for p in procs:
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except Exception:  # noqa: BLE001, S112  (a postgres backend that ended)
                continue
        out[name] = total
    return out


def locust(base: str, classes: list[str], users: int, seconds: int, out_dir: Path, tag: str, env: dict,
           spawn: float | None = None) -> dict:
    """One headless locust run; returns per-name stats from its CSV plus the CPU locust used.
    Users start at `spawn` per second (default: all within ~1-4 s); stats are reset once they
    are all running."""
    prefix = out_dir / tag
    spawn = spawn or max(50, users)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    out = subprocess.run(  # noqa: S603
        [str(LOCUST), "-f", str(LOCUSTFILE), "--headless", "-u", str(users), "-r", str(spawn),
         "-t", f"{seconds}s", "--host", base, "--csv", str(prefix), "--reset-stats", "--only-summary",
         "--stop-timeout", "5", "--loglevel", "WARNING", *classes],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 120,
    )
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        raise SystemExit(f"locust gave no stats ({out.returncode}):\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    rows = {}
    with stats_file.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            name = r["Name"]
            rows[name] = {"requests": int(r["Request Count"]), "failures": int(r["Failure Count"]),
                          "rps": float(r["Requests/s"]), "p50": float(r["50%"]), "p95": float(r["95%"]),
                          "p99": float(r["99%"])}
    failures = []
    fail_file = Path(f"{prefix}_failures.csv")
    if fail_file.exists():
        with fail_file.open(encoding="utf-8") as f:
            failures = [f"{r['Name']}: {r['Error'][:160]} x{r['Occurrences']}" for r in csv.DictReader(f)]
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"rows": rows, "failures": failures, "locust_cpu": cpu / wall, "wall": wall}


def combine(runs: list[dict]) -> dict:
    """Per request name: requests and failures summed, req/s the mean of the rounds,
    percentiles the median of the rounds' percentiles."""
    names = {n for r in runs for n in r["rows"]}
    out = {}
    for name in names:
        rs = [r["rows"][name] for r in runs if name in r["rows"]]
        out[name] = {"requests": sum(x["requests"] for x in rs), "failures": sum(x["failures"] for x in rs),
                     "rps": statistics.fmean(x["rps"] for x in rs), "round_rps": [round(x["rps"]) for x in rs],
                     **{p: statistics.median(x[p] for x in rs) for p in ("p50", "p95", "p99")}}
    return out


def worker_pid(server_pid: int) -> int | None:
    import psutil

    masters = [p for p in psutil.Process(server_pid).children() if "gunicorn" in " ".join(p.cmdline())]
    workers = masters[0].children() if masters else []
    return workers[0].pid if workers else None


def profile(pid: int, seconds: int, out: Path) -> subprocess.Popen | None:
    if not PYSPY.exists():
        return None
    return subprocess.Popen(  # noqa: S603
        [str(PYSPY), "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "200",
         "--format", "raw", "--output", str(out), "--nonblocking"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def short(frame: str) -> str:
    """'func (path/to/site-packages/pkg/mod.py:12)' -> 'func (pkg/mod.py)': one entry per function."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/src/", "lib/python3.11/"):
        if marker in where:
            where = where.split(marker, 1)[1]
            break
    return f"{name} ({where})"


AREAS = [  # first matching frame from the leaf up decides the area of a sample
    ("PostgreSQL driver (psycopg, waiting on the server)", ("psycopg/",)),
    ("Django templates", ("django/template/",)),
    ("Django ORM (SQL compile, model instances)", ("django/db/",)),
    ("pydantic / ninja (validation, serialisation)", ("pydantic", "ninja/")),
    ("crypto (AES-GCM, HMAC, token hash)", ("cryptography/", "hashlib", "hmac", "tongban/core/pii")),
    ("Redis client (cache, rate limit)", ("redis/", "django/core/cache/")),
    ("file storage (materials, fsync)", ("django/core/files/", "tongban/cases/storage")),
    ("multipart / request parsing", ("django/http/multipartparser", "django/http/request")),
    ("logging / access log", ("logging/", "pythonjsonlogger", "gunicorn/glogging")),
    ("prometheus metrics", ("prometheus_client/", "django_prometheus/")),
    ("middleware + URL resolution", ("django/core/handlers/", "django/urls/", "django/middleware/", "csp/",
                                     "axes/", "django_htmx/", "whitenoise/")),
    ("JSON encoding", ("json/",)),
    ("gunicorn (socket, HTTP parse)", ("gunicorn/",)),
]


def analyse(raw: Path, top: int = 15) -> list[str]:
    own, incl, areas = Counter(), Counter(), Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [f for f in stack.split(";") if f and not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        total += n
        own[short(frames[-1])] += n
        for f in {short(f) for f in frames}:
            incl[f] += n
        for f in reversed(frames):
            hit = next((a for a, keys in AREAS if any(k in f for k in keys)), None)
            if hit:
                areas[hit] += n
                break
        else:
            areas["other (tongban code, Python runtime)"] += n
    if not total:
        return ["  (py-spy recorded no samples)"]
    lines = [f"  {total} samples; by area (leaf-most matching frame):"]
    lines += [f"    {100 * n / total:5.1f}%  {a}" for a, n in areas.most_common()]
    lines.append(f"  top {top} functions by own samples:")
    lines += [f"    {100 * n / total:5.1f}%  {f}" for f, n in own.most_common(top)]
    lines.append(f"  top {top} tongban functions by inclusive samples:")
    ours = [(f, n) for f, n in incl.most_common() if "tongban/" in f][:top]
    lines += [f"    {100 * n / total:5.1f}%  {f}" for f, n in ours]
    return lines


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # our own session: tongban serve + gunicorn + rq
        try:
            server.wait(timeout=25)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def main() -> int:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="50,200", help="simulated user counts, comma-separated")
    parser.add_argument("--duration", type=int, default=40, help="seconds of locust per side (mix, floor) per user count")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (floor, mix, ...) the duration is split in")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (2 x cores + 1)")
    parser.add_argument("--cases", type=int, default=300, help="cases filed in the set-up for the status query")
    parser.add_argument("--profile-seconds", type=int, default=15)
    parser.add_argument("--think", type=float, default=3.0,
                        help="mean think time (s) of each simulated person in the latency phase (uniform 0.5x-1.5x)")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which the latency phase's users arrive")
    args = parser.parse_args()
    users = [int(u) for u in args.users.split(",")]
    step = max(5, round(args.duration / args.rounds))

    var_dir = Path(tempfile.mkdtemp(prefix="tongban-bench-load-"))
    env = production_env(var_dir)
    pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    pg_admin(f"CREATE DATABASE {PG_DB}")
    server, results, cpu, prof_lines = None, {}, {}, []
    t_start = time.monotonic()
    try:
        t = time.monotonic()
        run([str(TONGBAN), "migrate", "--no-input", "-v", "0"], env)
        demo_out = run([str(TONGBAN), "demo"], env)
        t_setup = time.monotonic() - t
        data = json.loads(run([str(PYTHON), "-c", SETUP % {"cases": args.cases}], env).strip().splitlines()[-1])
        data_file = var_dir / "load-data.json"
        data_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        lenv = dict(env, LOAD_DATA=str(data_file), LOAD_WAIT="0")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603
            [str(TONGBAN), "serve", "--production", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )
        wait_ready(base, server, timeout=90)
        # Every request type answers before the clock starts (a broken type would only show as failures).
        for path in ("/", f"/items/{data['items'][0]}/", "/api/catalog/items?q=%E5%85%AC%E7%A7%AF%E9%87%91"):
            with urllib.request.urlopen(base + path, timeout=30) as r:  # noqa: S310
                assert r.status == 200, path
        groups = process_groups(server.pid)
        out_dir = var_dir / "locust"
        out_dir.mkdir()
        # Warm-up: every worker imports and caches what the mix touches.
        locust(base, MIX, 20, 8, out_dir, "warmup-mix", lenv)
        locust(base, FLOOR, 20, 4, out_dir, "warmup-floor", lenv)

        for u in users:
            floor_runs, mix_runs, busy = [], [], Counter()
            for k in range(args.rounds):
                floor_runs.append(locust(base, FLOOR, u, step, out_dir, f"floor-{u}-{k}", lenv))
                profiling = None
                if u == max(users) and k == args.rounds - 1 and (pid := worker_pid(server.pid)):
                    # Start after the ramp so the profile is of steady load.
                    raw = var_dir / "profile.txt"
                    prof_holder: list = []
                    timer = threading.Timer(3, lambda p=pid, r=raw, h=prof_holder: h.append(
                        (profile(p, min(args.profile_seconds, step - 5), r), r)))
                    timer.start()
                    profiling = (timer, prof_holder)
                # Again each round: the workers' PostgreSQL backends exist only once they connected.
                groups = process_groups(server.pid)
                c0, w0 = cpu_seconds(groups), time.monotonic()
                mix_runs.append(locust(base, MIX, u, step, out_dir, f"mix-{u}-{k}", lenv))
                c1, w1 = cpu_seconds(groups), time.monotonic()
                for name in c0:
                    busy[name] += c1[name] - c0[name]
                busy["locust (load generator)"] += mix_runs[-1]["locust_cpu"] * mix_runs[-1]["wall"]
                busy["_wall"] += w1 - w0
                if profiling:
                    profiling[0].join()
                    for proc, raw in profiling[1]:
                        if proc is None:
                            prof_lines = ["  py-spy not installed"]
                            continue
                        _o, err = proc.communicate(timeout=120)
                        prof_lines = [f"  one gunicorn worker (pid {pid}), {min(args.profile_seconds, step - 5)} s "
                                      f"of the last mixed round at {u} users, py-spy 200 Hz, on-CPU samples:"]
                        prof_lines += analyse(raw) if raw.exists() else [f"  py-spy failed: {err.strip()[-500:]}"]
            # The latency phase: the same mix, each simulated user a person who reads the answer
            # before the next request (LOAD_WAIT), for the whole duration.
            # People arrive over --ramp seconds, not all in the same instant: 200 first requests at
            # once would be a queue of their own, and with think times of a few seconds its echo
            # would dominate the tail of a 40 s run.
            people = locust(base, MIX, u, round(args.duration + args.ramp), out_dir, f"people-{u}",
                            dict(lenv, LOAD_WAIT=str(args.think)), spawn=u / args.ramp)
            results[u] = {"people": combine([people]), "people_fail": people["failures"],
                          "floor": combine(floor_runs), "mix": combine(mix_runs),
                          "floor_fail": sum((r["failures"] for r in floor_runs), []),
                          "mix_fail": sum((r["failures"] for r in mix_runs), [])}
            wall = busy.pop("_wall")
            cpu[u] = {name: s / wall for name, s in busy.items()}
        os_load = os.getloadavg()
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(var_dir, ignore_errors=True)
        try:
            pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        except Exception as exc:  # noqa: BLE001
            print(f"could not drop {PG_DB}: {exc}", file=sys.stderr)

    print(f"bench_load: tongban serve --production ({args.workers} gunicorn sync workers + RQ worker + scheduler), "
          f"PostgreSQL {PG_DB}, Redis cache/queue, loopback; locust {'/'.join(map(str, users))} users, "
          f"no think time, {args.duration} s per side per user count in {args.rounds} interleaved rounds "
          f"(floor, mix, ...); then the mix for {args.duration} s with {args.think:g} s mean think time "
          f"(latency phase); {os.cpu_count()} cores")
    print(f"  set-up: migrate + tongban demo {t_setup:.0f} s; {len(data['items'])} current items, "
          f"{len(data['tokens'])} clerk tokens, {len(data['cases'])} cases for status queries, item {data['item']['code']}")
    print(f"  demo: {' | '.join(demo_out.split(chr(10))).strip(' |')[:300]}")
    ok = True
    verdicts = []
    fmt = "  {:<30} {:>8} {:>8} {:>7} {:>7} {:>7} {:>7}"
    for u in users:
        r = results[u]
        print(f"  -- {u} users --")
        print(fmt.format("request type", "req/s", "requests", "p50 ms", "p95 ms", "p99 ms", "failed"))
        for side in ("mix", "floor", "people"):
            if side == "people":
                print(f"  latency phase: the mix, {u} users thinking {args.think * 0.5:g}-{args.think * 1.5:g} s between requests")
            rows = r[side]
            order = sorted((n for n in rows if n != "Aggregated"), key=lambda n: -rows[n]["rps"]) + ["Aggregated"]
            for name in order:
                x = rows.get(name)
                if x is None:
                    continue
                totals = {"mix": "MIX total (saturated)", "floor": "FLOOR total", "people": "MIX total (thinking)"}
                label = totals[side] if name == "Aggregated" else name
                print(fmt.format(label[:30], f"{x['rps']:.1f}", x["requests"], f"{x['p50']:.0f}",
                                 f"{x['p95']:.0f}", f"{x['p99']:.0f}", x["failures"]))
        mix, floor = r["mix"]["Aggregated"], r["floor"]["Aggregated"]
        ratio = mix["rps"] / floor["rps"]
        print(f"  per-round req/s  floor {floor['round_rps']}  mix {mix['round_rps']}")
        print("  CPU (cores busy) during the mixed rounds: " + ", ".join(
            f"{n} {v:.2f}" for n, v in sorted(cpu[u].items(), key=lambda kv: -kv[1])))
        passed = ratio >= RATIO_TARGET
        verdicts.append((f"{u} users: mix/floor throughput {ratio:.1%} (target >= {RATIO_TARGET:.0%})", passed))
        thinking = r["people"]["Aggregated"]
        print(f"  saturated mix p99 {mix['p99']:.0f} ms (closed loop: latency = queue, Little's law "
              f"{u} / {mix['rps']:.0f} req/s = {u / mix['rps'] * 1000:.0f} ms); thinking users: "
              f"{thinking['rps']:.1f} req/s, p99 {thinking['p99']:.0f} ms")
        if u == P99_AT_USERS:
            verdicts.append((f"{u} users (thinking): mix p99 {thinking['p99']:.0f} ms (target < {P99_TARGET_MS} ms)",
                             thinking["p99"] < P99_TARGET_MS))
        for fail in (r["mix_fail"] + r["floor_fail"] + r["people_fail"])[:8]:
            print(f"  failure: {fail}")
        failed = mix["failures"] + floor["failures"] + thinking["failures"]
        verdicts.append((f"{u} users: no failed request ({failed})", failed == 0))
    print("  profile:")
    for line in prof_lines or ["  (no profile taken)"]:
        print("  " + line)
    for text, passed in verdicts:
        ok = ok and passed
        print(f"  {text:<62} {'PASS' if passed else 'FAIL'}")
    print(f"  load average at the end {os_load[0]:.2f}; whole run {time.monotonic() - t_start:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
