"""Charts drawn once with reportlab.graphics: the same Drawing goes into the PDF and, as inline
SVG, into HTML pages (no JavaScript, no CDN). Labels use the platform's CJK font."""

from __future__ import annotations

import re

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

PALETTE = [colors.HexColor(c) for c in ("#c0392b", "#2e86c1", "#27ae60", "#f39c12", "#8e44ad", "#16a085")]
SVG_FONTS = "'WenQuanYi Zen Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"


def font() -> str:
    from tongban.signing.pdf import cjk_font  # the platform's one CJK font registration

    return cjk_font()


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    return ((value // magnitude) + 1) * magnitude


def _frame(title: str, width: int, height: int) -> Drawing:
    d = Drawing(width, height)
    d.add(String(width / 2, height - 16, title, fontName=font(), fontSize=12, textAnchor="middle"))
    return d


def _legend(d: Drawing, names: list[str], x: float, y: float) -> None:
    if len(names) < 2:
        return
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = font(), 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 70
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], n) for i, n in enumerate(names)]
    d.add(legend)


def bar_chart(title: str, labels: list[str], series: list[tuple[str, list]], *, width: int = 480,
              height: int = 220) -> Drawing:
    d = _frame(title, width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 50, 40, width - 70, height - 80
    chart.data = [[v or 0 for v in values] or [0] for _name, values in series] or [[0]]
    labels = labels or [""]
    for i in range(len(chart.data)):
        chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
        chart.bars[i].strokeColor = None
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _nice_max(max((max(s) for s in chart.data), default=1))
    chart.valueAxis.labels.fontName = font()
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = font()
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30 if max((len(x) for x in labels), default=0) > 3 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if chart.categoryAxis.labels.angle else "n"
    chart.groupSpacing = 4
    d.add(chart)
    _legend(d, [n for n, _v in series], width - 10, height - 24)
    return d


def line_chart(title: str, labels: list[str], series: list[tuple[str, list]], *, percent: bool = False,
               width: int = 480, height: int = 200) -> Drawing:
    d = _frame(title, width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 50, 35, width - 70, height - 75
    data = [[(v or 0) * (100 if percent else 1) for v in values] or [0] for _n, values in series] or [[0]]
    chart.data = data
    low = min((min(s) for s in data), default=0)
    high = max((max(s) for s in data), default=1)
    if percent:
        chart.valueAxis.valueMin = max(0, int(low) - 1 if low > 50 else 0)
        chart.valueAxis.valueMax = 100
    else:
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = _nice_max(high)
    for i in range(len(data)):
        chart.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
        chart.lines[i].strokeWidth = 1.5
    chart.valueAxis.labels.fontName = font()
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = font()
    chart.categoryAxis.labels.fontSize = 7
    d.add(chart)
    _legend(d, [n for n, _v in series], width - 10, height - 24)
    return d


def to_svg(drawing: Drawing) -> str:
    """Inline SVG (no XML prologue) whose text falls back to the browser's Chinese fonts."""
    svg = renderSVG.drawToString(drawing)
    svg = svg[svg.index("<svg"):]
    return re.sub(r'font-family="[^"]*"', f'font-family="{SVG_FONTS}"', svg)
