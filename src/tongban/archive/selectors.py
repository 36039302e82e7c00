"""Archive reads: search (staff see their centers' packages), ingest status, proof and the
zip export for transfer to the archives office."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tongban.archive.models import ArchiveEvent, ArchivePackage, ArchiveRecord
from tongban.archive.storage import get_storage
from tongban.cases.applicants import id_index
from tongban.core.errors import Conflict, NotFound
from tongban.org.scoping import scope_by_center


def package_search(*, user, case_number: str = "", applicant_id: str = "", item_code: str = "",
                   date_from: date | None = None, date_to: date | None = None, limit: int = 50) -> QuerySet:
    """Applicants are found by the blind index of their ID number or credit code."""
    qs = scope_by_center(ArchivePackage.objects.all(), user)
    if case_number:
        qs = qs.filter(case_number=case_number.strip())
    if applicant_id:
        qs = qs.filter(applicant_index=id_index(applicant_id.strip().upper().replace(" ", "")))
    if item_code:
        qs = qs.filter(item_code=item_code.strip())
    if date_from:
        qs = qs.filter(concluded_on__gte=date_from)
    if date_to:
        qs = qs.filter(concluded_on__lte=date_to)
    return qs.select_related("batch").order_by("-concluded_on", "case_number")[:limit]


def package_get(*, user, case_number: str) -> ArchivePackage:
    package = scope_by_center(ArchivePackage.objects.select_related("batch"), user).filter(
        case_number=case_number).first()
    if package is None:
        raise NotFound(_("No archive package for case %(n)s.") % {"n": case_number}, code="package_not_found")
    return package


def record_status(*, case_number: str) -> ArchiveRecord | None:
    return ArchiveRecord.objects.filter(case_number=case_number).first()


def package_events(*, case_number: str) -> QuerySet[ArchiveEvent]:
    return ArchiveEvent.objects.filter(case_number=case_number).order_by("id")


def package_proof(package: ArchivePackage) -> dict:
    batch = package.batch
    if batch is None:
        raise Conflict(_("Package %(n)s is not in the register yet; it is sealed at the next daily close.")
                       % {"n": package.case_number}, code="not_in_register")
    return {
        "case_number": package.case_number, "leaf": package.leaf_hash,
        "leaf_rule": "SHA-256(0x00 || canonical JSON {kind: package, case, tagmanifest: SHA-256 of "
                     "tagmanifest-sha256.txt})",
        "batch": {"seq": batch.seq, "day": batch.day.isoformat(), "merkle_root": batch.merkle_root,
                  "prev_root": batch.prev_root, "chain_root": batch.chain_root,
                  "chain_rule": "SHA-256(prev_root || merkle_root)", "leaf_index": package.leaf_index,
                  "tsa_token_der_base64": base64.b64encode(bytes(batch.tsa_token)).decode()},
        "inclusion_proof": package.proof,
        "node_rule": "SHA-256(0x01 || left || right); an odd last node is promoted",
    }


def package_export_zip(package: ArchivePackage) -> bytes:
    """The bag as a zip (directory <case number>/...) plus proof.json beside it."""
    if package.disposed_at is not None:
        raise Conflict(_("Package %(n)s was disposed of.") % {"n": package.case_number}, code="package_disposed")
    storage = get_storage()
    root = storage.local_path(package.storage_key)
    if not root.is_dir():
        raise Conflict(_("Package %(n)s is missing from storage: run archive verify.") % {"n": package.case_number},
                       code="package_missing")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            zf.write(path, f"{package.case_number}/{path.relative_to(root).as_posix()}")
        zf.writestr(f"{package.case_number}.proof.json",
                    json.dumps(package_proof(package), ensure_ascii=False, indent=1))
    return buf.getvalue()
