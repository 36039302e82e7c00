import io
import shutil
import subprocess

import pytest
from reportlab.pdfgen import canvas

from tongban.catalog.services import department_ensure
from tongban.signing import services
from tongban.signing.models import SealKind
from tongban.signing.pdf import cjk_font


@pytest.fixture
def platform_ca(db):
    return services.ca_ensure()


@pytest.fixture
def market(db):
    return department_ensure(code="market", name="西咸新区行政审批服务局（市场准入）")


@pytest.fixture
def market_seal(platform_ca, market):
    return services.seal_create(department=market, code="MARKET-LIC-01", kind=SealKind.LICENSE)


def simple_pdf(text: str = "准予行政许可决定书") -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(cjk_font(), 18)
    c.drawString(72, 760, text)
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture
def nssdb(tmp_path, platform_ca):
    """An NSS database trusting the platform root, for poppler's pdfsig."""
    from tongban.signing.ca import pem

    db = tmp_path / "nss"
    db.mkdir()
    root = tmp_path / "root.pem"
    root.write_text(pem(bytes(platform_ca.der)))
    subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{db}", "-n", "tongban-root", "-t", "CT,C,C", "-i", str(root)],
                   check=True, capture_output=True)
    return db


def pdfsig(path, nssdir) -> str:
    assert shutil.which("pdfsig")
    r = subprocess.run(["pdfsig", "-nssdir", f"sql:{nssdir}", str(path)], capture_output=True, text=True)
    return r.stdout + r.stderr
