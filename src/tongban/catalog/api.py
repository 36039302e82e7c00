from django.db.models import Count
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from tongban.catalog import cache as catalog_cache
from tongban.catalog import selectors
from tongban.catalog.cache import search_cache_key
from tongban.catalog.guide import places_to_apply
from tongban.catalog.models import Category, ItemVersion
from tongban.catalog.schemas import (
    CategoryOut,
    ItemGuideOut,
    ItemPageOut,
    item_summary,
    item_summary_row,
)
from tongban.core.errors import NotFound

router = Router(tags=["catalog"])


class ItemFilters(Schema):
    q: str = Field("", max_length=60, description="name, code or pinyin initials")
    category: Category | None = None
    department: str | None = Field(None, max_length=40)
    id_only: bool | None = None
    cross_region: bool | None = None
    holiday_open: bool | None = None
    channel: str | None = Field(None, pattern="^(window|online|self_service)$")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=100000)


@router.get("/items", response=ItemPageOut, summary="Search the service catalog")
def items(request, filters: Query[ItemFilters]):
    key = search_cache_key(get_language(), filters.model_dump_json())
    built_under, page = catalog_cache.cached(key)
    if page is not catalog_cache.MISS:
        return page
    total, rows = selectors.item_search_page(
        q=filters.q, category=filters.category, id_only=filters.id_only,
        cross_region=filters.cross_region, holiday_open=filters.holiday_open,
        channel=filters.channel, department=filters.department,
        limit=filters.limit, offset=filters.offset,
    )
    page = {"total": total, "limit": filters.limit, "offset": filters.offset,
            "items": [item_summary_row(r) for r in rows]}
    catalog_cache.store(key, built_under, page)
    return page


@router.get("/items/{code}", response=ItemGuideOut, summary="An item's service guide (办事指南)")
def item_guide(request, code: str):
    version = selectors.item_get_current(code=code)
    if version is None:
        raise NotFound(_("No service item with code %(code)s.") % {"code": code}, code="item_not_found")
    data = item_summary(version)
    data.update(
        subject=version.subject,
        subject_label=str(version.get_subject_display()),
        special_steps=version.special_steps,
        materials=[
            {"name": m.name, "required": m.required, "from_shared_data": bool(m.shared_source),
             "shared_source": m.shared_source, "data_item": m.data_item, "waived": m.waived,
             "note": m.note}
            for m in version.materials.all()
        ],
        where_to_apply=places_to_apply(version),
    )
    return data


@router.get("/categories", response=list[CategoryOut], summary="Item categories with counts")
def categories(request):
    counts = dict(
        ItemVersion.objects.filter(is_current=True, item__is_active=True)
        .values_list("category").annotate(n=Count("id")).order_by()
    )
    return [{"code": c.value, "label": str(c.label), "items": counts.get(c.value, 0)} for c in Category]
