from django.utils.translation import gettext as _
from ninja import Router

from tongban.core.errors import NotFound
from tongban.org import selectors
from tongban.org.auth import staff_auth
from tongban.org.schemas import (
    CenterDetailOut,
    CenterOut,
    RegionOut,
    StaffOut,
    center_out,
    staff_out,
)
from tongban.org.scoping import staff_profile

router = Router(tags=["org"])


@router.get("/regions", response=list[RegionOut], summary="Regions (bureaus) known to this deployment")
def regions(request):
    return [
        {"code": r.code, "name": r.name, "bureau": r.bureau, "is_local": r.is_local}
        for r in selectors.region_list()
    ]


@router.get("/centers", response=list[CenterOut], summary="Service centers")
def centers(request, region: str | None = None, level: str | None = None):
    return [center_out(c) for c in selectors.center_list(region_code=region, level=level)]


@router.get("/centers/{code}", response=CenterDetailOut, summary="A service center with its halls and windows")
def center_detail(request, code: str):
    center = selectors.center_get(code=code)
    if center is None:
        raise NotFound(_("No service center with code %(code)s.") % {"code": code})
    data = center_out(center)
    data["halls"] = [
        {
            "name": hall.name,
            "floor": hall.floor,
            "windows": [
                {"number": w.number, "name": w.name, "categories": w.categories}
                for w in hall.windows.all()
                if w.is_active
            ],
        }
        for hall in center.halls.all()
    ]
    return data


@router.get("/me", response=StaffOut, auth=staff_auth, summary="The signed-in staff member")
def me(request):
    profile = staff_profile(request.auth)
    if profile is None:
        raise NotFound(_("This account has no staff profile."))
    return staff_out(profile)


@router.get("/staff", response=list[StaffOut], auth=staff_auth, summary="Staff visible to the caller")
def staff(request, center: str | None = None, role: str | None = None):
    return [staff_out(p) for p in selectors.staff_list_for(user=request.auth, center_code=center, role=role)]
