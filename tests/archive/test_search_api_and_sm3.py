"""Search by case number, applicant (blind index), item and date; the ingest status with its
reason over the API; SM3 manifests under national cryptography."""

import bagit
from django.test import Client

from tests import factories
from tests.archive.conftest import bagit_validate
from tongban.archive import bag as bagmod
from tongban.archive import selectors, services
from tongban.archive.storage import get_storage
from tongban.signing import gm


def test_search_finds_by_applicant_item_and_date_within_the_users_centers(delivered_case, fd_clerk, jh_clerk):
    id_number = factories.id_number()
    mine = services.case_archive(number=delivered_case(id_number=id_number))
    services.case_archive(number=delivered_case())
    found = selectors.package_search(user=fd_clerk, applicant_id=id_number)
    assert [p.case_number for p in found] == [mine.case_number]
    assert len(selectors.package_search(user=fd_clerk, item_code="GJJ-7101")) == 2
    assert len(selectors.package_search(user=fd_clerk, date_from=mine.concluded_on, date_to=mine.concluded_on)) == 2
    assert len(selectors.package_search(user=fd_clerk, item_code="OTHER")) == 0
    assert list(selectors.package_search(user=jh_clerk, applicant_id=id_number)) == []


def test_api_shows_why_a_case_is_not_archived(delivered_case, fd_clerk, settings):
    from tongban.cases.models import CaseMaterial

    number = delivered_case()
    m = CaseMaterial.objects.get(case__number=number, name="购房合同")
    (settings.MEDIA_ROOT / m.file_path).write_bytes(b"%PDF-1.4 broken")
    services.case_archive(number=number)
    client = Client()
    client.force_login(fd_clerk)
    body = client.get(f"/api/archive/cases/{number}").json()
    assert body["state"] == "failed"
    assert "真实性：data/materials/01-购房合同.pdf" in body["reason"]
    assert "可用性：data/materials/01-购房合同.pdf：PDF 无法打开" in body["reason"]
    assert client.get("/api/archive/packages", {"case_number": number}).json() == []


def test_sm3_manifests_when_national_cryptography_is_on(delivered_case, settings):
    settings.TONGBAN_ARCHIVE_SM3 = True
    package = services.case_archive(number=delivered_case())
    root = get_storage().local_path(package.storage_key)
    sm3 = bagmod.parse_manifest((root / "manifest-sm3.txt").read_text())
    assert sm3["data/case.json"] == gm.sm3_hex((root / "data/case.json").read_bytes())
    bagmod.enable_sm3()
    bag = bagit.Bag(str(root))
    assert "sm3" in bag.algorithms
    assert bag.is_valid()  # full re-hash including SM3
    assert bagit_validate(root).returncode == 0
    assert bagmod.SM3Hash(b"abc").hexdigest() == gm.sm3_hex(b"abc")
