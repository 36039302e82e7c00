"""ID-card-only API (staff): look a person's records up, then file the case.

    POST /api/idonly/lookups  {id_number, name, item_code, consent, purpose}
      -> per-material results (fetched / failed / mismatch), what is left to decide, pre-fill
    POST /api/idonly/cases    {lookup, paper: [...], deferred: [...]}  -> the case
"""

from uuid import UUID

from ninja import Router, Status

from tongban.cases import selectors as case_selectors
from tongban.cases.policy import allowed_actions
from tongban.cases.schemas import CaseOut, case_detail
from tongban.catalog.selectors import item_get_current
from tongban.core.errors import NotFound
from tongban.idonly import selectors, services
from tongban.idonly.schemas import EligibilityOut, IdOnlyCaseIn, LookupIn, LookupOut
from tongban.org.auth import staff_auth

router = Router(tags=["idonly"])


@router.post("/lookups", response={201: LookupOut}, auth=staff_auth,
             summary="Record consent and fetch every mapped material of an ID-only item")
def lookup_create(request, data: LookupIn):
    lookup = services.lookup_run(actor=request.auth, id_number=data.id_number, name=data.name,
                                 item_code=data.item_code, consent=data.consent, purpose=data.purpose)
    return Status(201, selectors.lookup_result(selectors.lookup_get_for_user(user=request.auth, token=lookup.token)))


@router.get("/lookups/{token}", response=LookupOut, auth=staff_auth, summary="A look-up you made")
def lookup_detail(request, token: str):
    return selectors.lookup_result(selectors.lookup_get_for_user(user=request.auth, token=_uuid(token)))


@router.post("/cases", response={201: CaseOut}, auth=staff_auth,
             summary="File the case of a look-up (fetched materials attached, the rest on paper or deferred)")
def case_file(request, data: IdOnlyCaseIn):
    case = services.lookup_file_case(
        actor=request.auth, token=data.lookup, channel=data.channel,
        decisions=services.FilingInput(paper=data.paper, deferred=data.deferred, phone=data.phone,
                                       delivery_method=data.delivery_method, note=data.note))
    case = case_selectors.case_get_for_staff(user=request.auth, number=case.number)
    return Status(201, case_detail(case, events=case_selectors.case_events(case),
                                   allowed_actions=allowed_actions(request.auth, case)))


@router.get("/items/{code}", response=EligibilityOut, summary="Whether an item can be handled ID-card-only, and why not")
def item_eligibility(request, code: str):
    version = item_get_current(code=code)
    if version is None:
        raise NotFound(code="item_not_found")
    blockers = selectors.item_id_only_blockers(version)
    return {"item_code": version.item.code, "name": version.name, "id_only": version.id_only,
            "eligible": not blockers, "blockers": blockers}


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise NotFound(code="lookup_not_found") from None
