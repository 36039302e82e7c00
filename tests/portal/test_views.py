"""Portal pages through Django's test client: search, guide, online application, tracking,
rating, and the page-view counter that keeps no personal data."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.workbench.conftest import PDF
from tongban.cases.applicants import ApplicantInput
from tongban.cases.models import Case, Rating, S
from tongban.cases.services import (
    MaterialInput,
    UploadInput,
    case_accept,
    case_approve,
    case_conclude,
    case_start_review,
    case_submit,
)
from tongban.portal.models import PageView
from tongban.portal.services import page_view_record


def apply_data(**overrides):
    data = {"kind": "person", "name": "刘芳", "id_number": factories.id_number(), "phone": "13912345678",
            "m1_status": "exempted", "m2_status": "received", "m3_status": "missing", "center": "fengdong",
            "delivery_method": "electronic", "consent": "on",
            "m2_file": SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf")}
    data.update(overrides)
    return data


def concluded_case(clerk, approver, id_number):
    case = case_submit(actor=clerk, item_code="GJJ-7001", applicant=ApplicantInput(
        kind="person", name="王小明", id_number=id_number, phone="13800138000"), materials=[
        MaterialInput(name="居民身份证", status="exempted", source="population", exemption_reason="共享"),
        MaterialInput(name="购房合同", file=UploadInput(name="c.pdf", data=PDF, content_type="application/pdf"))])
    for act in (case_accept, case_start_review, case_approve, case_conclude):
        act(actor=clerk if act is case_accept else approver, number=case.number)
    return case


def test_home_search_finds_an_item_by_pinyin_initials(client, housing_item):
    response = client.get("/", {"q": "zfgjjtq"})
    assert [v.item.code for v in response.context["results"]] == ["GJJ-7001"]
    assert "/items/GJJ-7001/" in response.content.decode()


def test_the_guide_lists_materials_limits_and_where_to_apply(client, housing_item):
    html = client.get("/items/GJJ-7001/").content.decode()
    for text in ("购房合同", "婚姻状况证明", "沣东新城政务服务中心", "/items/GJJ-7001/apply/"):
        assert text in html
    assert client.get("/items/NOPE-1/").status_code == 404


def test_the_cached_guide_shows_a_revised_item_at_once(client, housing_item, redis_cache,
                                                      django_capture_on_commit_callbacks):
    from tongban.catalog.services import ItemSpec, MaterialSpec, item_revise

    assert "不动产权证书" not in client.get("/items/GJJ-7001/").content.decode()
    with CaptureQueriesContext(connection) as cached:
        assert client.get("/items/GJJ-7001/").status_code == 200
    assert not [q for q in cached.captured_queries if "catalog_" in q["sql"] or "org_" in q["sql"]]
    spec = ItemSpec(name=housing_item.name, category=housing_item.category, department="housing_fund",
                    promised_limit_days=5, channels=("window", "online"), cross_region=True,
                    materials=[MaterialSpec(name="居民身份证"), MaterialSpec(name="不动产权证书")])
    with django_capture_on_commit_callbacks(execute=True):
        item_revise(code="GJJ-7001", spec=spec)
    assert "不动产权证书" in client.get("/items/GJJ-7001/").content.decode()
    assert client.get("/items/NOPE-1/").status_code == 404  # an unknown code stays unknown, cached or not
    assert client.get("/items/NOPE-1/").status_code == 404


def test_an_item_not_offered_online_cannot_be_applied_for(client, org):
    factories.item("GJJ-7002", name="住房公积金提取（离休）", channels=("window",))
    response = client.get("/items/GJJ-7002/apply/")
    assert response.status_code == 409
    assert "/items/GJJ-7002/apply/" not in client.get("/items/GJJ-7002/").content.decode()


def test_an_application_with_mistakes_keeps_what_was_typed(client, housing_item):
    response = client.post("/items/GJJ-7001/apply/", apply_data(id_number="610402198506120000", phone="",
                                                                consent="", m2_file=""))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"id_number", "phone", "consent", "m2_file"}
    html = response.content.decode()
    assert 'value="刘芳"' in html and 'value="610402198506120000"' in html
    assert Case.objects.count() == 0


def test_an_online_application_files_a_case_at_the_chosen_center(client, housing_item):
    response = client.post("/items/GJJ-7001/apply/", apply_data())
    assert response.status_code == 302 and response["Location"] == "/applied/"
    case = Case.objects.get()
    assert (case.channel, case.center.code, case.state) == ("online", "fengdong", S.SUBMITTED)
    assert case.number in client.get("/applied/").content.decode()


def test_tracking_with_a_wrong_id_number_reveals_nothing(client, fd_clerk, fd_approver, housing_item):
    case = concluded_case(fd_clerk, fd_approver, factories.id_number())
    wrong_id = client.post("/track/", {"number": case.number, "id_number": factories.id_number()})
    wrong_number = client.post("/track/", {"number": case.number[:-1] + "9", "id_number": "x" * 18})
    assert wrong_id.status_code == wrong_number.status_code == 400
    assert wrong_id.context["form"].non_field_errors() == wrong_number.context["form"].non_field_errors()
    assert "住房公积金提取" not in wrong_id.content.decode()


def test_the_applicant_tracks_sees_the_timeline_and_rates_once(client, fd_clerk, fd_approver, housing_item):
    id_number = factories.id_number()
    case = concluded_case(fd_clerk, fd_approver, id_number)
    page = client.post("/track/", {"number": case.number, "id_number": id_number})
    assert [row["action"] for row in page.context["timeline"]] == [
        "submit", "accept", "start_review", "approve", "conclude"]
    assert page.context["rating_form"] is not None
    rated = client.post("/track/rate/", {"number": case.number, "id_number": id_number, "score": "4",
                                         "text": "不错"})
    assert rated.context["thanks"] and Rating.objects.get(case=case).score == 4
    again = client.post("/track/rate/", {"number": case.number, "id_number": id_number, "score": "1"})
    assert again.status_code == 409
    assert Rating.objects.get(case=case).score == 4


def test_a_rating_without_a_score_is_explained_at_the_score(client, fd_clerk, fd_approver, housing_item):
    id_number = factories.id_number()
    case = concluded_case(fd_clerk, fd_approver, id_number)
    response = client.post("/track/rate/", {"number": case.number, "id_number": id_number, "text": "好"})
    assert response.status_code == 400
    assert "score" in response.context["rating_form"].errors
    assert 'id="id_score_error"' in response.content.decode()


def test_page_views_are_counted_per_day_path_and_kind_without_personal_data(client, housing_item):
    client.get("/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Mozilla/5.0 test")
    client.get("/")
    client.get("/items/GJJ-7001/")
    client.get("/", {"q": "gjj"})
    rows = {(v.path, v.kind): v.count for v in PageView.objects.all()}
    assert rows == {("/", "home"): 2, ("/items/GJJ-7001/", "guide"): 1, ("/", "search"): 1}
    columns = {c.name for c in connection.introspection.get_table_description(connection.cursor(), "portal_pageview")}
    assert columns == {"id", "day", "path", "kind", "count"}
    stored = " ".join(str(v) for row in PageView.objects.values_list() for v in row)
    assert "203.0.113.7" not in stored and "Mozilla" not in stored and "gjj" not in stored


def test_the_counter_drops_query_strings(db):
    page_view_record(path="/track/?number=611100-20230605-000001", kind="track")
    assert PageView.objects.get().path == "/track/"


def test_with_redis_views_wait_there_and_each_flush_moves_them_once(client, housing_item, redis_cache):
    from tongban.portal.services import page_views_flush

    client.get("/")
    client.get("/items/GJJ-7001/")
    client.get("/items/GJJ-7001/", {"x": "1"})
    assert not PageView.objects.exists()  # a portal page writes nothing to the database
    assert page_views_flush() == 3
    assert {(v.path, v.kind): v.count for v in PageView.objects.all()} == {
        ("/", "home"): 1, ("/items/GJJ-7001/", "guide"): 2}
    assert page_views_flush() == 0
    client.get("/")
    assert page_views_flush() == 1
    assert PageView.objects.get(path="/", kind="home").count == 2


def test_views_of_a_flush_that_died_before_its_commit_are_moved_by_the_next(client, housing_item, redis_cache,
                                                                            monkeypatch):
    from tongban.portal import services

    client.get("/")
    client.get("/")
    real_add = services._page_views_add

    def dies(*args):
        raise RuntimeError("the worker was killed")

    monkeypatch.setattr(services, "_page_views_add", dies)
    with pytest.raises(RuntimeError):
        services.page_views_flush()
    client.get("/")  # counted while the dead batch waits
    monkeypatch.setattr(services, "_page_views_add", real_add)
    assert services.page_views_flush() == 3
    assert PageView.objects.get(path="/", kind="home").count == 3
