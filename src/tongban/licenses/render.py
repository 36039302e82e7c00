"""A license rendered to a one-page PDF with reportlab (A4 landscape, Chinese text in an
embedded CJK TrueType font when installed). Returns the PDF and the box where the issuer's
seal goes (over the issuer's name and date, as on paper)."""

from __future__ import annotations

import io

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from tongban.signing.pdf import cjk_font

SEAL_SIZE = 130


def render_license(*, title: str, identifier: str, holder_label: str, holder_name: str,
                   holder_id_masked: str, rows: list[tuple[str, str]], issuer_name: str, issued_on: str,
                   validity: str, qr_png: bytes, note: str = "",
                   holder_id_label: str = "证件号码") -> tuple[bytes, tuple[int, int, int, int]]:
    font = cjk_font()
    width, height = landscape(A4)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height), invariant=1)
    c.setTitle(f"{title} {identifier}")
    c.setAuthor(issuer_name)
    c.setCreator("tongban")
    frame = HexColor("#b8860b")
    c.setStrokeColor(frame)
    c.setLineWidth(3)
    c.rect(24, 24, width - 48, height - 48)
    c.setLineWidth(1)
    c.rect(32, 32, width - 64, height - 64)

    c.setFillColor(HexColor("#000000"))
    c.setFont(font, 36)
    c.drawCentredString(width / 2, height - 100, title)
    c.setFont(font, 10)
    c.drawString(60, height - 70, f"证照标识 {identifier}")

    c.drawImage(ImageReader(io.BytesIO(qr_png)), width - 60 - 120, height - 60 - 130, 120, 120)
    c.setFont(font, 8)
    c.drawCentredString(width - 120, height - 200, "扫码核验")

    y = height - 160
    c.setFont(font, 13)
    items = [(holder_label, holder_name), (holder_id_label, holder_id_masked), *rows, ("有效期限", validity)]
    for label, value in items:
        c.drawString(90, y, f"{label}")
        c.drawString(210, y, str(value))
        y -= 28
    if note:
        c.setFont(font, 9)
        c.drawString(90, 60, note)

    c.setFont(font, 14)
    c.drawRightString(width - 90, 130, issuer_name)
    c.drawRightString(width - 90, 105, issued_on)
    c.showPage()
    c.save()
    seal_box = (int(width - 90 - SEAL_SIZE - 20), 55, int(width - 90 - 20), 55 + SEAL_SIZE)
    return buf.getvalue(), seal_box
