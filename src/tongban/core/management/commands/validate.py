import sys

from django.core.management.base import BaseCommand

from tongban.core.errors import InvalidInput
from tongban.core.validation import county_name, parse_id_number, validate_credit_code


class Command(BaseCommand):
    requires_system_checks = []
    help = "Check a citizen ID number or a unified social credit code; exit 0 valid, 1 invalid."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        sub.add_parser("id", help="citizen ID number (GB 11643)").add_argument("number")
        sub.add_parser("credit-code", help="unified social credit code (GB 32100)").add_argument("number")

    def handle(self, *args, kind, number, **options):
        try:
            if kind == "id":
                parts = parse_id_number(number)
                self.stdout.write(
                    f"valid: {parts.number} born {parts.birth_date.isoformat()} "
                    f"{'male' if parts.gender == 'M' else 'female'}, issued in "
                    f"{parts.region_code} {county_name(parts.region_code) or ''}".rstrip()
                )
            else:
                self.stdout.write(f"valid: {validate_credit_code(number)}")
        except InvalidInput as exc:
            self.stderr.write(f"invalid: {exc.message}")
            sys.exit(1)
