"""Writes to the catalog. Every change of an item's content is a new version."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from tongban.catalog import cache as catalog_cache
from tongban.catalog.models import (
    Category,
    Department,
    Item,
    ItemVersion,
    Material,
    SharedSource,
    Subject,
)
from tongban.core.errors import InvalidInput, NotFound
from tongban.core.services import audit_record

CONTENT_FIELDS = (
    "name", "category", "subject", "legal_limit_days", "promised_limit_days", "fee",
    "channel_window", "channel_online", "channel_self_service", "id_only", "cross_region",
    "holiday_open", "special_steps",
)
MAX_LIMIT_DAYS = 120


@dataclass
class MaterialSpec:
    name: str
    required: bool = True
    shared_source: str = ""
    data_item: str = ""
    waived: bool = False
    note: str = ""


@dataclass
class ItemSpec:
    name: str
    category: str
    department: str  # department code
    subject: str = Subject.PERSON
    legal_limit_days: int = 20
    promised_limit_days: int = 10
    fee: Decimal | str | int = 0
    channels: tuple[str, ...] = ("window",)
    id_only: bool = False
    cross_region: bool = False
    holiday_open: bool = False
    special_steps: list[str] = field(default_factory=list)
    materials: list[MaterialSpec] = field(default_factory=list)


def pinyin_initials(name: str) -> str:
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()


def _check_spec(spec: ItemSpec) -> None:
    """Validate the whole spec before anything is written; each error names its field."""
    if not spec.name or len(spec.name) > 120:
        raise InvalidInput(_("The item name is required (at most 120 characters)."), field="name")
    if spec.category not in Category.values:
        raise InvalidInput(_("Unknown category %(v)s.") % {"v": spec.category}, field="category")
    if spec.subject not in Subject.values:
        raise InvalidInput(_("Unknown applicant type %(v)s.") % {"v": spec.subject}, field="subject")
    for name in ("legal_limit_days", "promised_limit_days"):
        value = getattr(spec, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > MAX_LIMIT_DAYS:
            raise InvalidInput(
                _("%(field)s must be a whole number of working days between 0 and %(max)s.")
                % {"field": name, "max": MAX_LIMIT_DAYS},
                field=name,
            )
    if spec.legal_limit_days < 1:
        raise InvalidInput(_("The legal time limit must be at least 1 working day."), field="legal_limit_days")
    if spec.promised_limit_days > spec.legal_limit_days:
        raise InvalidInput(
            _("The promised time limit (%(p)s) cannot exceed the legal time limit (%(l)s).")
            % {"p": spec.promised_limit_days, "l": spec.legal_limit_days},
            field="promised_limit_days",
        )
    try:
        fee = Decimal(str(spec.fee))
    except InvalidOperation:
        raise InvalidInput(_("The fee must be an amount in yuan."), field="fee") from None
    if fee < 0 or fee > Decimal("99999999"):
        raise InvalidInput(_("The fee cannot be negative."), field="fee")
    unknown = set(spec.channels) - {"window", "online", "self_service"}
    if unknown or not spec.channels:
        raise InvalidInput(_("Channels must be one or more of window, online, self_service."), field="channels")
    if not spec.materials:
        raise InvalidInput(_("An item needs at least one required material."), field="materials")
    names = [m.name for m in spec.materials]
    if len(set(names)) != len(names):
        raise InvalidInput(_("A material is listed twice."), field="materials")
    for m in spec.materials:
        if m.shared_source and m.shared_source not in SharedSource.values:
            raise InvalidInput(_("Unknown shared-data source %(v)s.") % {"v": m.shared_source}, field="materials")
        if m.shared_source and not m.data_item:
            raise InvalidInput(_("Material %(m)s names a source but no data item.") % {"m": m.name}, field="materials")
    if spec.id_only:
        missing = [m.name for m in spec.materials if m.required and not (m.shared_source or m.waived)]
        if missing:
            raise InvalidInput(
                _("The item cannot be ID-card-only: these required materials have no shared-data "
                  "source and are not waived: %(names)s.") % {"names": "、".join(missing)},
                field="id_only",
            )


def _write_version(item: Item, spec: ItemSpec, number: int, actor) -> ItemVersion:
    department = Department.objects.filter(code=spec.department).first()
    if department is None:
        raise InvalidInput(_("Unknown department %(v)s.") % {"v": spec.department}, field="department")
    version = ItemVersion(
        item=item, version=number, is_current=True, name=spec.name,
        name_initials=pinyin_initials(spec.name), category=spec.category, department=department,
        subject=spec.subject, legal_limit_days=spec.legal_limit_days,
        promised_limit_days=spec.promised_limit_days, fee=Decimal(str(spec.fee)),
        channel_window="window" in spec.channels, channel_online="online" in spec.channels,
        channel_self_service="self_service" in spec.channels, id_only=spec.id_only,
        cross_region=spec.cross_region, holiday_open=spec.holiday_open,
        special_steps=list(spec.special_steps), created_by=actor,
    )
    try:
        version.full_clean(exclude=["item"])
    except ValidationError as exc:
        field_name, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput(f"{field_name}: {messages[0]}", field=field_name) from None
    version.save()
    Material.objects.bulk_create(
        Material(item_version=version, position=i, name=m.name, required=m.required,
                 shared_source=m.shared_source or "", data_item=m.data_item or "", waived=m.waived,
                 note=m.note)
        for i, m in enumerate(spec.materials, start=1)
    )
    return version


@transaction.atomic
def item_create(*, code: str, spec: ItemSpec, actor=None) -> ItemVersion:
    item = Item(code=code)
    try:
        item.full_clean()
    except ValidationError as exc:
        if "code" in exc.message_dict:
            raise InvalidInput(exc.message_dict["code"][0], field="code") from None
        raise
    _check_spec(spec)
    item.save()
    version = _write_version(item, spec, 1, actor)
    audit_record(actor=actor, action="item.create", object_type="item", object_id=code)
    transaction.on_commit(catalog_cache.invalidate)
    return version


@transaction.atomic
def item_revise(*, code: str, spec: ItemSpec, actor=None) -> ItemVersion:
    """Publish a new version of an item; earlier versions (and cases filed under them) stay."""
    item = Item.objects.select_for_update().filter(code=code).first()
    if item is None:
        raise NotFound(_("No service item with code %(code)s.") % {"code": code})
    _check_spec(spec)
    current = item.versions.filter(is_current=True).first()
    number = (current.version if current else 0) + 1
    if current:
        ItemVersion.objects.filter(pk=current.pk).update(is_current=False)
    version = _write_version(item, spec, number, actor)
    audit_record(actor=actor, action="item.revise", object_type="item", object_id=code,
                 detail={"version": number})
    transaction.on_commit(catalog_cache.invalidate)
    return version


@transaction.atomic
def department_ensure(*, code: str, name: str) -> Department:
    department, _created = Department.objects.get_or_create(code=code, defaults={"name": name})
    return department
