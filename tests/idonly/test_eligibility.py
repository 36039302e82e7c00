"""Which items can be handled ID-card-only, and why not."""

from tests import factories
from tests.idonly.conftest import HOUSING_FUND_ITEM
from tongban.catalog.services import MaterialSpec


def test_an_item_with_every_required_material_mapped_is_eligible(client, items, refdata):
    body = client.get(f"/api/idonly/items/{HOUSING_FUND_ITEM}").json()
    assert body["eligible"] is True and body["blockers"] == []


def test_the_page_says_which_material_blocks_an_item(client, org, refdata):
    factories.item("GJJ-9002", name="住房公积金提取（购房）", materials=[
        MaterialSpec(name="居民身份证", shared_source="population", data_item="identity"),
        MaterialSpec(name="购房合同"),
        MaterialSpec(name="婚姻状况证明", required=False),
    ])
    body = client.get("/api/idonly/items/GJJ-9002").json()
    assert body["eligible"] is False
    assert body["blockers"] == ["购房合同：无共享数据来源，且未设为免提交材料"]
