"""Report building blocks: a Figure is one number taken from one metric under one filter, so
every number printed can be recomputed (and drilled into) from its metric and filter."""

from __future__ import annotations

from dataclasses import dataclass, field

from tongban.stats import registry
from tongban.stats.filters import StatsFilter


@dataclass
class Figure:
    metric: str
    filter: StatsFilter
    value: float | int | None

    @property
    def definition(self) -> registry.Metric:
        return registry.get(self.metric)

    @property
    def label(self) -> str:
        return self.definition.label

    @property
    def text(self) -> str:
        return format_value(self.definition, self.value)


def format_value(metric: registry.Metric, value) -> str:
    if value is None:
        return "—"
    if metric.kind == "rate":
        return f"{value * 100:.2f}%"
    if metric.kind == "duration":
        return f"{value:.1f}"
    if metric.kind == "money":
        return f"{value:,.2f}"
    return f"{int(value):,}"


def figures(metric: str, filters: list[StatsFilter], base: StatsFilter | None = None) -> list[Figure]:
    """One figure per filter, computed together (one query for metrics with a series)."""
    m = registry.get(metric)
    values = m.values(base or filters[0], filters)
    return [Figure(metric, f, v) for f, v in zip(filters, values, strict=True)]


def figure(metric: str, f: StatsFilter) -> Figure:
    return figures(metric, [f])[0]


@dataclass
class Table:
    columns: list[str]  # header labels; the first column holds row labels
    rows: list[tuple[str, list[Figure]]]


@dataclass
class Section:
    key: str
    title: str
    intro: str = ""
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list = field(default_factory=list)  # reportlab Drawings

    def all_figures(self) -> list[Figure]:
        out = list(self.figures)
        for t in self.tables:
            for _label, cells in t.rows:
                out.extend(cells)
        return out


GROUP_FIELDS = {"center": "center__code", "category": "item_version__category", "item": "item_version__item__code",
                "channel": "channel"}


def _grouped_by(rows: list[tuple[str, StatsFilter]], base: StatsFilter) -> str | None:
    """The one filter field in which every row differs from the base (None if not so)."""
    for name in GROUP_FIELDS:
        if getattr(base, name) is None and all(
                f.with_(**{name: None}) == base and getattr(f, name) is not None for _l, f in rows):
            return name
    return None


def grid(metrics: list[str], rows: list[tuple[str, StatsFilter]], base: StatsFilter) -> Table:
    """A table: one row per (label, filter), one column per metric. Rows that differ from the base
    only by center, category, item or channel are computed with one GROUP BY per metric; others
    with one query of conditional aggregates per metric."""
    filters = [f for _label, f in rows]
    by = _grouped_by(rows, base)
    columns = {}
    for m in metrics:
        metric = registry.get(m)
        if by and metric.breakdown is not None:
            values = metric.breakdown(base, GROUP_FIELDS[by])
            columns[m] = [Figure(m, f, values.get(getattr(f, by), 0 if metric.kind == "count" else None))
                          for f in filters]
        else:
            columns[m] = figures(m, filters, base)
    return Table(columns=[""] + [registry.get(m).label for m in metrics],
                 rows=[(label, [columns[m][i] for m in metrics]) for i, (label, _f) in enumerate(rows)])
