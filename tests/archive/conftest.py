import io
import shutil
import subprocess

import pytest
import time_machine
from reportlab.pdfgen import canvas

from tests import factories
from tests.cases.conftest import applicant
from tests.signing.conftest import market, market_seal, nssdb, pdfsig, platform_ca  # noqa: F401
from tongban.cases import services as case_services
from tongban.cases.services import MaterialInput, UploadInput
from tongban.catalog.models import Department
from tongban.catalog.services import MaterialSpec
from tongban.signing import services as signing_services
from tongban.signing.models import SealKind

ITEM = "GJJ-7101"


def contract_pdf(text: str = "Housing purchase contract") -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 760, text)
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(autouse=True)
def _archive_env(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TONGBAN_ARCHIVE_ROOT = tmp_path / "archive"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.TONGBAN_ARCHIVE_SM3 = False
    with time_machine.travel("2023-06-05 09:30 +0800", tick=True):
        yield


@pytest.fixture
def housing_item(org):
    return factories.item(ITEM, name="住房公积金提取（购房）", legal=20, promised=5, materials=[
        MaterialSpec(name="居民身份证", shared_source="population", data_item="identity"),
        MaterialSpec(name="购房合同"),
    ])


@pytest.fixture
def housing_seal(platform_ca, housing_item):  # noqa: F811
    return signing_services.seal_create(department=Department.objects.get(code="housing_fund"),
                                        code="GJJ-APPROVAL-01", kind=SealKind.APPROVAL,
                                        valid_days=10 * 365)  # pdfsig judges at the real date


@pytest.fixture
def concluded_case(housing_seal, fd_clerk, fd_approver):
    """A case of 沣东 taken to conclusion with an uploaded contract; not yet delivered."""
    def make(*, id_number=None, contract: bytes | None = None):
        case = case_services.case_submit(
            actor=fd_clerk, item_code=ITEM, applicant=applicant(id_number),
            materials=[MaterialInput(name="居民身份证", status="exempted", source="population", exemption_reason="共享数据"),
                       MaterialInput(name="购房合同", file=UploadInput(name="contract.pdf", data=contract or contract_pdf(),
                                                                    content_type="application/pdf"))])
        n = case.number
        case_services.case_accept(actor=fd_clerk, number=n)
        case_services.case_start_review(actor=fd_approver, number=n)
        case_services.case_approve(actor=fd_approver, number=n, note="符合条件，准予提取")
        case_services.case_conclude(actor=fd_approver, number=n)
        return n
    return make


@pytest.fixture
def delivered_case(concluded_case, fd_clerk):
    """Delivered without running the on-commit archive hook (tests archive it themselves)."""
    def make(**kw):
        n = concluded_case(**kw)
        case_services.case_deliver(actor=fd_clerk, number=n, method="pickup")
        return n
    return make


def bagit_validate(path) -> subprocess.CompletedProcess:
    exe = shutil.which("bagit.py") or str(__import__("pathlib").Path(__import__("sys").executable).parent / "bagit.py")
    return subprocess.run([exe, "--validate", str(path)], capture_output=True, text=True)
