import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tongban.core.dbrouter import reporting_reads
from tongban.stats.filters import StatsFilter


class Command(BaseCommand):
    help = "Reports from the platform's records: `report annual YEAR`, `report period --year Y [--month M | --quarter Q]`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        annual = sub.add_parser("annual", help="the year-end report (PDF and HTML, Chinese)")
        annual.add_argument("year", type=int)
        annual.add_argument("--out", help="output path without suffix (default var/reports/annual-YEAR)")
        period = sub.add_parser("period", help="period report per center and item (Excel and PDF)")
        period.add_argument("--year", type=int, required=True)
        group = period.add_mutually_exclusive_group()
        group.add_argument("--month", type=int)
        group.add_argument("--quarter", type=int)
        period.add_argument("--out", help="output path without suffix")

    @reporting_reads()
    def handle(self, *args, kind, **options):
        started = time.monotonic()
        if kind == "annual":
            from tongban.stats.annual import build_annual
            from tongban.stats.render import write_annual

            report = build_annual(options["year"])
            pdf, html = write_annual(report, out=options.get("out"))
            self.stdout.write(f"annual report {options['year']}: {pdf} {html} ({time.monotonic() - started:.2f} s)")
            return
        from tongban.stats.period import build_period, to_pdf, to_xlsx

        year, month, quarter = options["year"], options.get("month"), options.get("quarter")
        if month and not 1 <= month <= 12 or quarter and not 1 <= quarter <= 4:
            raise CommandError("--month is 1-12, --quarter 1-4")
        f = (StatsFilter.month(year, month) if month else StatsFilter.quarter(year, quarter) if quarter
             else StatsFilter.year(year))
        report = build_period(f)
        suffix = f"{year}" + (f"-{month:02d}" if month else f"-Q{quarter}" if quarter else "")
        base = Path(options.get("out") or Path(settings.VAR_DIR) / "reports" / f"period-{suffix}")
        base = base.with_suffix("") if base.suffix in (".xlsx", ".pdf") else base
        base.parent.mkdir(parents=True, exist_ok=True)
        base.with_suffix(".xlsx").write_bytes(to_xlsx(report))
        base.with_suffix(".pdf").write_bytes(to_pdf(report))
        self.stdout.write(f"period report {suffix}: {base}.xlsx {base}.pdf ({time.monotonic() - started:.2f} s)")
