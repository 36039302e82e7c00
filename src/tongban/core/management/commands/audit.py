import sys

from django.core.management.base import BaseCommand

from tongban.core.audit import audit_chain_verify


class Command(BaseCommand):
    help = "Audit log: `tongban audit verify` checks the hash chain; exit 1 on any tampering."
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute every hash and link of the audit chain")

    def handle(self, *args, action, **options):
        report = audit_chain_verify()
        for problem in report.problems:
            self.stderr.write(problem)
        if report.ok:
            self.stdout.write(f"audit chain intact: {report.checked} entries")
        else:
            self.stderr.write(f"audit chain BROKEN: {len(report.problems)} problems in {report.checked} entries")
            sys.exit(1)
