"""Benchmark: working-day arithmetic against a day-by-day walk over chinese-calendar.

Measures, in one process and on the same random inputs (start dates 2004-01-01..2026-09-30,
n in 1..60), the time of:

  floor   a day-by-day loop asking `chinese_calendar.is_workday` (the obvious implementation)
  pure    `WorkingDayCalendar.add_working_days`, the calendar built from the package data
  db      the module-level `tongban.core.calendar.add_working_days`, backed by a temporary
          SQLite database migrated and seeded with `calendar_seed_from_package`

checks that all three give identical answers, and prints the speed-up ratios (floor time /
candidate time) with PASS/FAIL against the 50x target. Start dates stop at 2026-09-30 so that
60 working days later still falls inside the covered years (2027 has no data: both sides raise).

Run:  cd /work/main && .venv/bin/python benchmarks/bench_calendar.py [--calls 20000] [--seed 1]
Exit status 0 when both ratios meet the target, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta

TARGET = 50.0
FIRST = date(2004, 1, 1)
LAST_START = date(2026, 9, 30)


def naive_add(start: date, n: int, is_workday) -> date:
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def best_of(repeats: int, fn) -> tuple[float, list]:
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def setup_django(var_dir: str) -> None:
    os.environ["TONGBAN_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)  # always a throw-away SQLite file in var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from tongban.core.services import calendar_seed_from_package

    calendar_seed_from_package()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3, help="best of N for the fast paths")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    span = (LAST_START - FIRST).days
    inputs = [(FIRST + timedelta(days=rng.randrange(span + 1)), rng.randint(1, 60)) for _ in range(args.calls)]

    with tempfile.TemporaryDirectory(prefix="tongban-bench-cal-") as var_dir:
        setup_django(var_dir)
        import chinese_calendar

        from tongban.core import calendar as db_calendar
        from tongban.core.calendar import WorkingDayCalendar
        from tongban.core.services import _package_years

        years = range(FIRST.year, max(d.year for d in chinese_calendar.holidays) + 1)
        rows = [row for year_rows in _package_years().values() for row in year_rows]
        t0 = time.perf_counter()
        cal = WorkingDayCalendar.build(rows, years)
        build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        db_calendar.invalidate()
        db_calendar.get_calendar()  # first load from the database, outside the timed loop
        load_s = time.perf_counter() - t0

        is_workday = chinese_calendar.is_workday
        floor_s, floor_out = best_of(1, lambda: [naive_add(s, n, is_workday) for s, n in inputs])
        pure_add = cal.add_working_days
        pure_s, pure_out = best_of(args.repeats, lambda: [pure_add(s, n) for s, n in inputs])
        db_add = db_calendar.add_working_days
        db_s, db_out = best_of(args.repeats, lambda: [db_add(s, n) for s, n in inputs])

    mismatches = sum(1 for a, b, c in zip(floor_out, pure_out, db_out, strict=True) if not a == b == c)
    pure_ratio, db_ratio = floor_s / pure_s, floor_s / db_s
    ok = mismatches == 0 and pure_ratio >= TARGET and db_ratio >= TARGET

    per_call = lambda s: s / args.calls * 1e6  # noqa: E731  microseconds per call
    print(f"bench_calendar: {args.calls} calls, start dates {FIRST}..{LAST_START}, n in 1..60, seed {args.seed}")
    print(f"  calendar build from package data : {build_s * 1e3:8.1f} ms (once)")
    print(f"  calendar first load from SQLite  : {load_s * 1e3:8.1f} ms (once)")
    print(f"  floor  day-by-day is_workday loop: {floor_s:8.3f} s  {per_call(floor_s):8.2f} us/call")
    print(f"  pure   WorkingDayCalendar        : {pure_s:8.3f} s  {per_call(pure_s):8.2f} us/call  "
          f"speed-up {pure_ratio:7.1f}x")
    print(f"  db     calendar.add_working_days : {db_s:8.3f} s  {per_call(db_s):8.2f} us/call  "
          f"speed-up {db_ratio:7.1f}x")
    print(f"  identical answers: {len(inputs) - mismatches}/{len(inputs)}"
          + ("" if not mismatches else f"  ({mismatches} MISMATCHES)"))
    print(f"  target >= {TARGET:.0f}x: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    sys.exit(main())
