"""Statistics pages for bureau leaders and center administrators: the dashboard (trends by
month, category and center; late cases per officer; slowest items), drill-down from a figure
to its cases, and the period report download."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils.translation import gettext as _

from tongban.catalog.models import Category
from tongban.core.dbrouter import reporting_reads
from tongban.core.errors import DomainError, Forbidden
from tongban.org.models import Center
from tongban.stats import charts, registry
from tongban.stats.annual import CATEGORY_ZH, MONTH_LABELS
from tongban.stats.figures import Figure, figures, grid
from tongban.stats.selectors import late_by_officer, slowest_items, stats_filter_for

HEADLINE = ["received", "accepted", "concluded", "late", "in_progress", "on_time_rate", "mean_duration_days",
            "satisfaction_rate", "id_only", "cross_region", "holiday"]


def _filter_or_error(request):
    try:
        return stats_filter_for(user=request.user, params=request.GET), None
    except Forbidden as exc:
        return None, HttpResponseForbidden(exc.message)
    except DomainError as exc:
        return None, HttpResponse(exc.message, status=400)


def drill_url(fig: Figure) -> str:
    params = fig.filter.to_params()
    return "/stats/cases/?" + urlencode({"metric": fig.metric, **params})


@login_required
@reporting_reads()
def dashboard(request):
    f, error = _filter_or_error(request)
    if error:
        return error
    unscoped = f.with_(scope=None)
    headline = [(fig, drill_url(fig)) for fig in (figures(m, [f])[0] for m in HEADLINE)]
    months = f.months()
    received = figures("received", months, f)
    concluded = figures("concluded", months, f)
    labels = [MONTH_LABELS[m.start.month - 1] for m in months]
    trend = charts.to_svg(charts.bar_chart(_("Cases by month"), labels, [
        ("收件", [x.value for x in received]), ("办结", [x.value for x in concluded])], width=640))
    categories = grid(["received", "concluded", "on_time_rate"],
                      [(CATEGORY_ZH.get(c, c), f.with_(category=c)) for c in Category.values], f)
    centers = Center.objects.all() if f.scope is None else Center.objects.filter(id__in=f.scope)
    by_center = grid(["received", "concluded", "late", "on_time_rate"],
                     [(c.name, f.with_(center=c.code)) for c in centers.order_by("level", "code")], f)
    context = {
        "filter": f, "headline": headline, "trend_svg": trend,
        "months": [(lab, r, drill_url(r), c, drill_url(c)) for lab, r, c in zip(labels, received, concluded, strict=True)],
        "categories": _linked(categories), "centers": _linked(by_center),
        "late": late_by_officer(f), "slowest": slowest_items(f), "params": urlencode(f.to_params()),
        "unscoped": unscoped,
    }
    return render(request, "stats/dashboard.html", context)


def _linked(table):
    rows = [(label, [(c, drill_url(c)) for c in cells]) for label, cells in table.rows
            if any(c.value for c in cells)]
    return {"columns": table.columns, "rows": rows}


@login_required
@reporting_reads()
def drill(request):
    f, error = _filter_or_error(request)
    if error:
        return error
    try:
        metric = registry.get(request.GET.get("metric", ""))
    except KeyError:
        raise Http404("unknown metric") from None
    if metric.cases is None:
        raise Http404("this figure has no cases behind it")
    qs = (metric.cases(f).select_related("item_version", "center", "applicant")
          .order_by("-submitted_at", "-id"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "stats/drill.html", {
        "metric": metric, "filter": f, "page": page, "figure": Figure(metric.name, f, metric.compute(f)),
        "params": urlencode({"metric": metric.name, **f.to_params()}),
    })


@login_required
@reporting_reads()
def period_export(request):
    f, error = _filter_or_error(request)
    if error:
        return error
    from tongban.stats.period import build_period, to_pdf, to_xlsx

    report = build_period(f)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(to_pdf(report), content_type="application/pdf")
        name = f"period-{f.start}-{f.end}.pdf"
    else:
        response = HttpResponse(to_xlsx(report),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        name = f"period-{f.start}-{f.end}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
