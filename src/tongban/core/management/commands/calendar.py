from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tongban.core import calendar
from tongban.core.calendar_import import parse_file
from tongban.core.errors import DomainError
from tongban.core.models import CalendarYear
from tongban.core.services import calendar_import, calendar_seed_from_package


class Command(BaseCommand):
    requires_system_checks = []
    help = "Working-day calendar: list covered years, import a year, compute a due date."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("years", help="list the years with holiday data")
        sub.add_parser("seed", help="load every year the chinese-calendar package covers")
        imp = sub.add_parser("import", help="add a year from a YAML or CSV file")
        imp.add_argument("file", type=Path)
        imp.add_argument("--replace", action="store_true", help="replace a year already covered")
        due = sub.add_parser("due", help="the date of the Nth working day after START")
        due.add_argument("start", help="YYYY-MM-DD (not counted itself)")
        due.add_argument("days", type=int)

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None

    def do_years(self, **options):
        rows = CalendarYear.objects.order_by("year")
        if not rows:
            raise CommandError("No calendar years loaded. Run: tongban calendar seed")
        for cy in rows:
            self.stdout.write(f"{cy.year}\t{cy.source}\t{cy.days.count()} days\t{cy.note}")

    def do_seed(self, **options):
        added = calendar_seed_from_package()
        self.stdout.write(f"added {len(added)} years" + (f": {added[0]}-{added[-1]}" if added else ""))

    def do_import(self, *, file, replace, **options):
        cy = calendar_import(schedule=parse_file(file), replace=replace)
        calendar.invalidate()
        self.stdout.write(f"imported {cy.year}: {cy.days.count()} days")

    def do_due(self, *, start, days, **options):
        try:
            start_date = datetime.strptime(start, "%Y-%m-%d").date()
        except ValueError:
            raise CommandError(f"START must be a date in YYYY-MM-DD form, not {start!r}") from None
        self.stdout.write(calendar.add_working_days(start_date, days).isoformat())
