"""Production-mode plumbing an operator relies on: metrics, health check, JSON logs, and
reports reading from the replica while case handling reads the primary."""

import io
import json
import logging

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from prometheus_client import REGISTRY
from pythonjsonlogger.json import JsonFormatter

from tests import factories
from tongban.core.dbrouter import reporting_reads
from tongban.org.models import Center, Region
from tongban.security.logmask import MaskPersonalData


@pytest.mark.django_db
def test_the_scraper_reads_prometheus_metrics_and_a_visitor_is_refused():
    scraper = Client(REMOTE_ADDR="127.0.0.1")
    scraper.get("/healthz")
    metrics = scraper.get("/metrics")
    assert metrics.status_code == 200
    body = metrics.content.decode()
    assert "django_http_requests_total_by_method_total" in body
    assert 'view="healthz"' in body
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 403


def _sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.django_db(databases=["default", "replica"])
def test_each_request_is_counted_by_status_and_view_and_timed_even_when_a_middleware_refuses_it():
    before = {
        "get": _sample("django_http_requests_total_by_method_total", method="GET"),
        "ok": _sample("django_http_responses_total_by_status_view_method_total",
                      status="200", view="healthz", method="GET"),
        "refused": _sample("django_http_responses_total_by_status_total", status="400"),
        "timed": _sample("django_http_requests_latency_seconds_by_view_method_count", view="healthz", method="GET"),
    }
    client = Client()
    client.get("/healthz")
    client.get("/healthz")
    assert client.get("/healthz", {"q": "a\x00b"}).status_code == 400  # RejectNulMiddleware answers
    assert _sample("django_http_requests_total_by_method_total", method="GET") == before["get"] + 3
    assert _sample("django_http_responses_total_by_status_view_method_total",
                   status="200", view="healthz", method="GET") == before["ok"] + 2
    assert _sample("django_http_responses_total_by_status_total", status="400") == before["refused"] + 1
    assert _sample("django_http_requests_latency_seconds_by_view_method_count",
                   view="healthz", method="GET") == before["timed"] + 2


@pytest.mark.django_db(databases=["default", "replica"])
def test_the_health_check_names_every_database():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "databases": {alias: "ok" for alias in settings.DATABASES}}


def test_json_logs_are_one_object_per_line_with_personal_data_masked():
    spec = settings.LOGGING["formatters"]["json"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(spec["fmt"], rename_fields=spec["rename_fields"]))
    handler.addFilter(MaskPersonalData())
    logger = logging.getLogger("tongban.test.json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("lookup for %s failed", "610402196305120317")
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["level"] == "WARNING" and line["logger"] == "tongban.test.json"
    assert "610402196305120317" not in line["message"]
    assert line["message"].startswith("lookup for 6104")


@pytest.mark.django_db(databases=["default", "replica"])
def test_reports_read_the_replica_and_case_handling_reads_the_primary(settings, seeded_calendar):
    factories.center("fengdong", "沣东新城政务服务中心")
    region = Region.objects.using("replica").create(code="611100", name="西咸新区")
    Center.objects.using("replica").create(region=region, code="only-on-replica", name="副本中心")
    settings.TONGBAN_REPORTING_DATABASE = "replica"
    assert list(Center.objects.values_list("code", flat=True)) == ["fengdong"]
    with reporting_reads():
        assert list(Center.objects.values_list("code", flat=True)) == ["only-on-replica"]
        Center.objects.create(region=Region.objects.using("default").get(), code="written-in-a-report", name="写入")
    assert Center.objects.filter(code="written-in-a-report").exists()  # writes went to the primary
    assert not Center.objects.using("replica").filter(code="written-in-a-report").exists()


@pytest.mark.django_db(databases=["default", "replica"])
def test_the_period_report_command_reads_the_replica(settings, seeded_calendar, tmp_path, capsys):
    settings.TONGBAN_REPORTING_DATABASE = "replica"
    with CaptureQueriesContext(connections["replica"]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_primary:
        call_command("report", "period", "--year", "2023", "--month", "5", "--out", str(tmp_path / "p"))
    assert (tmp_path / "p.xlsx").stat().st_size > 0
    assert any("cases_case" in q["sql"] for q in on_replica.captured_queries)
    assert not any("cases_case" in q["sql"] for q in on_primary.captured_queries)


def test_a_gunicorn_worker_freezes_what_it_loaded_so_full_collections_stay_short():
    import gc

    from tongban import gunicorn_conf

    try:
        gunicorn_conf.post_worker_init(worker=None)
        frozen = gc.get_freeze_count()
        assert frozen > 50_000  # Django, every app's views and the API: all out of the collector's way
        assert len(gc.get_objects(generation=2)) < frozen / 10
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_the_access_log_line_carries_the_request_and_masks_personal_data(log_format, monkeypatch, tmp_path):
    import datetime
    import importlib
    from types import SimpleNamespace

    from gunicorn.config import Config

    from tongban import gunicorn_conf

    monkeypatch.setenv("TONGBAN_LOG_FORMAT", log_format)
    conf = importlib.reload(gunicorn_conf)
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("logger_class", conf.logger_class)
    if log_format == "json":
        config.set("access_log_format", conf.access_log_format)
    logger = config.logger_class(config)
    environ = {"REMOTE_ADDR": "10.1.2.3", "REQUEST_METHOD": "GET", "PATH_INFO": "/workbench/cases/",
               "QUERY_STRING": "q=610102199001011234", "RAW_URI": "/workbench/cases/?q=610102199001011234",
               "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_USER_AGENT": "Mozilla/5.0", "HTTP_REFERER": "-",
               "HTTP_COOKIE": "sessionid=secret"}
    response = SimpleNamespace(status="200 OK", sent=5120, headers=[("Set-Cookie", "csrftoken=t")])
    request = SimpleNamespace(headers=[("COOKIE", "sessionid=secret")])
    logger.access(response, request, environ, datetime.timedelta(milliseconds=37))

    line = (tmp_path / "access.log").read_text().strip()
    assert "199001011234" not in line and "secret" not in line
    if log_format == "json":
        entry = json.loads(line)
        assert entry["remote"] == "10.1.2.3" and entry["method"] == "GET" and entry["path"] == "/workbench/cases/"
        assert entry["status"] == 200 and entry["bytes"] == "5120" and entry["duration_ms"] == 37
        assert entry["agent"] == "Mozilla/5.0"
    else:
        assert line.startswith("10.1.2.3 - - [")
        assert '"GET /workbench/cases/?q=6101**********1234 HTTP/1.1" 200 5120 "-" "Mozilla/5.0"' in line
    monkeypatch.delenv("TONGBAN_LOG_FORMAT")
    importlib.reload(gunicorn_conf)
