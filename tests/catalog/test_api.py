import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories


def make_items():
    factories.item("GJJ-0001", name="住房公积金提取（退休）", id_only=False)
    factories.item("GJJ-0002", name="住房公积金提取（购房）", cross_region=False)
    factories.item("CJ-0001", name="机动车驾驶证补领", category="vehicle_driver", holiday_open=True,
                   channels=("window",))


def test_search_by_keyword_pinyin_category_and_flags(client, org):
    make_items()
    get = lambda q: [i["code"] for i in client.get("/api/catalog/items", q).json()["items"]]  # noqa: E731
    assert get({"q": "公积金"}) == ["GJJ-0001", "GJJ-0002"]
    assert get({"q": "zfgjj"}) == ["GJJ-0001", "GJJ-0002"]
    assert get({"q": "jdcjsz"}) == ["CJ-0001"]
    assert get({"category": "vehicle_driver"}) == ["CJ-0001"]
    assert get({"cross_region": "false"}) == ["GJJ-0002"]
    assert get({"holiday_open": "true"}) == ["CJ-0001"]
    assert get({"channel": "online"}) == ["GJJ-0001", "GJJ-0002"]
    page = client.get("/api/catalog/items", {"limit": 2, "offset": 2}).json()
    assert page["total"] == 3 and [i["code"] for i in page["items"]] == ["GJJ-0002"]


def test_the_guide_lists_materials_limits_and_where_to_apply(client, org):
    make_items()
    guide = client.get("/api/catalog/items/GJJ-0001").json()
    assert guide["name"] == "住房公积金提取（退休）"
    assert (guide["legal_limit_days"], guide["promised_limit_days"]) == (20, 5)
    assert [m["name"] for m in guide["materials"]] == ["居民身份证", "住房公积金提取申请表"]
    assert guide["materials"][0]["from_shared_data"] is True
    places = {p["center"]: p["windows"] for p in guide["where_to_apply"]}
    assert "A01 综合受理窗口" in places["fengdong"]
    assert "F01 跨区通办窗口" in places["jinghe"]


def test_unknown_item_and_bad_parameters_are_clear_4xx(client, org):
    response = client.get("/api/catalog/items/NOPE-0000")
    assert response.status_code == 404 and response.json()["code"] == "item_not_found"
    bad = client.get("/api/catalog/items", {"limit": 0})
    assert bad.status_code == 422 and bad.json()["field"] == "limit"
    bad = client.get("/api/catalog/items", {"category": "astrology"})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"


def test_search_uses_a_fixed_number_of_queries(client, org):
    make_items()
    for n in range(10):
        factories.item(f"GJJ-01{n:02d}", name=f"住房公积金提取（情形{n}）")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/catalog/items", {"limit": 3})
    with CaptureQueriesContext(connection) as many:
        client.get("/api/catalog/items", {"limit": 13})
    assert len(many.captured_queries) == len(few.captured_queries) <= 3


def test_categories_count_current_items(client, org):
    make_items()
    counts = {c["code"]: c["items"] for c in client.get("/api/catalog/categories").json()}
    assert counts["housing_fund"] == 2 and counts["vehicle_driver"] == 1 and counts["tax"] == 0


@pytest.mark.parametrize("cache_backend", ["memory", "redis"])
def test_a_revised_item_shows_in_search_at_once(client, org, django_capture_on_commit_callbacks, cache_backend,
                                                request):
    from tongban.catalog.services import ItemSpec, MaterialSpec, item_revise

    if cache_backend == "redis":
        request.getfixturevalue("redis_cache")
    make_items()
    assert client.get("/api/catalog/items", {"q": "驾驶证"}).json()["items"][0]["name"] == "机动车驾驶证补领"
    with CaptureQueriesContext(connection) as again:
        assert client.get("/api/catalog/items", {"q": "驾驶证"}).json()["items"][0]["name"] == "机动车驾驶证补领"
    assert not again.captured_queries  # served from the cache
    with django_capture_on_commit_callbacks(execute=True):
        item_revise(code="CJ-0001", spec=ItemSpec(
            name="机动车驾驶证补领（遗失）", category="vehicle_driver", department="housing_fund",
            legal_limit_days=20, promised_limit_days=1, materials=[MaterialSpec(name="居民身份证")]))
    assert client.get("/api/catalog/items", {"q": "驾驶证"}).json()["items"][0]["name"] == "机动车驾驶证补领（遗失）"
