"""PDF notices of a case (printable at the window)."""

from django.http import Http404, HttpResponse

from tongban.cases.models import S
from tongban.workbench import notices
from tongban.workbench.access import staff_required
from tongban.workbench.views.cases import _get_case


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
def acceptance_notice(request, number: str):
    case = _get_case(request.user, number)
    if case.accepted_at is None:
        raise Http404
    return _pdf(notices.acceptance_notice(case), f"acceptance-{case.number}.pdf")


@staff_required
def correction_notice(request, number: str, notice_id: int):
    case = _get_case(request.user, number)
    notice = case.correction_notices.filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    return _pdf(notices.correction_notice(case, notice), f"correction-{case.number}-{notice.pk}.pdf")


@staff_required
def refusal_decision(request, number: str):
    case = _get_case(request.user, number)
    if case.state != S.REFUSED:
        raise Http404
    return _pdf(notices.refusal_decision(case), f"refusal-{case.number}.pdf")
