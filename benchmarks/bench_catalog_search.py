"""Benchmark: catalog search API throughput against a bare Django JSON view (the floor).

Both endpoints are served side by side by one gunicorn (`tongban serve --no-worker`, 4 sync
workers) with the same settings and middleware, on a free loopback port, against a temporary
var dir (SQLite) with the demo data (`tongban migrate` + `tongban demo`, ~400 catalog items).

  floor   GET /bench/bare-json       a JsonResponse of a fixed 20-item page (mounted only
                                     when TONGBAN_BENCH=1; src/tongban/core/bench_views.py)
  search  GET /api/catalog/items?... a rotating mix of keyword, pinyin-initial, item-code,
                                     category, flag, channel and combined queries

Each is warmed up, then driven by wrk for --duration seconds at 64 connections, split
into interleaved rounds (floor, search, floor, ...) so load changes hit both; the script
prints requests/s, latency p50/p99, and search/floor throughput with PASS/FAIL against the
50% target. The server is stopped and the var dir removed at the end, whatever happens.

Prerequisite: wrk (`apt-get install -y wrk`).
Run:  cd /work/main && .venv/bin/python benchmarks/bench_catalog_search.py [--duration 10]
Exit status 0 when the ratio meets the target and no request failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

TARGET = 0.50
ROOT = Path(__file__).resolve().parent.parent
TONGBAN = ROOT / ".venv" / "bin" / "tongban"
FLOOR_PATH = "/bench/bare-json"


def search(**params) -> str:
    return "/api/catalog/items?" + urllib.parse.urlencode(params)


# The search mix: what a citizen types or clicks in the portal's 办事指南 search.
SEARCH_PATHS = [
    search(q="公积金"),                       # keyword
    search(q="机动车"),
    search(q="登记"),
    search(q="社会保险"),
    search(q="发票"),
    search(q="zfgjj"),                        # pinyin initials: 住房公积金
    search(q="jdc"),                          # 机动车
    search(q="qy"),                           # 企业...
    search(q="CJ-0001"),                      # item code
    search(category="tax"),                   # category
    search(category="vehicle_driver"),
    search(category="business_registration", offset=20),
    search(category="housing_fund"),
    search(id_only="true"),                   # flags
    search(cross_region="true"),
    search(holiday_open="true"),
    search(channel="online"),
    search(category="social_security", id_only="true"),  # combined
    search(q="登记", category="business_registration"),
    search(q="税", cross_region="true", limit=10),
]

LUA = r"""
local paths = {%(paths)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "bytes": %%d, "p50_us": %%d, "p99_us": %%d, '
    .. '"mean_us": %%.1f, "errors": %%d, "non2xx": %%d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(99), latency.mean, e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list[str], env: dict) -> str:
    out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)  # noqa: S603
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


SEED_FALLBACK = r"""
import django; django.setup()
from tongban.catalog.models import ItemVersion
from tongban.catalog.services import ItemSpec, department_ensure, item_create
if ItemVersion.objects.filter(is_current=True).count() < 300:
    department_ensure(code="bench", name="基准测试部门")
    names = ["住房公积金提取", "机动车驾驶证换证", "企业设立登记", "社会保险参保登记", "增值税发票领用",
             "养老保险待遇申领", "燃气开户", "户口迁移", "建设工程施工许可", "医疗保险报销"]
    cats = ["housing_fund", "vehicle_driver", "business_registration", "social_security", "invoice",
            "pension", "gas_payment", "household", "construction", "medical_insurance"]
    for n in range(300):
        k = n % 10
        item_create(code=f"BENCH-{n:04d}", spec=ItemSpec(
            name=f"{names[k]}（情形{n}）", category=cats[k], department="bench",
            channels=("window", "online") if n % 2 else ("window",), id_only=n % 3 == 0,
            cross_region=n % 4 == 0, holiday_open=n % 5 == 0, legal_limit_days=20,
            promised_limit_days=5))
print(ItemVersion.objects.filter(is_current=True).count())
"""


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 30, path: str = FLOOR_PATH) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + path, timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not become ready")


def wrk(base: str, paths: list[str], seconds: int, connections: int, threads: int, lua_dir: Path) -> dict:
    script = lua_dir / f"rotate-{abs(hash(tuple(paths)))}.lua"
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)}, encoding="utf-8")
    out = subprocess.run(  # noqa: S603
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
         "-s", str(script), base + paths[0]],
        capture_output=True, text=True, timeout=seconds + 60,
    )
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result:\n{out.stdout}\n{out.stderr}")
    r = json.loads(line[len("RESULT "):])
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    return r


def combine(runs: list[dict]) -> dict:
    """Totals over rounds; latency percentiles are the median of the rounds' percentiles."""
    med = lambda key: sorted(r[key] for r in runs)[len(runs) // 2]  # noqa: E731
    out = {k: sum(r[k] for r in runs) for k in ("requests", "duration_us", "bytes", "errors", "non2xx")}
    out.update(p50_us=med("p50_us"), p99_us=med("p99_us"), rps=out["requests"] / (out["duration_us"] / 1e6),
               round_rps=[round(r["rps"]) for r in runs])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per endpoint")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds the duration is split in")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per endpoint")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install -y wrk")

    var_dir = Path(tempfile.mkdtemp(prefix="tongban-bench-search-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "TONGBAN_PRODUCTION"}}
    env.update(TONGBAN_VAR_DIR=str(var_dir), TONGBAN_BENCH="1", DJANGO_SETTINGS_MODULE="tongban.settings",
               LOG_LEVEL="WARNING")
    server = None
    try:
        run([str(TONGBAN), "migrate", "--no-input", "-v", "0"], env)
        print("demo:", " | ".join(run([str(TONGBAN), "demo"], env).split("\n")).strip(" |"))
        n_items = run([str(ROOT / ".venv" / "bin" / "python"), "-c", SEED_FALLBACK], env).strip()

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603
            [str(TONGBAN), "serve", "--no-worker", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )
        wait_ready(base, server)

        # Every query of the mix answers 200 with a page; show how many items each finds.
        hits = []
        for p in SEARCH_PATHS:
            with urllib.request.urlopen(base + p, timeout=10) as r:  # noqa: S310
                page = json.loads(r.read())
            hits.append(page["total"])
        with urllib.request.urlopen(base + FLOOR_PATH, timeout=10) as r:  # noqa: S310
            floor_bytes = len(r.read())

        for paths in ([FLOOR_PATH], SEARCH_PATHS):
            wrk(base, paths, args.warmup, args.connections, args.threads, var_dir)
        # Interleaved rounds (floor, search, floor, search, ...) so that a change in the
        # machine's load during the run hits both sides alike.
        step = max(1, round(args.duration / args.rounds))
        rounds = [(wrk(base, [FLOOR_PATH], step, args.connections, args.threads, var_dir),
                   wrk(base, SEARCH_PATHS, step, args.connections, args.threads, var_dir))
                  for _ in range(args.rounds)]
        floor = combine([r[0] for r in rounds])
        found = combine([r[1] for r in rounds])
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # our own session: tongban serve + gunicorn
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        shutil.rmtree(var_dir, ignore_errors=True)

    ratio = found["rps"] / floor["rps"]
    failed = floor["errors"] + floor["non2xx"] + found["errors"] + found["non2xx"]
    ok = ratio >= TARGET and failed == 0
    avg = lambda r: r["bytes"] / max(r["requests"], 1)  # noqa: E731
    print(f"bench_catalog_search: {n_items} current catalog items, gunicorn {args.workers} sync workers, "
          f"wrk {args.threads} threads x {args.connections} connections, {args.duration} s each "
          f"in {args.rounds} interleaved rounds (after {args.warmup} s warm-up), {os.cpu_count()} cores")
    print(f"  search mix: {len(SEARCH_PATHS)} queries, items found per query {hits}")
    fmt = "  {:<7} {:<26} {:>9.1f} req/s  p50 {:>7.1f} ms  p99 {:>7.1f} ms  {:>6.0f} B/resp  errors {}"
    print(fmt.format("floor", FLOOR_PATH, floor["rps"], floor["p50_us"] / 1e3, floor["p99_us"] / 1e3,
                     avg(floor), floor["errors"] + floor["non2xx"]))
    print(fmt.format("search", "/api/catalog/items?...", found["rps"], found["p50_us"] / 1e3,
                     found["p99_us"] / 1e3, avg(found), found["errors"] + found["non2xx"]))
    print(f"  per-round req/s  floor {floor['round_rps']}  search {found['round_rps']}")
    print(f"  floor page body {floor_bytes} B; latency = median over rounds of each round's p50/p99")
    print(f"  search/floor throughput: {ratio:.1%}  target >= {TARGET:.0%}: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
