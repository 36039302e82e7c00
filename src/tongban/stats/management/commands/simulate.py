import time

from django.core.management.base import BaseCommand, CommandError

from tongban.stats.simulate import YearSimulator


class Command(BaseCommand):
    help = ("Simulate a year of the demo regions (cases, events, materials, ratings) shaped like the "
            "mission year; --scale 1 is about 1,050,000 cases. Loads the demo data first if needed.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2023)
        parser.add_argument("--scale", type=float, default=0.01)
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument("--sample", type=int, default=None,
                            help="cases run through the platform's services (default: 20-200 by scale)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, year, scale, seed, sample, no_progress, **options):
        if scale <= 0 or scale > 10:
            raise CommandError("--scale must be above 0 and at most 10")
        started = time.monotonic()
        sim = YearSimulator(year=year, scale=scale, seed=seed, sample=sample, progress=not no_progress,
                            stdout=self.stderr._out if hasattr(self.stderr, "_out") else None)
        try:
            result = sim.run()
        except Exception as exc:  # calendar not covered, no catalog...
            if exc.__class__.__name__ in ("CalendarNotCovered", "RuntimeError"):
                raise CommandError(str(exc)) from exc
            raise
        elapsed = time.monotonic() - started
        counts = ", ".join(f"{k} {v}" for k, v in sorted(result.counts.items()))
        self.stdout.write(
            f"simulated {year}: {result.cases} cases ({result.via_services} through the services), "
            f"{result.events} events (bulk), {result.materials} materials, {result.ratings} ratings, "
            f"{result.applicants} applicants; {counts}; {elapsed:.1f} s "
            f"(of which the statistics roll-up {result.rollup_seconds:.1f} s)"
        )
