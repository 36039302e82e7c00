from datetime import date

from django.core.management.base import BaseCommand, CommandError

from tongban.stats.rollup import rollup_rebuild


class Command(BaseCommand):
    help = "Statistics upkeep: `stats rollup [--since DATE] [--through DATE]` rebuilds the daily roll-up from the cases."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rollup = sub.add_parser("rollup", help="rebuild the roll-up (all days, or from --since)")
        rollup.add_argument("--since", help="first day to rebuild (YYYY-MM-DD); default: every day")
        rollup.add_argument("--through", help="last day to rebuild (YYYY-MM-DD); default: yesterday")

    def handle(self, *args, action, since=None, through=None, **options):
        def parse(name, raw):
            try:
                return date.fromisoformat(raw) if raw else None
            except ValueError:
                raise CommandError(f"--{name} must be a date like 2023-01-31") from None

        result = rollup_rebuild(since=parse("since", since), through=parse("through", through))
        self.stdout.write(f"roll-up rebuilt from {result.since or 'the first day'} through {result.through}: "
                          f"{result.rows} day rows, {result.durations} duration rows, {result.seconds:.1f} s")
