"""Schemathesis over the whole OpenAPI schema: generated requests (valid and invalid) to every
operation, signed in as a clerk; no response may be a 5xx or break the documented schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests import factories
from tongban.org.services import token_create
from tongban.wsgi import application  # noqa: E402  (pytest-django has configured Django)

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly fires request_started/finished, whose connection clean-up
    would close the test transaction's connection (Django's test client disconnects them too)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def clerk_token(fd_clerk):
    factories.item("GJJ-0001", name="住房公积金提取（退休）")
    return token_create(user=fd_clerk, name="schemathesis")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_the_schema(case, clerk_token):
    response = case.call(headers={"Authorization": f"Bearer {clerk_token}"})
    assert response.status_code < 500, f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
    if response.status_code < 300:
        case.validate_response(response, checks=[schemathesis.checks.response_schema_conformance])
