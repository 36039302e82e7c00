from ninja import Schema


class RegionOut(Schema):
    code: str
    name: str
    bureau: str
    is_local: bool


class WindowOut(Schema):
    number: str
    name: str
    categories: list[str]


class HallOut(Schema):
    name: str
    floor: str
    windows: list[WindowOut]


class CenterOut(Schema):
    code: str
    name: str
    level: str
    level_label: str
    region: str
    parent: str | None
    address: str
    phone: str
    opening_hours: str


class CenterDetailOut(CenterOut):
    halls: list[HallOut]


class StaffOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    center: str
    window: str | None


def center_out(center) -> dict:
    return {
        "code": center.code,
        "name": center.name,
        "level": center.level,
        "level_label": str(center.get_level_display()),
        "region": center.region.code,
        "parent": center.parent.code if center.parent_id else None,
        "address": center.address,
        "phone": center.phone,
        "opening_hours": center.opening_hours,
    }


def staff_out(profile) -> dict:
    return {
        "username": profile.user.username,
        "display_name": profile.display_name,
        "role": profile.role,
        "role_label": str(profile.get_role_display()),
        "center": profile.center.code,
        "window": profile.window.number if profile.window_id else None,
    }
