"""bench_stats: simulate a year into a temporary SQLite database, then time the annual report
against the bare SQL aggregates it needs (the raw-SQL oracle of tests/stats/rawsql.py, one
query per printed figure), side by side, and the dashboard's queries.

    cd /work/main && .venv/bin/python benchmarks/bench_stats.py --scale 1    # --year 2023 --keep DIR
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--keep", help="use (and keep) this var dir instead of a temporary one")
    parser.add_argument("--skip-simulate", action="store_true", help="reuse the database in --keep")
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

    from tongban.stats import charts, registry
    from tongban.stats.annual import build_annual
    from tongban.stats.filters import StatsFilter
    from tongban.stats.render import render_html, render_pdf
    from tongban.stats.selectors import late_by_officer, slowest_items

    print(f"bench_stats: scale {args.scale}, year {args.year}, SQLite at {var}")
    if not args.skip_simulate:
        call_command("migrate", verbosity=0)
        from tongban.catalog import demo as catalog_demo
        from tongban.core import demo as core_demo
        from tongban.org import demo as org_demo

        core_demo.load(), org_demo.load(), catalog_demo.load()
        t = time.perf_counter()
        call_command("simulate", year=args.year, scale=args.scale, no_progress=True)
        print(f"  simulate --scale {args.scale}: {time.perf_counter() - t:8.1f} s")
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
    print(f"  annual report: build {built:.2f} s, with PDF+HTML {report_total:.2f} s ({len(figures)} figures)")
    print(f"  bare SQL, one raw query per figure: {bare:.2f} s   ratio report/bare = {report_total / bare:.2f}")
    f = StatsFilter.year(args.year)
    for name, fn in [
        ("received by month", lambda: registry.get("received").values(f, f.months())),
        ("concluded by month", lambda: registry.get("concluded").values(f, f.months())),
        ("received by category", lambda: registry.get("received").breakdown(f, "item_version__category")),
        ("on-time rate by center", lambda: registry.get("on_time_rate").breakdown(f, "center__code")),
        ("late cases per officer", lambda: late_by_officer(f)),
        ("slowest items", lambda: slowest_items(f)),
        ("headline: received (month)", lambda: registry.get("received").compute(StatsFilter.month(args.year, 6))),
    ]:
        t = time.perf_counter()
        fn()
        print(f"  dashboard {name:28}: {1000 * (time.perf_counter() - t):8.1f} ms")
    print(f"  database size: {os.path.getsize(var / 'tongban.sqlite3') / 1e9:.2f} GB; vendor {connection.vendor}")
    if not args.keep:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
