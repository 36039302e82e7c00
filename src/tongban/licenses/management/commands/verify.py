import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = ("Verify a sealed PDF or a license QR payload; prints the verdict with its reasons. "
            "Exit status 0 when valid, 1 when not.")

    def add_arguments(self, parser):
        parser.add_argument("target", help="a PDF file, a QR payload (TB1:...), or '-' to read a payload from stdin")
        parser.add_argument("--keys", help="platform key set (keys.json) for offline QR verification")
        parser.add_argument("--revocations", help="signed revocation list (revocations.json) for offline use")

    def handle(self, *args, target, keys=None, revocations=None, **options):
        from tongban.licenses import qr, selectors
        from tongban.signing import platform_keys
        from tongban.signing import selectors as signing_selectors

        if target == "-":
            target = sys.stdin.read().strip()
        path = Path(target)
        if not target.upper().startswith(qr.PREFIX) and path.exists():
            report = signing_selectors.pdf_verify(path.read_bytes())
            self.stdout.write(report.summary())
            if not report.valid:
                sys.exit(1)
            return
        key_set = platform_keys.parse_key_set(json.loads(Path(keys).read_text())) if keys else None
        revoked = None
        if revocations:
            revoked = selectors.revocation_list_verify(json.loads(Path(revocations).read_text()), keys=key_set)
        if key_set is None and revoked is None:
            check = selectors.license_public_check(code=target)
            self.stdout.write((_("VALID") if check.valid else _("INVALID")) + (f" {check.identifier}" if check.identifier else ""))
            if check.found:
                self.stdout.write(f"  {check.type_name} · {check.holder} · {check.status_label}")
            for r in check.reasons:
                self.stdout.write(f"- {r}")
            if not check.valid:
                sys.exit(1)
            return
        result = qr.verify(target, keys=key_set, revoked=revoked)
        self.stdout.write((_("VALID") if result.valid else _("INVALID")) + (f" {result.identifier}" if result.identifier else ""))
        for r in result.reasons:
            self.stdout.write(f"- {r}")
        if not result.valid:
            sys.exit(1)
