import sys
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tongban.core.errors import DomainError


class Command(BaseCommand):
    help = ("Electronic archive: package a case, close the register, verify packages and the chain, "
            "search, export, retention and disposal.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("package", help="archive a delivered case now")
        p.add_argument("number")
        sub.add_parser("close", help="seal pending packages and disposals into the register")
        p = sub.add_parser("verify", help="re-hash packages, check inclusion proofs and the chain")
        p.add_argument("--sample", type=int, help="re-hash only N random packages")
        p.add_argument("--chain-only", action="store_true", help="check the register chain only")
        p = sub.add_parser("status", help="whether a case is archived, and if not why")
        p.add_argument("number")
        p = sub.add_parser("export", help="write a package and its proof as a zip")
        p.add_argument("number")
        p.add_argument("output")
        p = sub.add_parser("retention", help="set an item's retention class")
        p.add_argument("item_code")
        p.add_argument("retention", choices=["10y", "30y", "permanent"])
        p = sub.add_parser("dispose-list", help="draw up the list of packages whose retention ended")
        p.add_argument("--as-of", type=date.fromisoformat)
        p.add_argument("--user", required=True, help="username of the archivist drawing it up")
        p = sub.add_parser("dispose-approve", help="approve (and execute) a disposal list")
        p.add_argument("list_id", type=int)
        p.add_argument("--user", required=True, help="username of the approving archivist")
        p.add_argument("--note", default="")

    def _user(self, username):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username}")
        return user

    def handle(self, *args, action, **o):
        from tongban.archive import selectors, services
        from tongban.archive.verify import verify

        try:
            if action == "package":
                package = services.case_archive(number=o["number"])
                if package is None:
                    record = selectors.record_status(case_number=o["number"])
                    self.stderr.write(f"NOT ARCHIVED {o['number']}:\n{record.reason}")
                    sys.exit(1)
                self.stdout.write(f"archived {package.case_number} -> {package.storage_key} "
                                  f"({package.file_count} files, {package.size} bytes)")
            elif action == "close":
                batch = services.register_close()
                self.stdout.write(f"register batch #{batch.seq}: {batch.leaf_count} entries, chain root "
                                  f"{batch.chain_root}" if batch else "nothing pending")
            elif action == "verify":
                report = verify(sample=o["sample"], chain_only=o["chain_only"])
                self.stdout.write(report.summary())
                if not report.ok:
                    sys.exit(1)
            elif action == "status":
                record = selectors.record_status(case_number=o["number"])
                self.stdout.write("not archived (never attempted)" if record is None else
                                  f"{record.state} (attempts {record.attempts})\n{record.reason}".rstrip())
                for ev in selectors.package_events(case_number=o["number"]):
                    self.stdout.write(f"  {ev.at:%Y-%m-%d %H:%M:%S} {ev.event_type} {ev.outcome} {ev.detail}")
            elif action == "export":
                from tongban.archive.models import ArchivePackage

                package = ArchivePackage.objects.filter(case_number=o["number"]).first()
                if package is None:
                    raise CommandError(f"no archive package for {o['number']}")
                Path(o["output"]).write_bytes(selectors.package_export_zip(package))
                self.stdout.write(f"wrote {o['output']}")
            elif action == "retention":
                services.retention_rule_set(actor=None, item_code=o["item_code"], retention=o["retention"])
                self.stdout.write(f"{o['item_code']}: {o['retention']}")
            elif action == "dispose-list":
                dl = services.disposal_list_create(actor=self._user(o["user"]), as_of=o["as_of"])
                self.stdout.write(f"disposal list D{dl.pk}: " + ", ".join(p.case_number for p in dl.packages.all()))
            elif action == "dispose-approve":
                dl = services.disposal_list_approve(actor=self._user(o["user"]), disposal_id=o["list_id"],
                                                    note=o["note"])
                self.stdout.write(f"disposal list D{dl.pk} executed; recorded in the register at the next close")
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
