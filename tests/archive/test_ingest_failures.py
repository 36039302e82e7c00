"""A package that fails a check, or a crash while packaging, never reaches the archive."""

import pytest

from tests.archive.conftest import contract_pdf
from tongban.archive import checks, services
from tongban.archive.models import ArchivePackage, ArchiveRecord, IngestState
from tongban.archive.storage import get_storage
from tongban.cases.models import CaseEvent, CaseMaterial
from tongban.core.errors import Conflict


def _nothing_stored():
    storage = get_storage()
    staging = storage.root / ".staging"
    return storage.keys() == [] and (not staging.exists() or not any(staging.iterdir()))


def test_a_material_changed_since_upload_fails_authenticity_with_the_reason(delivered_case, settings):
    number = delivered_case()
    material = CaseMaterial.objects.get(case__number=number, name="购房合同")
    (settings.MEDIA_ROOT / material.file_path).write_bytes(contract_pdf("altered after upload"))

    assert services.case_archive(number=number) is None
    record = ArchiveRecord.objects.get(case_number=number)
    assert record.state == IngestState.FAILED
    assert "真实性：data/materials/01-购房合同.pdf：SHA-256 值" in record.reason
    assert "与办件记录中的" in record.reason and "不一致" in record.reason
    assert not ArchivePackage.objects.filter(case_number=number).exists()
    assert CaseEvent.objects.filter(case__number=number, action="archive_failed").exists()
    assert _nothing_stored()


def test_a_virus_signature_fails_the_security_check(delivered_case):
    eicar = contract_pdf() + b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    number = delivered_case(contract=eicar)
    assert services.case_archive(number=number) is None
    reason = ArchiveRecord.objects.get(case_number=number).reason
    assert reason.startswith("安全性：data/materials/01-购房合同.pdf：含有病毒测试特征码")


def test_a_crash_while_packaging_leaves_nothing_and_a_retry_succeeds(delivered_case, monkeypatch):
    number = delivered_case()

    def crash(**kwargs):
        raise OSError("disk unplugged")

    monkeypatch.setattr(checks, "security", crash)
    with pytest.raises(OSError):
        services.case_archive(number=number)
    assert not ArchivePackage.objects.filter(case_number=number).exists()
    assert _nothing_stored()

    monkeypatch.undo()
    package = services.case_archive(number=number)
    assert package is not None and get_storage().exists(package.storage_key)
    assert ArchiveRecord.objects.get(case_number=number).attempts == 2


def test_an_undelivered_case_is_not_archived(concluded_case):
    with pytest.raises(Conflict) as exc:
        services.case_archive(number=concluded_case())
    assert exc.value.code == "case_not_delivered"
