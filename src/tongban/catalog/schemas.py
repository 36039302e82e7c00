from decimal import Decimal

from ninja import Schema


class ItemSummaryOut(Schema):
    code: str
    version: int
    name: str
    category: str
    category_label: str
    department: str
    legal_limit_days: int
    promised_limit_days: int
    fee: Decimal
    channels: list[str]
    id_only: bool
    cross_region: bool
    holiday_open: bool


class ItemPageOut(Schema):
    total: int
    limit: int
    offset: int
    items: list[ItemSummaryOut]


class MaterialOut(Schema):
    name: str
    required: bool
    from_shared_data: bool
    shared_source: str
    data_item: str
    waived: bool
    note: str


class PlaceOut(Schema):
    center: str
    center_name: str
    address: str
    opening_hours: str
    windows: list[str]


class ItemGuideOut(ItemSummaryOut):
    subject: str
    subject_label: str
    special_steps: list[str]
    materials: list[MaterialOut]
    where_to_apply: list[PlaceOut]


class CategoryOut(Schema):
    code: str
    label: str
    items: int


def item_summary(v) -> dict:
    return {
        "code": v.item.code,
        "version": v.version,
        "name": v.name,
        "category": v.category,
        "category_label": str(v.get_category_display()),
        "department": v.department.name,
        "legal_limit_days": v.legal_limit_days,
        "promised_limit_days": v.promised_limit_days,
        "fee": v.fee,
        "channels": v.channels,
        "id_only": v.id_only,
        "cross_region": v.cross_region,
        "holiday_open": v.holiday_open,
    }
