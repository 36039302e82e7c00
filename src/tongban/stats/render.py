"""Reports to files: HTML (self-contained, inline SVG charts) and PDF (reportlab, embedded CJK font)."""

from __future__ import annotations

import io
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from tongban.stats import charts


def render_html(report) -> str:
    sections = [{"section": s, "svgs": [charts.to_svg(d) for d in s.charts]} for s in report.sections]
    return render_to_string("stats/annual_report.html", {
        "report": report, "sections": sections, "generated": timezone.localtime()})


def _styles():
    font = charts.font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", fontName=font, fontSize=9, leading=12, alignment=1,
                                   textColor=colors.grey, spaceAfter=10),
        "h": ParagraphStyle("h", fontName=font, fontSize=13, leading=18, spaceBefore=10, spaceAfter=6,
                            textColor=colors.HexColor("#9b1c1c")),
        "p": ParagraphStyle("p", fontName=font, fontSize=9.5, leading=14),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=8, leading=10),
    }


def _table(columns: list[str], rows: list[list[str]], font: str) -> PdfTable:
    t = PdfTable([columns, *rows], repeatRows=1, hAlign="LEFT")
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3e5e5")),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#bbbbbb")),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return t


def render_pdf(report) -> bytes:
    st = _styles()
    font = charts.font()
    story = [Paragraph(report.title, st["title"]), Paragraph(report.subtitle, st["subtitle"])]
    for section in report.sections:
        story.append(Paragraph(section.title, st["h"]))
        if section.intro:
            story.append(Paragraph(section.intro, st["p"]))
        if section.figures:
            rows = [[f.label, f.text, f.filter.label] for f in section.figures]
            story.append(_table(["指标", "数值", "统计期"], rows, font))
            story.append(Spacer(1, 4 * mm))
        for drawing in section.charts:
            story.append(KeepTogether([drawing, Spacer(1, 3 * mm)]))
        for table in section.tables:
            story.append(_table(table.columns, [[label, *[c.text for c in cells]] for label, cells in table.rows],
                                font))
            story.append(Spacer(1, 4 * mm))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=report.title, author="tongban")
    doc.build(story)
    return buf.getvalue()


def write_annual(report, *, out: str | None) -> tuple[Path, Path]:
    """Write `out`.pdf and `out`.html (out given with or without a suffix)."""
    from django.conf import settings

    base = Path(out) if out else Path(settings.VAR_DIR) / "reports" / f"annual-{report.year}"
    if base.suffix in (".pdf", ".html"):
        base = base.with_suffix("")
    base.parent.mkdir(parents=True, exist_ok=True)
    pdf, html = base.with_suffix(".pdf"), base.with_suffix(".html")
    pdf.write_bytes(render_pdf(report))
    html.write_text(render_html(report), encoding="utf-8")
    return pdf, html
