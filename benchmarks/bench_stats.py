"""bench_stats: simulate a year (the statistics roll-up is rebuilt at its end), then time the
annual report against the bare SQL aggregates it needs (the raw-SQL oracle of
tests/stats/rawsql.py over the case tables, one query per printed figure), side by side, and
each of the dashboard's queries; PASS/FAIL per target of issue 12.

    cd /work/main && flock /tmp/bench.lock .venv/bin/python benchmarks/bench_stats.py --scale 1 --keep DIR
    # again on the same database:        ... --skip-simulate --keep DIR
    # PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/DB (a database of its own)

Targets: simulate --scale 1 (>= 1,000,000 cases) < 600 s; annual report < 10 s and at most 3x
the bare SQL; each dashboard query < 500 ms.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIMULATE_S, REPORT_S, RATIO, DASHBOARD_MS = 600.0, 10.0, 3.0, 500.0


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--keep", help="use (and keep) this var dir instead of a temporary one")
    parser.add_argument("--skip-simulate", action="store_true", help="reuse the database in --keep (or DATABASE_URL)")
    parser.add_argument("--rebuild-rollup", action="store_true",
                        help="with --skip-simulate: rebuild the roll-up first and time it")
    parser.add_argument("--repeat", type=int, default=3, help="dashboard queries: best of N runs")
    args = parser.parse_args()
    var = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-stats-"))
    var.mkdir(parents=True, exist_ok=True)
    os.environ["TONGBAN_VAR_DIR"] = str(var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from tests.stats import rawsql

    from tongban.cases.models import Case
    from tongban.stats import charts, registry
    from tongban.stats.annual import build_annual
    from tongban.stats.filters import StatsFilter
    from tongban.stats.models import DailyFigure, DurationFigure, RollupState
    from tongban.stats.render import render_html, render_pdf
    from tongban.stats.rollup import rollup_rebuild
    from tongban.stats.selectors import late_by_officer, slowest_items
    from tongban.stats.views import HEADLINE

    vendor = connection.vendor
    where = var if vendor == "sqlite" else connection.settings_dict["NAME"]
    print(f"bench_stats: scale {args.scale}, year {args.year}, {vendor} at {where}")
    results = []
    if not args.skip_simulate:
        call_command("migrate", verbosity=0)
        from tongban.catalog import demo as catalog_demo
        from tongban.core import demo as core_demo
        from tongban.org import demo as org_demo

        core_demo.load(), org_demo.load(), catalog_demo.load()
        t = time.perf_counter()
        call_command("simulate", year=args.year, scale=args.scale, no_progress=True)
        took = time.perf_counter() - t
        state = RollupState.objects.get(pk=1)
        print(f"  simulate --scale {args.scale}: {took:8.1f} s (roll-up build inside it: {state.seconds:.1f} s)"
              f"   target < {SIMULATE_S:.0f} s: {verdict(took < SIMULATE_S)}")
        results.append(("simulate", took < SIMULATE_S))
    elif args.rebuild_rollup:
        r = rollup_rebuild()
        print(f"  roll-up rebuild: {r.seconds:.1f} s ({r.rows:,} day rows, {r.durations:,} duration rows)")
    cases = Case.objects.count()
    print(f"  {cases:,} cases; roll-up: {DailyFigure.objects.count():,} figure rows, "
          f"{DurationFigure.objects.count():,} duration rows, complete through "
          f"{RollupState.objects.values_list('covered_through', flat=True).first()}")

    charts.font()  # font registration is a one-off per process, not part of either side
    t = time.perf_counter()
    report = build_annual(args.year)
    built = time.perf_counter() - t
    render_pdf(report), render_html(report)
    report_total = time.perf_counter() - t
    figures = [f for f in report.all_figures() if registry.get(f.metric).section in ("cases", "ratings")]
    t = time.perf_counter()
    for f in figures:
        rawsql.value(f.metric, f.filter)
    bare = time.perf_counter() - t
    ratio = report_total / bare
    print(f"  annual report: build {built:.2f} s, with PDF+HTML {report_total:.2f} s ({len(figures)} case figures)"
          f"   target < {REPORT_S:.0f} s: {verdict(report_total < REPORT_S)}")
    print(f"  bare SQL over the case tables, one raw query per figure: {bare:.2f} s   "
          f"ratio report/bare = {ratio:.2f}   target <= {RATIO:.0f}: {verdict(ratio <= RATIO)}")
    results += [("annual report", report_total < REPORT_S), ("ratio", ratio <= RATIO)]

    f = StatsFilter.year(args.year)
    queries = [(f"headline {name}", lambda n=name: registry.get(n).compute(f)) for name in HEADLINE]
    queries += [
        ("received by month", lambda: registry.get("received").values(f, f.months())),
        ("concluded by month", lambda: registry.get("concluded").values(f, f.months())),
        *[(f"{m} by category", lambda m=m: registry.get(m).breakdown(f, "item_version__category"))
          for m in ("received", "concluded", "on_time_rate")],
        *[(f"{m} by center", lambda m=m: registry.get(m).breakdown(f, "center__code"))
          for m in ("received", "concluded", "late", "on_time_rate")],
        ("late cases per officer", lambda: late_by_officer(f)),
        ("slowest items", lambda: slowest_items(f)),
        *[(f"drill-down page ({m}: count + 50 cases)", lambda m=m: drill_page(m)) for m in ("late", "received")],
    ]
    def drill_page(metric: str):  # what the drill-down view reads: the count, the first page of cases
        qs = registry.get(metric).cases(f).select_related("item_version", "center", "applicant")
        return qs.count(), list(qs.order_by("-submitted_at", "-id")[:50])

    slow = 0
    for name, fn in queries:
        best = float("inf")
        for _ in range(args.repeat):
            t = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t)
        ok = best * 1000 < DASHBOARD_MS
        slow += not ok
        print(f"  dashboard {name:34}: {1000 * best:8.1f} ms   target < {DASHBOARD_MS:.0f} ms: {verdict(ok)}")
        results.append((name, ok))

    if vendor == "sqlite":
        print(f"  database size: {os.path.getsize(var / 'tongban.sqlite3') / 1e9:.2f} GB")
    print("  targets: " + ", ".join(f"{n} {verdict(ok)}" for n, ok in results if n in (
        "simulate", "annual report", "ratio")) + f", dashboard queries {len(queries) - slow}/{len(queries)} PASS")
    if not args.keep:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
