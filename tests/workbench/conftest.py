import pytest
import time_machine

from tests import factories
from tests.browser_support import browser, new_page  # noqa: F401  (fixtures)
from tongban.catalog.services import MaterialSpec

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _in_a_covered_year():
    """A working Monday of 2023, inside the holiday calendar's data (clock ticking)."""
    with time_machine.travel("2023-06-05 09:30 +0800", tick=True):
        yield


@pytest.fixture
def housing_item(org):
    """公积金提取（购房）: an ID card from shared data, a contract to hand in, an optional
    marriage certificate, and a special procedure."""
    return factories.item(
        "GJJ-7001", name="住房公积金提取（购房）", legal=20, promised=5, special_steps=["现场勘验"],
        materials=[
            MaterialSpec(name="居民身份证", shared_source="population", data_item="identity"),
            MaterialSpec(name="购房合同"),
            MaterialSpec(name="婚姻状况证明", required=False),
        ],
    )
