import pytest
import time_machine

from tests import factories
from tongban.cases.applicants import ApplicantInput
from tongban.cases.services import MaterialInput, UploadInput, case_submit
from tongban.catalog.services import MaterialSpec

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _in_a_covered_year():
    """Case tests run on a working Monday of 2023 (clock ticking), inside the calendar's data;
    tests that need another day travel there themselves."""
    with time_machine.travel("2023-06-05 09:30 +0800", tick=True):
        yield


@pytest.fixture
def permit_item(org):
    """An item with a special procedure (site inspection) and two required materials."""
    return factories.item(
        "GJJ-7001", name="住房公积金提取（购房）", legal=20, promised=5, special_steps=["现场勘验"],
        materials=[
            MaterialSpec(name="居民身份证", shared_source="population", data_item="identity"),
            MaterialSpec(name="购房合同"),
            MaterialSpec(name="婚姻状况证明", required=False),
        ],
    )


def applicant(id_number=None, name="王小明"):
    return ApplicantInput(kind="person", name=name, id_number=id_number or factories.id_number(),
                          phone="13800138000")


def full_materials():
    return [
        MaterialInput(name="居民身份证", status="exempted", source="population", exemption_reason="共享数据"),
        MaterialInput(name="购房合同", file=UploadInput(name="contract.pdf", data=PDF, content_type="application/pdf")),
    ]


@pytest.fixture
def submit(permit_item, fd_clerk):
    def make(*, actor=None, materials=None, id_number=None, name="王小明"):
        return case_submit(actor=actor or fd_clerk, item_code="GJJ-7001", applicant=applicant(id_number, name),
                           materials=full_materials() if materials is None else materials)
    return make
