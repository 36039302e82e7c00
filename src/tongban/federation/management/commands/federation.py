"""`tongban federation ...`: partners, agreements, delivery and the auditors' log.

    tongban federation export-key [--out FILE]                 this deployment's public key (PEM)
    tongban federation partner add --region 610400 --url URL [--key-file PEM] [--name NAME]
    tongban federation partner list
    tongban federation agreement import FILE.yaml
    tongban federation send [--partner REGION] [--loop SECONDS]  drain the outbox (once, or in a loop)
    tongban federation export-log [--out FILE] [--direction in|out]
    tongban federation verify-log FILE --key PEM [--key PEM ...]   offline, no database needed
"""

import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tongban.core.errors import DomainError


class Command(BaseCommand):
    help = "Cross-region federation: keys, partners, agreements, outbox delivery, message log."
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True)
        p = sub.add_parser("export-key", help="print this deployment's public signing key (PEM)")
        p.add_argument("--out")
        partner = sub.add_parser("partner", help="partner deployments").add_subparsers(dest="partner_sub",
                                                                                      required=True)
        p = partner.add_parser("add", help="register a partner or update it; add its key")
        p.add_argument("--region", required=True)
        p.add_argument("--url", required=True)
        p.add_argument("--key-file")
        p.add_argument("--name", default="")
        partner.add_parser("list", help="list partners and keys")
        agreement = sub.add_parser("agreement", help="agreements").add_subparsers(dest="agreement_sub",
                                                                                 required=True)
        p = agreement.add_parser("import", help="import or update an agreement file (YAML)")
        p.add_argument("file")
        p = sub.add_parser("send", help="deliver due outbox messages")
        p.add_argument("--partner")
        p.add_argument("--loop", type=float, default=0, help="repeat every N seconds until stopped")
        p = sub.add_parser("export-log", help="export the message log as JSON Lines")
        p.add_argument("--out")
        p.add_argument("--direction", choices=["in", "out"])
        p = sub.add_parser("verify-log", help="verify an exported log offline")
        p.add_argument("file")
        p.add_argument("--key", "--partner-key", dest="keys", action="append", required=True,
                       help="PEM public key of a signer (repeat for both deployments)")

    def handle(self, *args, sub, **options):
        try:
            getattr(self, "do_" + sub.replace("-", "_"))(**options)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None

    def _write(self, text: str, out: str | None) -> None:
        if out:
            Path(out).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")

    def do_export_key(self, *, out=None, **_):
        from tongban.federation.registry import own_key_pem

        self._write(own_key_pem(), out)

    def do_partner(self, *, partner_sub, **options):
        from tongban.federation import jws
        from tongban.federation.models import Partner
        from tongban.federation.registry import partner_add

        if partner_sub == "list":
            for p in Partner.objects.prefetch_related("keys"):
                keys = ", ".join(f"{k.kid}{' (revoked)' if k.revoked_at else ''}" for k in p.keys.all())
                self.stdout.write(f"{p.region_code} {p.name} {p.endpoint_url} keys: {keys or '-'}")
            return
        key = None
        if options.get("key_file"):
            try:
                key = jws.parse_pem(Path(options["key_file"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read the key file: {exc}") from None
        partner = partner_add(region_code=options["region"], url=options["url"], key=key, name=options["name"])
        self.stdout.write(f"partner {partner.region_code} {partner.name} at {partner.endpoint_url}"
                          + (f", key {key.kid}" if key else ""))

    def do_agreement(self, *, agreement_sub, file, **_):
        from tongban.federation.registry import agreement_import

        agreement = agreement_import(text=Path(file).read_text(encoding="utf-8"))
        self.stdout.write(f"agreement {agreement.code} with {agreement.partner.region_code}: "
                          f"{agreement.items.count()} items, {agreement.valid_from} .. {agreement.valid_until or '-'}")

    def do_send(self, *, partner=None, loop=0, **_):
        from tongban.federation.outbox import outbox_send

        while True:
            counts = outbox_send(partner_region=partner)
            self.stdout.write(json.dumps(counts))
            if not loop:
                return
            time.sleep(loop)

    def do_export_log(self, *, out=None, direction=None, **_):
        from tongban.federation.auditlog import export_lines

        handle = open(out, "w", encoding="utf-8") if out else sys.stdout  # noqa: SIM115
        try:
            n = 0
            for line in export_lines(direction=direction):
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
                n += 1
        finally:
            if out:
                handle.close()
        if out:
            self.stdout.write(f"{n} messages written to {out}")

    def do_verify_log(self, *, file, keys, **_):
        from tongban.federation.auditlog import load_keys, verify_lines

        try:
            loaded = load_keys(Path(k).read_text(encoding="utf-8") for k in keys)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read a key: {exc}") from None
        with open(file, encoding="utf-8") as handle:
            report = verify_lines(handle, loaded)
        for failure in report.failures:
            self.stdout.write(f"FAIL {failure}")
        self.stdout.write(f"{report.checked} lines: {report.verified} signatures verified, "
                          f"{report.rejected_as_logged} logged as rejected at receipt, {len(report.failures)} failures")
        if not report.ok:
            raise CommandError("the message log does NOT verify")
        self.stdout.write("OK")
