import pytest
import time_machine

from tests.workbench.conftest import housing_item  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _in_a_covered_year():
    with time_machine.travel("2023-06-05 09:30 +0800", tick=True):
        yield
