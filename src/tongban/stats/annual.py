"""The annual report (年度报告), shaped like the mission's year-end review: the year's figures
month by month with charts, then the highlights. Every number is a `Figure` of a registered
metric; a highlight whose metrics have no source on this platform is left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from tongban.catalog.models import Category
from tongban.core import calendar
from tongban.org.models import Center, Region
from tongban.stats import charts, registry
from tongban.stats.figures import Section, Table, figure, figures, grid
from tongban.stats.filters import StatsFilter

OVERVIEW = ["received", "accepted", "concluded", "refused", "withdrawn", "returned", "late", "carried_over",
            "in_progress", "on_time_rate", "on_time_rate_legal", "mean_duration_days", "median_duration_days",
            "mean_minutes", "ratings", "satisfaction_rate", "rectification_closure"]
MONTHLY = ["received", "accepted", "concluded", "refused", "late", "on_time_rate", "satisfaction_rate"]
MONTH_LABELS = [f"{m}月" for m in range(1, 13)]
CATEGORY_ZH = {
    "tax": "税务", "housing_fund": "公积金", "business_registration": "商事登记", "social_security": "社保",
    "medical_insurance": "医保", "pension": "养老", "enterprise_investment": "企业投资", "vehicle_driver": "车驾管",
    "gas_payment": "燃气缴费", "invoice": "代开发票", "construction": "工程建设", "civil_affairs": "民政",
    "household": "户籍",
}
# highlights another app's metrics feed: (section key, title, metric section)
EXTERNAL_HIGHLIGHTS = [
    ("projects", "重点项目“帮办代办”", "projects"),
    ("policy", "优化营商环境政策与奖补兑现", "policy"),
    ("outreach", "营商环境宣传与“五进五送”", "outreach"),
    ("electronics", "“四电”改革与线上政务服务", "electronics"),
]


@dataclass
class Report:
    title: str
    subtitle: str
    year: int
    sections: list[Section] = field(default_factory=list)

    def all_figures(self):
        for s in self.sections:
            yield from s.all_figures()


def spring_festival(year: int) -> tuple[date, date] | None:
    cal = calendar.get_calendar()
    days = sorted(d for d, name in cal.holiday_names.items()
                  if d.year == year and name == "春节" and not cal.is_working_day(d))
    return (days[0], days[-1]) if days else None


def _values(fs) -> list:
    return [f.value for f in fs]


def build_annual(year: int, *, base: StatsFilter | None = None) -> Report:
    base = base or StatsFilter.year(year)
    region = Region.objects.filter(code=settings.TONGBAN_REGION_CODE).first()
    bureau = region.bureau if region else "行政审批服务局"
    report = Report(title=f"{bureau}{year}年度政务服务工作报告", subtitle="（由平台办件记录自动生成）", year=year)
    months = base.months()

    overview = Section("overview", "全年概览")
    for name in OVERVIEW:
        overview.figures.append(figure(name, base))
    report.sections.append(overview)

    monthly = Section("monthly", "月度办件情况")
    table = grid(MONTHLY, [(MONTH_LABELS[f.start.month - 1], f) for f in months] + [("全年", base)], base)
    monthly.tables.append(table)
    col = {name: i for i, name in enumerate(MONTHLY)}
    month_rows = table.rows[:-1]
    labels = [label for label, _cells in month_rows]
    monthly.charts.append(charts.bar_chart("各月收件与办结", labels, [
        ("收件", [cells[col["received"]].value for _l, cells in month_rows]),
        ("办结", [cells[col["concluded"]].value for _l, cells in month_rows]),
    ]))
    monthly.charts.append(charts.line_chart("各月按时办结率与满意度（%）", labels, [
        ("按时办结率", [cells[col["on_time_rate"]].value for _l, cells in month_rows]),
        ("满意度", [cells[col["satisfaction_rate"]].value for _l, cells in month_rows]),
    ], percent=True))
    report.sections.append(monthly)

    report.sections.append(_holiday_section(year, base))
    report.sections.extend(_external_sections(base, keys=("projects", "policy")))
    report.sections.append(_id_only_section(base, months))
    report.sections.append(_cross_region_section(base, months))
    report.sections.extend(_external_sections(base, keys=("outreach", "electronics")))
    report.sections.append(_category_section(base))
    report.sections.append(_center_section(base))
    return report


def _holiday_section(year: int, base: StatsFilter) -> Section:
    section = Section("holiday", "节假日服务“不打烊”")
    festival = spring_festival(year)
    if festival:
        span = base.with_(start=festival[0], end=festival[1])
        section.intro = f"春节假期（{festival[0]:%m月%d日}至{festival[1]:%m月%d日}）办件情况"
        section.figures.append(figure("holiday", span))
        for name in ("consultations", "phone_consultations"):
            if registry.has(name):
                section.figures.append(figure(name, span))
    section.figures.append(figure("holiday", base))
    return section


def _id_only_section(base: StatsFilter, months: list[StatsFilter]) -> Section:
    section = Section("id_only", "“一证通办”极简快办")
    only = base.with_(id_only=True)
    section.figures = [figure("id_only", base)] + [figure(m, only) for m in (
        "mean_minutes", "on_time_rate", "satisfaction_rate")]
    per_month = figures("id_only", months, base)
    section.charts.append(charts.bar_chart("各月“一证通办”办件量", MONTH_LABELS[: len(months)],
                                           [("一证通办", _values(per_month))]))
    section.tables.append(Table(columns=["", registry.get("id_only").label],
                                rows=[(MONTH_LABELS[f.filter.start.month - 1], [f]) for f in per_month]))
    return section


def _cross_region_section(base: StatsFilter, months: list[StatsFilter]) -> Section:
    section = Section("cross_region", "“跨区通办”")
    section.figures.append(figure("cross_region", base))
    per_month = figures("cross_region", months, base)
    section.charts.append(charts.bar_chart("各月“跨区通办”办件量", MONTH_LABELS[: len(months)],
                                           [("跨区通办", _values(per_month))]))
    by_category = figures("cross_region", [base.with_(category=c) for c in Category.values], base)
    rows = [(CATEGORY_ZH.get(f.filter.category, f.filter.category), [f]) for f in by_category if f.value]
    section.tables.append(Table(columns=["事项类别", registry.get("cross_region").label], rows=rows))
    return section


def _external_sections(base: StatsFilter, keys: tuple[str, ...]) -> list[Section]:
    out = []
    for key, title, metric_section in EXTERNAL_HIGHLIGHTS:
        if key not in keys:
            continue
        metrics = registry.all_metrics(section=metric_section)
        if metrics:
            out.append(Section(key, title, figures=[figure(m.name, base) for m in metrics]))
    return out


def _category_section(base: StatsFilter) -> Section:
    section = Section("categories", "分类别办件情况")
    rows = [(CATEGORY_ZH.get(c, c), base.with_(category=c)) for c in Category.values]
    table = grid(["received", "concluded", "on_time_rate", "mean_duration_days"], rows, base)
    table.rows = [r for r in table.rows if r[1][0].value]
    section.tables.append(table)
    section.charts.append(charts.bar_chart("各类别收件量", [r[0] for r in table.rows],
                                           [("收件", [r[1][0].value for r in table.rows])], width=480, height=240))
    return section


def _center_section(base: StatsFilter) -> Section:
    section = Section("centers", "各服务中心办件情况")
    centers = Center.objects.filter(region__code=settings.TONGBAN_REGION_CODE).order_by("level", "code")
    rows = [(c.name, base.with_(center=c.code)) for c in centers]
    table = grid(["received", "concluded", "late", "on_time_rate", "satisfaction_rate"], rows, base)
    table.rows = [r for r in table.rows if r[1][0].value]
    section.tables.append(table)
    return section
