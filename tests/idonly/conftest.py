"""A real reference data service on a free loopback port, the platform's providers pointed at
it, and the two demo items of the ID-only journeys (from the demo catalog)."""

from functools import cache
from pathlib import Path

import pytest
import time_machine
import yaml

from tests.browser_support import browser, new_page  # noqa: F401  (fixtures of the browser journey)
from tongban.catalog.demo import spec_from_row
from tongban.catalog.services import department_ensure, item_create
from tongban.idonly.providers import registry
from tongban.idonly.refdata.app import RefDataApp
from tongban.idonly.refdata.server import start_in_thread, url_of

TOKEN = "test-refdata-token"
RETIRED = ("610402196305120317", "张建国")  # has housing-fund and social-security records
DRIVER = ("610104197809230422", "李秀兰")  # has a driver's license
POPULATION_ONLY = ("610422198511070626", "陈芳")  # known to the population register only
HOUSING_FUND_ITEM = "GJJ-0001"  # 住房公积金提取（退休）
LICENSE_RENEWAL_ITEM = "CJ-0001"  # 机动车驾驶证有效期满换证
ITEMS_YAML = Path(__file__).resolve().parents[2] / "src/tongban/catalog/demo_data/items.yaml"


@pytest.fixture(scope="session")
def refdata_server():
    app = RefDataApp(token=TOKEN, faults={})
    server = start_in_thread(app)
    yield app, url_of(server)
    server.shutdown()
    server.server_close()


@pytest.fixture
def refdata(refdata_server, settings):
    """The service's app (set `.faults`), with every provider of the platform pointed at it."""
    app, url = refdata_server
    app.faults.clear()
    app.calls.clear()
    settings.TONGBAN_IDONLY_PROVIDERS = {
        source: {"url": url, "token": TOKEN, "timeout": 1.0, "retries": 1}
        for source in ("population", "social_security", "housing_fund", "vehicle")
    }
    registry.reset()
    yield app
    app.faults.clear()
    registry.reset()


@pytest.fixture(autouse=True)
def _in_2023():
    with time_machine.travel("2023-06-05 09:30 +0800", tick=True):
        yield


@cache
def _demo_catalog() -> dict:
    return yaml.load(ITEMS_YAML.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def demo_item(code: str):
    data = _demo_catalog()
    row = next(r for r in data["items"] if r["code"] == code)
    department_ensure(code=row["department"], name=data["departments"][row["department"]])
    return item_create(code=code, spec=spec_from_row(row))


@pytest.fixture
def items(org):
    return {code: demo_item(code) for code in (HOUSING_FUND_ITEM, LICENSE_RENEWAL_ITEM)}
