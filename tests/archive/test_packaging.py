"""A delivered case is packaged automatically into a BagIt bag that independent tools accept,
with every component, the four-property checks recorded, and its place in the register."""

import hashlib
import json
import zipfile

from tests.archive.conftest import bagit_validate
from tongban.archive import services
from tongban.archive.models import ArchiveEvent, ArchivePackage, ArchiveRecord, IngestState
from tongban.archive.storage import get_storage
from tongban.archive.verify import verify
from tongban.cases import services as case_services
from tongban.cases.models import CaseEvent, CaseMaterial


def test_delivery_archives_the_case_in_the_background(concluded_case, fd_clerk,
                                                      django_capture_on_commit_callbacks):
    number = concluded_case()
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_deliver(actor=fd_clerk, number=number, method="pickup")

    package = ArchivePackage.objects.get(case_number=number)
    assert ArchiveRecord.objects.get(case_number=number).state == IngestState.ARCHIVED
    assert CaseEvent.objects.filter(case__number=number, action="archive").exists()
    root = get_storage().local_path(package.storage_key)
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt",
            "premis.xml", "data/case.json", "data/events.json", "data/metadata.xml",
            "data/documents/decision.pdf"} <= files
    material = CaseMaterial.objects.get(case__number=number, name="购房合同")
    copied = [f for f in files if f.startswith("data/materials/")]
    assert len(copied) == 1
    assert hashlib.sha256((root / copied[0]).read_bytes()).hexdigest() == material.sha256
    case_json = json.loads((root / "data/case.json").read_text())
    assert case_json["applicant"]["id_number"].count("*") == 10  # masked, never the clear number
    events = [e["action"] for e in json.loads((root / "data/events.json").read_text())]
    assert events[:2] == ["submit", "accept"] and "deliver" in events
    premis = (root / "premis.xml").read_text()
    for event in ("fixity check", "validation", "format validation", "virus check", "ingestion"):
        assert f"<premis:eventType>{event}</premis:eventType>" in premis
    checks = set(ArchiveEvent.objects.filter(case_number=number).values_list("event_type", "outcome"))
    assert {("check_authenticity", "success"), ("check_integrity", "success"), ("check_usability", "success"),
            ("check_security", "success")} <= checks

    result = bagit_validate(root)
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stderr + result.stdout


def test_sealed_decision_is_pades_b_lta_and_pdfsig_accepts_it(delivered_case, nssdb):
    from tests.signing.conftest import pdfsig

    number = delivered_case()
    package = services.case_archive(number=number)
    decision = get_storage().local_path(package.storage_key) / "data/documents/decision.pdf"
    out = pdfsig(decision, nssdb)
    # the department seal verifies; the B-LTA document timestamp follows it (pdfsig lists it but
    # cannot validate timestamp signatures; pyHanko validated it at ingest)
    assert out.count("Signature is Valid.") == 1, out
    assert "Certificate is Trusted" in out, out
    assert "Timestamp Authority" in out
    assert "Digest Mismatch" not in out


def test_register_close_chains_and_verify_is_clean(delivered_case):
    first = services.case_archive(number=delivered_case())
    batch1 = services.register_close()
    second = services.case_archive(number=delivered_case())
    batch2 = services.register_close()
    assert batch2.prev_root == batch1.chain_root
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.batch_id, second.batch_id) == (batch1.pk, batch2.pk)
    assert services.register_close() is None  # nothing pending
    report = verify()
    assert report.ok, report.summary()
    assert report.packages_checked == 2 and report.batches == 2


def test_export_zip_carries_the_bag_and_its_proof(delivered_case, fd_clerk, tmp_path):
    package = services.case_archive(number=delivered_case())
    services.register_close()
    package.refresh_from_db()
    data = services.package_export(actor=fd_clerk, package=package)
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as zf:
        names = zf.namelist()
        proof = json.loads(zf.read(f"{package.case_number}.proof.json"))
        zf.extractall(tmp_path / "x")
    assert f"{package.case_number}/data/case.json" in names
    assert proof["leaf"] == package.leaf_hash and proof["batch"]["seq"] == 1
    assert bagit_validate(tmp_path / "x" / package.case_number).returncode == 0
