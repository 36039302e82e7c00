"""The providers on their own: the reference data service over HTTP, the license library adapter."""

import time

import httpx
import pytest

from tests.idonly.conftest import DRIVER, RETIRED, TOKEN
from tests.signing.conftest import market, market_seal, platform_ca  # noqa: F401
from tongban.idonly.fetch import Target, fetch_all
from tongban.idonly.providers.base import FetchRequest, ProviderError
from tongban.idonly.providers.http import HttpProvider
from tongban.idonly.providers.licenses import LicenseLibraryProvider


def request(id_number=RETIRED[0], data_item="account"):
    return FetchRequest(id_number=id_number, data_item=data_item, purpose="测试", consent_ref="1")


def test_the_reference_service_wants_its_token(refdata_server):
    _app, url = refdata_server
    response = httpx.post(f"{url}/v1/housing_fund/account", json={"id_number": RETIRED[0]}, trust_env=False,
                          headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    with pytest.raises(ProviderError) as refused:
        HttpProvider("housing_fund", url=url, token="wrong", retries=0).fetch(request())
    assert refused.value.reason == "unavailable" and "401" in refused.value.detail


def test_the_reference_service_answers_with_the_persons_record(refdata):
    provider = HttpProvider("housing_fund", url=_url(refdata), token=TOKEN)
    document, attempts = provider.fetch(request())
    assert attempts == 1
    assert document["name"] == "张建国" and document["record"]["account_number"] == "6104020012345"


def _url(refdata):
    from django.conf import settings

    return settings.TONGBAN_IDONLY_PROVIDERS["housing_fund"]["url"]


def test_the_fetch_takes_as_long_as_the_slowest_provider_not_the_sum(refdata):
    from tongban.idonly.providers.registry import providers

    targets = [Target("身份证", True, "population", "identity"), Target("社保", True, "social_security", "insurance_record"),
               Target("公积金", True, "housing_fund", "account"), Target("驾驶证", True, "vehicle", "driver_license")]
    fetch = dict(providers=providers(), id_number=DRIVER[0], name=DRIVER[1], purpose="测试", consent_ref="1")
    fetch_all(targets, **fetch)  # warm: clients and worker threads exist in a running server
    for source in ("population", "social_security", "housing_fund", "vehicle"):
        refdata.faults[source] = {"delay_ms": 150}
    started = time.monotonic()
    outcomes = fetch_all(targets, **fetch)
    elapsed = time.monotonic() - started
    assert [o.status for o in outcomes] == ["fetched"] * 4
    assert elapsed < 0.45  # four 150 ms answers one after the other would take 600 ms


def test_an_unmapped_source_is_reported_not_raised(refdata):
    [outcome] = fetch_all([Target("证明", True, "tax", "certificate")], providers={}, id_number=RETIRED[0],
                          name=RETIRED[1], purpose="测试", consent_ref="1")
    assert (outcome.status, outcome.reason) == ("failed", "not_configured")


def test_the_license_library_is_a_provider(db, market_seal, market):  # noqa: F811
    from tongban.licenses.services import license_issue, license_type_ensure

    cert = license_type_ensure(code="BDCQZ", name="不动产权证书", category="certificate", holder_kind="person",
                               data_fields=[{"key": "location", "label": "坐落"}])
    license_issue(license_type=cert, holder_name=RETIRED[1], holder_id_number=RETIRED[0],
                  data={"location": "咸阳市秦都区人民中路12号3单元401室"}, issuer_department=market)
    [outcome] = fetch_all([Target("不动产权证书", True, "license", "property_certificate")],
                          providers={"license": LicenseLibraryProvider()}, id_number=RETIRED[0], name=RETIRED[1],
                          purpose="测试", consent_ref="1")
    assert outcome.status == "fetched"
    assert outcome.document["record"]["data"]["location"] == "咸阳市秦都区人民中路12号3单元401室"
    assert outcome.document["record"]["identifier"]

    with pytest.raises(ProviderError) as none:
        LicenseLibraryProvider().fetch(request(DRIVER[0], "property_certificate"))
    assert none.value.reason == "not_found"


def test_a_failing_license_library_is_an_ordinary_provider_failure(db, monkeypatch):
    from tongban.licenses import selectors

    def broken(**kwargs):
        raise RuntimeError("license library is being migrated")

    monkeypatch.setattr(selectors, "licenses_for_holder", broken)
    [outcome] = fetch_all([Target("不动产权证书", True, "license", "property_certificate")],
                          providers={"license": LicenseLibraryProvider()}, id_number=RETIRED[0], name=RETIRED[1],
                          purpose="测试", consent_ref="1")
    assert (outcome.status, outcome.reason) == ("failed", "unavailable")
