"""The period report (a month, a quarter, a year): carried over / received / concluded / late /
returned / in progress, per center and per item, with totals; exported to Excel and PDF. Each
column is one metric, grouped by center or item in one query."""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from tongban.catalog.models import ItemVersion
from tongban.org.models import Center
from tongban.stats import registry
from tongban.stats.filters import StatsFilter

COLUMNS = ["carried_over", "received", "concluded", "late", "returned", "in_progress"]


@dataclass
class PeriodTable:
    title: str
    key_label: str
    rows: list[tuple[str, str, list[int]]]  # (key, label, values by COLUMNS)
    totals: list[int]


@dataclass
class PeriodReport:
    filter: StatsFilter
    title: str
    by_center: PeriodTable
    by_item: PeriodTable

    @property
    def headers(self) -> list[str]:
        return [registry.get(c).label for c in COLUMNS]


def _table(f: StatsFilter, by: str, title: str, key_label: str, labels: dict) -> PeriodTable:
    grouped = [registry.get(c).breakdown(f, by) for c in COLUMNS]
    keys = sorted(set().union(*[g.keys() for g in grouped]), key=lambda k: (str(labels.get(k, k)), str(k)))
    rows = [(str(k), str(labels.get(k, k)), [g.get(k, 0) for g in grouped]) for k in keys]
    totals = [registry.get(c).compute(f) for c in COLUMNS]
    return PeriodTable(title=title, key_label=key_label, rows=rows, totals=totals)


def build_period(f: StatsFilter) -> PeriodReport:
    centers = dict(Center.objects.values_list("id", "name"))
    items = dict(ItemVersion.objects.filter(is_current=True).values_list("item__code", "name"))
    return PeriodReport(
        filter=f, title=f"{f.label}办件统计报表",
        by_center=_table(f, "center_id", "按服务中心", "服务中心", centers),
        by_item=_table(f, "item_version__item__code", "按事项", "事项", items),
    )


def to_xlsx(report: PeriodReport) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F3E5E5")
    for table in (report.by_center, report.by_item):
        ws = wb.create_sheet(table.title)
        ws.append([report.title])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([f"统计期：{report.filter.start.isoformat()} 至 {report.filter.end.isoformat()}"])
        header = ["代码", table.key_label, *report.headers]
        ws.append(header)
        for cell in ws[3]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(horizontal="center")
        for key, label, values in table.rows:
            ws.append([key, label, *values])
        ws.append(["", "合计", *table.totals])
        for cell in ws[ws.max_row]:
            cell.font = bold
        ws.column_dimensions["A"].width = 14
        ws.column_dimensions["B"].width = 36
        ws.freeze_panes = "C4"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_pdf(report: PeriodReport) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from tongban.stats import charts
    from tongban.stats.render import _table

    font = charts.font()
    story = [Paragraph(report.title, ParagraphStyle("t", fontName=font, fontSize=16, leading=22, alignment=1)),
             Spacer(1, 4 * mm)]
    for table in (report.by_center, report.by_item):
        story.append(Paragraph(table.title, ParagraphStyle("h", fontName=font, fontSize=12, leading=18)))
        rows = [[label[:28], *[f"{v:,}" for v in values]] for _k, label, values in table.rows]
        rows.append(["合计", *[f"{v:,}" for v in table.totals]])
        story.append(_table([table.key_label, *report.headers], rows, font))
        story.append(Spacer(1, 6 * mm))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=landscape(A4), title=report.title, leftMargin=12 * mm, rightMargin=12 * mm,
                      topMargin=12 * mm, bottomMargin=12 * mm).build(story)
    return buf.getvalue()
