import pytest

from tests import factories
from tongban.catalog.models import Item, ItemVersion, Material
from tongban.catalog.services import (
    ItemSpec,
    MaterialSpec,
    item_create,
    item_revise,
    pinyin_initials,
)
from tongban.core.errors import InvalidInput, NotFound


def spec(**changes) -> ItemSpec:
    base = dict(
        name="个体工商户设立登记", category="business_registration", department="housing_fund",
        legal_limit_days=15, promised_limit_days=1, materials=[MaterialSpec(name="个体工商户登记申请书")],
    )
    base.update(changes)
    return ItemSpec(**base)


def test_revising_an_item_keeps_the_old_version_for_cases_filed_under_it(db):
    v1 = factories.item("GJJ-0001", promised=5)
    v2 = item_revise(code="GJJ-0001", spec=spec(name="住房公积金提取（退休）", category="housing_fund",
                                               promised_limit_days=3, legal_limit_days=20))
    v1.refresh_from_db()
    assert (v1.version, v1.is_current, v1.promised_limit_days) == (1, False, 5)
    assert (v2.version, v2.is_current, v2.promised_limit_days) == (2, True, 3)
    assert [m.name for m in v1.materials.all()] == ["居民身份证", "住房公积金提取申请表"]


def test_pinyin_initials_are_stored_for_search(db):
    assert pinyin_initials("住房公积金提取") == "zfgjjtq"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"legal_limit_days": -1}, "legal_limit_days"),
        ({"legal_limit_days": 0}, "legal_limit_days"),
        ({"promised_limit_days": 30}, "promised_limit_days"),
        ({"legal_limit_days": 5000, "promised_limit_days": 1}, "legal_limit_days"),
        ({"category": "astrology"}, "category"),
        ({"fee": "-3"}, "fee"),
        ({"channels": ("fax",)}, "channels"),
        ({"materials": []}, "materials"),
        ({"department": "nobody"}, "department"),
        ({"id_only": True}, "id_only"),
        ({"materials": [MaterialSpec(name="证明", shared_source="astrology", data_item="x")]}, "materials"),
    ],
)
def test_bad_items_name_the_field_and_write_nothing(db, changes, field):
    factories.item("GJJ-0001")  # creates the department used by spec()
    before = (Item.objects.count(), ItemVersion.objects.count(), Material.objects.count())
    with pytest.raises(InvalidInput) as exc:
        item_create(code="SS-0001", spec=spec(**changes))
    assert exc.value.field == field
    assert (Item.objects.count(), ItemVersion.objects.count(), Material.objects.count()) == before


def test_duplicate_and_malformed_codes_are_rejected(db):
    factories.item("GJJ-0001")
    with pytest.raises(InvalidInput) as exc:
        item_create(code="GJJ-0001", spec=spec())
    assert exc.value.field == "code"
    with pytest.raises(InvalidInput):
        item_create(code="bad code!", spec=spec())
    with pytest.raises(NotFound):
        item_revise(code="NONE-0001", spec=spec())


def test_id_only_needs_every_required_material_mapped_or_waived(db):
    factories.item("GJJ-0001")
    version = item_create(code="GJJ-0002", spec=spec(category="housing_fund", id_only=True, materials=[
        MaterialSpec(name="居民身份证", shared_source="population", data_item="identity"),
        MaterialSpec(name="公积金账户信息", shared_source="housing_fund", data_item="account"),
        MaterialSpec(name="提取申请表", waived=True),
    ]))
    assert version.id_only
